"""The rough edges a real year showed (issue 11, points 11–15): hints that name the right
id, per-period deadlines, Swedish messages and values, and workbook layouts that hold the
text a committee types."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from malark import api
from malark.cli import cli
from malark.core.contract import COMMITTEE_DATA_SHEETS, COMMITTEE_SHEET_ORDER, Period
from malark.core.errors import ModelError
from malark.core.example import example_model
from malark.core.swedish import parse_date
from malark.validate.validation import validate_workbook_data
from malark.xlsx.model_io import read_model, write_model
from tests.filled_workbooks import edited
from tests.helpers import edit

ROOT = Path(__file__).parent.parent


def _messages(data, code):
    return [f for f in validate_workbook_data(data).findings if f.code == code]


# --- 11: the K004 hint proposes the id merge would give -------------------------------------
def test_k004_hint_is_the_id_merge_assigns(filled_data):
    # BUN-1…BUN-4 exist; a goal without Id in row 6 (no indicator, no activity) gets BUN-5
    data = edited(filled_data["plan"], {"Nämndmål!B6": "KF1", "Nämndmål!C6": "Medborgare",
                                        "Nämndmål!D6": "Minst 90 % nöjda år 2028.",
                                        "Nämndmål!E6": "Skolchef", "Nämndmål!G6": 2028})
    [k004] = _messages(data, "K004")
    assert (k004.sheet, k004.cell) == ("Nämndmål", "D6")
    assert "BUN-5" in k004.message and "BUN-6" not in k004.message


def test_k004_hint_skips_an_id_that_exists_further_down(filled_data):
    # rows 2–5 hold BUN-1…BUN-4; BUN-7 is typed in row 7: the next free id is BUN-8, not BUN-6
    data = edited(filled_data["plan"], {
        "Nämndmål!B6": "KF1", "Nämndmål!D6": "Minst 90 % nöjda år 2028.", "Nämndmål!E6": "Rektor",
        "Nämndmål!A7": "BUN-7", "Nämndmål!B7": "KF1", "Nämndmål!D7": "Ett annat mål 95 %.",
        "Nämndmål!E7": "Rektor"})
    hints = [f.message for f in _messages(data, "K004") if f.cell == "D6"]
    assert len(hints) == 1 and "BUN-8" in hints[0]


# --- 12: a deadline per period --------------------------------------------------------------
def test_each_period_shows_its_own_deadline(tmp_path):
    model = example_model().model_copy(update={
        "period_deadlines": {Period.T2: date(2027, 9, 20)}})
    path = write_model(model, tmp_path / "malmodell.xlsx")
    assert read_model(path).deadline_for(Period.T2) == date(2027, 9, 20)
    assert read_model(path).deadline_for(Period.T1) == model.deadline
    t1, t2 = (api.generate(path, tmp_path / p, period=p, committees=["SN"])[0] for p in ("T1", "T2"))

    def deadline(book):
        ws = openpyxl.load_workbook(book)["Instruktioner"]
        return next(r[1] for r in ws.iter_rows(values_only=True) if r[0] == "Sista inlämningsdag")

    assert (deadline(t1), deadline(t2)) == ("15 maj 2027", "20 september 2027")


def test_a_period_deadline_that_is_no_date_names_its_cell(model_path):
    edit(model_path, {"Kommun!B8": "snart"})  # row 8: Sista inlämningsdag T1
    with pytest.raises(ModelError, match="cell B8: Sista inlämningsdag T1 \"snart\""):
        read_model(model_path)


# --- 13: messages -------------------------------------------------------------------------
def test_k006_names_the_other_committees_goal_not_the_pattern(filled_data):
    [k006] = _messages(edited(filled_data["plan"], {"Indikatorer!A2": "KS-1-I9"}), "K006")
    assert (k006.sheet, k006.cell) == ("Indikatorer", "A2")
    assert "annan nämnd (KS)" in k006.message and "följer inte mönstret" not in k006.message


def test_model_indicator_id_of_another_goal_is_not_renamed(model_path):
    edit(model_path, {"KF-indikatorer!B2": "KF2"})  # KF1-I1 now says Mål KF2 (a duplicate KF2-I1?)
    with pytest.raises(ModelError) as error:
        read_model(model_path)
    text = str(error.value)
    assert "cell A2: id KF1-I1 hör till målet KF1, men Mål (B2) är KF2" in text
    assert "Skriv det som KF2-I" not in text


@pytest.mark.parametrize(("typed", "expected"), [("80 %", 0.8), ("0,8", 0.8), (0.8, 0.8)])
def test_gul_grans_as_percent(model_path, typed, expected):
    edit(model_path, {"Inställningar!B2": typed})
    assert read_model(model_path).settings.yellow_threshold == pytest.approx(expected)


def test_gul_grans_out_of_range_is_written_with_a_decimal_comma(model_path):
    edit(model_path, {"Inställningar!B2": 1.5})
    with pytest.raises(ModelError, match="men är 1,5\\."):
        read_model(model_path)


@pytest.mark.parametrize("text", ["2027/3/1", "2027.03.01", "2027-03-01", "1 mars 2027"])
def test_dates_written_year_first_with_slashes_or_dots(text):
    assert parse_date(text) == date(2027, 3, 1)


def test_help_is_swedish_and_periods_are_shown_as_written():
    top = CliRunner().invoke(cli, ["--help"], prog_name="malark").output
    assert top.startswith("Användning: malark [FLAGGOR] KOMMANDO [ARGUMENT]...")
    generate = CliRunner().invoke(cli, ["generate", "--help"]).output
    assert "[Plan|T1|T2|Helår]" in generate and "[OPTIONS]" not in generate
    wrong = CliRunner().invoke(cli, ["validate", "x.xlsx", "--period", "t3"])
    assert "'Plan', 'T1', 'T2', 'Helår'" in wrong.output


def test_one_workbook_is_written_in_the_singular(model_path, tmp_path):
    result = CliRunner().invoke(cli, ["generate", str(model_path), "-o", str(tmp_path), "--namnd", "SN"])
    assert result.stdout.strip().splitlines()[-1].startswith("1 arbetsbok skriven i")


def test_the_init_readme_steps_can_be_followed_in_order(tmp_path):
    paths = api.init_project(tmp_path)
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    commands = [" ".join(c.split()) for c in re.findall(r"`(malark generate [^`]+)`", readme)]
    assert len(commands) == 3
    for command in commands[:2]:  # step 1 (a trial) and step 2 (the Plan) in turn
        args = command.split()[1:]
        result = CliRunner().invoke(cli, [a.replace("malmodell.xlsx", str(paths.model))
                                          .replace("1_utskick", str(paths.sent)) for a in args])
        assert result.exit_code == 0, (command, result.output)


# --- 14: committee workbooks hold typed text, print only what is filled ------------------------
def test_committee_rows_follow_their_text_and_print_areas_end_at_the_last_row(filled_files):
    positions = [COMMITTEE_SHEET_ORDER.index(spec.name) for spec in COMMITTEE_DATA_SHEETS]
    with zipfile.ZipFile(filled_files["t1"]) as package:
        sheets = [package.read(f"xl/worksheets/sheet{n + 1}.xml").decode() for n in positions]
        workbook_xml = package.read("xl/workbook.xml").decode()
    data_rows = [row for xml in sheets for row in re.findall(r'<row r="(\d+)"[^>]*>', xml)]
    custom = [m for xml in sheets for m in re.findall(r'<row r="(\d+)"[^>]*customHeight="1"', xml)]
    assert len(data_rows) > 250 and set(custom) == {"1"}  # only the header rows are fixed
    areas = re.findall(r'<definedName name="_xlnm.Print_Area" localSheetId="(\d)">([^<]+)<', workbook_xml)
    areas = [(sheet, formula) for sheet, formula in areas if int(sheet) in positions]
    assert [int(sheet) for sheet, _ in areas] == positions
    assert all("INDEX(" in formula and "SUMPRODUCT" in formula for _, formula in areas)
    indicators = dict(areas)[str(COMMITTEE_SHEET_ORDER.index("Indikatorer"))]
    assert "$L$" not in indicators  # the Trafikljus formula in prepared rows is not "something typed"


def test_a_long_analysis_typed_later_is_not_cut(filled_files, tmp_path):
    long = "Analysen är lång. " * 30
    book = edit(filled_files["t1"], {"KF-mål!F2": long}, out=tmp_path / "ks.xlsx")
    ws = openpyxl.load_workbook(book)["KF-mål"]
    assert ws.row_dimensions[2].height >= 15 * 8  # as Excel fits the row when the text is typed


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice saknas")
def test_print_area_formulas_find_the_last_filled_row(filled_files, tmp_path):
    """The print-area formulas, recalculated by LibreOffice in probe cells: each sheet's
    last row holding anything (Indikatorer's prepared rows hold only the light formula)."""
    from malark.xlsx.sheet_layout import load_for_edit

    workbook = load_for_edit(filled_files["t1"])
    probe = workbook.create_sheet("Probe", 0)
    for number, spec in enumerate(COMMITTEE_DATA_SHEETS, start=1):
        ws = workbook[spec.name]
        formula = ws.defined_names["_xlnm.Print_Area"].attr_text
        last = formula[formula.index("MAX(2,"):-1]
        probe.cell(number, 1, f"={last}")
    source = tmp_path / "probe.xlsx"
    workbook.save(source)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "csv", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    values = [int(line.strip().strip('"')) for line in (tmp_path / "probe.csv").read_text().splitlines()]
    assert values == [7, 2, 7, 2]  # KF-mål KF1–KF6, KS-1, model indicators + KS-1-I1, KS-1-A1


# --- 15: the add-in's extra is named --------------------------------------------------------
def test_readme_and_message_name_the_excel_extra(monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert '.[excel]' in readme and "make addin" in readme
    import importlib.util

    from malark.addin import build

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(api.InputError, match=r"make addin"):
        build.template_path()
