"""Reading a returned workbook file into `WorkbookData`: safety first, then calamine.

1. `malark.xlsx.safety.inspect_file` looks at the bytes (size, zip/XML bombs, encryption,
   legacy `.xls`, Strict Open XML, macros) and parses every worksheet part with expat
   (`malark.xlsx.sheet_xml`): a sheet larger than the limits, or shaped so that calamine
   could read it differently, is refused before calamine sees it. The same parse gives
   the formulas and error values of the committee data sheets.
2. python-calamine reads the values of every sheet from A1
   (`to_python(skip_empty_area=False)`), so list indexes are A1 positions, from the very
   bytes that were inspected. Text stays text ("00123" is a string); nothing here infers
   types. Calamine shows error cells as `''` and formulas as their cached value, so
   `WorkbookData.formulas` (`{"K5": "=B5*2"}`) and `WorkbookData.errors`
   (`{"K5": "#DIV/0!"}`) come from the parse in step 1.
3. A number Excel cannot hold (NaN, ±infinity, possible in a crafted file) becomes its
   text, and in a data sheet it is recorded as an error value so D009 reports it.

openpyxl is never imported here: it is slower than the whole validation.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from malark.core.contract import COMMITTEE_DATA_SHEETS, column_letter
from malark.core.findings import rule
from malark.xlsx.safety import DEFAULT_LIMITS, Inspection, Limits, inspect_file
from malark.xlsx.sheets import quiet_native_errors
from malark.xlsx.workbook import NONFINITE_TEXT, UNREAD_SHEETS, WorkbookData

__all__ = ["read_workbook", "read_workbook_file"]

_DATA_SHEETS = frozenset(spec.name for spec in COMMITTEE_DATA_SHEETS)

_NOT_READABLE = "Öppna filen i Excel och spara den som Excel-arbetsbok (.xlsx) utan lösenord."


def read_workbook_file(path: Path, *, display_name: str | None = None,
                       limits: Limits = DEFAULT_LIMITS) -> WorkbookData:
    """Read `path` safely. Never raises for a bad file: an unreadable or refused file
    gives `readable=False` and an S001/S009 finding; S010 warnings ride along."""
    inspection = inspect_file(path, display_name=display_name, limits=limits, collect=_DATA_SHEETS)
    data = WorkbookData(file=inspection.file, sha256=inspection.sha256, path=Path(path))
    data.findings.extend(inspection.findings)
    if not inspection.readable:
        data.readable = False
        return data
    try:
        _formulas_and_errors(inspection, data)
        with quiet_native_errors():  # a Rust panic's report never reaches the terminal
            _read_values(inspection, data)
        if any(scan.nonfinite for scan in inspection.scans.values()):
            _nonfinite_as_text(data)
    except BaseException as error:  # calamine raises several types, a Rust panic included
        if isinstance(error, KeyboardInterrupt | SystemExit | MemoryError):
            raise
        data.readable = False
        data.sheet_names, data.visibility = [], {}
        data.rows, data.formulas, data.errors = {}, {}, {}
        data.findings.append(rule("S001").finding(
            file=data.file, reason=f"filen är skadad ({_short(error)})", what_to_do=_NOT_READABLE))
    finally:
        if inspection.package is not None:
            inspection.package.close()
    return data


def _short(error: BaseException) -> str:
    if type(error).__name__ == "PanicException":  # calamine gave up on a value it cannot convert
        return "ett cellvärde går inte att tolka"
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
            if "worksheet" in str(metadata.typ).lower() and name not in UNREAD_SHEETS:
                data.rows[name] = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            else:  # chart sheets and the like hold no cells; `UNREAD_SHEETS`
                data.rows[name] = []
    finally:
        workbook.close()


def _visibility(visible: Any) -> str:
    name = str(visible).rsplit(".", 1)[-1].lower()
    return {"veryhidden": "veryhidden", "hidden": "hidden"}.get(name, "visible")


def _formulas_and_errors(inspection: Inspection, data: WorkbookData) -> None:
    for name in _DATA_SHEETS:
        scan = inspection.scan(name)
        if scan is not None:
            data.formulas[name] = scan.formulas
            data.errors[name] = scan.errors


def _nonfinite_as_text(data: WorkbookData) -> None:
    """NaN and ±infinity (which Excel cannot hold) become their text; in a data sheet the
    cell is also recorded as an error value, so the checks report it (D009)."""
    for sheet, rows in data.rows.items():
        for row_number, row in enumerate(rows, start=1):
            for index, value in enumerate(row):
                if type(value) is float and value - value != 0.0:  # nan or ±inf
                    text = NONFINITE_TEXT[repr(value)]
                    row[index] = text
                    if sheet in _DATA_SHEETS:
                        address = f"{column_letter(index + 1)}{row_number}"
                        data.errors.setdefault(sheet, {})[address] = text


def read_workbook(path: Path | str, *, display_name: str | None = None) -> WorkbookData:
    """Read every sheet of `path` with calamine. Safety checks come first (see
    `malark.xlsx.safety`); an unreadable file gives `readable=False` and an S001/S009 finding."""
    return read_workbook_file(Path(path), display_name=display_name)
