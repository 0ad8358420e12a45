"""Cells of the master goal model: reading a number or a year with Swedish conventions,
collecting problems that name sheet and cell, and writing a model sheet with its styled
header. Shared by `malark.xlsx.model_io` and `malark.xlsx.indicator_values`."""

from __future__ import annotations

from typing import Any

from malark.core.contract import SheetSpec
from malark.core.swedish import parse_number
from malark.xlsx.table import Cell, Row

__all__ = ["Problems", "add_sheet", "list_validation", "number", "required_text", "year"]

MIN_YEAR, MAX_YEAR = 1900, 2200


class Problems:
    """Collects Swedish problem lines that name sheet and cell."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, cell: Cell | None, sheet: str, message: str) -> None:
        where = f"bladet {sheet}" + (f", cell {cell.address}" if cell else "")
        self.lines.append(f"{where}: {message}")


def number(cell: Cell | None, sheet: str, label: str, problems: Problems) -> float | None:
    if cell is None or cell.is_empty:
        return None
    if isinstance(cell.value, bool):
        problems.add(cell, sheet, f"{label} ska vara ett tal, inte {cell.value}.")
        return None
    if isinstance(cell.value, int | float):
        return float(cell.value)
    value = parse_number(str(cell.value))
    if value is None:
        problems.add(cell, sheet, f"{label} ska vara ett tal men är \"{cell.value}\".")
    return value


def year(cell: Cell | None, sheet: str, label: str, problems: Problems) -> int | None:
    value = number(cell, sheet, label, problems)
    if value is None:
        return None
    if not value.is_integer() or not MIN_YEAR <= value <= MAX_YEAR:
        problems.add(cell, sheet, f"{label} ska vara ett årtal (t.ex. 2027) men är {cell.text}.")
        return None
    return int(value)


def required_text(row: Row, field: str, sheet: str, label: str, problems: Problems) -> str:
    text = row.text(field)
    if not text:
        problems.add(row.cell(field), sheet, f"{label} saknas.")
        return ""
    return text


# openpyxl is imported only when writing: reading (validate, the ribbon button) must start fast.


def add_sheet(workbook, spec: SheetSpec, rows: list[list[Any]]):
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = workbook.create_sheet(spec.name)
    ws.append(list(spec.headers))
    for row in rows:
        ws.append(row)
    for index, column in enumerate(spec.columns, start=1):
        letter = spec.letter(column.field)
        ws.column_dimensions[letter].width = column.width
        ws.cell(1, index).fill = PatternFill("solid", fgColor="1F4E78")
        ws.cell(1, index).font = Font(bold=True, color="FFFFFF")
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    ws.freeze_panes = "A2"
    return ws


def list_validation(ws, values: tuple[str, ...], cells: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    dv.add(cells)
    ws.add_data_validation(dv)
