"""The one writer: atomic under SIGKILL, faithful to special files, nothing left behind."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from netfence import writes

ROOT = Path(__file__).resolve().parents[1]


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_file_is_replaced_whole_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    writes.write_text(str(target), "first")
    target.chmod(0o640)
    writes.write_text(str(target), "second")
    assert target.read_text() == "second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _names(tmp_path) == ["report.html"]
    with pytest.raises(OSError):
        writes.write_text(str(tmp_path / "missing" / "report.html"), "third")
    assert _names(tmp_path) == ["report.html"]


def test_dash_is_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.chdir(tmp_path)
    writes.write_text("-", "to stdout\n")
    assert capsys.readouterr().out == "to stdout\n"
    assert _names(tmp_path) == []


def test_a_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("old")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    writes.write_text(str(link), "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_fifo_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    writes.write_text(str(fifo), "through the pipe")
    out, _ = reader.communicate(timeout=10)
    assert out == b"through the pipe"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_device_is_written_through(tmp_path: Path) -> None:
    writes.write_text("/dev/null", "nothing")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_folder_is_swapped_and_the_old_one_removed(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    writes.write_folder(str(folder), {"a.yaml": "1", "b.yaml": "2"})
    writes.write_folder(str(folder), {"c.yaml": "3"})
    assert _names(folder) == ["c.yaml"]
    assert _names(tmp_path) == ["out"]


def test_leftovers_of_dead_processes_are_removed(tmp_path: Path) -> None:
    child = subprocess.Popen(["true"])
    child.wait()
    stale = tmp_path / f"{writes.TEMP_PREFIX}{child.pid}-abcd"
    stale.mkdir()
    (stale / "x.yaml").write_text("x")
    mine = tmp_path / f"{writes.TEMP_PREFIX}{os.getpid()}-abcd"
    mine.write_text("in use")
    writes.write_text(str(tmp_path / "f"), "new")
    assert _names(tmp_path) == sorted(["f", mine.name])


def _kill_at(args: list[str], step: int, cwd: Path) -> bool:
    """Run netfence with the step hook; SIGKILL it at write step ``step``.

    False when the command finished before reaching that step."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), **{writes.STEP_HOOK: "1"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "netfence", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    seen = 0
    for line in proc.stderr:
        if not line.startswith("netfence-write-step:"):
            continue
        os.waitid(os.P_PID, proc.pid, os.WSTOPPED)
        if seen == step:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            return True
        seen += 1
        proc.send_signal(signal.SIGCONT)
    proc.wait(timeout=30)
    return False


def _run(args: list[str], cwd: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    subprocess.run(
        [sys.executable, "-m", "netfence", *args],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def _folder(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in folder.iterdir()}


def _no_temporaries(folder: Path) -> None:
    assert not [p for p in folder.iterdir() if p.name.startswith(writes.TEMP_PREFIX)]


@pytest.mark.parametrize("kind", ["plan", "init", "report"])
def test_sigkill_at_every_write_step_loses_nothing(kind: str, tmp_path: Path) -> None:
    if kind == "plan":
        _run(["plan", "-o", "out"], tmp_path)
        _run(["init", "-o", "bp.yaml"], tmp_path)  # edited: old and new outputs differ
        text = (tmp_path / "bp.yaml").read_text().replace("8000", "8001")
        (tmp_path / "bp.yaml").write_text(text)
        args = ["plan", "bp.yaml", "-o", "out"]
        target = tmp_path / "out"
        read = _folder
    elif kind == "init":
        (tmp_path / "bp.yaml").write_text("# my edited blueprint\n")
        args = ["init", "-t", "guide", "-o", "bp.yaml", "--force"]
        target = tmp_path / "bp.yaml"
        read = Path.read_text  # type: ignore[assignment]
    else:
        (tmp_path / "r.html").write_text("<p>old report</p>")
        args = ["report", "builtin:ai-mesh", "-o", "r.html"]
        target = tmp_path / "r.html"
        read = Path.read_text  # type: ignore[assignment]
    old = read(target)
    seen = []
    step = 0
    while _kill_at(args, step, tmp_path):
        seen.append(read(target))
        step += 1
    assert step >= 3
    new = read(target)
    assert new != old
    assert all(state in (old, new) for state in seen), "a kill left a mixed or empty target"
    _run(args, tmp_path)  # the next run cleans what the killed ones left
    _no_temporaries(tmp_path)
    assert read(target) == new


def test_the_swap_without_renameat2_still_replaces_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writes, "_renameat2_exchange", lambda first, second: False)
    folder = tmp_path / "out"
    writes.write_folder(str(folder), {"a.yaml": "1"})
    writes.write_folder(str(folder), {"b.yaml": "2"})
    assert _names(folder) == ["b.yaml"]
    assert _names(tmp_path) == ["out"]
