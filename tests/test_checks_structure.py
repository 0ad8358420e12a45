"""Structure rules S002–S008 and K005: one passing and one failing case each, on real
generated workbooks changed one cell at a time."""

from __future__ import annotations

import pytest

from malark import api
from malark.core.contract import Period
from malark.core.model import KfGoal
from tests.filled_workbooks import check_keys, edited


@pytest.fixture
def model(model_path):
    return api.load_model(model_path)


def plan_keys(data, **kw):
    return check_keys(data, **kw)


def t1_keys(data, **kw):
    return check_keys(data, **kw)


def _codes(keys, code):
    return {k for k in keys if k[0] == code}


def test_s002_missing_metadata(filled_data):
    data = edited(filled_data["plan"], {})
    del data.rows["_malark"]
    assert plan_keys(data) == {("S002", None, None)}  # nothing else: no cascade


def test_s002_edited_snapshot(filled_data):
    plan = filled_data["plan"]
    row = next(i for i, r in enumerate(plan.rows["_malark"], 1) if r[0] == "snapshot_1")
    sha_row = next(i for i, r in enumerate(plan.rows["_malark"], 1) if r[0] == "snapshot_sha256")
    text = plan.rows["_malark"][row - 1][1].replace("trygga", "glada")
    keys = plan_keys(edited(plan, {f"_malark!B{row}": text}))
    assert ("S002", "_malark", f"B{sha_row}") in keys


def test_s002_passes_on_intact_metadata(filled_data):
    assert not _codes(plan_keys(filled_data["plan"]), "S002")


def test_s003_unsupported_format_version(filled_data):
    keys = plan_keys(edited(filled_data["plan"], {"_malark!B2": 99}))
    assert keys == {("S003", "_malark", "B2")}
    assert not _codes(plan_keys(filled_data["plan"]), "S003")


def test_s004_other_kommun_with_model(filled_data, model):
    data = edited(filled_data["plan"], {"_malark!B3": "Annanstad"})
    assert ("S004", "_malark", "B3") in plan_keys(data, model=model)
    assert not _codes(plan_keys(data), "S004")  # without the model nothing to compare


def test_s004_other_period(filled_data, model):
    assert ("S004", "_malark", "B6") in plan_keys(filled_data["plan"], period=Period.T1)
    assert not _codes(plan_keys(filled_data["plan"], model=model, period=Period.PLAN), "S004")


def test_s005_missing_sheet(filled_data):
    data = edited(filled_data["plan"], {})
    del data.rows["Aktiviteter"]
    assert ("S005", "Aktiviteter", None) in plan_keys(data)
    assert not _codes(plan_keys(filled_data["plan"]), "S005")


def test_s006_renamed_column(filled_data):
    keys = t1_keys(edited(filled_data["t1"], {"Indikatorer!K1": "Utfall 2027"}))
    assert ("S006", "Indikatorer", "K1") in keys
    assert not _codes(t1_keys(filled_data["t1"]), "S006")


def test_s007_kf_goal_text_changed(filled_data):
    keys = plan_keys(edited(filled_data["plan"], {"KF-mål!C2": "Invånarna ska vara glada."}))
    assert keys == {("S007", "KF-mål", "C2")}


def test_s007_kf_goal_id_changed(filled_data):
    assert ("S007", "KF-mål", "A3") in plan_keys(edited(filled_data["plan"], {"KF-mål!A3": "KF9"}))


def test_s007_model_set_indicator_target_changed(filled_data):
    keys = t1_keys(edited(filled_data["t1"], {"Indikatorer!H2": 70}))
    assert ("S007", "Indikatorer", "H2") in keys


def test_s007_assessment_of_goal_not_coordinated(filled_data):
    # KF2 (row 3) is coordinated by KFN: KS writes Bidrag, not Bedömning
    keys = t1_keys(edited(filled_data["t1"], {"KF-mål!E3": "Grön"}))
    assert ("S007", "KF-mål", "E3") in keys


def test_s007_against_the_master(filled_data, model):
    goals = tuple(g.model_copy(update={"text": "Ny text."}) if g.id == "KF1" else g
                  for g in model.kf_goals)
    changed_master = model.model_copy(update={"kf_goals": goals})
    assert isinstance(changed_master.kf_goals[0], KfGoal)
    assert ("S007", "KF-mål", "C2") in plan_keys(filled_data["plan"], model=changed_master)
    assert not _codes(plan_keys(filled_data["plan"], model=model), "S007")


def test_s008_duplicate_id_names_the_first_row(filled_data):
    from malark.validate.validation import validate_workbook_data

    data = edited(filled_data["plan"], {"Indikatorer!A3": "BUN-1-I1"})
    assert ("S008", "Indikatorer", "A3") in plan_keys(data)
    finding = next(f for f in validate_workbook_data(data).findings
                   if f.code == "S008")
    assert "rad 2" in finding.message
    assert not _codes(plan_keys(filled_data["plan"]), "S008")


def test_k005_empty_id_is_allowed_and_reported_as_info(filled_data):
    from malark.validate.validation import validate_workbook_data

    data = edited(filled_data["plan"], {"Aktiviteter!A3": None})
    report = validate_workbook_data(data)
    assert [(f.key(), f.severity.value) for f in report.findings] == [
        (("K005", "Aktiviteter", "A3"), "info")]
    assert report.ok
    assert not _codes(plan_keys(filled_data["plan"]), "K005")


def test_s002_consolidated_workbook_is_not_a_submission(filled_data):
    plan = filled_data["plan"]
    kind_row = next(i for i, r in enumerate(plan.rows["_malark"], 1) if r[0] == "kind")
    keys = plan_keys(edited(plan, {f"_malark!B{kind_row}": "consolidated"}))
    assert keys == {("S002", "_malark", f"B{kind_row}")}


def test_s004_committee_not_in_model_gives_no_cascade(filled_data, model):
    keys = plan_keys(edited(filled_data["plan"], {"_malark!B7": "XYZ"}), model=model)
    assert keys == {("S004", "_malark", "B7")}
