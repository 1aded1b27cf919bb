"""Loading scenario files: merge order, paths relative to each file, and errors that say where."""

import datetime
from pathlib import Path

import pytest
import yaml

from placeplan.scenarios import ScenarioError, load, safe_yaml
from placeplan.scenarios.loading import shown

from ..conftest import write_tiny


def _write(path: Path, keys: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(keys, allow_unicode=True), encoding="utf-8")
    return path


def _share(loaded, stage="primary"):
    return loaded.scenario.stages[stage].public_share.default


def test_merge_order_extends_then_options_then_own_keys(tiny):
    base = yaml.safe_load(tiny.read_text())
    base["overrides"] = {
        "higher": {"stages": {"primary": {"public_share": 0.7}}, "end_year": 2025},
        "longer": {"end_year": 2030},
    }
    _write(tiny, base)
    child = _write(tiny.parent / "child.yaml", {"extends": "scenario.yaml", "options": ["higher"]})
    assert _share(load(child)) == ((0, 0.7),)
    assert load(child).scenario.end_year == 2025
    own = _write(
        tiny.parent / "own.yaml",
        {"extends": "scenario.yaml", "options": ["higher"], "stages": {"primary": {"public_share": 0.9}}},
    )
    assert _share(load(own)) == ((0, 0.9),)
    assert load(own).scenario.stages["primary"].class_size.default == ((0, 40.0),)  # merged, not replaced
    assert load(own).scenario.options == ("higher",)


def test_two_options_setting_one_key_is_an_error(tiny):
    base = yaml.safe_load(tiny.read_text())
    base["overrides"] = {"a": {"end_year": 2025}, "b": {"end_year": 2030}}
    _write(tiny, base)
    child = _write(tiny.parent / "child.yaml", {"extends": "scenario.yaml", "options": ["a", "b"]})
    with pytest.raises(ScenarioError) as error:
        load(child)
    assert str(error.value) == (
        f"{shown(child)}: options 'a' and 'b' both set end_year; "
        "combine them in one override or set the key in the file itself"
    )


def test_unknown_option_suggests_the_closest(tiny):
    base = yaml.safe_load(tiny.read_text())
    base["overrides"] = {"low_migration": {"end_year": 2025}}
    _write(tiny, base)
    child = _write(tiny.parent / "child.yaml", {"extends": "scenario.yaml", "options": ["low_migraton"]})
    with pytest.raises(
        ScenarioError,
        match="unknown option 'low_migraton' \\(did you mean 'low_migration'\\?\\); defined: low_migration",
    ):
        load(child)


@pytest.mark.parametrize(
    ("key", "written", "message"),
    [
        ("options", "3000", "options: 3000 is not an option name or a list of them"),
        ("options", "2020-01-01", "options: 2020-01-01 is not an option name or a list of them"),
        ("options", "[higher, 1]", 'options: ["higher", 1] is not an option name or a list of them'),
        ("options", "{higher: 1}", 'options: {"higher": 1} is not an option name or a list of them'),
        ("extends", "2.5", "extends: 2.5 is not a file name or a list of them"),
        ("extends", "[[scenario.yaml]]", 'extends: [["scenario.yaml"]] is not a file name or a list of them'),
    ],
)
def test_extends_and_options_name_files_and_options(tiny, key, written, message):
    """Found by fuzzing: a number, a date or a mapping here used to crash with a traceback."""
    child = tiny.parent / "child.yaml"
    others = {"extends": "extends: scenario.yaml", "options": ""}
    others[key] = f"{key}: {written}"
    child.write_text("\n".join(others.values()) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        load(child)
    assert str(error.value) == f"{shown(child)}: {message}"


def test_null_removes_an_inherited_key(tmp_path):
    tiny = write_tiny(tmp_path, {"actions": {"x": {"action": "close", "school": "P1", "year": 2021}}})
    child = _write(tmp_path / "child.yaml", {"extends": "scenario.yaml", "actions": {"x": None}})
    assert load(child).scenario.actions == {}
    assert "x" in load(tiny).scenario.actions


def test_paths_are_relative_to_the_file_that_names_them(tiny):
    other = _write(tiny.parent.parent / "elsewhere" / "option.yaml", {"extends": "../tiny/scenario.yaml"})
    assert load(other).scenario.schools == str(tiny.parent / "schools.csv")
    moved = _write(other.parent / "own_schools.yaml", {"extends": "../tiny/scenario.yaml", "schools": "mine.csv"})
    assert load(moved).scenario.schools == str(other.parent / "mine.csv")


def test_name_defaults_to_the_file_name_not_the_parent(tiny):
    child = _write(tiny.parent / "option_x.yaml", {"extends": "scenario.yaml"})
    assert load(child).scenario.name == "option_x"


def test_a_misspelled_key_names_the_file_from_which_it_came(tiny):
    child = _write(
        tiny.parent / "child.yaml", {"extends": "scenario.yaml", "stages": {"primary": {"public_shar": 0.5}}}
    )
    with pytest.raises(ScenarioError) as error:
        load(child)
    assert str(error.value).startswith(
        f"{shown(child)}: stages.primary.public_shar: unknown key (did you mean 'public_share'?); allowed: ages, "
    )


def test_extends_cycle_is_named(tmp_path):
    a = _write(tmp_path / "a.yaml", {"extends": "b.yaml"})
    _write(tmp_path / "b.yaml", {"extends": "a.yaml"})
    with pytest.raises(ScenarioError, match="extends itself"):
        load(a)


def test_shipped_scenarios_by_name():
    assert load("taiyuan").scenario.name == "taiyuan"
    assert load("taiyuan/class_size").scenario.name == "class_size"
    with pytest.raises(ScenarioError, match="not a scenario file .* shipped: taiyuan/all_policies, taiyuan/baseline, "):
        load("nowhere")


def test_numbers_in_exponent_form_are_numbers(tiny):
    """``cost_per_place: 1e3`` is a thousand, as in YAML 1.2 (YAML 1.1, which PyYAML reads, would take it as text)."""
    tiny.write_text(tiny.read_text().replace("cost_per_place: 1000", "cost_per_place: 1e3"), encoding="utf-8")
    assert "1e3" in tiny.read_text()
    assert load(tiny).scenario.stages["primary"].cost_per_place.default == ((0, 1000.0),)
    read = safe_yaml.load("a: 1.5E3\nb: -2e-3\nc: 6e\nd: e5\ne: 2020-01-01\n")
    assert read == {"a": 1500.0, "b": -0.002, "c": "6e", "d": "e5", "e": datetime.date(2020, 1, 1)}
