"""Grade progression through the engine and the backtest, against hand-computed figures; no data leaks."""

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from placeplan.models.bands import conformal
from placeplan.scenarios import load, read_inputs
from placeplan.scenarios.errors import ScenarioError
from placeplan.simulate import simulate
from placeplan.simulate.backtest import accuracy, backtest
from placeplan.simulate.cli import main

from ..conftest import SCENARIO, write_tiny

# 100 pupils in each of 6 grades, 2014-2021, both districts; 200 births a year: entry ratio 0.5, progression 1
HISTORY = "district,grade,year,pupils\n" + "".join(
    f"{d},{g},{y},100\n" for d in (1, 2) for g in range(1, 7) for y in range(2014, 2022)
)


def _births(bump: float = 200) -> str:
    rows = [f"{d},{y},{bump if y == 2016 else 200}\n" for d in (1, 2) for y in range(2005, 2018)]
    return "district,year,births\n" + "".join(rows)


def _by_school(*schools: tuple[str, int, int]) -> str:
    """Records by school, 2014-2021: ``(school, district, pupils in each grade)``."""
    rows = [f"{s},{d},{g},{y},{n}\n" for s, d, n in schools for g in range(1, 7) for y in range(2014, 2022)]
    return "school,district,grade,year,pupils\n" + "".join(rows)


def _scenario(folder, births: str | None = None):
    primary = {**SCENARIO["stages"]["primary"], "progression": {"history": "history.csv", "entry_age": 6}}
    population = {**SCENARIO["population"], "births": "births.csv"}
    changes = {"stages": {**SCENARIO["stages"], "primary": primary}, "population": population}
    return write_tiny(folder, changes, {"history.csv": HISTORY, "births.csv": births or _births()})


def test_enrolment_is_the_record_then_the_forecast(tmp_path):
    result = simulate(_scenario(tmp_path, _births(bump=400)))
    pupils = result["enrolment"].sel(stage="primary", area="1")
    # 2020, 2021 recorded (600); 2022: entrants 0.5 x 400 births of 2016, the rest move up: 200 + 500
    assert pupils.values == pytest.approx([600, 600, 700, 700])
    # the private school P2 has closed by 2022, so all 700 need public places
    assert result["public_demand"].sel(stage="primary", area="1", year=2022) == pytest.approx(700)


def test_backtest_uses_nothing_after_the_origin(tmp_path):
    plain = backtest(read_inputs(load(_scenario(tmp_path / "a"))), [2016], [1, 2])
    later = HISTORY.replace("1,1,2018,100", "1,1,2018,900")  # a shock two years after the origin
    path = _scenario(tmp_path / "b", _births(bump=999))  # and different births of 2016 (entering 2022)
    path.with_name("history.csv").write_text(later)
    shocked = backtest(read_inputs(load(path)), [2016], [1, 2])
    assert shocked["forecast"].tolist() == plain["forecast"].tolist()
    assert shocked["actual"].tolist() != plain["actual"].tolist()
    # seven years ahead of 2013 the entrants were born in 2014, after the origin: no forecast then
    longer = HISTORY + "".join(f"{d},{g},{y},100\n" for d in (1, 2) for g in range(1, 7) for y in (2012, 2013))
    path.with_name("history.csv").write_text(longer)
    assert backtest(read_inputs(load(path)), [2013], [6])["forecast"].notna().all()
    with pytest.raises(ScenarioError, match="no forecast 7 years ahead: its entrants are born after the origin"):
        backtest(read_inputs(load(path)), [2013], [6, 7])
    with pytest.raises(ScenarioError, match="records of primary end in 2021, so from origin 2013 at most 8 years"):
        backtest(read_inputs(load(path)), [2013], [9])


def test_accuracy_by_hand():
    table = pd.DataFrame(
        {
            "stage": "primary",
            "level": "area",
            "area": "1",
            "origin": [2015, 2016, 2017, 2018],
            "horizon": 1,
            "year": [2016, 2017, 2018, 2019],
            "forecast": [110.0, 90.0, 100.0, 150.0],
            "actual": [100.0, 100.0, 100.0, 100.0],
            "shock": [False, False, False, True],  # 2019 was a shock
        }
    )
    table["error"] = table["forecast"] - table["actual"]
    table["percent_error"] = 100 * table["error"] / table["actual"]
    row = accuracy(table).iloc[0]
    assert row["mape"] == pytest.approx(20 / 3) and row["mae"] == pytest.approx(20 / 3) and row["mpe"] == 0
    assert row["mape_with_shocks"] == pytest.approx(70 / 4)
    # three normal errors (fewer than 19): the normal prediction interval 0 +- t(0.95, 2) x 10 x sqrt(1 + 1/3),
    # t(0.95, 2) = 0.9 / sqrt(0.095); widened for the shock (1 year in 4) to cover 90% of the mixture
    # 0.75 x {10, -10, 0} + 0.25 x {50}, whose 95th percentile is 50
    half = 0.9 / np.sqrt(0.095) * 10 * np.sqrt(4 / 3)
    assert (row["band_p5"], row["band_p95"]) == (pytest.approx(-half), pytest.approx(50))
    # leaving one origin out, each band comes from the other two errors: 10 from {-10, 0} is inside
    # -5 +- t(0.95, 1) x sd(-10, 0) x sqrt(1.5) = -5 +- 6.31 x 7.07 x 1.22, and so are -10 and 0
    assert row["coverage"] == 1


def test_backtest_command_writes_tables_and_chart(tmp_path):
    out = tmp_path / "bt"
    result = CliRunner().invoke(
        main,
        ["backtest", str(_scenario(tmp_path / "s")), "--origins", "2015:2019", "--horizons", "1:3", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "accuracy.csv",
        "accuracy.png",
        "accuracy.xlsx",
        "backtest.csv",
        "bands.csv",
    ]
    summary = pd.read_csv(out / "accuracy.csv", dtype={"area": str})
    assert set(summary["area"]) == {"1", "2", "all"}
    assert summary["mape"].max() == pytest.approx(0)  # constant ratios are forecast exactly


def test_backtest_without_records_or_outside_them_is_exit_2(tiny, tmp_path):
    result = CliRunner().invoke(main, ["backtest", str(tiny)])
    assert result.exit_code == 2
    assert result.stderr == "Error: tiny: no stage has progression records to backtest against\n"
    result = CliRunner().invoke(main, ["backtest", str(_scenario(tmp_path / "s")), "--origins", "2010:2012"])
    assert result.exit_code == 2
    assert "--origins: 2010 is outside the records of primary (2014-2021); origins must run from 2015 to 2020" in (
        result.stderr
    )


def test_forecasts_get_bands_from_past_errors(tmp_path):
    exact = simulate(_scenario(tmp_path / "exact"))
    primary = exact.sel(stage="primary", area="1")
    assert np.isnan(primary["enrolment_p5"].sel(year=[2020, 2021])).all()  # recorded years: no band
    assert primary["enrolment_p5"].sel(year=[2022, 2023]).values == pytest.approx([600, 600])  # past errors all 0
    assert primary["gap_p95"].sel(year=2023) == pytest.approx(primary["gap"].sel(year=2023))

    noisy = HISTORY.replace("1,1,2016,100", "1,1,2016,120").replace("1,1,2019,100", "1,1,2019,90")
    path = _scenario(tmp_path / "noisy")
    path.with_name("history.csv").write_text(noisy)
    result = simulate(path).sel(stage="primary", area="1")
    errors = backtest(read_inputs(load(path)), list(range(2015, 2021)), [1])
    # the band of one-year errors pooled over both districts (12, fewer than 19: their range)
    low, high = conformal(errors[errors["level"] == "area"]["percent_error"].to_numpy())
    forecast_2022 = float(result["enrolment"].sel(year=2022))
    assert float(result["enrolment_p5"].sel(year=2022)) == pytest.approx(forecast_2022 * (1 + low / 100))
    assert float(result["enrolment_p95"].sel(year=2022)) == pytest.approx(forecast_2022 * (1 + high / 100))
    assert low < 0 < high


def test_school_records_are_forecast_by_school_and_add_up(tmp_path):
    schools = _by_school(("S1", 1, 30), ("S2", 1, 70), ("S3", 2, 100))
    path = _scenario(tmp_path, _births(bump=400))
    path.with_name("history.csv").write_text(schools)
    pupils = simulate(path)["enrolment"].sel(stage="primary")
    # as with district records: 2022 entrants 0.5 x 400 births (shared 30:70 by the schools of district 1)
    assert pupils.sel(area="1").values == pytest.approx([600, 600, 700, 700])
    assert pupils.sel(area="2").values == pytest.approx([600, 600, 700, 700])  # one school: its own ratios


def _school_run(folder, p4_closes: str = ""):
    """Records of P1 and P4 (district 1, 30 and 70 a grade) and P3 (district 2), 400 births in 2016, run."""
    path = _scenario(folder, _births(bump=400))
    path.with_name("history.csv").write_text(_by_school(("P1", 1, 30), ("P4", 1, 70), ("P3", 2, 100)))
    path.with_name("schools.csv").write_text(
        "id,name,district,stage,sector,classes,closes\nP1,One,1,primary,public,10,\n"
        f"P4,Four,1,primary,public,10,{p4_closes}\nP3,Three,2,primary,public,10,\nS1,High,2,senior,public,4,\n"
    )
    return simulate(path)


def test_school_records_give_the_pupils_of_their_schools(tmp_path):
    result = _school_run(tmp_path)
    # every pupil public: each school's own forecast, which add up to the district's (30 + 70 a grade, then
    # 2022 entrants 0.5 x 400 births shared 30:70)
    pupils = result["school_pupils"].sel(school=["P1", "P4"]).values
    assert pupils[0] == pytest.approx([180, 180, 210, 210])
    assert pupils[1] == pytest.approx([420, 420, 490, 490])


def test_backtest_reports_schools_too(tmp_path):
    schools = "school,district,grade,year,pupils\n" + "".join(
        f"{s},{d},{g},{y},{n + (5 if s == 'S1' and y % 2 else 0)}\n"
        for s, d, n in (("S1", 1, 30), ("S2", 1, 70), ("S3", 2, 100))
        for g in range(1, 7)
        for y in range(2014, 2022)
    )
    path = _scenario(tmp_path)
    path.with_name("history.csv").write_text(schools)
    table = backtest(read_inputs(load(path)), [2016, 2017], [1, 2])
    assert set(table["level"]) == {"area", "school", "all"}
    s1 = table[(table["level"] == "school") & (table["area"] == "S1")]
    assert (s1["percent_error"].abs() > 0).any()  # S1's records zig-zag: its forecasts miss
    summary = accuracy(table)
    assert set(summary[summary["level"] == "school"]["area"]) == {"S1", "S2", "S3"}


def test_housing_developments_add_pupils_to_a_grade_progression_forecast(tmp_path):
    path = _scenario(tmp_path)
    keys = yaml.safe_load(path.read_text())
    keys["housing"] = {
        "age_profile": "profile.csv",
        "developments": {
            "estate": {
                "district": "1",
                "dwellings": 50,
                "persons_per_dwelling": 2,
                "completion_year": 2022,
                "occupancy_years": 1,
            }
        },
    }
    path.write_text(yaml.safe_dump(keys))
    path.with_name("profile.csv").write_text("age,share\n8,1\n")
    pupils = simulate(path)["enrolment"].sel(stage="primary", area="1")
    # 100 residents aged 8 arrive in 2022: primary pupils on top of the records' forecast (600)
    assert pupils.values == pytest.approx([600, 600, 700, 700])


@pytest.mark.xdist_group("numba")
def test_ensembles_replay_past_errors_of_grade_progression(tmp_path):
    noisy = HISTORY.replace("1,1,2016,100", "1,1,2016,120").replace("1,1,2019,100", "1,1,2019,90")
    path = _scenario(tmp_path)
    path.with_name("history.csv").write_text(noisy)
    result = simulate(path, draws=40, seed=3).sel(stage="primary", area="1")
    recorded, ahead = result.sel(year=[2020, 2021]), result.sel(year=[2022, 2023])
    assert (recorded["enrolment_p95"] == recorded["enrolment_p5"]).all()  # the record is certain
    assert (ahead["enrolment_p95"] > ahead["enrolment_p5"]).all()  # past errors widen the forecast
    errors = backtest(read_inputs(load(path)), list(range(2015, 2021)), [1])
    one_ahead = errors[(errors["level"] == "area") & (errors["area"] == "1")]["percent_error"]
    # every draw's 2022 forecast is the point forecast times one past one-year-ahead error
    point = float(simulate(path).sel(stage="primary", area="1", year=2022)["enrolment"])
    low, high = point * (1 + one_ahead.min() / 100), point * (1 + one_ahead.max() / 100)
    assert (
        low - 1e-6
        <= float(ahead["enrolment_p5"].sel(year=2022))
        <= float(ahead["enrolment_p95"].sel(year=2022))
        <= high + 1e-6
    )


@pytest.mark.parametrize(
    ("history", "message"),
    [
        (
            HISTORY.replace("1,6,2014,100", "1,7,2014,100"),
            "history.csv row 42 (district 1): grade 7 is outside 1..6, the grades of stage primary",
        ),
        (
            HISTORY.replace("1,3,2017,100\n", ""),
            "history.csv: no pupils for district 1, grade 3, year 2017; every district, grade and year from 2014 to "
            "2021 is needed",
        ),
        (
            "school,district,grade,year,pupils\nA,1,1,2020,5\nA,2,1,2021,5\n",
            "history.csv row 3 (district 2): school A is in two districts; give it one",
        ),
    ],
)
def test_bad_records_are_exit_2_with_one_message(tmp_path, monkeypatch, history, message):
    path = _scenario(tmp_path)
    path.with_name("history.csv").write_text(history)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"


def test_missing_births_are_caught_by_validate(tmp_path, monkeypatch):
    births = "district,year,births\n" + "".join(f"{d},{y},200\n" for d in (1, 2) for y in range(2005, 2016))
    path = _scenario(tmp_path, births)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: population.births: no births for district 1 in 2016, needed for the entrants of 2022 (entry age 6); "
        "births of 2016-2017 are needed\n"
    )


def test_a_blank_forecast_is_an_error_saying_why(tmp_path):
    # S2 opened in 2021: one year of records gives it no progression ratio, and shrinkage 0 takes none from the
    # district, so its forecast (and, summed bottom-up, its district's) would be blank
    schools = _by_school(("S1", 1, 100), ("S3", 2, 100)) + "".join(f"S2,1,{g},2021,50\n" for g in range(1, 7))
    path = _scenario(tmp_path)
    path.with_name("history.csv").write_text(schools)
    keys = yaml.safe_load(path.read_text())
    keys["stages"]["primary"]["progression"].update(estimator="mean", shrinkage=0, reconcile="bottom_up")
    path.write_text(yaml.safe_dump(keys))
    result = CliRunner().invoke(main, ["run", str(path), "--no-maps", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == (
        "Error: stages.primary.progression: school S2 (district 1) has no ratio of its own to forecast 2022 with, "
        "and shrinkage 0 takes none from its district; give shrinkage above 0"
    )
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_school_that_closes_gets_no_pupils_and_hands_its_forecast_on(tmp_path):
    pupils = _school_run(tmp_path, p4_closes="2023")["school_pupils"].sel(school=["P1", "P4"])
    assert np.isnan(float(pupils.sel(school="P4", year=2023)))  # closed: not open, no pupils
    # P1 takes the whole district's forecast (700) when P4 has closed
    assert float(pupils.sel(school="P1", year=2023)) == pytest.approx(700)
    assert pupils.sel(school="P1", year=2022).values == pytest.approx(210)


def test_forecasts_further_ahead_than_a_backtest_can_check_keep_its_longest_band(tmp_path):
    births = "district,year,births\n" + "".join(f"{d},{y},200\n" for d in (1, 2) for y in range(2005, 2020))
    path = _scenario(tmp_path, births)
    path.with_name("history.csv").write_text(
        HISTORY.replace("1,1,2016,100", "1,1,2016,120").replace("1,1,2019,100", "1,1,2019,90")
    )
    keys = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump({**keys, "end_year": 2030}))
    primary = simulate(path).sel(stage="primary", area="1")
    # 9 years ahead of the last record (2021); origins can check 6 (the entry age): 2028-2030 keep the 6-year band
    band = (primary["enrolment_p95"] / primary["enrolment"]).sel(year=[2027, 2028, 2029, 2030]).values
    assert np.isfinite(band).all() and band == pytest.approx([band[0]] * 4)
