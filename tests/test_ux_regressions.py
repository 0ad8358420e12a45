"""Regressions found by trying to break `malark` from the command line as a controller
would: file system errors, click's own messages, ids changed on locked rows, rows holding
only a Trafikljus value, the goal model among the returned files, pasted essays."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from malark import api
from malark.cli import cli
from malark.xlsx.reader import read_workbook
from tests.filled_workbooks import check_keys, edited
from tests.helpers import edit


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _no_internal_error(result) -> None:
    assert "Traceback" not in result.output
    assert "Internt fel" not in result.output


# --- file system errors: exit 2, Swedish, no "Internt fel" ------------------------------------
def test_init_under_a_file_is_exit_2_not_internal_error(tmp_path):
    blocker = tmp_path / "fil"
    blocker.write_text("x")
    result = run("init", blocker / "projekt")
    assert result.exit_code == 2
    _no_internal_error(result)
    assert str(blocker / "projekt") in result.output


def test_merge_output_under_a_file_names_the_reason_in_swedish(filled_files, tmp_path):
    blocker = tmp_path / "fil"
    blocker.write_text("x")
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(filled_files["t1"], folder / "ks.xlsx")
    model = tmp_path / "malmodell.xlsx"
    api.init_project(tmp_path / "p")
    shutil.copy(tmp_path / "p" / "malmodell.xlsx", model)
    result = run("merge", folder, "--model", model, "-o", blocker / "ut.xlsx")
    assert result.exit_code == 2
    _no_internal_error(result)
    assert "File exists" not in result.output
    assert not (tmp_path / "fil").is_dir()


@pytest.mark.parametrize("command", [["generate", "MODEL", "-o"], ["addin", "build", "-o"]])
def test_output_folder_under_a_file_is_exit_2(command, model_path, tmp_path):
    blocker = tmp_path / "fil"
    blocker.write_text("x")
    args = [model_path if a == "MODEL" else a for a in command] + [blocker / "ut"]
    result = run(*args)
    assert result.exit_code == 2
    _no_internal_error(result)
    if command[0] == "addin":  # generate's message is built in api.py (os_reason proposed)
        assert "Not a directory" not in result.output


# --- click's own messages ----------------------------------------------------------------------
@pytest.mark.parametrize("args, english", [
    (["validate"], "Missing argument"),
    (["validate", "x.xlsx", "--period", "T3"], "Invalid value"),
    (["merge", "x.xlsx", "-o", "ut.xlsx"], "Missing option"),
    (["valdate"], "No such command"),
    (["rules", "--formt", "json"], "No such option"),
])
def test_usage_errors_are_swedish_and_exit_2(args, english):
    result = run(*args)
    assert result.exit_code == 2
    assert english not in result.output
    assert "Error:" not in result.output
    assert "Fel:" in result.output


def test_help_is_swedish_too():
    result = run("merge", "--help")
    assert result.exit_code == 0
    for english in ("Usage:", "Options:", "Show this message", "[default:", "[required]"):
        assert english not in result.output


def test_broken_pipe_is_quiet(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "malark", "rules", "--format", "json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader (`| head`) has gone before malark writes
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert b"Traceback" not in stderr
    assert b"Internt fel" not in stderr


# --- S007 points at the id cell when a KF indicator's id was changed or cleared ------------
@pytest.mark.parametrize("new_id", ["KF1-I9", None])
def test_changed_kf_indicator_id_points_at_the_id_cell(filled_data, new_id):
    keys = check_keys(edited(filled_data["t1"], {"Indikatorer!A2": new_id}))
    assert ("S007", "Indikatorer", "A2") in keys
    assert ("S007", "Indikatorer", None) not in keys


def test_deleted_kf_indicator_row_is_still_reported_without_a_cell(filled_data):
    data = edited(filled_data["t1"], {f"Indikatorer!{c}2": None for c in "ABCDEFGHIJKLMN"})
    keys = check_keys(data)
    assert ("S007", "Indikatorer", None) in keys


# --- a row holding only a computed Trafikljus is not a row the committee added ---------------
def test_row_with_only_a_light_value_gives_no_findings(filled_data):
    # e.g. a Trafikljus formula left pointing at the row above after rows were moved
    keys = check_keys(edited(filled_data["t1"], {"Indikatorer!L9": 3.0}))
    assert not {k for k in keys if k[2] and k[2].endswith("9") and k[1] == "Indikatorer"}
    assert keys == check_keys(filled_data["t1"])


# --- the goal model among the returned files ---------------------------------------------
def test_goal_model_among_returned_files_is_s002_with_its_own_reason(model_path, tmp_path):
    other = tmp_path / "annan.xlsx"
    edit(model_path, {}, out=other)
    import openpyxl

    workbook = openpyxl.load_workbook(other)
    del workbook["Nämnder"]
    workbook.save(other)
    reports = api.validate_files([model_path, other])
    assert [[f.key() for f in r.findings] for r in reports] == [[("S002", None, None)]] * 2
    assert reports[0].findings[0].message != reports[1].findings[0].message


# --- a pasted essay is quoted short in the message -----------------------------------------
def test_long_text_in_a_number_cell_is_quoted_short(filled_data):
    from malark.validate.checks import CHECKS, Context
    from malark.validate.submission import parse_submission

    data = edited(filled_data["t1"], {"Indikatorer!K2": "x" * 5000})
    context = Context(parse_submission(data), model=None, period=None)
    findings = [f for check in CHECKS for f in check(context)]
    d001 = [f for f in findings if f.key() == ("D001", "Indikatorer", "K2")]
    assert len(d001) == 1
    assert len(d001[0].message) < 400


def test_json_output_is_one_document_when_files_are_unreadable(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tom.xlsx").write_bytes(b"")
    (folder / "csv.xlsx").write_text("a;b\n1;2\n")
    result = CliRunner().invoke(cli, ["validate", str(folder), "--format", "json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    keys = [[(f["code"], f["sheet"], f["cell"]) for f in d["findings"]] for d in document["files"]]
    assert keys == [[("S001", None, None)]] * 2
    assert read_workbook(folder / "tom.xlsx").readable is False


# --- a broken _malark field points at its cell ---------------------------------------------
@pytest.mark.parametrize("field_name, value", [("period", "T5"), ("budgetår", "tjugo"),
                                               ("snapshot_1", "{inte json")])
def test_unreadable_meta_field_is_s002_at_its_cell(filled_data, field_name, value):
    rows = filled_data["t1"].rows["_malark"]
    number = next(i for i, r in enumerate(rows, 1) if r and r[0] == field_name)
    keys = check_keys(edited(filled_data["t1"], {f"_malark!B{number}": value}))
    assert keys == {("S002", "_malark", f"B{number}")}


# --- one stray cell far away: S009 says where ----------------------------------------------
def test_sheet_too_large_names_the_far_column(filled_files, tmp_path):
    target = edit(filled_files["t1"], {"Indikatorer!XFD2": "x"}, out=tmp_path / "ks.xlsx")
    findings = read_workbook(target).findings
    assert [f.key() for f in findings] == [("S009", None, None)]
    assert "XFD" in findings[0].message


# --- `malark demo` never replaces a real project ---------------------------------------------
def test_demo_refuses_a_real_project_and_keeps_every_file(tmp_path):
    paths = api.init_project(tmp_path / "projekt")
    edit(paths.model, {"Kommun!B2": "Riktiga kommunen"})
    returned = paths.returned / "T1" / "BUN.xlsx"
    returned.parent.mkdir(parents=True)
    returned.write_bytes(b"en riktig fil")
    before = paths.model.read_bytes()
    result = run("demo", paths.root)
    assert result.exit_code == 2
    _no_internal_error(result)
    assert paths.model.read_bytes() == before
    assert returned.read_bytes() == b"en riktig fil"


def test_demo_refuses_an_unrelated_folder(tmp_path):
    (tmp_path / "mina_dokument.docx").write_bytes(b"x")
    result = run("demo", tmp_path)
    assert result.exit_code == 2
    assert (tmp_path / "mina_dokument.docx").exists()


def test_demo_runs_in_a_new_or_empty_folder_and_again_in_its_own(tmp_path):
    from malark.demo.roundtrip import DEMO_MARKER, _prepare_folder

    _prepare_folder(tmp_path / "ny")
    assert (tmp_path / "ny" / DEMO_MARKER).is_file()
    (tmp_path / "tom").mkdir()
    _prepare_folder(tmp_path / "tom")
    (tmp_path / "ny" / "rest.xlsx").write_bytes(b"x")
    _prepare_folder(tmp_path / "ny")  # an earlier demo's folder is emptied
    assert not (tmp_path / "ny" / "rest.xlsx").exists()


# --- merge -o never replaces a returned workbook or the goal model -------------------------
def test_merge_refuses_to_overwrite_a_returned_workbook_or_the_model(filled_files, tmp_path):
    paths = api.init_project(tmp_path / "p")
    folder = tmp_path / "in"
    folder.mkdir()
    returned = shutil.copy(filled_files["t1"], folder / "ks.xlsx")
    before = returned.read_bytes(), paths.model.read_bytes()
    for target in (returned, paths.model):
        result = run("merge", folder, "--model", paths.model, "-o", target)
        assert result.exit_code == 2, result.output
        _no_internal_error(result)
    assert (returned.read_bytes(), paths.model.read_bytes()) == before
    out = tmp_path / "sammanstallning.xlsx"
    assert run("merge", folder, "--model", paths.model, "-o", out).exit_code == 0
    again = run("merge", folder, "--model", paths.model, "-o", out)  # like generate: not without --force
    assert again.exit_code == 2 and "--force" in again.stderr
    assert run("merge", folder, "--model", paths.model, "-o", out, "--force").exit_code == 0
    for target in (returned, paths.model):  # --force never replaces a returned workbook or the model
        assert run("merge", folder, "--model", paths.model, "-o", target, "--force").exit_code == 2
    assert (returned.read_bytes(), paths.model.read_bytes()) == before


def test_period_is_case_insensitive(filled_files):
    result = run("validate", filled_files["t1"], "--period", "t1", "--format", "json")
    assert result.exit_code == 0, result.output
    wrong = run("validate", filled_files["t1"], "--period", "helår", "--format", "json")
    keys = {(f["code"], f["sheet"]) for f in json.loads(wrong.stdout)["files"][0]["findings"]}
    assert wrong.exit_code == 1 and ("S004", "_malark") in keys
