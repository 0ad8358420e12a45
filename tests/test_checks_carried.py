"""Rows carried from an earlier period (K007, S007 on a carried id): BUN's plan, carried
into its T1 workbook with `generate --previous`, then edited the way a controller might."""

from __future__ import annotations

import copy

import pytest

from malark import api
from malark.core.contract import SHEET_META
from malark.xlsx.reader import read_workbook
from tests.consolidated_fixture import write_consolidated
from tests.filled_workbooks import check_keys, edited

ACTIVITY_ROW_3 = {f"Aktiviteter!{c}3": None for c in "ABCDEFGH"}  # BUN-2-A1, emptied


@pytest.fixture(scope="module")
def carried(filled_files, _example_project, tmp_path_factory):
    """BUN's T1 workbook carrying BUN-1…BUN-4, their indicators and two activities."""
    out = tmp_path_factory.mktemp("carried")
    model = api.load_model(_example_project.model)
    plan = write_consolidated([filled_files["plan"]], model, "Plan", out / "plan.xlsx")
    [t1] = api.generate(_example_project.model, out / "t1", period="T1", previous=plan,
                        committees=["BUN"])
    return read_workbook(t1)


def _codes(keys, *codes):
    return {k for k in keys if k[0] in codes}


def test_the_workbook_records_what_it_carries(carried):
    from malark.validate.submission import parse_submission

    snapshot = parse_submission(carried).meta.snapshot
    assert snapshot.carried_from == "Plan 2027"
    assert set(snapshot.carried["Nämndmål"]) == {"BUN-1", "BUN-2", "BUN-3", "BUN-4"}
    assert set(snapshot.carried["Aktiviteter"]) == {"BUN-1-A1", "BUN-2-A1"}


def test_k007_passes_when_every_carried_row_is_kept(carried):
    assert not _codes(check_keys(carried), "K007", "S007")


def test_k007_passes_for_an_activity_set_to_avbruten_and_a_new_row(carried):
    data = edited(carried, {"Aktiviteter!G3": "Avbruten", "Aktiviteter!B4": "BUN-1",
                            "Aktiviteter!C4": "Ny aktivitet", "Aktiviteter!G4": "Pågår"})
    assert not _codes(check_keys(data), "K007", "S007")


def test_k007_a_removed_activity(carried):
    keys = check_keys(edited(carried, ACTIVITY_ROW_3))
    assert _codes(keys, "K007", "S007") == {("K007", "Aktiviteter", None)}


def test_k007_a_removed_goal_says_to_ask_the_central_office(carried):
    from malark.validate.validation import validate_workbook_data

    report = validate_workbook_data(edited(carried, {f"Nämndmål!{c}5": None for c in "ABCDEFG"}))
    [k007] = [f for f in report.findings if f.code == "K007"]
    assert (k007.sheet, k007.cell, k007.ref) == ("Nämndmål", None, "BUN-4")
    assert "ekonomikontoret" in k007.message and "Plan 2027" in k007.message


def test_s007_a_changed_carried_id(carried):
    keys = check_keys(edited(carried, {"Nämndmål!A3": "BUN-9"}))
    assert _codes(keys, "K007", "S007") == {("S007", "Nämndmål", "A3")}


def test_s007_a_cleared_carried_id(carried):
    keys = check_keys(edited(carried, {"Indikatorer!A2": None}))
    assert ("S007", "Indikatorer", "A2") in keys and not _codes(keys, "K007")


def test_the_record_of_carried_rows_cannot_be_edited_away(carried):
    data = copy.deepcopy(carried)
    for row in data.rows[SHEET_META]:
        if row and str(row[0]).startswith("snapshot_"):
            row[1] = row[1].replace('"BUN-2-A1":', '"BUN-2-A9":')
    keys = check_keys(edited(data, ACTIVITY_ROW_3))
    hash_row = next(n for n, row in enumerate(data.rows[SHEET_META], start=1)
                    if row and row[0] == "snapshot_sha256")
    assert ("S002", SHEET_META, f"B{hash_row}") in keys
