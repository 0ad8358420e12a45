"""format_version 2 (SPEC 3): `Åtgärder` on `KF-mål` for the coordinating committee, and
version-1 workbooks (without it) still validate and merge."""

from __future__ import annotations

import shutil

import openpyxl

from malark import api
from malark.core.contract import COMMITTEE_KF_MAL, FORMAT_VERSION, SUPPORTED_FORMAT_VERSIONS
from malark.validate.validation import validate_workbook_data
from malark.xlsx.reader import read_workbook
from tests.filled_workbooks import check_keys, edited


def as_version_1(path, out):
    """What malark 0.1 wrote: no `Kontroll` sheet, no `Åtgärder` column on KF-mål,
    format_version 1."""
    workbook = openpyxl.load_workbook(path)
    del workbook["Kontroll"]
    kf = workbook[COMMITTEE_KF_MAL.name]
    kf.delete_cols(COMMITTEE_KF_MAL.index("actions") + 1)
    meta = workbook["_malark"]
    for row in meta.iter_rows(min_row=2):
        if row[0].value == "format_version":
            row[1].value = 1
    workbook.save(out)
    return out


def test_generated_workbooks_are_version_2_with_actions_on_kf_goals(filled_files):
    assert FORMAT_VERSION == 2 and {1, 2} == SUPPORTED_FORMAT_VERSIONS
    workbook = openpyxl.load_workbook(filled_files["t1"])
    headers = [c.value for c in workbook[COMMITTEE_KF_MAL.name][1]]
    assert headers[4:8] == ["Bedömning", "Analys", "Åtgärder", "Bidrag"]


def test_d007_applies_to_a_red_kf_goal_of_the_coordinating_committee(filled_data):
    red = {"KF-mål!E2": "Röd", "KF-mål!F2": "Stor avvikelse."}
    assert ("D007", "KF-mål", "G2") in check_keys(edited(filled_data["t1"], red))
    fixed = {**red, "KF-mål!G2": "Kommunövergripande handlingsplan."}
    assert not {k for k in check_keys(edited(filled_data["t1"], fixed)) if k[0] == "D007"}


def test_a_version_1_workbook_still_validates(filled_files, tmp_path):
    old = as_version_1(filled_files["t1"], tmp_path / "v1.xlsx")
    report = validate_workbook_data(read_workbook(old))
    assert report.findings == [] and report.ok


def test_a_version_1_workbook_still_gets_s006_for_its_own_columns(filled_files, tmp_path):
    old = as_version_1(filled_files["t1"], tmp_path / "v1.xlsx")
    workbook = openpyxl.load_workbook(old)
    workbook[COMMITTEE_KF_MAL.name]["G1"] = "Hur vi bidrog"  # Bidrag is column G in version 1
    workbook.save(old)
    keys = {f.key() for f in validate_workbook_data(read_workbook(old)).findings}
    assert keys == {("S006", "KF-mål", "G1")}


def test_version_1_and_2_workbooks_merge_together(plan_set, tmp_path):
    model, returned = plan_set
    inbox = tmp_path / "in"
    shutil.copytree(returned, inbox)
    ks = next(inbox.glob("*_KS.xlsx"))
    as_version_1(ks, ks)
    result = api.merge([inbox], model_path=model, out=tmp_path / "samman.xlsx")
    assert result.output is not None and "KS" in result.merged and result.errors == 0
    rows = list(openpyxl.load_workbook(result.output)["KF-mål"].iter_rows(values_only=True))
    assert rows[0][7] == "Åtgärder" and any(r[0] == "KS" for r in rows[1:])
