"""Writing an output file atomically: a crash, Ctrl-C or a kill never leaves a half-written
file, never destroys the earlier version, and never leaves a temporary file behind.

`AtomicFile(target)` gives a binary file to write; `commit()` puts it in place with
`os.replace`, `abandon()` throws it away. On Linux the file is created without a name
(`O_TMPFILE` in the target's folder) and gets one only at `commit`, for the instant before
the rename, so even `kill -9` leaves nothing. Elsewhere, or where the file system cannot
do that, it is a hidden temporary file in the target's folder, removed by `abandon` (and
on Ctrl-C or SIGTERM, which the CLI turns into an exception). Used by generate, annotate,
merge and the add-in build.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

__all__ = ["AtomicFile", "make_shareable", "save_workbook", "temporary_beside"]


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def temporary_beside(target: Path, *, prefix: str = ".malark-", suffix: str | None = None) -> Path:
    """A new empty temporary file in `target`'s folder (created if missing)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=target.suffix if suffix is None else suffix,
                                    dir=target.parent)
    os.close(handle)
    return Path(name)


def make_shareable(path: Path) -> None:
    """Give `path` the permissions a normally saved file gets (mkstemp makes it private)."""
    os.chmod(path, 0o666 & ~_umask())


class AtomicFile:
    """A file for `target` that exists under that name only once `commit` is called."""

    def __init__(self, target: Path | str) -> None:
        self.target = Path(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.named: Path | None = None
        self.handle: BinaryIO = self._open()
        self.done = False

    def _open(self) -> BinaryIO:
        flag = getattr(os, "O_TMPFILE", 0)
        if flag:
            with contextlib.suppress(OSError):  # a file system without O_TMPFILE: named below
                descriptor = os.open(self.target.parent, flag | os.O_RDWR, 0o666)
                return os.fdopen(descriptor, "w+b")
        self.named = temporary_beside(self.target, prefix=f".{self.target.stem}.", suffix=".tmp")
        make_shareable(self.named)
        return open(self.named, "r+b")  # noqa: SIM115 - closed by commit or abandon

    def commit(self) -> Path:
        """Flush, give the file its name and move it over `target` in one step."""
        self.handle.flush()
        os.fsync(self.handle.fileno())
        if self.named is None:
            self.named = self._link_anonymous()
        self.handle.close()
        try:
            os.replace(self.named, self.target)
        except BaseException:
            self.named.unlink(missing_ok=True)
            raise
        self.done = True
        return self.target

    def _link_anonymous(self) -> Path:
        name = self.target.with_name(f".{self.target.stem}.{os.getpid()}.tmp")
        name.unlink(missing_ok=True)
        try:
            os.link(f"/proc/self/fd/{self.handle.fileno()}", name, follow_symlinks=True)
        except OSError:  # no /proc: copy what was written into a named file
            self.handle.seek(0)
            with open(name, "wb") as copy:
                while chunk := self.handle.read(1024 * 1024):
                    copy.write(chunk)
            make_shareable(name)
        return name

    def abandon(self) -> None:
        """Throw the file away (nothing appears at `target`)."""
        if self.done:
            return
        self.done = True
        with contextlib.suppress(OSError, ValueError):
            self.handle.close()
        if self.named is not None:
            with contextlib.suppress(OSError):
                self.named.unlink()

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:
            self.abandon()


def save_workbook(workbook, target: Path) -> Path:
    """Save an openpyxl workbook to `target` atomically; OSErrors propagate."""
    with AtomicFile(target) as output:
        workbook.save(output.handle)
        return output.commit()
