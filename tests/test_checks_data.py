"""Data rules D001–D011: one passing and one failing case each, plus the real-file path
(text numbers and formulas typed with openpyxl, read back by the reader)."""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest

from malark.core.findings import Severity
from malark.validate.validation import validate_workbook_data
from malark.xlsx.reader import read_workbook
from tests.filled_workbooks import check_keys, edited
from tests.helpers import edit


def _codes(keys, code):
    return {k for k in keys if k[0] == code}


def plan(filled_data, changes, **kw):
    return check_keys(edited(filled_data["plan"], changes, **kw))


def t1(filled_data, changes, **kw):
    return check_keys(edited(filled_data["t1"], changes, **kw))


@pytest.mark.parametrize("text", ["84,5", "84 %", "1 234,5", "\u22125", "84.5"])
def test_d011_number_typed_as_text_is_accepted_and_reported(filled_data, text):
    # F4: BUN-3-I1's Utgångsvärde, unit mnkr (so no percent range applies)
    data = edited(filled_data["plan"], {"Indikatorer!F4": text})
    report = validate_workbook_data(data)
    assert ("D011", "Indikatorer", "F4") in [f.key() for f in report.findings]
    assert not [f for f in report.findings if f.severity is not Severity.INFO
                and f.cell == "F4" and f.code.startswith("D")]
    assert data.rows["Indikatorer"][3][5] == text  # never changed


def test_d011_passes_on_real_numbers(filled_data):
    assert not _codes(check_keys(filled_data["plan"]), "D011")


def test_d001_text_that_is_not_a_number(filled_data):
    assert ("D001", "Indikatorer", "F2") in plan(filled_data, {"Indikatorer!F2": "åttiofyra"})
    assert ("D001", "Nämndmål", "G2") in plan(filled_data, {"Nämndmål!G2": "nästa år"})
    assert not _codes(check_keys(filled_data["plan"]), "D001")


def test_d002_percent_and_year_out_of_range(filled_data):
    assert ("D002", "Indikatorer", "H2") in plan(filled_data, {"Indikatorer!H2": 120})
    assert ("D002", "Nämndmål", "F2") in plan(filled_data, {"Nämndmål!F2": 1850})
    assert ("D002", "Indikatorer", "K7") in t1(filled_data, {"Indikatorer!K7": 101})
    assert ("D002", "Aktiviteter", "F2") in plan(filled_data, {
        "Aktiviteter!F2": datetime(2026, 12, 1)})  # before Startdatum


def test_d002_passes_for_a_model_change_measure(_example_project, tmp_path):
    """KF6-I1 (−27 → −40 % of the 1990 level) is a change measure set by the model: MBN,
    which coordinates KF6, reports −35 % without a D002."""
    from malark import api

    path = api.generate(_example_project.model, tmp_path, period="T1", committees=["MBN"])[0]
    data = read_workbook(path)
    row = next(i for i, r in enumerate(data.rows["Indikatorer"], 1) if r[0] == "KF6-I1")
    keys = check_keys(edited(data, {f"Indikatorer!K{row}": -35}))
    assert not _codes(keys, "D002")


def test_d003_not_a_date(filled_data):
    assert ("D003", "Aktiviteter", "F2") in plan(filled_data, {"Aktiviteter!F2": "den 32 mars"})
    keys = plan(filled_data, {"Aktiviteter!F2": "31/12 2027"})
    assert not _codes(keys, "D003")
    assert ("D011", "Aktiviteter", "F2") in keys


def test_d004_value_not_in_list(filled_data):
    assert ("D004", "Aktiviteter", "G2") in plan(filled_data, {"Aktiviteter!G2": "Pågående"})
    assert ("D004", "Indikatorer", "E2") in plan(filled_data, {"Indikatorer!E2": "Högre"})
    assert not _codes(check_keys(filled_data["plan"]), "D004")


def test_d005_follow_up_requires_outcome_assessment_status(filled_data):
    keys = t1(filled_data, {"Indikatorer!K7": None, "Nämndmål!H2": None, "Aktiviteter!G2": None,
                            "KF-mål!E2": None})
    assert {("D005", "Indikatorer", "K7"), ("D005", "Nämndmål", "H2"),
            ("D005", "Aktiviteter", "G2"), ("D005", "KF-mål", "E2")} <= keys


def test_d005_missing_outcome_explained_in_comment_passes(filled_data):
    keys = t1(filled_data, {"Indikatorer!K7": None, "Indikatorer!M7": "Mäts en gång per år."})
    assert not _codes(keys, "D005")


def test_d005_not_in_plan(filled_data):
    assert not _codes(plan(filled_data, {"Aktiviteter!G2": None}), "D005")


def test_d006_red_or_yellow_without_analysis(filled_data):
    assert ("D006", "Nämndmål", "I2") in t1(filled_data, {"Nämndmål!H2": "Gul",
                                                          "Nämndmål!I2": None})
    assert ("D006", "KF-mål", "F4") in t1(filled_data, {"KF-mål!F4": None})  # KF3 is Gul
    assert not _codes(check_keys(filled_data["t1"]), "D006")


def test_d007_red_without_actions(filled_data):
    keys = t1(filled_data, {"Nämndmål!H2": "Röd"})
    assert ("D007", "Nämndmål", "J2") in keys
    assert not _codes(t1(filled_data, {"Nämndmål!H2": "Röd", "Nämndmål!J2": "Extra insatser."}),
                      "D007")


def test_d008_activity_past_end_date(filled_data):
    late = {"Aktiviteter!F2": datetime(2027, 4, 29)}
    assert ("D008", "Aktiviteter", "G2") in t1(filled_data, late)
    assert not _codes(t1(filled_data, {**late, "Aktiviteter!G2": "Klar"}), "D008")


def test_d008_compares_with_the_end_of_the_period_not_with_today(filled_data):
    """T1 ends 30 April: an activity ending that day is not late at T1, whatever day the
    check runs; at Plan (before the budget year) nothing of 2027 is late yet."""
    assert not _codes(t1(filled_data, {"Aktiviteter!F2": datetime(2027, 4, 30)}), "D008")
    assert not _codes(plan(filled_data, {"Aktiviteter!F2": datetime(2027, 1, 2)}), "D008")
    assert ("D008", "Aktiviteter", "G2") in plan(filled_data, {"Aktiviteter!F2": datetime(2026, 12, 30),
                                                             "Aktiviteter!E2": datetime(2026, 12, 1)})


@pytest.mark.parametrize(("period", "expected"), [
    ("Plan", date(2026, 12, 31)), ("T1", date(2027, 4, 30)), ("T2", date(2027, 8, 31)),
    ("Helår", date(2027, 12, 31))])
def test_period_reference_dates(period, expected):
    from malark.core.contract import Period

    assert Period(period).reference_date(2027) == expected


def test_d009_formula_or_error_in_input_cell(filled_data):
    keys = t1(filled_data, {"Indikatorer!K7": 91}, formulas={"Indikatorer!K7": "=K6*2"})
    assert ("D009", "Indikatorer", "K7") in keys
    keys = t1(filled_data, {"Indikatorer!K7": None}, errors={"Indikatorer!K7": "#DIV/0!"})
    assert ("D009", "Indikatorer", "K7") in keys
    assert ("D005", "Indikatorer", "K7") in keys  # an error value is no outcome: still required
    # the Trafikljus formulas are not input cells
    assert not _codes(check_keys(filled_data["t1"]), "D009")


def test_d010_assessment_contradicts_lights(filled_data):
    # KF1 is Grön; its indicator KF1-I1 (68 → 75) at 60 is red
    assert ("D010", "KF-mål", "E2") in t1(filled_data, {"Indikatorer!K2": 60})
    # KS-1 Röd while its only indicator is green
    keys = t1(filled_data, {"Nämndmål!H2": "Röd", "Nämndmål!J2": "Åtgärder."})
    assert ("D010", "Nämndmål", "H2") in keys
    assert not _codes(check_keys(filled_data["t1"]), "D010")


def test_real_file_text_number_and_formula(filled_files, tmp_path):
    """Typed into a real file: text outcome read with Swedish rules (info), a formula in an
    input cell (D009), and the user's text kept as typed."""
    path = shutil.copy(filled_files["t1"], tmp_path / "ks.xlsx")
    edit(path, {"Indikatorer!K7": "91,5", "Indikatorer!K6": "=3+3"})
    data = read_workbook(path)
    keys = {f.key() for f in validate_workbook_data(data).findings}
    assert ("D011", "Indikatorer", "K7") in keys
    assert ("D009", "Indikatorer", "K6") in keys
    assert data.rows["Indikatorer"][6][10] == "91,5"


def test_d002_passes_for_a_percent_that_is_not_a_share(filled_data):
    # BUN-3-I1 renamed to a deviation in percent: −1,2 % is a real value, not a typo
    keys = plan(filled_data, {"Indikatorer!C4": "Budgetavvikelse av nettokostnad",
                              "Indikatorer!D4": "%", "Indikatorer!F4": -1.2})
    assert not _codes(keys, "D002")
    keys = plan(filled_data, {"Indikatorer!D4": "%", "Indikatorer!C4": "Andel i balans",
                              "Indikatorer!F4": -1.2})
    assert ("D002", "Indikatorer", "F4") in keys


def test_d013_a_date_where_a_number_is_required(filled_data):
    """Excel makes 3/4 typed into Utfall the date 3 April: D013 (not D001); the other
    checks see the day number Excel stores, as the live formulas do (D002 for a year)."""
    keys = t1(filled_data, {"Indikatorer!K7": datetime(2027, 4, 3)})
    assert ("D013", "Indikatorer", "K7") in keys
    assert not _codes(keys, "D001") and not _codes(keys, "D005")
    keys = plan(filled_data, {"Nämndmål!G2": datetime(2028, 1, 1)})
    assert {("D013", "Nämndmål", "G2"), ("D002", "Nämndmål", "G2")} <= keys
    assert not _codes(check_keys(filled_data["t1"]), "D013")


def test_d013_not_for_dates_in_date_columns(filled_data):
    assert not _codes(plan(filled_data, {"Aktiviteter!F2": datetime(2027, 12, 1)}), "D013")


def test_sant_falskt_in_a_typed_cell_is_d009_not_d001_d003_d004(filled_data):
    keys = t1(filled_data, {"Indikatorer!K7": True, "Aktiviteter!F2": False,
                            "Aktiviteter!G2": True})
    assert {("D009", "Indikatorer", "K7"), ("D009", "Aktiviteter", "F2"),
            ("D009", "Aktiviteter", "G2")} <= keys
    assert not {k for k in keys if k[0] in ("D001", "D003", "D004")}


@pytest.mark.parametrize("blank", [" ", "\u00a0", "\n", "\u202f \r\n"])
def test_blank_is_the_shared_whitespace_set(filled_data, blank):
    """Spaces, no-break and thin spaces and line breaks count as blank (as on the Kontroll
    sheet); around a dropdown value they are ignored."""
    keys = t1(filled_data, {"Aktiviteter!G2": blank, "Nämndmål!H2": f"{blank}Grön{blank}"})
    assert ("D005", "Aktiviteter", "G2") in keys
    assert not _codes(keys, "D004")


def test_other_unicode_spaces_are_text(filled_data):
    """An em space or a tab is not in the shared set: a cell holding only one is not blank."""
    keys = t1(filled_data, {"Aktiviteter!G2": "\u2003", "Nämndmål!H2": "Grön\t"})
    assert {("D004", "Aktiviteter", "G2"), ("D004", "Nämndmål", "H2")} <= keys
    assert not _codes(keys, "D005")
