"""Swedish numbers and dates: round trips with the formatters, the forms people type,
and no exception on any input (hypothesis)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from malark.core.swedish import format_date, format_number, parse_date, parse_number

_SEPARATORS = (" ", "\u00a0", "\u202f", "\u2009")
_finite = st.floats(allow_nan=False, allow_infinity=False)


@given(_finite)
def test_number_round_trip(x):
    assert parse_number(format_number(x)) == x


@given(_finite)
def test_formatted_number_uses_comma_and_unicode_minus(x):
    text = format_number(x)
    assert "." not in text and "-" not in text
    assert text.startswith("\u2212") == (x < 0)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99),
       st.sampled_from(_SEPARATORS), st.booleans(), st.booleans())
def test_thousands_separators(whole, cents, separator, negative, percent):
    grouped = f"{whole:,}".replace(",", separator)
    text = f"{'−' if negative else ''}{grouped},{cents:02d}{' %' if percent else ''}"
    expected = (whole + cents / 100) * (-1 if negative else 1)
    assert parse_number(text) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("text", "expected"), [
    ("85,5", 85.5), ("85 %", 85.0), ("85,5%", 85.5), ("1 234,5", 1234.5),
    ("1\u00a0234,5", 1234.5), ("1\u2009234\u2009567", 1234567.0), ("−5", -5.0), ("\u2212 5", -5.0),
    ("–3,25", -3.25), ("1.234.567", 1234567.0), ("1.234.567,5", 1234567.5), ("0,5", 0.5),
    (",5", 0.5), ("12.5", 12.5), ("+7", 7.0), ("  42  ", 42.0), ("1e3", 1000.0), ("00123", 123.0),
])
def test_numbers_as_typed(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", [
    "", " ", "%", "-", "abc", "85 procent", "1 2", "12 34", "1,2,3", "1,234.5", "1e400", "inf", "nan",
    "\u0663", "1\t234", "5%%", "--5",
])
def test_not_numbers(text):
    assert parse_number(text) is None


@given(st.text(max_size=80))
def test_number_never_raises(text):
    result = parse_number(text)
    assert result is None or isinstance(result, float)


@given(st.text(alphabet="0123456789 ,.%−-+e\u00a0\u2009", max_size=30))
def test_number_never_raises_on_numberish_text(text):
    result = parse_number(text)
    assert result is None or isinstance(result, float)


@given(st.dates())
def test_date_round_trip(d):
    assert parse_date(format_date(d)) == d


@given(st.dates(min_value=date(1000, 1, 1)))
def test_iso_and_numeric_forms(d):
    assert parse_date(d.isoformat()) == d
    assert parse_date(f"{d.day}/{d.month} {d.year}") == d
    assert parse_date(f"{d.day}/{d.month}/{d.year}") == d
    assert parse_date(f"{d.day}.{d.month}.{d.year}") == d
    assert parse_date(d.strftime("%Y%m%d")) == d


@given(st.dates(min_value=date(1900, 3, 1)))
def test_excel_serials(d):
    serial = (d - date(1899, 12, 30)).days
    assert parse_date(float(serial)) == d
    assert parse_date(serial + 0.75) == d  # a time of day does not change the date


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-03-31", date(2026, 3, 31)), ("31/3 2026", date(2026, 3, 31)),
    ("31 mars 2026", date(2026, 3, 31)), ("31 Mars 2026", date(2026, 3, 31)),
    ("1 okt. 2026", date(2026, 10, 1)), ("2026-03-31 14:30", date(2026, 3, 31)),
    ("2026-03-31T14:30:00Z", date(2026, 3, 31)), (46112.0, date(2026, 3, 31)),
    (1.0, date(1900, 1, 1)), (59.0, date(1900, 2, 28)), (61.0, date(1900, 3, 1)),
    (datetime(2026, 3, 31, 8, 0), date(2026, 3, 31)), (date(2026, 3, 31), date(2026, 3, 31)),
])
def test_dates_as_typed(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", [
    "31/2 2026", "2026-13-01", "32 mars 2026", "31 foo 2026", "mars", "", "idag", 0.0, -5.0,
    60.0, float("nan"), float("inf"), 10**400, True, None, [2026, 3, 31],
])
def test_not_dates(value):
    assert parse_date(value) is None


@given(st.one_of(st.text(max_size=60), st.floats(), st.integers(), st.none(), st.booleans()))
def test_date_never_raises(value):
    result = parse_date(value)
    assert result is None or isinstance(result, date)


@pytest.mark.parametrize(("text", "expected"), [
    ("\u00a0 85,5\r\n", 85.5), ("85,5\u202f%", 85.5), ("\u2212\u2009 5", -5.0), ("85\n", 85.0),
])
def test_numbers_with_the_shared_whitespace(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["\u200385", "85\u2003", "1\u2003234", "- \u20035", "\t85"])
def test_other_unicode_spaces_are_not_blank_in_numbers(text):
    assert parse_number(text) is None


def test_dates_collapse_the_shared_whitespace_only():
    assert parse_date("31\u00a0mars\n 2026") == date(2026, 3, 31)
    assert parse_date("31\tmars 2026") is None
    assert parse_date("31\u2003mars 2026") is None


def test_excel_serial_is_what_a_formula_sees():
    from datetime import time, timedelta

    from malark.core.swedish import excel_serial

    assert excel_serial(date(2027, 4, 3)) == 46480
    assert excel_serial(datetime(2027, 4, 3, 12)) == 46480.5
    assert excel_serial(date(1900, 1, 1)) == 1 and excel_serial(date(1900, 3, 1)) == 61
    assert excel_serial(time(18)) == 0.75
    assert excel_serial(timedelta(hours=36)) == 1.5
    for d in (date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(2027, 12, 31)):
        assert parse_date(excel_serial(d)) == d


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_readable_number_reads_back_rounded_to_six_decimals(x):
    from malark.core.swedish import format_readable

    text = format_readable(x)
    assert parse_number(text) == pytest.approx(round(x, 6), rel=1e-12, abs=1e-9)
    assert "." not in text and "e" not in text and " " not in text


@pytest.mark.parametrize(("value", "expected"), [
    (72.5, "72,5"), (1234, "1\u00a0234"), (-1234567.25, "\u22121\u00a0234\u00a0567,25"),
    (999.0, "999"), (0.1 + 0.2, "0,3"), (-0.0, "0"), (1e-7, "0"), (1e20, "100" + "\u00a0000" * 6),
])
def test_readable_number_groups_thousands_with_a_no_break_space(value, expected):
    from malark.core.swedish import format_readable

    assert format_readable(value) == expected
