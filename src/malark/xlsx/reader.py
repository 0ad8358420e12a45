"""Reading a returned workbook file into `WorkbookData`: safety first, then calamine.

1. `malark.xlsx.safety.inspect_file` looks at the bytes (size, zip/XML bombs, encryption,
   legacy `.xls`, sheet extents, macros); a refused file never reaches a parser.
2. python-calamine reads the values of every sheet from A1
   (`to_python(skip_empty_area=False)`), so list indexes are A1 positions. Text stays
   text ("00123" is a string); nothing here infers types.
3. Calamine shows error cells as `''` and formulas as their cached value, so a
   byte-level scan of the raw XML of the committee data sheets (found through
   `xl/workbook.xml` and its relationships; see `malark.xlsx.sheet_xml`) fills
   `WorkbookData.formulas` (`{"K5": "=B5*2"}`, with the leading `=` as Excel shows it;
   shared formulas are shifted to the cell) and `WorkbookData.errors` (`{"K5": "#DIV/0!"}`).

openpyxl is never imported here: it is slower than the whole validation.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from malark.core.contract import COMMITTEE_DATA_SHEETS
from malark.core.findings import Finding, rule
from malark.xlsx.safety import DEFAULT_LIMITS, Inspection, Limits, SheetPart, inspect_file
from malark.xlsx.sheet_xml import ScanLimitError, scan_formulas_and_errors
from malark.xlsx.workbook import WorkbookData

__all__ = ["read_workbook", "read_workbook_file"]

_NOT_READABLE = "Öppna filen i Excel och spara den som Excel-arbetsbok (.xlsx) utan lösenord."


def read_workbook_file(path: Path, *, display_name: str | None = None,
                       limits: Limits = DEFAULT_LIMITS) -> WorkbookData:
    """Read `path` safely. Never raises for a bad file: an unreadable or refused file
    gives `readable=False` and an S001/S009 finding; S010 warnings ride along."""
    inspection = inspect_file(path, display_name=display_name, limits=limits)
    data = WorkbookData(file=inspection.file, sha256=inspection.sha256)
    data.findings.extend(inspection.findings)
    if not inspection.readable:
        data.readable = False
        return data
    try:
        _read_formulas_and_errors(inspection, data, limits)
        _read_values(inspection, data)
    except BaseException as error:  # calamine raises several types, a Rust panic included
        if isinstance(error, KeyboardInterrupt | SystemExit | MemoryError):
            raise
        data.readable = False
        data.sheet_names, data.visibility = [], {}
        data.rows, data.formulas, data.errors = {}, {}, {}
        data.findings.append(error.finding if isinstance(error, _Refused) else rule("S001").finding(
            file=data.file, reason=f"filen är skadad ({_short(error)})", what_to_do=_NOT_READABLE))
    finally:
        if inspection.package is not None:
            inspection.package.close()
    return data


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:160]


def _read_values(inspection: Inspection, data: WorkbookData) -> None:
    from python_calamine import CalamineWorkbook

    assert inspection.content is not None
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(inspection.content))
    try:
        for metadata in workbook.sheets_metadata:
            name = metadata.name
            data.sheet_names.append(name)
            data.visibility[name] = _visibility(metadata.visible)
            if "worksheet" in str(metadata.typ).lower():
                data.rows[name] = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            else:  # chart sheets and the like hold no cells
                data.rows[name] = []
    finally:
        workbook.close()


def _visibility(visible: Any) -> str:
    name = str(visible).rsplit(".", 1)[-1].lower()
    return {"veryhidden": "veryhidden", "hidden": "hidden"}.get(name, "visible")


def _read_formulas_and_errors(inspection: Inspection, data: WorkbookData, limits: Limits) -> None:
    wanted = {spec.name for spec in COMMITTEE_DATA_SHEETS}
    for sheet in _parts(inspection.sheets, wanted):
        try:
            formulas, errors = scan_formulas_and_errors(inspection.part(sheet.part or ""),
                                                        max_formulas=limits.max_formulas)
        except ScanLimitError as error:
            raise _Refused(rule("S009").finding(
                file=data.file, reason=f"bladet {sheet.name} har {error}")) from error
        data.formulas[sheet.name] = formulas
        data.errors[sheet.name] = errors


class _Refused(Exception):
    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


def _parts(sheets: Iterable[SheetPart], wanted: set[str]) -> list[SheetPart]:
    return [s for s in sheets if s.name in wanted and s.part is not None]


def read_workbook(path: Path | str, *, display_name: str | None = None) -> WorkbookData:
    """Read every sheet of `path` with calamine. Safety checks come first (see
    `malark.xlsx.safety`); an unreadable file gives `readable=False` and an S001/S009 finding."""
    return read_workbook_file(Path(path), display_name=display_name)
