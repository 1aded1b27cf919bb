"""A results folder under faults: crashes between steps, kills, two runs at once, bad places to write."""

import os
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from placeplan.scenarios import ScenarioError
from placeplan.simulate import publish as pub
from placeplan.simulate.cli import interrupted, main


def _write(text: str):
    def fill(staging: Path) -> None:
        (staging / "result.txt").write_text(text)

    return fill


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def test_a_new_result_replaces_the_old_at_once_with_nothing_left_beside_it(tmp_path):
    folder = tmp_path / "out"
    pub.publish(folder, _write("old"))
    pub.publish(folder, _write("new"))
    assert (folder / "result.txt").read_text() == "new"
    assert _leftovers(tmp_path) == []


def test_a_crash_between_the_two_renames_is_recovered_by_the_next_run(tmp_path, monkeypatch):
    folder = tmp_path / "out"
    pub.publish(folder, _write("old"))

    def no_exchange(one: Path, other: Path) -> None:
        raise OSError("no atomic exchange on this system")

    renames = []
    real_rename = Path.rename

    def cut_after_the_first(self: Path, target: Path) -> Path:
        renames.append(self)
        if len(renames) == 2:
            raise KeyboardInterrupt  # the process dies between the two renames
        return real_rename(self, target)

    monkeypatch.setattr(pub, "exchange", no_exchange)
    monkeypatch.setattr(Path, "rename", cut_after_the_first)
    with pytest.raises(KeyboardInterrupt):
        pub.publish(folder, _write("new"))
    monkeypatch.undo()
    hidden = [tmp_path / name for name in _leftovers(tmp_path) if name.endswith(".old")]
    assert not folder.exists() and (hidden[0] / "result.txt").read_text() == "old"
    # the next run, even a failed one, puts the earlier result back first
    with pytest.raises(RuntimeError), pub.publishing(folder):
        raise RuntimeError("this run fails")
    assert (folder / "result.txt").read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_a_crash_after_the_exchange_leaves_the_new_result_and_the_next_run_cleans_up(tmp_path, monkeypatch):
    folder = tmp_path / "out"
    pub.publish(folder, _write("old"))
    monkeypatch.setattr(pub.shutil, "rmtree", lambda *args, **kwargs: None)  # killed before removing the old
    pub.publish(folder, _write("new"))
    monkeypatch.undo()
    assert (folder / "result.txt").read_text() == "new"
    assert len(_leftovers(tmp_path)) == 1  # the swapped-out old result, in a staging folder
    pub.publish(folder, _write("newer"))
    assert _leftovers(tmp_path) == []


def test_an_interrupted_run_removes_its_staging_folder_and_keeps_the_old_result(tmp_path):
    folder = tmp_path / "out"
    pub.publish(folder, _write("old"))
    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        with pytest.raises(KeyboardInterrupt), pub.publishing(folder) as staging:
            (staging / "result.txt").write_text("half")
            os.kill(os.getpid(), signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert (folder / "result.txt").read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_a_second_run_to_the_same_folder_stops_with_a_message(tmp_path, tiny):
    folder = tmp_path / "out"
    with pub.publishing(folder):
        result = CliRunner().invoke(main, ["run", str(tiny), "--out", str(folder), "-q"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --out {folder}: another placeplan run is writing it now; wait for it or choose another folder\n"
    )


def test_an_out_folder_under_a_file_fails_before_computing(tmp_path, tiny):
    (tmp_path / "report.txt").write_text("a file")
    result = CliRunner().invoke(main, ["run", str(tiny), "--out", str(tmp_path / "report.txt" / "out")])
    assert result.exit_code == 2
    assert "projecting population" not in result.stderr
    assert result.stderr.endswith(
        f"Error: --out {tmp_path}/report.txt/out: {tmp_path}/report.txt is a file, not a folder\n"
    )


def test_an_unwritable_parent_fails_before_computing(tmp_path, tiny, monkeypatch):
    monkeypatch.setattr(pub.os, "access", lambda path, mode: False)  # as for a folder the user may not write
    result = CliRunner().invoke(main, ["run", str(tiny), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "projecting population" not in result.stderr
    assert result.stderr.endswith(f"Error: --out {tmp_path}/out: cannot write in {tmp_path} (permission denied)\n")


def test_long_folder_names_work_and_folders_follow_the_umask(tmp_path):
    folder = tmp_path / ("长" * 80 + "x" * 10)  # 250 bytes, the most most file systems allow
    assert len(folder.name.encode()) == 250
    previous = os.umask(0o022)
    try:
        pub.publish(folder, _write("ok"))
    finally:
        os.umask(previous)
    assert (folder / "result.txt").read_text() == "ok"
    assert folder.stat().st_mode & 0o777 == 0o755


def test_a_picture_or_layer_under_a_file_is_refused_and_nothing_is_written(tmp_path, tiny):
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["run", str(tiny), "--out", str(out), "-q", "--no-maps"]).exit_code == 0
    (tmp_path / "report.txt").write_text("a file")
    for command, suffix in (("map", ".png"), ("chart", ".png"), ("export", ".gpkg")):
        target = tmp_path / "report.txt" / "picture"
        result = CliRunner().invoke(main, [command, str(out), "--out", str(target)])
        assert result.exit_code == 2, command
        assert result.stderr == f"Error: --out {target}{suffix}: {tmp_path}/report.txt is a file, not a folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "report.txt", "tiny"]
    assert not (out / "maps").exists()


def test_check_writable_names_the_file_in_the_way(tmp_path):
    (tmp_path / "a").write_text("")
    with pytest.raises(ScenarioError, match="a is a file, not a folder"):
        pub.check_writable(tmp_path / "a" / "b" / "c")
