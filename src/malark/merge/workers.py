"""Worker processes for per-file work, isolated so that one file can never stop the rest.

`run_isolated(function, items, crashed=…)` calls `function(*item, *common)` for every item in a
pool of worker processes (one item at a time each) and yields the results in order. A
worker that dies on an item (a segfault or abort in a parser, memory exhausted, killed)
or takes longer than `timeout` seconds gives `crashed(index, code, reason)` for that item
(S009 when it ran out of memory, time or was killed; S001 for an unexpected error in the
code), is replaced, and the run goes on. The pool never outlives its parent:

- on Linux each worker asks the kernel for SIGKILL when its parent dies
  (`prctl(PR_SET_PDEATHSIG)`), so even `kill -9` of the parent takes the workers along;
- everywhere a watchdog thread in each worker waits on the parent's sentinel
  (`multiprocessing.parent_process()`) and ends the worker when it fires;
- Ctrl-C, SIGTERM or an error in the parent ends the workers in `finally`.

On Linux each worker's address space is also capped (`RLIMIT_AS`: its size at start plus
`memory_bytes`), so a file that makes a parser allocate without bound ends that worker
only.
"""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

__all__ = ["DEFAULT_MEMORY_BYTES", "DEFAULT_TIMEOUT", "UNREADABLE", "UNSAFE", "internal_error",
           "run_isolated"]

UNSAFE, UNREADABLE = "S009", "S001"
OUT_OF_MEMORY = "minnet räckte inte för att läsa filen"

DEFAULT_TIMEOUT = 300.0
"""Seconds one item may take (a committee workbook takes well under one)."""
DEFAULT_MEMORY_BYTES = 2 * 1024**3
"""Address space a worker may grow by (Linux), far above what one file needs."""
_PR_SET_PDEATHSIG = 1
_CRASH_REASONS = {
    signal.SIGSEGV: "läsningen kraschade (minnesfel)",
    signal.SIGABRT: "läsningen avbröts (minnet räckte inte eller ett internt fel)",
    signal.SIGKILL: "läsningen stoppades (processen dödades, oftast för att minnet tog slut)",
}


def internal_error(error: BaseException) -> str:
    return (f"ett internt fel i malark uppstod när filen lästes ({type(error).__name__}); "
            "meddela den som förvaltar malark")


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


# --- in the worker ------------------------------------------------------------------

def _die_with_parent(parent_pid: int) -> None:
    """SIGKILL when the parent dies (Linux), and a watchdog thread everywhere."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)
    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        def watch() -> None:
            wait([parent.sentinel])
            os._exit(1)

        threading.Thread(target=watch, name="malark-parent-watch", daemon=True).start()


def _cap_memory(memory_bytes: int) -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import resource

        with open("/proc/self/statm") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = size + memory_bytes
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _worker(connection: Connection, function: Callable[..., Any], common: tuple, parent_pid: int,
            memory_bytes: int) -> None:
    faulthandler.disable()  # a crash is reported as a finding, not as a dump on stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for name in ("SIGTERM", "SIGHUP"):  # not the parent's handlers (fork copies them)
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _die_with_parent(parent_pid)
    _cap_memory(memory_bytes)
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, item = task
        try:
            reply = ("ok", index, function(*item, *common))
        except MemoryError:
            reply = ("crash", index, (UNSAFE, OUT_OF_MEMORY))
        except Exception as error:  # noqa: BLE001 - reported for this item only
            reply = ("crash", index, (UNREADABLE, internal_error(error)))
        try:
            connection.send(reply)
        except MemoryError:
            connection.send(("crash", index, (UNSAFE, OUT_OF_MEMORY)))


# --- in the parent ------------------------------------------------------------------

@dataclass(slots=True)
class _Slot:
    process: Any
    connection: Connection
    index: int | None = None
    started: float = 0.0


class _Pool:
    def __init__(self, function: Callable[..., Any], common: tuple, count: int,
                 memory_bytes: int) -> None:
        self.function, self.common, self.count = function, common, count
        self.memory_bytes = memory_bytes
        self.context = _context()
        self.slots: list[_Slot] = []

    def start(self) -> _Slot:
        ours, theirs = self.context.Pipe(duplex=True)
        process = self.context.Process(target=_worker, name="malark-worker", daemon=True,
                                       args=(theirs, self.function, self.common, os.getpid(),
                                             self.memory_bytes))
        process.start()
        theirs.close()
        slot = _Slot(process, ours)
        self.slots.append(slot)
        return slot

    def retire(self, slot: _Slot, *, kill: bool = False) -> None:
        if kill and slot.process.is_alive():
            slot.process.kill()
        slot.process.join(timeout=5)
        slot.connection.close()
        self.slots.remove(slot)

    def close(self) -> None:
        for slot in self.slots:
            with contextlib.suppress(OSError, ValueError):
                slot.connection.send(None)
        deadline = time.monotonic() + 2
        for slot in list(self.slots):
            slot.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(timeout=5)
            slot.connection.close()
        self.slots.clear()


def _reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        with contextlib.suppress(ValueError):
            code = signal.Signals(-exitcode)
            return _CRASH_REASONS.get(code, f"läsningen stoppades (signal {code.name})")
    return f"läsningen stoppades (slutkod {exitcode})"


def run_isolated(function: Callable[..., Any], items: Sequence[tuple], *,
                 crashed: Callable[[int, str, str], Any], workers: int, common: tuple = (),
                 timeout: float = DEFAULT_TIMEOUT,
                 memory_bytes: int = DEFAULT_MEMORY_BYTES) -> Iterator[Any]:
    """`function(*item, *common)` for every item in `workers` processes, yielded in item
    order; an item whose worker dies or overruns `timeout` yields
    `crashed(index, code, reason)`.
    `common` reaches each worker once (not with every item)."""
    pool = _Pool(function, common, max(1, min(workers, len(items))), memory_bytes)
    pending = list(range(len(items)))[::-1]
    done: dict[int, Any] = {}
    following = 0
    try:
        for _ in range(pool.count):
            pool.start()
        while following < len(items):
            _assign(pool, pending, items)
            _collect(pool, done, crashed, timeout, bool(pending))
            while following in done:
                yield done.pop(following)
                following += 1
    finally:
        pool.close()


def _assign(pool: _Pool, pending: list[int], items: Sequence[tuple]) -> None:
    for slot in pool.slots:
        if slot.index is None and pending:
            index = pending.pop()
            slot.index, slot.started = index, time.monotonic()
            slot.connection.send((index, items[index]))


def _collect(pool: _Pool, done: dict[int, Any], crashed: Callable[[int, str, str], Any],
             timeout: float, more: bool) -> None:
    busy = [s for s in pool.slots if s.index is not None]
    waiting = {s.connection: s for s in busy} | {s.process.sentinel: s for s in busy}
    ready = wait(list(waiting), timeout=1.0) if waiting else []
    handled: set[int] = set()
    for handle in ready:
        slot = waiting[handle]
        if id(slot) in handled:
            continue
        handled.add(id(slot))
        _receive(pool, slot, done, crashed, more)
    now = time.monotonic()
    for slot in [s for s in busy if s.index is not None and now - s.started > timeout]:
        done[slot.index] = crashed(slot.index, UNSAFE,
                                   f"läsningen tog mer än {timeout:.0f} sekunder")
        pool.retire(slot, kill=True)
        if more:
            pool.start()


def _receive(pool: _Pool, slot: _Slot, done: dict[int, Any], crashed: Callable[[int, str, str], Any],
             more: bool) -> None:
    index = slot.index
    assert index is not None
    try:
        if slot.connection.poll():
            status, answered, result = slot.connection.recv()
            done[answered] = result if status == "ok" else crashed(answered, *result)
            slot.index = None
            return
    except (EOFError, OSError):
        pass
    if slot.process.is_alive():  # the sentinel fired late or the message is on its way
        return
    slot.process.join(timeout=5)
    done[index] = crashed(index, UNSAFE, _reason(slot.process.exitcode))
    pool.retire(slot)
    if more:
        pool.start()
