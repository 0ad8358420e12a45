"""A returned workbook as data: raw values per sheet plus what the reader learned about it.

`WorkbookData` is the seam between the ways a workbook reaches malark (a file on disk read
with python-calamine, or the open workbook in Excel read through xlwings by the ribbon
button) and the validation engine, which only ever sees `WorkbookData`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from malark.core.contract import SHEET_KONTROLL
from malark.core.findings import Finding

__all__ = ["NONFINITE_TEXT", "UNREAD_SHEETS", "WorkbookData"]

NONFINITE_TEXT = {"nan": "NaN", "inf": "Inf", "-inf": "-Inf"}
"""`repr` of a float Excel cannot hold → the text a reader shows instead (and records
as the cell's error value)."""
UNREAD_SHEETS = frozenset({SHEET_KONTROLL})
"""Sheets whose values no check reads (the live checks' formulas and their results): a
reader checks their size like every sheet's but leaves their `rows` empty."""


@dataclass(slots=True)
class WorkbookData:
    file: str
    """The file as the user named it (shown in findings)."""
    sheet_names: list[str] = field(default_factory=list)
    visibility: dict[str, str] = field(default_factory=dict)
    """Sheet name → `visible`, `hidden` or `veryhidden`."""
    rows: dict[str, list[list[Any]]] = field(default_factory=dict)
    """Sheet name → rows from A1 (calamine's values: '' for empty, float for numbers)."""
    formulas: dict[str, dict[str, str]] = field(default_factory=dict)
    """Sheet name → {A1: formula text} for cells holding a formula, with the leading `=`
    as Excel shows it (`"=B5*2"`). The file reader fills it for the committee data sheets
    (`contract.COMMITTEE_DATA_SHEETS`); calamine alone shows only the cached value."""
    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    """Sheet name → {A1: error value such as `#DIV/0!`} (calamine shows these as `''`),
    for the same sheets as `formulas`."""
    findings: list[Finding] = field(default_factory=list)
    """What opening the file found (S001, S009, S010)."""
    readable: bool = True
    """False when the file could not be opened at all (its findings say why)."""
    sha256: str | None = None
    path: Path | None = None
    """The file on disk (None for a workbook read from Excel); `file` is its name as shown."""

