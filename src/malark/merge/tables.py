"""The table sheets of the consolidated workbook: a header row, then one bordered,
top-aligned row per data row, sized to its text, and a print area that ends at the last
row (A4 landscape, one page wide, the header on every page)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from malark.core.contract import SheetSpec
from malark.merge.style import (
    Styles,
    chars_on_a_line,
    column_width,
    header_height,
    light_rules,
    row_height,
    wrapped_lines,
    write_header,
    write_value,
)

__all__ = ["end_data_sheet", "print_setup", "start_data_sheet", "write_data_sheet", "write_plain",
           "write_rows"]


def print_setup(ws) -> None:
    """A4 landscape, all columns on the page width, the header row on every page."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.repeat_rows(0)


def start_data_sheet(ws, styles: Styles, spec: SheetSpec) -> None:
    widths = [column_width(c) for c in spec.columns]
    for index, width in enumerate(widths):
        ws.set_column(index, index, width)
    ws.set_row(0, header_height(spec.headers, widths))
    write_header(ws, styles, spec.headers)
    ws.freeze_panes(1, 1)
    print_setup(ws)


def write_rows(ws, styles: Styles, spec: SheetSpec, rows: Iterable[Sequence[Any]], last: int) -> int:
    """Write `rows` below row `last` (1-based data rows); returns the new last row."""
    # xlsxwriter's row/column entry points without the A1-notation wrapper (same
    # signature; the public methods are the fallback if a release renames them).
    write_string = getattr(ws, "_write_string", ws.write_string)
    write_number = getattr(ws, "_write_number", ws.write_number)
    write_blank = getattr(ws, "_write_blank", ws.write_blank)
    columns = [(column_width(c), styles.for_column(c)) for c in spec.columns]
    one_line = [chars_on_a_line(width) for width, _fmt in columns]
    count = len(columns)
    number = last
    for number, row in enumerate(rows, start=last + 1):
        lines = 1
        for column, value in enumerate(row[:count]):
            if type(value) is str and (len(value) > one_line[column] or "\n" in value):
                lines = max(lines, wrapped_lines(value, columns[column][0]))
        if lines > 1:
            ws.set_row(number, row_height(lines))
        for column, (_width, fmt) in enumerate(columns):
            value = row[column] if column < len(row) else None
            kind = type(value)
            if kind is str:
                write_string(number, column, value, fmt)
            elif kind is int or (kind is float and value - value == 0.0):  # NaN/inf: as text
                write_number(number, column, value, fmt)
            elif value is None:
                write_blank(number, column, None, fmt)
            else:
                write_value(ws, styles, number, column, value, styles.cell(value))
        for column in range(count, len(row)):  # a row longer than the layout loses nothing
            write_value(ws, styles, number, column, row[column], styles.cell(row[column]))
    return number


def end_data_sheet(ws, styles: Styles, spec: SheetSpec, last: int) -> None:
    ws.autofilter(0, 0, max(last, 1), len(spec.columns) - 1)
    ws.print_area(0, 0, max(last, 1), len(spec.columns) - 1)
    light_rules(ws, styles, spec, last)


def write_data_sheet(ws, styles: Styles, spec: SheetSpec, rows: Sequence[Sequence[Any]]) -> int:
    start_data_sheet(ws, styles, spec)
    last = write_rows(ws, styles, spec, rows, 0)
    end_data_sheet(ws, styles, spec, last)
    return last


def write_plain(ws, styles: Styles, headers: Sequence[str], widths: Sequence[float],
                rows: Iterable[Sequence[Any]], *, printed: bool = True) -> int:
    """A table of plain values (`Inlämningar`, `Valideringsfynd`, `_malark`). A sheet that
    is not `printed` (the hidden `_malark`) gets no print area: LibreOffice would print it."""
    for index, width in enumerate(widths):
        ws.set_column(index, index, width)
    ws.set_row(0, header_height(headers, widths))
    write_header(ws, styles, headers)
    ws.freeze_panes(1, 0)
    print_setup(ws)
    number = 0
    for number, row in enumerate(rows, start=1):
        lines = max((wrapped_lines(v, w) for v, w in zip(row, widths, strict=False)
                     if type(v) is str), default=1)
        if lines > 1:
            ws.set_row(number, row_height(lines))
        for column, value in enumerate(row):
            write_value(ws, styles, number, column, value, styles.cell(value))
    ws.autofilter(0, 0, max(number, 1), len(headers) - 1)
    if printed:
        ws.print_area(0, 0, max(number, 1), len(headers) - 1)
    return number
