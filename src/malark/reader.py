"""Reading a returned workbook file into `WorkbookData` with python-calamine.

First version: calamine values only. Safety limits, formula and error-cell detection
from the raw XML are added by the validate work (issue 4).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from malark.findings import rule
from malark.sheets import read_raw_workbook
from malark.workbook import WorkbookData

__all__ = ["read_workbook_file"]


def read_workbook_file(path: Path, *, display_name: str | None = None) -> WorkbookData:
    name = display_name or str(path)
    data = WorkbookData(file=name)
    try:
        data.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        raw = read_raw_workbook(path)
    except Exception as error:  # calamine raises several unrelated types for bad files
        data.readable = False
        data.findings.append(rule("S001").finding(
            file=name, reason=str(error) or type(error).__name__,
            what_to_do="Öppna filen i Excel och spara den som Excel-arbetsbok (.xlsx) utan lösenord."))
        return data
    try:
        data.sheet_names = list(raw.sheet_names)
        data.visibility = dict(raw.visibility)
        data.rows = {sheet: raw.rows(sheet) for sheet in raw.sheet_names}
    finally:
        raw.close()
    return data
