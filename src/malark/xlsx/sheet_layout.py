"""Row heights and print areas of committee workbooks that keep working while a committee
types in them (openpyxl workbooks).

- Rows are *fitted*, not fixed: a row gets a height (`ht`) but no `customHeight`, so Excel
  grows it when a longer text is typed in it and LibreOffice fits it to its text when it
  opens the file. (openpyxl marks every row with a height as custom; `FittedRow` does not.)
- A data sheet's print area ends at its last row holding anything (`Print_Area` is a
  formula), so the prepared empty rows never print as empty pages, and a row a committee
  fills in later is printed without anyone moving the print area.

openpyxl cannot read a print area that is a formula (it drops it with a warning), so code
that loads a committee workbook with openpyxl and saves it again uses `load_for_edit` and
`keep_layout` to keep both.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.dimensions import RowDimension

from malark.core.contract import (
    COMMITTEE_DATA_SHEETS,
    SHEET_INSTRUCTIONS,
    Kind,
    SheetSpec,
    column_letter,
)
from malark.xlsx.text_lines import BOLD_CHARS_PER_WIDTH, chars_on_a_line, wrapped_lines

__all__ = ["BOLD_CHARS_PER_WIDTH", "FittedRow", "chars_on_a_line", "computed_columns", "fit_row",
           "fit_rows_to_text", "keep_layout", "load_for_edit", "print_area_formula",
           "set_print_area", "text_height", "wrapped_lines"]

LINE_HEIGHT = 15.0
PRINT_AREA_NAME = "_xlnm.Print_Area"
EXCEL_MAX_ROWS = 1_048_576
_ROWS_BEYOND = 500
"""Rows below the prepared ones that the print area still looks at (rows inserted later)."""
class FittedRow(RowDimension):
    """A row height that follows the row's text instead of fixing it."""

    @property
    def customHeight(self) -> bool:  # noqa: N802 - openpyxl's attribute name
        return False


def fit_row(ws, number: int, height: float | None = None) -> None:
    """Give row `number` a fitted height (`LINE_HEIGHT` when none is given)."""
    ws.row_dimensions[number] = FittedRow(ws, index=number, ht=height or LINE_HEIGHT)


def print_area_formula(sheet: str, columns: int, last_row: int, computed: tuple[int, ...] = ()) -> str:
    """`'Sheet'!$A$1:INDEX('Sheet'!$N:$N, <last row holding anything>)`: the header row down
    to the last row where a cell of the sheet's `columns` columns holds something, looking
    `_ROWS_BEYOND` rows past `last_row`. The `computed` columns (1-based: the Trafikljus
    formula, in every prepared row) are left out: they are not something typed."""
    quoted = "'" + sheet.replace("'", "''") + "'"
    bottom = min(last_row + _ROWS_BEYOND, EXCEL_MAX_ROWS)
    spans, start = [], 1
    for column in [*sorted(computed), columns + 1]:
        if column > start:
            spans.append(f"{quoted}!${column_letter(start)}$2:${column_letter(column - 1)}${bottom}")
        start = column + 1
    used = ",".join(f"SUMPRODUCT(MAX((LEN({cells})>0)*ROW({cells})))" for cells in spans)
    last = column_letter(columns)
    return f"{quoted}!$A$1:INDEX({quoted}!${last}:${last},MAX(2,{used}))"


def computed_columns(spec: SheetSpec) -> tuple[int, ...]:
    """1-based positions of the columns the workbook computes (Trafikljus)."""
    return tuple(i for i, c in enumerate(spec.columns, start=1) if c.kind is Kind.FORMULA)


def set_print_area(workbook, ws, formula: str) -> None:
    """Make `formula` the print area of `ws` (a sheet-scoped defined name)."""
    index = workbook.worksheets.index(ws)
    ws.defined_names[PRINT_AREA_NAME] = DefinedName(PRINT_AREA_NAME, localSheetId=index,
                                                    attr_text=formula)


def text_height(lines: int) -> float:
    return LINE_HEIGHT * lines + (3 if lines > 1 else 0)


def fit_rows_to_text(ws, columns: int, first_row: int = 2) -> None:
    """Size every row from `first_row` to the wrapped text of its first `columns` cells, as
    Excel does when a text is typed into a row whose height is not fixed (LibreOffice
    does not, on opening)."""
    widths = {index: ws.column_dimensions[column_letter(index)].width or 8.43
              for index in range(1, columns + 1)}
    rows = ws.iter_rows(min_row=first_row, max_col=columns)
    for number, row in enumerate(rows, start=first_row):
        lines = max((wrapped_lines(cell.value, widths[cell.column]) for cell in row
                     if isinstance(cell.value, str) and cell.data_type != "f"), default=1)
        fit_row(ws, number, text_height(lines))


def keep_layout(workbook) -> None:
    """For a committee workbook edited with openpyxl (`generate`, the demo's simulated
    controllers, a test): every data row fitted to its text and each data sheet's print
    area in place, so that saving keeps what `generate` wrote and what Excel does. Other
    workbooks (the model, a consolidation) are left as they are."""
    if SHEET_INSTRUCTIONS not in workbook.sheetnames:
        return
    for spec in COMMITTEE_DATA_SHEETS:
        if spec.name not in workbook.sheetnames:
            continue
        ws = workbook[spec.name]
        fit_rows_to_text(ws, len(spec.columns))
        if PRINT_AREA_NAME not in ws.defined_names and not ws._print_area:
            set_print_area(workbook, ws, print_area_formula(spec.name, len(spec.columns), ws.max_row,
                                                            computed_columns(spec)))


def load_for_edit(path: Path | str, **options: Any):
    """`openpyxl.load_workbook` without the warning about the formula print areas, with
    `keep_layout` applied (apply it again after editing, before saving)."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Print area cannot be set", category=UserWarning)
        workbook = openpyxl.load_workbook(path, **options)
    keep_layout(workbook)
    return workbook
