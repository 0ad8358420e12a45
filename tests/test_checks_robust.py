"""No cell content makes a check crash: whatever a user types anywhere in the data sheets,
validation returns findings (property test), and typed reading never raises."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from malark.core.contract import COMMITTEE_DATA_SHEETS, column_letter
from malark.core.swedish import format_number
from malark.validate.checks import values
from malark.validate.validation import validate_workbook_data
from malark.xlsx.table import Cell
from tests.filled_workbooks import edited

cell_values = st.one_of(
    st.none(), st.text(max_size=30), st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-10**12, 10**12), st.booleans(),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    st.sampled_from(["Grön", "Röd", "Gul", "KF1", "KS-1", "85,5", "1 234,5", "#N/A", "=A1"]),
)
addresses = st.tuples(
    st.sampled_from([s.name for s in COMMITTEE_DATA_SHEETS]),
    st.integers(1, 14), st.integers(1, 9),
).map(lambda t: f"{t[0]}!{column_letter(t[1])}{t[2]}")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(addresses, cell_values, max_size=8))
def test_any_typing_gives_findings_not_a_crash(filled_data, changes):
    report = validate_workbook_data(edited(filled_data["t1"], changes))
    assert all(f.message and f.file for f in report.findings)


@given(st.one_of(st.text(max_size=40), st.floats(), st.integers(), st.none(), st.booleans(),
                 st.dates()))
def test_typed_reading_never_raises(value):
    cell = Cell("Indikatorer", "K2", value)
    for read in (values.read_number, values.read_year, values.read_date):
        read(cell)
    values.display(value)


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_number_typed_as_swedish_text_reads_back(number):
    read = values.read_number(Cell("Indikatorer", "K2", format_number(number)))
    assert read.kind is values.ReadKind.FROM_TEXT and read.value == number


def test_error_and_formula_cells_are_not_values():
    assert values.read_number(Cell("Indikatorer", "K2", "", error="#DIV/0!")).kind is values.ReadKind.ERROR
    assert values.read_date(Cell("Aktiviteter", "F2", datetime(2027, 3, 31))).value == date(2027, 3, 31)
    assert values.read_year(Cell("Nämndmål", "G2", 2027.5)).kind is values.ReadKind.INVALID
