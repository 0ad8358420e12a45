"""Raw reading of an xlsx file's sheets with python-calamine.

Calamine's habits, which every caller must know: every number comes back as float, empty
and error cells both come back as `''`, a formula gives its cached value (none for a file
openpyxl wrote and Excel never saved), dates come back as `date`/`datetime`. Text stays
text: nothing here infers types.

Positions: `to_python(skip_empty_area=False)` keeps row 1 as the sheet's first row and
column A as the first column, so list indexes map directly to A1 addresses.

Calamine reads the very bytes the safety inspection checked (never the path a second
time), and a number Excel cannot hold (NaN, ±infinity) comes back as its text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from malark.xlsx.workbook import NONFINITE_TEXT

__all__ = ["RawWorkbook", "UnreadableWorkbook", "read_raw_workbook"]


class UnreadableWorkbook(Exception):
    """The file was refused before parsing (not an xlsx, encrypted, unsafe); the message is
    the Swedish finding message that says what to do."""


@dataclass(slots=True)
class RawWorkbook:
    path: Path
    sheet_names: list[str]
    visibility: dict[str, str]
    """Sheet name → `visible`, `hidden` or `veryhidden`."""
    _workbook: CalamineWorkbook

    def rows(self, sheet: str) -> list[list[Any]]:
        """All rows of `sheet` from A1, as calamine gives them."""
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
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(inspection.content))
    visibility = {m.name: _visibility(m) for m in workbook.sheets_metadata}
    return RawWorkbook(Path(path), list(workbook.sheet_names), visibility, workbook)
