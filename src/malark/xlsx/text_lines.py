"""How many lines a text needs in a wrapping cell: an estimate shared by the workbooks
written with openpyxl (`sheet_layout`) and with xlsxwriter (`malark.merge.style`), kept free
of either library so that importing it costs nothing."""

from __future__ import annotations

from typing import Any

__all__ = ["BOLD_CHARS_PER_WIDTH", "chars_on_a_line", "wrapped_lines"]

_CHARS_PER_WIDTH = 1.15
"""Characters of ordinary text per unit of column width (Calibri 11 in Excel, Carlito in
LibreOffice); bold text and headers get `BOLD_CHARS_PER_WIDTH`."""
BOLD_CHARS_PER_WIDTH = 0.95


def chars_on_a_line(width: float, *, bold: bool = False) -> int:
    """How many characters fit on one line of a cell `width` characters wide (an estimate
    that errs towards fewer)."""
    return max(1, int((width - 1) * (BOLD_CHARS_PER_WIDTH if bold else _CHARS_PER_WIDTH)))


def wrapped_lines(text: Any, width: float, *, bold: bool = False) -> int:
    """Lines a text needs in a wrapping cell `width` characters wide: words wrapped the
    way a spreadsheet does (a word longer than a line is broken), each line break kept."""
    if not isinstance(text, str) or not text:
        return 1
    per_line = chars_on_a_line(width, bold=bold)
    if len(text) <= per_line and "\n" not in text:
        return 1
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0
        for word in paragraph.split():
            if used and used + 1 + len(word) <= per_line:
                used += 1 + len(word)
                continue
            if used:
                lines += 1
            broken = (len(word) - 1) // per_line  # extra lines of a word longer than a line
            lines += broken
            used = len(word) - broken * per_line
    return lines
