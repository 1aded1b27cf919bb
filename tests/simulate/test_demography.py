"""Official-style demographic inputs by hand: gross migration, fertility by year, survival improvement by age
and sex; and the population-only run."""

import pytest
import yaml
from click.testing import CliRunner

from placeplan.simulate import simulate
from placeplan.simulate.cli import main

from ..conftest import SCENARIO, TOP, write_tiny

IN_MIGRANTS = "district,sex,age,stream,persons\n1,female,7,domestic,10\n1,female,7,international,20\n"
OUT_RATES = "district,sex,age,stream,rate\n1,female,7,domestic,0.1\n1,female,7,international,0.05\n"


def _population(folder, tables: dict[str, str] | None = None, **keys):
    population = {**SCENARIO["population"], **keys}
    return write_tiny(folder, {"population": population}, tables)


def test_gross_migration_one_year_by_hand(tmp_path):
    gross = {"in_migrants": "in.csv", "out_rates": "out.csv", "international_scale": 0.5}
    path = _population(tmp_path, {"in.csv": IN_MIGRANTS, "out.csv": OUT_RATES}, gross_migration=gross)
    people = simulate(path)["population"].sel(year=2021, sex="female", age=7)
    # 100 aged 6 survive to 7 (survival 1); out-rates 0.1 + 0.5 x 0.05 of them leave; 10 + 0.5 x 20 arrive
    assert float(people.sel(district="1")) == pytest.approx(100 * (1 - 0.1 - 0.025) + 10 + 10)
    assert float(people.sel(district="2")) == pytest.approx(100)
    result = simulate(path)
    assert float(result["net_migration"].sel(year=2020, district="1")) == pytest.approx(20 - 12.5)


def test_fertility_rates_by_year_hold_until_the_next_given_year(tmp_path):
    rates = "age,year,rate\n20,2020,1.0\n20,2022,0.5\n"
    path = _population(tmp_path, {"rates.csv": rates}, fertility={"rates": "rates.csv"})
    girls = simulate(path)["population"].sel(district="1", sex="female", age=0)
    # 100 women aged 20 each year; births 100 in 2020 and 2021 (2021 takes 2020's rates), 50 in 2022; half girls
    assert girls.sel(year=[2021, 2022, 2023]).values == pytest.approx([50, 50, 25])


def test_survival_improvement_by_sex_and_age_compounds(tmp_path):
    survival = "sex,age,survival,improvement\n" + "".join(
        f"{s},{a},{0.8 if a == 30 else 1},{0.5 if (s, a) == ('female', 30) else 0}\n"
        for s in ("female", "male")
        for a in range(TOP + 1)
    )
    path = _population(tmp_path, {"survival.csv": survival})
    people = simulate(path)["population"].sel(district="1", age=31)
    # base year: 80 of 100 survive from 30 to 31; a year on, women's deaths at 30 fall by half (0.9), men's not
    assert people.sel(year=2021).values == pytest.approx([80, 80])
    assert people.sel(year=2022).values == pytest.approx([90, 80])
    assert people.sel(year=2023).values == pytest.approx([95, 80])  # and by half again


@pytest.mark.parametrize(
    ("tables", "keys", "message"),
    [
        (
            {"in.csv": IN_MIGRANTS.replace("international,20", "abroad,20")},
            {"gross_migration": {"in_migrants": "in.csv"}},
            "in.csv row 3 (district 1): stream 'abroad' is not one of domestic, international",
        ),
        (
            {"out.csv": OUT_RATES.replace("0.05", "0.95")},
            {"gross_migration": {"out_rates": "out.csv"}},
            "out.csv: out-migration rates of district 1, female, age 7 add up to 1.05 in 2020, scaled; more than "
            "everyone cannot leave",
        ),
        (
            {
                "survival.csv": "sex,age,survival,improvement\n"
                + "".join(f"{s},{a},1,0.01\n" for s in ("female", "male") for a in range(TOP + 1))
            },
            {"survival_improvement": 0.01},
            "scenario.yaml: population.survival_improvement: the survival table has an improvement column; give "
            "one or the other",
        ),
    ],
)
def test_bad_demographic_inputs_are_exit_2(tmp_path, monkeypatch, tables, keys, message):
    path = _population(tmp_path, tables, **keys)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {message}\n"


def test_a_population_only_run_writes_the_population(tmp_path):
    keys = {k: v for k, v in SCENARIO.items() if k not in ("stages", "schools")}
    path = tmp_path / "tiny" / "scenario.yaml"
    write_tiny(tmp_path / "tiny")
    path.write_text(yaml.safe_dump(keys))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(path), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["population.csv", "results.nc", "run.json"]
    # 2 districts x 2 sexes x 51 ages x 100; a year on, the 100 aged 50 stay in the open top group and 100
    # births a district (half girls) come in
    assert result.output.splitlines()[1] == "  population 2020: 20,400   2023: 21,000"
    drawn = CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path / "e"), "--draws", "5", "--quiet"])
    assert drawn.exit_code == 2
    assert drawn.stderr.splitlines()[-1] == (
        "Error: --draws: tiny has no stages; ensembles are run on places, so run it without"
    )
    assert not (tmp_path / "e").exists()
    mapped = CliRunner().invoke(main, ["map", str(out)])
    assert mapped.exit_code == 2
    assert "a population-only Result (its scenario has no stages): no places to map" in mapped.stderr
    schools_missing = {**keys, "stages": SCENARIO["stages"]}
    path.write_text(yaml.safe_dump(schools_missing))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "schools: missing; a scenario with stages needs its schools table" in result.stderr
