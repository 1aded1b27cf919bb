"""Tasks side by side in forked processes: each runs once on the shared object, the first error comes back."""

import gc
import os
import threading
from pathlib import Path

import pytest

from placeplan.scenarios import ScenarioError
from placeplan.simulate.forked import can_fork, each


def _write(shared: dict, name: str, folder: Path) -> None:
    (folder / name).write_text(f"{shared['text']} {os.getpid()}")


def _fail(shared: dict, message: str) -> None:
    raise ScenarioError(message)


def test_every_task_runs_once_on_what_the_processes_inherit(tmp_path):
    each({"text": "inherited"}, [(_write, (f"{i}.txt", tmp_path)) for i in range(5)], workers=2)
    written = [(tmp_path / f"{i}.txt").read_text().split() for i in range(5)]
    assert all(text == "inherited" for text, _ in written)
    if can_fork():  # the work was shared by other processes
        assert {pid for _, pid in written} - {str(os.getpid())}


def test_an_error_in_a_task_is_raised_with_its_message(tmp_path):
    with pytest.raises(ScenarioError, match="^boundaries.geojson: district 9 has no shape$"):
        each(
            {"text": "x"},
            [(_write, ("a.txt", tmp_path)), (_fail, ("boundaries.geojson: district 9 has no shape",))],
            workers=2,
        )


def test_with_another_thread_running_the_tasks_run_here(tmp_path):
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait)
    helper.start()
    try:
        assert not can_fork()
        each({"text": "here"}, [(_write, ("a.txt", tmp_path)), (_write, ("b.txt", tmp_path))], workers=2)
    finally:
        stop.set()
        helper.join()
    assert (tmp_path / "a.txt").read_text() == f"here {os.getpid()}"


def _thresholds(shared: dict) -> tuple[int, ...]:
    return gc.get_threshold()


def test_a_worker_collects_garbage_less_often_and_the_caller_is_left_as_it_was():
    before = gc.get_threshold()
    found = each({}, [(_thresholds, ()), (_thresholds, ())], workers=2)
    assert gc.get_threshold() == before
    if can_fork():
        assert found == [(10_000, 10, 10)] * 2
