"""Formula text for the live checks (`malark.validate.checks.live`): string literals,
the shared whitespace set, exact membership and lookups over constants, and the padding
of helper ranges. Pure string building, no workbook knowledge."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from malark.core.swedish import WHITESPACE

__all__ = ["char", "column_array", "edge_blanks", "lookup", "member", "padded", "quoted",
           "row_array", "spaces_to_blank", "text_of", "yyyymmdd"]


def quoted(text: str) -> str:
    """A string literal in a formula."""
    return '"' + text.replace('"', '""') + '"'


def char(character: str) -> str:
    code = ord(character)
    return f"CHAR({code})" if code < 128 else f"_xlfn.UNICHAR({code})"


def spaces_to_blank(expression: str, extra: Sequence[tuple[str, str]] = ()) -> str:
    """`expression` (text or an array of texts) with every `WHITESPACE` character made a
    plain space (same length), so TRIM and FIND can see them; `extra` maps more."""
    result = expression
    for character in WHITESPACE:
        if character != " ":
            result = f'SUBSTITUTE({result},{char(character)}," ")'
    for old, new in extra:
        result = f"SUBSTITUTE({result},{old},{new})"
    return result


def text_of(cells: str) -> str:
    """The cells as text, as `Cell.text` before stripping: errors are ""."""
    return f'IF(ISERROR({cells}),"",{cells}&"")'


def member(expression: str, values: Iterable[str]) -> str:
    """1 where `expression` is exactly one of `values` (case counts), else 0."""
    terms = [f"EXACT({expression},{quoted(v)})" for v in values]
    return "(" + "+".join(terms) + ">0)" if terms else "0"


def row_array(values: Sequence[str | int]) -> str:
    return "{" + ",".join(quoted(v) if isinstance(v, str) else str(v) for v in values) + "}"


def column_array(values: Sequence[int]) -> str:
    return "{" + ";".join(str(v) for v in values) + "}"


def yyyymmdd(day: date) -> int:
    """A date as the live formulas hold it (see `live_values.date_value`)."""
    return day.year * 10000 + day.month * 100 + day.day


def lookup(expression: str, keys: Sequence[str], values: Sequence[int]) -> str:
    """The value of the key `expression` is exactly equal to (0 when none)."""
    if not keys:
        return "0"
    return f"MMULT(IFERROR(--EXACT({expression},{row_array(keys)}),0),{column_array(values)})"


def padded(reference: str, default: str = '""') -> str:
    """A helper range whose rows past the data (#N/A) read as `default`: needed wherever
    rows are combined (MMULT, TRANSPOSE), where one #N/A would spoil every row."""
    return f"IFERROR({reference},{default})"


def edge_blanks(text: str) -> str:
    """A scalar: 1 when some non-empty text of the array `text` (which may hold errors)
    starts or ends with a `WHITESPACE` character. Only then is the costly stripping needed;
    with one condition both spreadsheets evaluate only the branch it picks."""
    blanks = "&".join(char(c) for c in WHITESPACE)
    edge = (f"IFERROR((LEN({text})>0)*(ISNUMBER(FIND(LEFT({text},1),{blanks}))"
            f"+ISNUMBER(FIND(RIGHT({text},1),{blanks}))),0)")
    return f"(SUMPRODUCT({edge})>0)"
