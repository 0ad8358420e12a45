"""One file can never stop the consolidation: a worker that crashes, runs out of memory or
hangs marks its file (S009/S001) and the others go on; workers never outlive the merge,
whether it is stopped by SIGTERM, Ctrl-C or `kill -9`, and no temporary file is left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from malark import api
from malark.merge import prepare
from malark.merge.merge import merge_files
from malark.merge.workers import run_isolated

LINUX = sys.platform.startswith("linux")


def _square(number: int, offset: int = 0) -> int:
    return number * number + offset


def _misbehave(number: int) -> int:
    if number == 3:
        os.abort()
    if number == 4:
        os.kill(os.getpid(), signal.SIGSEGV)
    if number == 5:
        raise MemoryError
    if number == 6:
        raise ValueError("boom")
    if number == 7:
        time.sleep(30)
    if number == 8 and LINUX:
        bytearray(8 * 1024**3)  # past the worker's address-space cap
    return number


def _crash(index: int, code: str, reason: str) -> tuple[str, str]:
    return code, reason


def test_results_come_in_order_with_common_arguments():
    results = list(run_isolated(_square, [(n,) for n in range(20)], common=(1,), workers=3,
                                crashed=_crash))
    assert results == [n * n + 1 for n in range(20)]


def test_each_kind_of_death_marks_its_item_and_the_rest_go_on():
    results = list(run_isolated(_misbehave, [(n,) for n in range(10)], workers=2, timeout=3,
                                crashed=_crash))
    assert results[:3] == [0, 1, 2] and results[9] == 9
    assert results[3][0] == "S009" and "avbröts" in results[3][1]        # abort
    assert results[4][0] == "S009" and "kraschade" in results[4][1]      # segfault
    assert results[5] == ("S009", "minnet räckte inte för att läsa filen")
    assert results[6][0] == "S001" and "ValueError" in results[6][1]     # a bug: S001
    assert results[7][0] == "S009" and "sekunder" in results[7][1]       # hang
    if LINUX:
        assert results[8][0] == "S009" and "minnet" in results[8][1]     # RLIMIT_AS
    assert _children(os.getpid()) == []


def test_stopping_early_leaves_no_worker():
    results = run_isolated(_square, [(n,) for n in range(50)], workers=2, crashed=_crash)
    assert next(results) == 0
    results.close()
    assert _children(os.getpid()) == []


@pytest.fixture
def parallel(monkeypatch):
    monkeypatch.setattr(prepare, "PARALLEL_MIN_FILES", 2)


def test_a_crashing_file_is_s009_and_skip_invalid_writes_the_rest(plan_set, tmp_path, parallel,
                                                                 monkeypatch):
    model_path, returned = plan_set
    model = api.load_model(model_path)
    paths = sorted(returned.glob("*.xlsx"))
    victim = paths[1]
    real = prepare.prepare_file

    def crash_on_victim(path, model, period):
        if path == victim:
            os.abort()
        return real(path, model, period)

    monkeypatch.setattr(prepare, "prepare_file", crash_on_victim)
    stopped = merge_files(paths, model=model, out=tmp_path / "a.xlsx", workers=2)
    assert stopped.output is None and not (tmp_path / "a.xlsx").exists()
    result = merge_files(paths, model=model, out=tmp_path / "b.xlsx", workers=2, skip_invalid=True)
    assert result.output == tmp_path / "b.xlsx" and result.output.is_file()
    crashed = next(r for r in result.reports if r.file.endswith(victim.name))
    assert [f.code for f in crashed.findings] == ["S009"]
    assert len(result.merged) == len(paths) - 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.xlsx"]


# --- signals, with real processes -------------------------------------------------------

def _children(pid: int) -> list[int]:
    """Living (not zombie) child processes of `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


_SLOW_MERGE = textwrap.dedent("""
    import sys, time
    import malark.merge.prepare as prepare
    real = prepare.prepare_file
    def slow(path, model, period):
        time.sleep(120)
        return real(path, model, period)
    prepare.prepare_file = slow
    sys.argv = ["malark", "merge", *sys.argv[1:]]
    from malark.cli import main
    main()
""")


@pytest.mark.skipif(not LINUX, reason="reads /proc to find the workers")
def test_workers_die_with_the_merge_on_every_signal(filled_files, _example_project, tmp_path):
    started = {}
    for how in ("SIGTERM", "SIGINT", "SIGKILL"):
        folder = tmp_path / how
        inbox = folder / "inkommet"
        inbox.mkdir(parents=True)
        for number in range(8):
            (inbox / f"fil{number}.xlsx").write_bytes(filled_files["plan"].read_bytes())
        process = subprocess.Popen(
            [sys.executable, "-c", _SLOW_MERGE, str(inbox), "--model", str(_example_project.model),
             "-o", str(folder / "samman.xlsx"), "--format", "json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        started[how] = (process, folder)
    workers = {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(workers) < len(started):
        for how, (process, _) in started.items():
            children = _children(process.pid)
            if len(children) >= 2:
                workers[how] = children
        time.sleep(0.2)
    assert len(workers) == len(started), "the merges did not start their workers"
    for how, (process, _) in started.items():
        if how == "SIGINT":  # Ctrl-C reaches the whole foreground group
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(getattr(signal, how))
    for how, (process, folder) in started.items():
        process.wait(timeout=30)
        stderr = process.stderr.read().decode()
        assert "Traceback" not in stderr, stderr
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers[how]):
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers[how]), f"{how}: workers left"
        assert sorted(p.name for p in folder.iterdir()) == ["inkommet"], f"{how}: files left"
    assert started["SIGTERM"][0].returncode == 143
    assert started["SIGINT"][0].returncode == 130
