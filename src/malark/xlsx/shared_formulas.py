"""Shared formulas: Excel stores one formula for a range of cells, written in its first
cell; every other cell of the range holds the same formula moved by its offset."""

from __future__ import annotations

import re

from malark.core.contract import column_letter

__all__ = ["shift_formula"]

# A1 references outside string literals and not followed by "(" (LOG10( is a function).
_FORMULA_TOKEN = re.compile(
    r"""("(?:[^"]|"")*")"""                     # string literal
    r"""|('(?:[^']|'')*'!|\b[A-Za-z_][\w.]*!)"""  # sheet prefix
    r"""|(?<![\w.$])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\w(])"""
)


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def shift_formula(text: str, rows: int, columns: int) -> str:
    """Move the relative A1 references of `text` by `rows` and `columns` (as Excel does
    for the cells of a shared formula)."""

    def move(match: re.Match[str]) -> str:
        if match.group(1) or match.group(2):
            return match.group(0)
        column_abs, letters, row_abs, digits = match.group(3, 4, 5, 6)
        column = _column_number(letters) + (0 if column_abs else columns)
        row = int(digits) + (0 if row_abs else rows)
        if column < 1 or row < 1:
            return "#REF!"
        return f"{column_abs}{column_letter(column)}{row_abs}{row}"

    return _FORMULA_TOKEN.sub(move, text)
