"""The engine the browser runs (`malark.web.engine`), run here under CPython: the same
findings as `malark validate --format json` for the same files, and what the Office
add-in needs (rows for Valideringsresultat, cells to mark, the summary)."""

from __future__ import annotations

import json
import os
import shutil

import openpyxl
import pytest

from malark import api
from malark.core.contract import SHEET_RESULTS
from malark.web import engine
from tests.helpers import edit
from tests.web_support import browser_workbooks, cli_json


@pytest.fixture(scope="module")
def picked(tmp_path_factory, _example_project, filled_files):
    folder = tmp_path_factory.mktemp("picked")
    blank = api.generate(_example_project.model, tmp_path_factory.mktemp("sn"), committees=["SN"])[0]
    names = browser_workbooks(folder, filled_files["plan"], blank)
    shutil.copyfile(_example_project.model, folder.parent / "malmodell.xlsx")
    return folder, names


@pytest.fixture
def in_folder(picked):
    folder, names = picked
    previous = os.getcwd()
    os.chdir(folder)
    yield folder, names
    os.chdir(previous)
    engine.load_model(None)


def _document(names):
    """What the page does: each file, then S011 for files of one committee and period."""
    files = [json.loads(engine.validate_file(name)) for name in names]
    changed = json.loads(engine.duplicates())
    return {"malark_version": engine.version(), "files": [changed.get(f["file"], f) for f in files]}


def test_each_file_gives_what_the_cli_gives(in_folder):
    folder, names = in_folder
    assert json.loads(engine.load_model(None)) == {"ok": True}
    document = _document(names)
    assert document == cli_json(folder, names)
    codes = {f["file"]: {x["code"] for x in f["findings"]} for f in document["files"]}
    assert codes["BUN_ifylld.xlsx"] == {"S011"}  # "BUN med fel.xlsx" is BUN's Plan too
    assert {"D003", "D004"} <= codes["BUN med fel.xlsx"]
    assert codes["zipbomb.xlsx"] == codes["xmlbomb.xlsx"] == codes["för_stor.xlsx"] == {"S009"}
    assert codes["lösenord.xlsx"] == {"S001"} and "S010" in codes["makron.xlsm"]
    assert "S002" in codes["inte_malark.xlsx"]


def test_with_the_model_too(in_folder):
    folder, names = in_folder
    assert json.loads(engine.load_model("../malmodell.xlsx")) == {"ok": True}
    assert _document(names[:3]) == cli_json(folder, names[:3], "--model", "../malmodell.xlsx")


def test_a_broken_model_gives_the_document_the_cli_prints_when_it_cannot_run(in_folder, tmp_path):
    folder, names = in_folder
    broken = edit(shutil.copyfile(folder.parent / "malmodell.xlsx", tmp_path / "modell.xlsx"),
                  {"Kommun!B4": "nästa år"})
    loaded = json.loads(engine.load_model(str(broken)))
    assert loaded["ok"] is False
    assert loaded["document"] == cli_json(folder, names[:1], "--model", str(broken))
    assert loaded["document"]["files"] == [] and "Budgetår" in loaded["document"]["error"]


def test_a_file_the_browser_gave_up_on_gets_s009_with_the_reason():
    report = json.loads(engine.refused_report("stor.xlsx", "kontrollen tog mer än 60 sekunder"))
    assert [(f["code"], f["file"]) for f in report["findings"]] == [("S009", "stor.xlsx")]
    assert "60 sekunder" in report["findings"][0]["message"] and report["errors"] == 1


def test_the_annotated_copy_is_the_cli_one(in_folder, tmp_path):
    _folder, names = in_folder
    engine.validate_file("BUN med fel.xlsx")
    copy = json.loads(engine.annotated_copy("BUN med fel.xlsx", str(tmp_path)))
    assert openpyxl.load_workbook(copy["path"]).sheetnames[0] == SHEET_RESULTS
    engine.validate_file("lösenord.xlsx")
    assert "kunde inte läsas" in json.loads(engine.annotated_copy("lösenord.xlsx", str(tmp_path)))["error"]


def test_what_the_add_in_writes_for_the_open_workbook(in_folder):
    _folder, _names = in_folder
    result = json.loads(engine.validate_open_workbook("BUN med fel.xlsx"))
    findings = result["report"]["findings"]
    assert result["errors"] == result["report"]["errors"] > 0
    assert len(result["rows"]) == len(findings)
    assert result["rows"][0][:2] == ["Fel", result["rows"][0][1]]
    cells = {(f["sheet"], f["cell"]) for f in findings if f["sheet"] and f["cell"]}
    assert {(m["sheet"], m["cell"]) for m in result["marks"]} == cells
    assert all(m["note"].startswith(engine.NOTE_PREFIX) for m in result["marks"])
    assert result["marks"][0]["fill"] == "#FFC7CE"
    assert result["summary"].endswith("Rätta felen innan du skickar in filen.")
    assert engine.summary(0, 0, 0) == "Inga fel – filen kan skickas in."
    assert "2 celler kunde inte markeras" in engine.summary(1, 0, 2)
