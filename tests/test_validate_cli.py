"""`malark validate`: JSON as SPEC 4, exit codes, text report, folders, --annotate; and the
engine's seam for the add-in (`api.validate_workbook_data`)."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from malark import api
from malark.cli import cli
from malark.core.errors import InputError
from malark.xlsx.reader import read_workbook
from tests.helpers import edit


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result


@pytest.fixture
def returned(filled_files, tmp_path):
    """A folder of returned workbooks: BUN's clean Plan and KS's T1 with one error."""
    folder = tmp_path / "inkommet"
    folder.mkdir()
    plan = shutil.copy(filled_files["plan"], folder / "bun.xlsx")
    t1 = shutil.copy(filled_files["t1"], folder / "ks.xlsx")
    edit(t1, {"Nämndmål!H2": "Röd"})  # Röd without Åtgärder: D007 (and D010)
    (folder / "~$ks.xlsx").write_bytes(b"lock")
    return {"folder": folder, "plan": plan, "t1": t1}


def test_json_document_shape_and_exit_1(returned):
    result = run("validate", returned["folder"], "--format", "json")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert set(document) == {"malark_version", "files"}
    files = {f["namnd"]: f for f in document["files"]}
    assert set(files) == {"BUN", "KS"}  # the lock file is skipped
    assert set(files["KS"]) == {"file", "namnd", "period", "errors", "warnings", "findings"}
    assert files["KS"]["period"] == "T1" and files["BUN"]["period"] == "Plan"
    keys = {(f["code"], f["sheet"], f["cell"]) for f in files["KS"]["findings"]}
    assert ("D007", "Nämndmål", "J2") in keys
    finding = files["KS"]["findings"][0]
    assert set(finding) == {"code", "severity", "file", "sheet", "cell", "ref", "message"}
    assert files["KS"]["errors"] >= 1
    assert files["BUN"]["errors"] == 0 and files["BUN"]["findings"] == []


def test_clean_file_exit_0(returned):
    result = run("validate", returned["plan"], "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"][0]["errors"] == 0


def test_period_option_mismatch_is_s004(returned):
    result = run("validate", returned["plan"], "--period", "T1", "--format", "json")
    assert result.exit_code == 1
    keys = {(f["code"], f["sheet"]) for f in json.loads(result.stdout)["files"][0]["findings"]}
    assert ("S004", "_malark") in keys


def test_with_model(returned, model_path):
    result = run("validate", returned["plan"], "--model", model_path, "--format", "json")
    assert result.exit_code == 0, result.output


def test_bad_model_exit_2(returned, model_path):
    edit(model_path, {"KF-mål!A2": None})
    result = run("validate", returned["plan"], "--model", model_path, "--format", "json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)  # still exactly one JSON document
    assert document["files"] == [] and "KF-mål" in document["error"]


def test_missing_input_exit_2(tmp_path):
    result = run("validate", tmp_path / "finns-inte.xlsx")
    assert result.exit_code == 2
    assert "Hittar inte" in result.output


def test_unreadable_file_is_s001(tmp_path):
    bad = tmp_path / "rapport.xlsx"
    bad.write_bytes(b"%PDF-1.4 not a workbook")
    result = run("validate", bad, "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert [f["code"] for f in document["files"][0]["findings"]] == ["S001"]
    assert document["files"][0]["namnd"] is None


def test_text_report_groups_and_summarises(returned):
    result = run("validate", returned["folder"])
    assert result.exit_code == 1
    assert "ks.xlsx – nämnd KS – period T1" in result.stdout
    assert "D007" in result.stdout and "Nämndmål" in result.stdout
    assert "bun.xlsx – nämnd BUN – period Plan: inga fynd." in result.stdout
    assert "2 filer kontrollerade" in result.stdout.splitlines()[-1]
    assert "\x1b[" not in result.stdout  # no colour codes when not a terminal


def test_annotate_writes_marked_copies(returned, tmp_path):
    out = tmp_path / "markerade"
    result = run("validate", returned["t1"], "--annotate", out, "--format", "json")
    assert result.exit_code == 1
    json.loads(result.stdout)  # the notice about the copy goes to stderr
    copy = out / "ks.xlsx"
    assert copy.exists()
    import openpyxl

    workbook = openpyxl.load_workbook(copy)
    assert workbook.sheetnames[0] == "Valideringsresultat"
    assert workbook["Nämndmål"]["H2"].value == "Röd"


def test_api_validate_workbook_data_for_the_addin(filled_files):
    data = read_workbook(filled_files["t1"])
    report = api.validate_workbook_data(data)
    assert report.ok and report.committee_id == "KS" and report.period == "T1"
    with pytest.raises(InputError):
        api.validate_workbook_data(data, period="Q3")


def test_validation_does_not_import_pandas():
    import subprocess
    import sys

    code = ("import sys, malark.validate.validation, malark.validate.render; "
            "print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_summary_line_in_swedish():
    from malark.core.findings import rule
    from malark.validate.render import summary_line
    from malark.validate.submission import FileReport

    error = rule("D007").finding(file="a.xlsx", sheet="Nämndmål", cell="J2")
    assert summary_line([FileReport("a.xlsx", [error])]) == (
        "1 fil kontrollerad: 1 fel, 0 varningar, 0 info. 1 fil har fel och måste rättas.")
    assert summary_line([FileReport("a.xlsx", []), FileReport("b.xlsx", [])]) == (
        "2 filer kontrollerade: 0 fel, 0 varningar, 0 info. Inga fel.")


def test_api_validate_files_progress_and_empty_folder(returned, tmp_path):
    calls = []
    reports = api.validate_files([returned["folder"]], progress=lambda *a: calls.append(a))
    assert [r.committee_id for r in reports] == ["BUN", "KS"]
    assert [(done, total) for done, total, _ in calls] == [(1, 2), (2, 2)]
    empty = tmp_path / "tom"
    empty.mkdir()
    with pytest.raises(InputError):
        api.validate_files([empty])


def test_merge_that_cannot_run_still_prints_one_json_document(returned, model_path, tmp_path):
    edit(model_path, {"KF-mål!A2": None})
    result = run("merge", returned["plan"], "--model", model_path, "-o", tmp_path / "ut.xlsx",
                 "--format", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["files"] == []
    assert not (tmp_path / "ut.xlsx").exists()
