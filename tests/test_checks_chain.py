"""Goal-chain rules K001–K004: one passing and one failing case each."""

from __future__ import annotations

import pytest

from malark import api
from tests.filled_workbooks import check_keys, edited


@pytest.fixture
def model(model_path):
    return api.load_model(model_path)


def _codes(keys, code):
    return {k for k in keys if k[0] == code}


def test_k001_indicator_points_to_missing_goal(filled_data):
    keys = check_keys(edited(filled_data["plan"], {"Indikatorer!B2": "BUN-9"}))
    assert ("K001", "Indikatorer", "B2") in keys


def test_k001_goal_on_unknown_kf_goal_without_model(filled_data):
    keys = check_keys(edited(filled_data["plan"], {"Nämndmål!B2": "KF9"}))
    assert ("K001", "Nämndmål", "B2") in keys


def test_k001_activity_without_goal(filled_data):
    keys = check_keys(edited(filled_data["plan"], {"Aktiviteter!B3": None}))
    assert ("K001", "Aktiviteter", "B3") in keys


def test_k001_passes_for_activity_directly_on_kf_goal(filled_data):
    keys = check_keys(edited(filled_data["plan"], {"Aktiviteter!B3": "KF2"}))
    assert not _codes(keys, "K001")


def test_k002_goal_on_kf_goal_not_addressed(filled_data, model):
    # KF4 exists in the master but is addressed to KS and TN only
    data = edited(filled_data["plan"], {"Nämndmål!B5": "KF4"})
    assert ("K002", "Nämndmål", "B5") in check_keys(data, model=model)
    # the workbook carries the model's KF goal ids: the same without the master
    assert ("K002", "Nämndmål", "B5") in check_keys(data)
    assert ("K001", "Nämndmål", "B5") not in check_keys(data)


def test_k002_without_model_in_a_workbook_that_does_not_carry_the_model_kf_ids(filled_files,
                                                                                tmp_path):
    """A workbook from before the snapshot carried the model's KF goal ids: K001, and its
    snapshot still hashes as it was written (no S002)."""
    import json

    import openpyxl

    from malark.validate.validation import validate_workbook_data
    from malark.xlsx.meta import Snapshot, meta_from_rows
    from malark.xlsx.reader import read_workbook
    from tests.helpers import edit

    path = edit(filled_files["plan"], {"Nämndmål!B5": "KF4"}, out=tmp_path / "old.xlsx")
    workbook = openpyxl.load_workbook(path)
    meta = workbook["_malark"]
    rows = [[c.value for c in row] for row in meta.iter_rows()]
    snapshot = meta_from_rows(rows).snapshot.model_copy(update={"model_kf_goal_ids": ()})
    data = json.loads(snapshot.to_json())
    assert "model_kf_goal_ids" not in data
    for row in meta.iter_rows(min_row=2):
        if row[0].value == "snapshot_sha256":
            row[1].value = Snapshot.model_validate(data).sha256()
        elif row[0].value == "snapshot_1":
            row[1].value = snapshot.to_json()
    workbook.save(path)
    keys = {f.key() for f in validate_workbook_data(read_workbook(path)).findings}
    assert ("K001", "Nämndmål", "B5") in keys
    assert not {k for k in keys if k[0] in ("K002", "S002")}


def test_k002_passes_on_addressed_goals(filled_data, model):
    assert not _codes(check_keys(filled_data["plan"], model=model), "K002")


def test_k003_plan_addressed_goal_without_goal_or_activity(filled_data):
    # BUN-4 (row 5) is BUN's only answer to KF5 (KF-mål row 5)
    data = edited(filled_data["plan"], {"Nämndmål!B5": "KF1", "Nämndmål!D5": (
        "Andelen elever som känner sig trygga ska vara minst 95 % år 2028.")})
    assert ("K003", "KF-mål", "A5") in check_keys(data)


def test_k003_plan_activity_directly_on_kf_goal_is_an_answer(filled_data):
    data = edited(filled_data["plan"], {"Nämndmål!B5": "KF1", "Aktiviteter!B3": "KF5"})
    assert not _codes(check_keys(data), "K003")


def test_k003_follow_up_requires_bidrag(filled_data):
    keys = check_keys(edited(filled_data["t1"], {"KF-mål!H3": None}))
    assert ("K003", "KF-mål", "H3") in keys
    assert not _codes(check_keys(filled_data["t1"]), "K003")


def test_k004_goal_without_indicator_and_activity(filled_data):
    data = edited(filled_data["plan"], {"Indikatorer!B2": "BUN-2", "Aktiviteter!B2": "BUN-2"})
    assert ("K004", "Nämndmål", "A2") in check_keys(data)


def test_k004_passes_with_only_an_activity(filled_data):
    data = edited(filled_data["plan"], {"Indikatorer!B2": "BUN-2"})
    assert not _codes(check_keys(data), "K004")
