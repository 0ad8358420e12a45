"""Reading numbers and dates the way Swedes type them, and writing them back.

`parse_number("1 234,5")` → 1234.5; `parse_date("31 mars 2026")` → date(2026, 3, 31).
Both return None for text they cannot read; neither ever raises on any text. The
formatters are their inverses (`parse_number(format_number(x)) == x`), used in messages.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta

__all__ = [
    "EXCEL_EPOCH",
    "GROUP_SPACES",
    "MINUS_SIGNS",
    "MONTHS",
    "WHITESPACE",
    "collapse_space",
    "excel_serial",
    "format_date",
    "format_number",
    "format_readable",
    "number_from_cell",
    "parse_date",
    "parse_number",
    "strip_space",
]

GROUP_SPACES = " \u00a0\u202f\u2009\u2007"
"""Thousands separators: space, no-break space, narrow no-break, thin and figure space."""
WHITESPACE = GROUP_SPACES + "\n\r"
"""What counts as blank around a value, for every check and for the live checks on the
`Kontroll` sheet alike: the group spaces and line breaks. (Python's own `str.strip` knows
more, such as tabs and exotic spaces; a spreadsheet formula can only be exact about a
fixed set, so both engines use this one. A tab cannot be typed into a cell, and
LibreOffice reads one in a file as another character.)"""
MINUS_SIGNS = "-\u2212\u2013\u2012\u2010\u2011\ufe63\uff0d"
"""Hyphen-minus and the dashes Word and other programs put in its place."""
_SPACES = str.maketrans("", "", GROUP_SPACES)
_MINUSES = str.maketrans({sign: "-" for sign in MINUS_SIGNS[1:]})
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?", re.IGNORECASE | re.ASCII)
_GROUPED_DOTS = re.compile(r"[+-]?\d{1,3}(\.\d{3}){2,}(,\d+)?", re.ASCII)
_GROUPED_SPACES = re.compile(rf"[+-]?\d{{1,3}}([{GROUP_SPACES}]\d{{3}})+([.,]\d+)?", re.ASCII)
_SIGN_SPACE = re.compile(rf"^([+-])[{WHITESPACE}]+")
_SPACE_RUNS = re.compile(f"[{WHITESPACE}]+")


def strip_space(text: str) -> str:
    """`text` without `WHITESPACE` at either end (inner spaces are kept)."""
    return text.strip(WHITESPACE)


def collapse_space(text: str) -> str:
    """`text` stripped, each inner run of `WHITESPACE` one space (as Excel's TRIM after
    mapping those characters to spaces)."""
    return _SPACE_RUNS.sub(" ", text).strip(" ")

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4,
    "apr": 4, "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augusti": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
_MONTH_NAMES = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
                "september", "oktober", "november", "december")

EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's 1900 date system as Excel counts serials after 1900-03-01."""


def number_from_cell(value: object) -> float | None:
    """The number a cell value stands for: a real (finite) number cell as float, text read
    with `parse_number`, anything else (empty, bool, date) None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    return parse_number(value) if isinstance(value, str) else None


def parse_number(text: str) -> float | None:
    """A number from Swedish-typed text: `85,5`, `85 %`, `1 234,5`, `−5`, `1.234.567`.

    Decimal comma or point; space, no-break space or thin space as thousands separator
    (only between groups of three digits: `1 2` is not a number); Unicode minus; a
    trailing `%` is dropped (the unit lives in `Enhet`). Returns None when the text is
    not a number. Never raises.
    """
    if not isinstance(text, str) or len(text) > 100:
        return None
    s = strip_space(text.translate(_MINUSES))
    if s.endswith("%"):
        s = strip_space(s[:-1])
    s = _SIGN_SPACE.sub(r"\1", s, count=1) if s[:1] in "+-" else s
    if not s or len(s) > 64:
        return None
    if any(ch in GROUP_SPACES for ch in s):
        if not _GROUPED_SPACES.fullmatch(s):
            return None
        s = s.translate(_SPACES)
    if _GROUPED_DOTS.fullmatch(s):  # 1.234.567 or 1.234.567,5
        s = s.replace(".", "")
    if "," in s:
        if s.count(",") > 1 or "." in s:
            return None
        s = s.replace(",", ".")
    if not _NUMBER.fullmatch(s):
        return None
    value = float(s)
    return value if math.isfinite(value) else None


def format_number(value: float) -> str:
    """Swedish display of a number: decimal comma, Unicode minus, no thousands separator
    (shortest text that reads back to the same float)."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value)).replace("-", "\u2212")
    return repr(value).replace(".", ",").replace("-", "\u2212")


NO_BREAK_SPACE = "\u00a0"


def format_readable(value: float, *, decimals: int = 6) -> str:
    """A number for people to read in a report: `1 234 567,5`, `72,5`, `−3`.

    Rounded to at most `decimals` decimals (drops float noise such as 0.30000000000000004,
    keeps what a user typed), decimal comma, Unicode minus, never an exponent, and from
    1 000 up a no-break space between groups of three digits, so that a number never
    breaks over two lines. Years are not grouped: write them with `str(int(year))`.
    """
    if not math.isfinite(value):
        return str(value)
    digits = f"{abs(value):.{decimals}f}".rstrip("0").rstrip(".")
    whole, _, fraction = digits.partition(".")
    if len(whole) > 3:
        head = len(whole) % 3 or 3
        whole = NO_BREAK_SPACE.join([whole[:head], *(whole[i:i + 3] for i in range(head, len(whole), 3))])
    sign = "\u2212" if value < 0 and digits != "0" else ""
    return sign + whole + ("," + fraction if fraction else "")


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                  r"(?:z|[+-]\d{2}:?\d{2})?)?", re.ASCII)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)
# The text is `collapse_space`d first: a run of spaces is one space here.
_YMD = re.compile(r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})", re.ASCII)
_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})(?:[/.] ?| )(\d{4})", re.ASCII)
_DAY_MONTH_NAME = re.compile(r"(\d{1,2}) ?([a-zåäö]+)\.? (\d{4})", re.ASCII)
_EXCEL_DAY_ONE = date(1899, 12, 31)
"""Serials 1–59 count from here (serial 1 is 1900-01-01; Excel's fictitious
1900-02-29 is serial 60)."""


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(value: object) -> date | None:
    """A date from a cell value: date/datetime cells, Excel serials, and text such as
    `2026-03-31`, `2026/3/31`, `2026.03.31`, `20260331`, `31/3 2026`, `31/3/2026`,
    `31.3.2026`, `31 mars 2026`.

    Returns None when the value is not a date. Never raises.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not 1 <= value < 2958466:  # up to 9999-12-31; False for NaN
            return None
        days = int(value)
        if days == 60:
            return None
        return (_EXCEL_DAY_ONE if days < 60 else EXCEL_EPOCH) + timedelta(days=days)
    if not isinstance(value, str):
        return None
    s = collapse_space(value.lower())
    if len(s) > 40:
        return None
    if m := _ISO.fullmatch(s):
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _COMPACT.fullmatch(s):
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _YMD.fullmatch(s):
        return _safe_date(int(m[1]), int(m[3]), int(m[4]))
    if m := _DMY.fullmatch(s):
        return _safe_date(int(m[3]), int(m[2]), int(m[1]))
    if (m := _DAY_MONTH_NAME.fullmatch(s)) and m[2] in MONTHS:
        return _safe_date(int(m[3]), MONTHS[m[2]], int(m[1]))
    return None


def excel_serial(value: date | time | timedelta) -> float:
    """The number Excel stores for a date, time or duration cell (1900 date system, as
    `parse_date` reads serials back): a formula sees this number, not the date."""
    if isinstance(value, timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second
                + value.microsecond / 1e6) / 86400
    day = value.date() if isinstance(value, datetime) else value
    epoch = _EXCEL_DAY_ONE if date(1900, 1, 1) <= day < date(1900, 3, 1) else EXCEL_EPOCH
    fraction = 0.0
    if isinstance(value, datetime):
        fraction = excel_serial(value.time())
    return (day - epoch).days + fraction


def format_date(value: date) -> str:
    """`31 mars 2026`: the Swedish long form, readable in any message (the year always
    has four digits, so `parse_date` reads it back)."""
    return f"{value.day} {_MONTH_NAMES[value.month - 1]} {value.year:04d}"
