"""`malark merge`: validation first, refusals, missing committees, ids, the JSON summary."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from malark import api
from malark.cli import cli
from malark.core.contract import (
    CONSOLIDATED_DATA_SHEETS,
    CONSOLIDATED_SHEET_ORDER,
    SHEET_SUBMISSIONS,
    SUBMISSION_STATUS_MISSING,
    SUBMISSION_STATUS_NOT_READ,
    SUBMISSION_STATUS_READ,
)
from malark.core.errors import InputError, OutputError
from malark.validate.ids import assign_ids
from malark.xlsx.table import build_table
from tests.helpers import edit
from tests.merge_support import COMMITTEE_NAMNDMAL, fill_plan_round


def _file(inbox: Path, committee: str) -> Path:
    return next(inbox.glob(f"*_{committee}.xlsx"))


def _sheet_rows(path: Path, sheet: str) -> list[tuple]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in workbook[sheet].iter_rows(values_only=True)]
    finally:
        workbook.close()


def test_merge_writes_every_sheet_of_spec_6(plan_set, inbox, tmp_path):
    out = tmp_path / "samman.xlsx"
    result = api.merge([inbox], model_path=plan_set[0], out=out)
    assert result.errors == 0
    assert result.output == out and out.exists()
    assert result.merged == ["KS", "BUN", "SN", "KFN", "TN", "MBN"]
    assert result.missing == [] and result.not_merged == []
    workbook = openpyxl.load_workbook(out)
    assert tuple(workbook.sheetnames) == CONSOLIDATED_SHEET_ORDER
    assert workbook["_malark"].sheet_state == "veryHidden"
    for spec in CONSOLIDATED_DATA_SHEETS:
        header = tuple(c.value for c in workbook[spec.name][1])
        assert header == spec.headers
    # after SPEC 3's columns: Trend (SPEC 9) and Från period (the rows carried from earlier)
    indicators = tuple(c.value for c in workbook["Indikatorer"][1])
    assert indicators[-2:] == ("Trend", "Från period")
    assert result.rows_match
    assert result.row_counts["Nämndmål"] == {"input": 28, "output": 28, "carried": 0}
    assert workbook["Nämndmål"].max_row == 29


def test_error_in_one_file_writes_nothing_and_keeps_earlier_output(plan_set, inbox, tmp_path):
    out = tmp_path / "samman.xlsx"
    out.write_bytes(b"earlier consolidation")
    edit(_file(inbox, "BUN"), {"Nämndmål!B2": "KF99"})
    result = api.merge([inbox], model_path=plan_set[0], out=out, force=True)
    assert result.output is None
    assert out.read_bytes() == b"earlier consolidation"
    bun = next(r for r in result.reports if r.committee_id == "BUN")
    assert ("K001", "Nämndmål", "B2") in {f.key() for f in bun.findings}
    assert result.not_merged == [str(_file(inbox, "BUN"))]
    assert list(tmp_path.glob(".samman*")) == []


def test_skip_invalid_merges_the_rest_and_lists_the_invalid_file(plan_set, inbox, tmp_path):
    out = tmp_path / "samman.xlsx"
    edit(_file(inbox, "BUN"), {"Nämndmål!B2": "KF99"})
    result = api.merge([inbox], model_path=plan_set[0], out=out, skip_invalid=True)
    assert result.output == out
    assert "BUN" not in result.merged and len(result.merged) == 5
    rows = _sheet_rows(out, SHEET_SUBMISSIONS)
    bun = [r for r in rows if r[0] == "BUN"]
    assert [r[4] for r in bun] == [SUBMISSION_STATUS_NOT_READ]
    assert bun[0][5] >= 1
    assert {r[4] for r in rows[1:] if r[0] != "BUN"} == {SUBMISSION_STATUS_READ}
    assert all(r[0] != "BUN" for r in _sheet_rows(out, "Nämndmål")[1:])


def test_missing_committee_is_listed(plan_set, inbox, tmp_path):
    _file(inbox, "SN").unlink()
    out = tmp_path / "samman.xlsx"
    result = api.merge([inbox], model_path=plan_set[0], out=out)
    assert result.missing == ["SN"]
    sn = [r for r in _sheet_rows(out, SHEET_SUBMISSIONS) if r[0] == "SN"]
    assert len(sn) == 1 and sn[0][4] == SUBMISSION_STATUS_MISSING and sn[0][2] is None


def test_two_files_for_one_committee_are_refused_naming_both(plan_set, inbox, tmp_path):
    original = _file(inbox, "TN")
    copy = inbox / "kopia_TN.xlsx"
    shutil.copy(original, copy)
    out = tmp_path / "samman.xlsx"
    result = api.merge([inbox], model_path=plan_set[0], out=out)
    assert result.output is None and not out.exists()
    assert list(tmp_path.glob(".samman*")) == []
    refused = {r.file: r for r in result.reports if r.committee_id == "TN"}
    assert set(refused) == {str(original), str(copy)}
    for file, report in refused.items():
        s011 = [f for f in report.findings if f.code == "S011"]
        assert len(s011) == 1 and s011[0].severity.value == "error"
        other = str(copy) if file == str(original) else str(original)
        assert other in s011[0].message and "den här" in s011[0].message


def test_rows_without_id_get_the_next_free_id(tmp_path):
    paths = api.init_project(tmp_path / "p")
    fill_plan_round(paths.model, tmp_path / "p", with_ids=False)
    bun = _file(tmp_path / "p" / "ret", "BUN")
    edit(bun, {"Nämndmål!A3": "BUN-7"})  # a controller typed one id; the others are empty
    out = tmp_path / "samman.xlsx"
    result = api.merge([tmp_path / "p" / "ret"], model_path=paths.model, out=out)
    assert result.errors == 0
    report = next(r for r in result.reports if r.committee_id == "BUN")
    assigned = {(f.sheet, f.cell): f.ref for f in report.findings if f.code == "K005"}
    assert assigned[("Nämndmål", "A2")] == "BUN-8"
    assert assigned[("Nämndmål", "A4")] == "BUN-9"
    assert all(f.severity.value == "info" for f in report.findings if f.code == "K005")
    goals = [r for r in _sheet_rows(out, "Nämndmål") if r[0] == "BUN"]
    assert [r[1] for r in goals] == ["BUN-8", "BUN-7", "BUN-9", "BUN-10"]
    activities = [r[1] for r in _sheet_rows(out, "Aktiviteter") if r[0] == "BUN"]
    assert activities == ["KF1-A1", "KF2-A1", "KF3-A1", "KF5-A1"]
    assert all(r[1] for r in _sheet_rows(out, "Indikatorer")[1:])


def test_assign_ids_counts_past_the_highest_number_and_reserved_ids():
    spec = COMMITTEE_NAMNDMAL
    rows = [list(spec.headers), ["BUN-2", "KF1", None, "Mål a"], [None, "KF1", None, "Mål b"],
            ["BUN-11", "KF1", None, "Mål c"], [None, "KF2", None, "Mål d"], [None] * 4]
    tables = {spec.name: build_table(spec, rows)}
    assigned = assign_ids("BUN", tables, reserved=["BUN-12"])
    assert [(a.cell, a.new_id) for a in assigned] == [("A3", "BUN-13"), ("A5", "BUN-14")]


def test_cli_json_has_spec_4_files_and_merge_keys(plan_set, inbox, tmp_path):
    _file(inbox, "MBN").unlink()
    out = tmp_path / "samman.xlsx"
    runner = CliRunner()
    run = runner.invoke(cli, ["merge", str(inbox), "--model", str(plan_set[0]), "-o", str(out),
                              "--format", "json"])
    assert run.exit_code == 0, run.output
    document = json.loads(run.stdout)
    assert set(document) >= {"malark_version", "files", "output", "merged", "missing", "row_counts"}
    assert document["output"] == str(out)
    assert document["missing"] == ["MBN"]
    assert len(document["files"]) == 5
    assert set(document["files"][0]) == {"file", "namnd", "period", "errors", "warnings", "findings"}
    assert all(c["match"] for c in document["row_counts"].values())


def test_cli_exit_codes(plan_set, inbox, tmp_path):
    runner = CliRunner()
    out = tmp_path / "samman.xlsx"
    edit(_file(inbox, "KS"), {"Nämndmål!B2": "KF99"})
    failed = runner.invoke(cli, ["merge", str(inbox), "--model", str(plan_set[0]), "-o", str(out),
                                 "--format", "json"])
    assert failed.exit_code == 1
    assert json.loads(failed.stdout)["output"] is None and not out.exists()
    skipped = runner.invoke(cli, ["merge", str(inbox), "--model", str(plan_set[0]), "-o", str(out),
                                  "--skip-invalid"])
    assert skipped.exit_code == 1 and out.exists()
    assert "Ej inläst" in skipped.stdout
    no_model = runner.invoke(cli, ["merge", str(inbox), "--model", str(tmp_path / "nej.xlsx"),
                                   "-o", str(out)])
    assert no_model.exit_code == 2


def test_wrong_period_is_an_error(plan_set, inbox, tmp_path):
    result = api.merge([inbox], model_path=plan_set[0], out=tmp_path / "s.xlsx", period="T1")
    assert result.output is None
    assert all("S004" in {f.code for f in r.findings} for r in result.reports)


def test_output_inside_the_inbox_is_not_an_input(plan_set, inbox):
    out = inbox / "samman.xlsx"
    first = api.merge([inbox], model_path=plan_set[0], out=out)
    second = api.merge([inbox], model_path=plan_set[0], out=out, force=True)
    assert len(first.reports) == len(second.reports) == 6


def test_progress_is_reported_per_file(plan_set, inbox, tmp_path):
    calls = []
    api.merge([inbox], model_path=plan_set[0], out=tmp_path / "s.xlsx",
              progress=lambda done, total, path: calls.append((done, total)))
    assert calls == [(n, 6) for n in range(1, 7)]


def test_ctrl_c_during_validation_keeps_the_earlier_output(plan_set, inbox, tmp_path):
    out = tmp_path / "samman.xlsx"
    out.write_bytes(b"earlier consolidation")

    def interrupt(done, total, path):
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        api.merge([inbox], model_path=plan_set[0], out=out, progress=interrupt, force=True)
    assert out.read_bytes() == b"earlier consolidation"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inkommet", "samman.xlsx"]


def test_an_unwritable_output_folder_is_a_clean_error(plan_set, inbox, tmp_path):
    blocker = tmp_path / "fil"
    blocker.write_text("inte en mapp")
    run = CliRunner().invoke(cli, ["merge", str(inbox), "--model", str(plan_set[0]), "-o",
                                   str(blocker / "samman.xlsx")])
    assert run.exit_code == 2
    assert "kan inte skrivas" in run.output and "Traceback" not in run.output


def test_an_existing_output_is_replaced_only_with_force(plan_set, inbox, tmp_path):
    out = tmp_path / "samman.xlsx"
    api.merge([inbox], model_path=plan_set[0], out=out)
    before = out.read_bytes()
    with pytest.raises(OutputError, match="--force"):
        api.merge([inbox], model_path=plan_set[0], out=out)
    assert out.read_bytes() == before
    assert api.merge([inbox], model_path=plan_set[0], out=out, force=True).output == out


def test_previous_must_be_an_earlier_consolidation(plan_set, inbox, tmp_path):
    plan = tmp_path / "plan.xlsx"
    api.merge([inbox], model_path=plan_set[0], out=plan)
    with pytest.raises(InputError, match="Plan 2027, som inte kommer före Plan 2027"):
        api.merge([inbox], model_path=plan_set[0], out=tmp_path / "igen.xlsx", previous=plan)
    assert not (tmp_path / "igen.xlsx").exists()
    assert list(tmp_path.glob(".igen*")) == []


def test_json_names_the_carried_committees_and_rows(plan_set, inbox, tmp_path):
    result = api.merge([inbox], model_path=plan_set[0], out=tmp_path / "s.xlsx")
    document = result.to_dict()
    assert document["carried"] == {}
    assert document["row_counts"]["Aktiviteter"]["carried"] == 0
