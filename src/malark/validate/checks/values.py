"""Typed reading of positioned cells, the way a Swedish controller types them.

Every function takes a `Cell` (or None when the column is missing) and never raises.
`read_number` / `read_year` / `read_date` say HOW a value was read (`ReadKind`), so the data
checks can report text that was parsed (D011, info) or could not be parsed (D001/D003);
the other checks only want the value and use `number`, `year`, `date_of`, `text`.

A value is read as a spreadsheet formula sees it, so that the live checks on the
`Kontroll` sheet and these checks agree: a date or time where a number is wanted is the
number Excel stores (its serial, `ReadKind.FROM_DATE`, reported as D013), and SANT/FALSKT
is 1/0 (the typed-value check reports it as D009 first).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from malark.core.contract import Kind
from malark.core.swedish import (
    excel_serial,
    format_date,
    format_number,
    number_from_cell,
    parse_date,
    strip_space,
)
from malark.xlsx.table import Cell, is_blank

__all__ = [
    "Read",
    "ReadKind",
    "date_of",
    "display",
    "number",
    "read_date",
    "read_number",
    "read_year",
    "text",
    "typed_value",
    "year",
]


class ReadKind(StrEnum):
    EMPTY = "empty"
    VALUE = "value"
    """A real number/date cell."""
    FROM_TEXT = "from_text"
    """Text (or a serial number in a date column) that was read as a value: D011."""
    FROM_DATE = "from_date"
    """A date, time or duration cell where a number is wanted, read as the serial number
    Excel stores: D013."""
    INVALID = "invalid"
    ERROR = "error"
    """An Excel error value (`#DIV/0!`)."""


@dataclass(frozen=True, slots=True)
class Read:
    kind: ReadKind
    value: Any = None

    @property
    def ok(self) -> bool:
        return self.kind in (ReadKind.VALUE, ReadKind.FROM_TEXT, ReadKind.FROM_DATE)


_EMPTY = Read(ReadKind.EMPTY)
_INVALID = Read(ReadKind.INVALID)


def _is_real_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _empty_or_error(cell: Cell | None) -> Read | None:
    """The read of a missing, blank or error cell; None when the cell holds a value."""
    if cell is None:
        return _EMPTY
    if cell.error is not None:
        return Read(ReadKind.ERROR)
    if is_blank(cell.value):
        return _EMPTY
    return None


def read_number(cell: Cell | None) -> Read:
    if (read := _empty_or_error(cell)) is not None:
        return read
    value = cell.value
    if isinstance(value, bool):
        return Read(ReadKind.VALUE, float(value))
    if isinstance(value, date | time | timedelta):
        return Read(ReadKind.FROM_DATE, excel_serial(value))
    number = number_from_cell(value)
    if number is None:
        return _INVALID
    return Read(ReadKind.FROM_TEXT if isinstance(cell.value, str) else ReadKind.VALUE, number)


def read_year(cell: Cell | None) -> Read:
    """A year is a whole number: `2027,5` is INVALID (the range is the caller's). A date
    cell is its serial number, as for `read_number`."""
    read = read_number(cell)
    if not read.ok:
        return read
    if not float(read.value).is_integer():
        return _INVALID
    return Read(read.kind, int(read.value))


def read_date(cell: Cell | None) -> Read:
    if (read := _empty_or_error(cell)) is not None:
        return read
    value = cell.value
    if isinstance(value, datetime):
        return Read(ReadKind.VALUE, value.date())
    if isinstance(value, date):
        return Read(ReadKind.VALUE, value)
    if isinstance(value, bool | time | timedelta):  # a formula sees a serial number
        value = float(value) if isinstance(value, bool) else excel_serial(value)
    parsed = parse_date(value)
    return _INVALID if parsed is None else Read(ReadKind.FROM_TEXT, parsed)


def number(cell: Cell | None) -> float | None:
    read = read_number(cell)
    return read.value if read.ok else None


def year(cell: Cell | None) -> int | None:
    read = read_year(cell)
    return read.value if read.ok else None


def date_of(cell: Cell | None) -> date | None:
    read = read_date(cell)
    return read.value if read.ok else None


def text(cell: Cell | None) -> str | None:
    """The cell as stripped text (None when empty, missing or an error value)."""
    if cell is None or cell.error is not None:
        return None
    return cell.text


_STRIPPED = (Kind.CHOICE, Kind.ID, Kind.GOAL_REF)


def typed_value(value: Any, kind: Kind) -> Any:
    """`value` as its column's `kind` reads it, the way D011 reports it: a number or year
    typed as text as that number (a year as int), a date typed as text (or a bare serial
    number) as that date, a dropdown value or id without surrounding spaces (`"Grön "` is
    Grön). Anything else, and anything that does not read, is returned as it is."""
    if value is None or isinstance(value, bool):
        return value
    if kind in (Kind.NUMBER, Kind.YEAR):
        number = number_from_cell(value)
        if number is None:
            return value
        return int(number) if kind is Kind.YEAR and number.is_integer() else number
    if kind is Kind.DATE and isinstance(value, str | int | float):
        return parse_date(value) or value
    if kind in _STRIPPED and isinstance(value, str):
        return value.strip()
    return value


SHOWN_TEXT = 200
"""Longer texts are shortened when a message quotes them."""


def display(value: Any) -> str:
    """A value as a Swedish reader expects it in a message."""
    if isinstance(value, bool):
        return "SANT" if value else "FALSKT"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, time):
        return value.strftime("%H:%M" if not value.second else "%H:%M:%S")
    if isinstance(value, timedelta):
        minutes = round(value.total_seconds() / 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    if _is_real_number(value):
        return format_number(float(value))
    text = "" if value is None else strip_space(str(value))
    if len(text) > SHOWN_TEXT:  # a pasted essay in a number cell: the message stays readable
        count = f"{len(text):,}".replace(",", " ")
        return f"{text[:SHOWN_TEXT - 40].rstrip()}… ({count} tecken)"
    return text
