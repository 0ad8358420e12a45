"""Raw reading of an xlsx file's sheets with python-calamine.

Calamine's habits, which every caller must know: every number comes back as float, empty
and error cells both come back as `''`, a formula gives its cached value (none for a file
openpyxl wrote and Excel never saved), dates come back as `date`/`datetime`. Text stays
text: nothing here infers types.

Positions: `to_python(skip_empty_area=False)` keeps row 1 as the sheet's first row and
column A as the first column, so list indexes map directly to A1 addresses.

Calamine reads the very bytes the safety inspection checked (never the path a second
time), and a number Excel cannot hold (NaN, ±infinity) comes back as its text. A Rust
panic in calamine (a crafted value it cannot convert) arrives as an exception, but Rust
prints its own report to file descriptor 2 first; `quiet_native_errors` keeps that report
from the user's terminal while calamine runs.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from malark.core.errors import InputError
from malark.xlsx.workbook import NONFINITE_TEXT

__all__ = ["RawWorkbook", "UnreadableWorkbook", "quiet_native_errors", "read_raw_workbook"]


@contextlib.contextmanager
def quiet_native_errors() -> Iterator[None]:
    """Send what native code writes to file descriptor 2 (a Rust panic report) to a
    temporary file while the block runs; Python's own exceptions are not affected."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real descriptor 2 (an embedded Python)
        yield
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class UnreadableWorkbook(InputError):
    """The file was refused before parsing (not an xlsx, encrypted, unsafe) or a sheet of it
    cannot be read; the message is Swedish and says what to do (exit code 2 if uncaught)."""


@dataclass(slots=True)
class RawWorkbook:
    path: Path
    sheet_names: list[str]
    visibility: dict[str, str]
    """Sheet name → `visible`, `hidden` or `veryhidden`."""
    _workbook: CalamineWorkbook

    def rows(self, sheet: str) -> list[list[Any]]:
        """All rows of `sheet` from A1, as calamine gives them."""
        with _unreadable_on_failure(self.path, f"bladet {sheet} är skadat"):
            rows = self._workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        for row in rows:
            for index, value in enumerate(row):
                if type(value) is float and value - value != 0.0:  # nan or ±inf
                    row[index] = NONFINITE_TEXT[repr(value)]
        return rows

    def close(self) -> None:
        self._workbook.close()


def _visibility(metadata: Any) -> str:
    name = str(metadata.visible).rsplit(".", 1)[-1].lower()
    return {"veryhidden": "veryhidden", "hidden": "hidden"}.get(name, "visible")


def read_raw_workbook(path: Path) -> RawWorkbook:
    """Open `path` with calamine after the same safety inspection as a returned workbook
    (size, zip and XML bombs, encrypted or legacy files). Raises `UnreadableWorkbook` for
    a refused file and calamine's errors for one it cannot parse; callers turn both into
    a `ModelError` or `InputError`."""
    from malark.xlsx.safety import inspect_file

    inspection = inspect_file(path, display_name=Path(path).name)
    if inspection.package is not None:
        inspection.package.close()
    if not inspection.readable or inspection.content is None:
        raise UnreadableWorkbook(inspection.findings[0].message)
    with _unreadable_on_failure(Path(path), "filen är skadad"):
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(inspection.content))
        visibility = {m.name: _visibility(m) for m in workbook.sheets_metadata}
        names = list(workbook.sheet_names)
    return RawWorkbook(Path(path), names, visibility, workbook)


@contextlib.contextmanager
def _unreadable_on_failure(path: Path, what: str) -> Iterator[None]:
    """Calamine's errors, a Rust panic included (a BaseException), as `UnreadableWorkbook`."""
    try:
        with quiet_native_errors():
            yield
    except (KeyboardInterrupt, SystemExit, MemoryError, GeneratorExit):
        raise
    except BaseException as error:  # noqa: BLE001 - calamine raises several unrelated types
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:160]
        raise UnreadableWorkbook(f"Filen {path.name} kan inte läsas: {what} ({reason}). Öppna "
                                 "filen i Excel och spara den som Excel-arbetsbok (.xlsx).") from error
