"""The `Valideringsresultat` sheet in the open workbook: one row per finding (the same
rows as `validate --annotate`, from `malark.validate.result_sheet`), the Cell column a link to the
cell, written in one call; and, in hidden columns to the right, the record of the cells
the button marked (`marks.Mark`), read back on the next run to clear them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from malark.addin.marks import Mark
from malark.core.contract import RESULT_HEADERS, SHEET_RESULTS
from malark.core.findings import Finding
from malark.core.text import EXCEL_CELL_LIMIT, cut_for_excel, printable
from malark.validate.result_sheet import result_rows

__all__ = ["REGISTRY_COLUMN", "find_results_sheet", "read_registry", "result_table", "write_results"]

REGISTRY_COLUMN = len(RESULT_HEADERS) + 2
"""First hidden column of the mark record (one empty column after the visible table)."""
REGISTRY_HEADERS = ("Markerat blad", "Markerad cell", "Ursprunglig fyllning", "Anteckning tillagd")
_WIDTHS = {"Allvarlighet": 12, "Kod": 8, "Blad": 16, "Cell": 8, "Gäller": 13, "Meddelande": 110}
_A1 = re.compile(r"[A-Z]{1,3}[1-9]\d{0,6}")
_HEADER_FILL = (0x1F, 0x4E, 0x78)
_WHITE = (255, 255, 255)
_YES = "ja"


def find_results_sheet(sheets: Any) -> Any | None:
    """The existing result sheet (Excel compares sheet names without case)."""
    for sheet in sheets:
        if sheet.name.lower() == SHEET_RESULTS.lower():
            return sheet
    return None


def read_registry(sheet: Any) -> list[Mark]:
    """The marks an earlier run recorded on the result sheet (none if unreadable)."""
    last_row = sheet.used_range.last_cell.row
    if last_row < 2:
        return []
    block = sheet.range((2, REGISTRY_COLUMN), (last_row, REGISTRY_COLUMN + 3))
    marks = []
    for row in block.options(ndim=2, empty="").value:
        name, cell, fill, added = (str(v) if v is not None else "" for v in row)
        if name and _A1.fullmatch(cell):
            marks.append(Mark(name, cell, fill, added == _YES))
    return marks


def _text(value: str) -> str:
    """A string Excel keeps as text: the leading apostrophe (which Excel hides) stops it
    from reading "=…" as a formula and "1/2" or "00123" as a date or a number; control
    characters are made visible and the text cut to what a cell holds."""
    return "'" + cut_for_excel(printable(value), EXCEL_CELL_LIMIT - 1) if value else value


def _link(sheet_name: str, cell: str) -> str:
    target = "#'" + sheet_name.replace("'", "''") + "'!" + cell
    return '=HYPERLINK("' + target.replace('"', '""') + '","' + cell + '")'


def result_table(findings: Sequence[Finding], sheet_names: Sequence[str],
                 checked_at: datetime) -> list[list[str]]:
    """Header and one row per finding; the Cell column links where sheet and cell exist.
    No findings: one row saying so."""
    sheet_col, cell_col = RESULT_HEADERS.index("Blad"), RESULT_HEADERS.index("Cell")
    existing = set(sheet_names)
    table = [list(RESULT_HEADERS)]
    for row in result_rows(findings, sheet_names):
        cells = [_text(v) for v in row]
        if row[sheet_col] in existing and _A1.fullmatch(row[cell_col]):
            cells[cell_col] = _link(row[sheet_col], row[cell_col])
        table.append(cells)
    if len(table) == 1:
        empty = [""] * len(RESULT_HEADERS)
        empty[-1] = f"Inga fel eller varningar (kontrollerad {checked_at:%Y-%m-%d %H:%M})."
        table.append(empty)
    return table


def _registry_table(marks: Sequence[Mark]) -> list[list[str]]:
    return [list(REGISTRY_HEADERS)] + [
        [_text(m.sheet), m.cell, m.original_fill, _YES if m.note_added else ""] for m in marks
    ]


def write_results(book: Any, sheet: Any | None, findings: Sequence[Finding], marks: Sequence[Mark],
                  checked_at: datetime) -> Any:
    """Write (or rewrite) the result sheet and return it. It is put first, as the marked
    copy of `validate --annotate` has it, and made the active sheet."""
    names = [s.name for s in book.sheets if s.name.lower() != SHEET_RESULTS.lower()]
    if sheet is None:
        sheet = book.sheets.add(SHEET_RESULTS, before=book.sheets[0])
    else:
        sheet.clear()
    table = result_table(findings, names, checked_at)
    sheet.range((1, 1)).value = table
    header = sheet.range((1, 1), (1, len(RESULT_HEADERS)))
    header.color = _HEADER_FILL
    header.font.bold = True
    header.font.color = _WHITE
    for index, title in enumerate(RESULT_HEADERS, start=1):
        sheet.range((1, index)).column_width = _WIDTHS.get(title, 14)  # sets the whole column
    sheet.range((1, REGISTRY_COLUMN)).value = _registry_table(marks)
    sheet.range((1, REGISTRY_COLUMN), (1, REGISTRY_COLUMN + 3)).column_width = 0  # hidden
    sheet.activate()
    return sheet
