"""Formats, typed cell writing and the light rules for workbooks written with xlsxwriter.

Shared by the consolidated workbook's sheets (`malark.merge.consolidated`, `malark.merge.overview`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from malark.core.contract import LIGHT_GREEN, LIGHT_YELLOW, Assessment, SheetSpec, column_letter

__all__ = ["ICON_SET", "LINE_HEIGHT", "Styles", "assessment_fill_rules", "icon_rule",
           "chars_per_line", "light_rules", "text_lines", "write_header", "write_value"]

ICON_SET = {
    "type": "icon_set",
    "icon_style": "3_traffic_lights",
    "icons": [
        {"criteria": ">=", "type": "number", "value": LIGHT_GREEN},
        {"criteria": ">=", "type": "number", "value": LIGHT_YELLOW},
    ],
}
"""Code 3 → green, 2 → yellow, 1 → red; empty and text cells show no icon."""

FILLS = {
    Assessment.GRON: ("#C6EFCE", "#006100"),
    Assessment.GUL: ("#FFEB9C", "#7F5F00"),
    Assessment.ROD: ("#FFC7CE", "#9C0006"),
    Assessment.EJ_BEDOMD: ("#E7E6E6", "#3A3A3A"),
}


class Styles:
    """The formats of one workbook (xlsxwriter formats belong to their workbook)."""

    def __init__(self, workbook) -> None:
        self.workbook = workbook
        add = workbook.add_format
        self.header = add({"bold": True, "bg_color": "#DDEBF7", "bottom": 1, "text_wrap": True,
                           "valign": "top"})
        self.title = add({"bold": True, "font_size": 16})
        self.subtitle = add({"italic": True, "font_color": "#404040"})
        self.section = add({"bold": True, "font_size": 12})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.date = add({"num_format": "yyyy-mm-dd"})
        self.datetime = add({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.time = add({"num_format": "hh:mm:ss"})
        self.percent = add({"num_format": "0%", "align": "center"})
        self.not_addressed = add({"bg_color": "#D9D9D9", "font_color": "#595959", "align": "center",
                                 "valign": "vcenter"})
        self.centre = add({"align": "center", "valign": "vcenter"})
        self.middle = add({"valign": "vcenter"})
        self.wrap_middle = add({"text_wrap": True, "valign": "vcenter"})
        self.fills = {a: add({"bg_color": bg, "font_color": fg}) for a, (bg, fg) in FILLS.items()}


def write_header(ws, styles: Styles, headers: Sequence[str], row: int = 0) -> None:
    for column, header in enumerate(headers):
        ws.write_string(row, column, header, styles.header)


def write_value(ws, styles: Styles, row: int, column: int, value: Any, fmt=None) -> None:
    """Write `value` by its type; text is always text, never a formula, URL or number."""
    kind = type(value)
    if value is None:
        return
    if kind is str:
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


LINE_HEIGHT = 15.0


def chars_per_line(width: float) -> int:
    return max(1, int(width * 1.1))


def text_lines(text: Any, width: float) -> int:
    """Lines a wrapped text needs in a column `width` characters wide (an estimate: neither
    Excel nor LibreOffice grows a row for wrapped text written by xlsxwriter)."""
    if not isinstance(text, str) or not text:
        return 1
    per_line = chars_per_line(width)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def icon_rule(ws, first_row: int, last_row: int, first_col: int, last_col: int | None = None,
              *, icons_only: bool = False) -> None:
    if last_row < first_row:
        return
    options = dict(ICON_SET, icons_only=icons_only) if icons_only else ICON_SET
    ws.conditional_format(first_row, first_col, last_row,
                          first_col if last_col is None else last_col, options)


def assessment_fill_rules(ws, styles: Styles, first_row: int, last_row: int, column: int) -> None:
    """Fill a `Bedömning` text cell by its value (Grön/Gul/Röd/Ej bedömd)."""
    if last_row < first_row:
        return
    for assessment, fmt in styles.fills.items():
        ws.conditional_format(first_row, column, last_row, column, {
            "type": "cell", "criteria": "==", "value": f'"{assessment.value}"', "format": fmt})


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
