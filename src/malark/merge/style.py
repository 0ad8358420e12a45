"""Formats, typed cell writing, row heights and the light rules for workbooks written with
xlsxwriter. Shared by the consolidated workbook's sheets (`malark.merge.consolidated`,
`malark.merge.overview`).

Every table cell is top-aligned with a thin grey border, text wraps, and a row is as tall
as its longest text needs (`wrapped_lines`): neither Excel nor LibreOffice grows a row for
wrapped text that xlsxwriter wrote, so the height is estimated here, generously.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from malark.core.contract import (
    LIGHT_GREEN,
    LIGHT_YELLOW,
    Assessment,
    Column,
    Kind,
    SheetSpec,
    column_letter,
)
from malark.core.scale import DEFAULT_SCALE, AssessmentScale
from malark.xlsx.text_lines import BOLD_CHARS_PER_WIDTH, chars_on_a_line, wrapped_lines

__all__ = ["ICON_SET", "LINE_HEIGHT", "Styles", "assessment_fill_rules", "chars_on_a_line",
           "column_width", "header_height", "icon_rule", "light_rules", "row_height", "value_writer",
           "wrapped_lines", "write_header", "write_value"]

ICON_SET = {
    "type": "icon_set",
    "icon_style": "3_traffic_lights",
    "icons_only": True,
    "icons": [
        {"criteria": ">=", "type": "number", "value": LIGHT_GREEN},
        {"criteria": ">=", "type": "number", "value": LIGHT_YELLOW},
    ],
}
"""Code 3 → green, 2 → yellow, 1 → red, the icon alone (the code stays the cell's value,
for sorting and filtering); empty and text cells show no icon."""

FILLS = {
    Assessment.GRON: ("#C6EFCE", "#006100"),
    Assessment.GUL: ("#FFEB9C", "#7F5F00"),
    Assessment.ROD: ("#FFC7CE", "#9C0006"),
    Assessment.EJ_BEDOMD: ("#E7E6E6", "#3A3A3A"),
}
_GRID = {"border": 1, "border_color": "#BFBFBF"}
_BODY = {**_GRID, "valign": "top", "text_wrap": True}


class Styles:
    """The formats of one workbook (xlsxwriter formats belong to their workbook)."""

    def __init__(self, workbook, scale: AssessmentScale = DEFAULT_SCALE) -> None:
        self.workbook = workbook
        self.scale = scale
        """The assessment labels of the workbook (the template's, SPEC 3c)."""
        add = workbook.add_format
        self.header = add({**_GRID, "bold": True, "bg_color": "#DDEBF7", "text_wrap": True,
                           "valign": "top"})
        self.title = add({"bold": True, "font_size": 16})
        self.subtitle = add({"italic": True, "font_color": "#404040"})
        self.section = add({"bold": True, "font_size": 12})
        self.wrap = add({"valign": "top", "text_wrap": True})
        """Wrapped text outside a table (a legend, an explanation)."""
        self.text = add(_BODY)
        self.centre = add({**_BODY, "align": "center"})
        self.light = add({**_BODY, "align": "center", "valign": "vcenter"})
        """A light code: the icon alone, in the middle of the cell (LibreOffice draws an
        icon at the bottom of a top-aligned cell)."""
        self.date = add({**_BODY, "num_format": "yyyy-mm-dd"})
        self.datetime = add({**_BODY, "num_format": "yyyy-mm-dd hh:mm:ss"})
        self.time = add({**_BODY, "num_format": "hh:mm:ss"})
        self.percent = add({**_BODY, "num_format": "0%", "align": "center"})
        self.not_addressed = add({**_BODY, "bg_color": "#D9D9D9", "font_color": "#595959",
                                  "align": "center"})
        self.absent = add({**_BODY, "bg_color": "#FCE4D6", "font_color": "#833C0B",
                           "italic": True, "align": "center"})
        """A committee without a merged file: `Saknas` / `Ej inläst` in its cells."""
        self.fills = {a: add({"bg_color": bg, "font_color": fg}) for a, (bg, fg) in FILLS.items()}

    def cell(self, value: Any):
        """The bordered, top-aligned table format for `value` (dates keep a date format)."""
        kind = type(value)
        if kind is datetime:
            plain = value.hour == value.minute == value.second == value.microsecond == 0
            return self.date if plain else self.datetime
        if kind is date:
            return self.date
        return self.time if kind is time or kind is timedelta else self.text

    def for_column(self, column: Column):
        """The format of a data cell in `column` (values of another type, such as a date,
        get theirs in `write_value`)."""
        if column.kind is Kind.FORMULA:
            return self.light
        return self.centre if column.field == "assessment" else self.text


def write_header(ws, styles: Styles, headers: Sequence[str], row: int = 0) -> None:
    for column, header in enumerate(headers):
        ws.write_string(row, column, header, styles.header)


def write_value(ws, styles: Styles, row: int, column: int, value: Any, fmt=None) -> None:
    """Write `value` by its type with `fmt` (a table cell passes `styles.text` or the like);
    text is always text, never a formula, URL or number. An empty value is written only
    with a format, as a blank cell that keeps the table's borders."""
    kind = type(value)
    if value is None:
        if fmt is not None:
            ws.write_blank(row, column, None, fmt)
    elif kind is str:
        ws.write_string(row, column, value, fmt)
    elif kind is bool:
        ws.write_boolean(row, column, value, fmt)
    elif kind is int or (kind is float and value - value == 0.0):  # NaN/inf: as text below
        ws.write_number(row, column, value, fmt)
    elif kind is datetime:
        plain = value.hour == value.minute == value.second == value.microsecond == 0
        ws.write_datetime(row, column, value, fmt or (styles.date if plain else styles.datetime))
    elif kind is date:
        ws.write_datetime(row, column, value, fmt or styles.date)
    elif kind is time or kind is timedelta:
        ws.write_datetime(row, column, value, fmt or styles.time)
    else:
        ws.write_string(row, column, str(value), fmt)


def value_writer(ws, styles: Styles):
    """`write(row, column, value, fmt=None)` like `write_value`, through xlsxwriter's
    row/column entry points without the A1-notation wrapper (much faster for many cells;
    the public methods are the fallback if a release renames them)."""
    write_string = getattr(ws, "_write_string", ws.write_string)
    write_number = getattr(ws, "_write_number", ws.write_number)

    def write(row: int, column: int, value: Any, fmt=None) -> None:
        kind = type(value)
        if kind is str:
            write_string(row, column, value, fmt)
        elif kind is float or kind is int:
            write_number(row, column, value, fmt)
        elif value is not None:
            write_value(ws, styles, row, column, value, fmt)

    return write


LINE_HEIGHT = 15.0
MAX_ROW_HEIGHT = 409.0
"""Excel's tallest row (points)."""


def row_height(lines: int) -> float:
    return min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines + (2 if lines > 1 else 0))


def header_height(headers: Sequence[str], widths: Sequence[float]) -> float:
    return row_height(max(wrapped_lines(h, w, bold=True) for h, w in zip(headers, widths, strict=True)))


def column_width(column: Column) -> float:
    """The column's width, widened so that no word of its header is broken (`Trafikljus`
    must not print as `Trafiklju/s`)."""
    longest = max(len(word) for word in column.header.split())
    return max(column.width, math.ceil(longest / BOLD_CHARS_PER_WIDTH) + 2)


def icon_rule(ws, first_row: int, last_row: int, first_col: int, last_col: int | None = None) -> None:
    if last_row < first_row:
        return
    ws.conditional_format(first_row, first_col, last_row,
                          first_col if last_col is None else last_col, ICON_SET)


def assessment_fill_rules(ws, styles: Styles, first_row: int, last_row: int, column: int) -> None:
    """Fill a `Bedömning` text cell by its value (the scale's Grön/Gul/Röd/Ej bedömd)."""
    if last_row < first_row:
        return
    for assessment, fmt in styles.fills.items():
        label = styles.scale.label_of(assessment).replace('"', '""')
        ws.conditional_format(first_row, column, last_row, column, {
            "type": "cell", "criteria": "==", "value": f'"{label}"', "format": fmt})


def light_rules(ws, styles: Styles, spec: SheetSpec, last_row: int) -> None:
    """The light rules of a data sheet laid out by `spec`, on rows 2..last_row+1."""
    for index, column in enumerate(spec.columns):
        if column.field == "assessment":
            assessment_fill_rules(ws, styles, 1, last_row, index)
        elif column.field == "light":
            icon_rule(ws, 1, last_row, index)


def range_a1(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    """`A2:D9` from 0-based row/column indexes."""
    return (f"{column_letter(first_col + 1)}{first_row + 1}:"
            f"{column_letter(last_col + 1)}{last_row + 1}")
