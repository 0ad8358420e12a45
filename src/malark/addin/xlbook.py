"""Reading the open workbook through xlwings into `WorkbookData`, exactly as the file
reader (`malark.xlsx.reader`, python-calamine) would give it, so the button and `malark
validate` see the same data and report the same findings at the same cells.

Per sheet: the used range's position and size, its values in ONE call (`ndim=2`, empty
cells as `''`, cell errors as their text) and, for the committee data sheets only (as the
file reader), its formulas in ONE call. Then, in Python:
- the block is placed at A1 (a used range starting at C3 gets two empty rows and columns
  in front), trailing empty rows and columns are dropped (calamine's range ends at the
  last cell holding something; Excel's used range also counts formatted empty cells);
- numbers become float, a date at midnight becomes `date` (as calamine), error cells
  become `''` with their text in `errors`; a cell counts as an error only when a second,
  per-cell read without `err_to_str` gives None (a typed text "#N/A" is text);
- `formulas` holds `=…` for cells whose formula text is not just their value.

Only xlwings objects are touched here (no `.api`), so the fake in the tests covers it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from malark.core.contract import COMMITTEE_DATA_SHEETS, a1
from malark.core.findings import Finding, rule
from malark.xlsx.safety import DEFAULT_LIMITS
from malark.xlsx.workbook import UNREAD_SHEETS, WorkbookData

__all__ = ["ERROR_TEXTS", "conf_sheet_findings", "read_book", "visibility"]

ERROR_TEXTS = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
    "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!",
    "#UNKNOWN!", "#PYTHON!",
})
_FORMULA_SHEETS = frozenset(spec.name for spec in COMMITTEE_DATA_SHEETS)


def visibility(value: Any) -> str:
    """xlwings' `Sheet.visible` (bool on macOS, Excel's -1/0/2 on Windows) → the reader's
    words. macOS cannot tell hidden from very hidden: both read as `hidden`."""
    if value is True or value == -1:
        return "visible"
    return "veryhidden" if value == 2 else "hidden"


def _cell_value(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return "" if value is None else value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() and value.tzinfo is None else value
    if isinstance(value, dt.date):
        return value
    try:  # Decimal (currency cells through COM) and the like
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def _as_2d(value: Any) -> list[list[Any]]:
    """A range's `.value`/`.formula` as rows (a single cell gives a scalar, and COM gives
    tuples)."""
    if not isinstance(value, list | tuple):
        return [[value]]
    if value and not isinstance(value[0], list | tuple):
        return [list(value)]
    return [list(row) for row in value]


def _trim(rows: list[list[Any]], errors: set[tuple[int, int]]) -> list[list[Any]]:
    """Drop trailing rows and columns holding nothing (an error cell, '' in `rows`, holds
    something: a row with only an error is not an empty row)."""
    filled = [(i, j) for i, row in enumerate(rows) for j, v in enumerate(row) if v != ""]
    filled += list(errors)
    height = max((i + 1 for i, _ in filled), default=0)
    width = max((j + 1 for _, j in filled), default=0)
    return [row[:width] for row in rows[:height]]


def _is_error(sheet: Any, row: int, column: int) -> bool:
    return sheet.range((row, column)).value is None


class _TooLarge(Exception):
    def __init__(self, sheet: str, rows: int, columns: int) -> None:
        self.reason = f"bladet {sheet} är för stort (minst {rows} rader × {columns} kolumner)"


def _read_sheet(sheet: Any, data: WorkbookData, total: list[int]) -> None:
    name = sheet.name
    used = sheet.used_range
    top, left = used.row, used.column
    height, width = used.shape
    rows_from_a1, columns_from_a1 = top - 1 + height, left - 1 + width
    total[0] += rows_from_a1 * columns_from_a1
    if rows_from_a1 * columns_from_a1 > DEFAULT_LIMITS.max_sheet_cells \
            or total[0] > DEFAULT_LIMITS.max_total_cells:
        raise _TooLarge(name, rows_from_a1, columns_from_a1)
    if name in UNREAD_SHEETS:  # as the file reader: sized, not read
        data.rows[name] = []
        return
    block = _as_2d(used.options(ndim=2, empty="", err_to_str=True).value)
    width = left - 1 + max((len(r) for r in block), default=0)
    rows: list[list[Any]] = [[""] * width for _ in range(top - 1)]
    errors: dict[str, str] = {}
    error_positions: set[tuple[int, int]] = set()
    for i, raw in enumerate(block):
        row = [""] * (left - 1)
        for j, value in enumerate(raw):
            if isinstance(value, str) and value in ERROR_TEXTS and _is_error(sheet, top + i, left + j):
                errors[a1(left - 1 + j, top + i)] = value
                error_positions.add((top - 1 + i, left - 1 + j))
                value = ""
            row.append(_cell_value(value))
        rows.append(row)
    data.rows[name] = _trim(rows, error_positions)
    if name in _FORMULA_SHEETS:
        data.formulas[name] = _formulas(used.formula, block, top, left)
        data.errors[name] = errors


def _formulas(texts: Any, values: list[list[Any]], top: int, left: int) -> dict[str, str]:
    found: dict[str, str] = {}
    for i, row in enumerate(_as_2d(texts)):
        for j, text in enumerate(row):
            if isinstance(text, str) and text.startswith("=") and text != values[i][j]:
                found[a1(left - 1 + j, top + i)] = text
    return found


def conf_sheet_findings(file: str, sheet_names: list[str]) -> list[Finding]:
    """S010 for sheets named like an xlwings configuration, as `malark.xlsx.safety` reports them
    for a file (the only S010 cause visible from inside Excel without `.api`)."""
    from malark.xlsx.safety import is_xlwings_conf

    return [
        rule("S010").finding(
            file=file, sheet=name,
            what=f"bladet {name}, som kan styra om vilket Python-program Validera-knappen kör",
            what_to_do="Ta bort bladet och spara filen igen.")
        for name in sheet_names if is_xlwings_conf(name)
    ]


def read_book(book: Any, *, skip: frozenset[str] = frozenset()) -> WorkbookData:
    """`WorkbookData` of the open workbook `book` (an `xlwings.Book`); sheets named in
    `skip` (the button's own result sheet) are left out, as if the file were read before
    the button first ran."""
    data = WorkbookData(file=book.name)
    total = [0]
    try:
        for sheet in book.sheets:
            if sheet.name in skip:
                continue
            data.sheet_names.append(sheet.name)
            data.visibility[sheet.name] = visibility(sheet.visible)
            _read_sheet(sheet, data, total)
    except _TooLarge as refused:  # the file reader's limits (S009), before reading values
        data.readable = False
        data.rows, data.formulas, data.errors = {}, {}, {}
        data.findings.append(rule("S009").finding(file=data.file, reason=refused.reason))
        return data
    data.findings.extend(conf_sheet_findings(data.file, data.sheet_names))
    return data
