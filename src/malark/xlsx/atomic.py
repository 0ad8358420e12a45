"""Writing an output file atomically: into a temporary file in the target's own folder,
then `os.replace`, so a crash or Ctrl-C never leaves a half-written file and never
destroys the earlier version. Used by generate, annotate and merge."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["make_shareable", "save_workbook", "temporary_beside"]


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


def save_workbook(workbook, target: Path) -> Path:
    """Save an openpyxl workbook to `target` atomically; OSErrors propagate."""
    temporary = temporary_beside(target)
    try:
        workbook.save(temporary)
        make_shareable(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target
