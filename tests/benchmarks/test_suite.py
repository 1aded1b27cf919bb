"""The performance suite runs at a small size on every CI run, so it cannot rot (no timings are asserted)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from placeplan.benchmarks import plan, scale

ROOT = Path(__file__).parents[2]


@pytest.mark.xdist_group("numba")  # its kernels are the ensemble tests' (compiled once, in one worker)
def test_scale_prints_one_json_line_and_the_naive_reference_agrees(capsys):
    scale.main(["--districts", "5", "--years", "3", "--draws", "3", "--naive"])  # as python -m benchmarks.scale
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    for key in (
        "districts",
        "years",
        "draws",
        "seconds",
        "cell_updates_per_s",
        "copy_cells_per_s",
        "ratio_to_copy",
        "peak_rss_mb",
    ):
        assert line[key] > 0, key
    assert line["ratio_to_copy"] == line["cell_updates_per_s"] / line["copy_cells_per_s"]
    assert line["naive_agrees"] is True
    assert line["chunks"] >= 1


def test_scale_times_a_plain_run_with_its_housing_estates(capsys):
    scale.main(["--districts", "20", "--years", "3", "--what", "plain"])
    line = json.loads(capsys.readouterr().out)
    assert line["estates"] == 2  # one district in ten has an estate
    assert line["seconds"] > 0 and line["peak_rss_mb"] > 0


def test_commands_prints_a_line_per_command_timed():
    command = [sys.executable, "-m", "benchmarks.commands", "--repeat", "1", "--only", "help,validate_bad_file"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    lines = [json.loads(line) for line in done.stdout.strip().splitlines()]
    assert [line["command"] for line in lines] == ["help", "validate_bad_file"]
    assert all(line["median_s"] > 0 and line["python_floor_s"] > 0 for line in lines)  # no timing compared: CI is busy


def test_plan_benchmark_solves_a_small_instance_no_worse_than_greedy(capsys):
    plan.main(["synthetic", "--areas", "4", "--years", "6"])
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["optimal"] and line["milp_not_above_greedy"] and line["groups"] == 4
