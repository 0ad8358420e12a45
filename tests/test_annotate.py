"""`--annotate`: the marked-up copy keeps everything the user typed and adds fills, notes
and a first sheet of findings with links."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.worksheet.formula import ArrayFormula

from malark.core.contract import RESULT_HEADERS, SHEET_META, SHEET_RESULTS, Period
from malark.core.errors import OutputError
from malark.core.example import example_model
from malark.core.findings import Severity, rule
from malark.generate.committee_workbook import build_committee_workbook
from malark.validate.annotate import AUTHOR, FILL_COLOURS, annotate_workbook
from malark.validate.result_sheet import result_rows
from malark.xlsx.reader import read_workbook_file
from tests import hostile

_TYPED = {
    "Indikatorer!K2": "85,5", "Indikatorer!M2": "00123", "Indikatorer!K3": 71.25,
    "Indikatorer!M3": "  två rader\noch mellanslag  ", "Indikatorer!K4": "=1/0",
    "KF-mål!E2": "Röd", "KF-mål!F2": "Analys med åäö – och ”citat”",
    "Aktiviteter!A2": "KS-1-A1", "Aktiviteter!E2": datetime(2027, 3, 31),
    "Aktiviteter!G2": "Pågår",
}


@pytest.fixture
def returned(tmp_path) -> Path:
    """KS's T1 workbook as a controller returns it: typed values, rich text, a note."""
    workbook = build_committee_workbook(example_model(), "KS", Period.T1)
    for address, value in _TYPED.items():
        sheet, cell = address.split("!")
        workbook[sheet][cell] = value
    workbook["Nämndmål"]["I2"] = CellRichText(["Vanlig ", TextBlock(InlineFont(b=True), "fet"), " text"])
    workbook["KF-mål"]["F2"].comment = Comment("Min egen anteckning", "Controller")
    folder = tmp_path / "inkommet"
    folder.mkdir()
    path = folder / "Sjöberga_2027_T1_KS.xlsx"
    workbook.save(path)
    return path


def _findings(file: str):
    return [
        rule("D007").finding(file=file, sheet="KF-mål", cell="F2", ref="KF1"),
        rule("D001").finding(file=file, sheet="Indikatorer", cell="K2", ref="KF1-I1",
                             severity=Severity.INFO, header="Utfall", found="85,5"),
        rule("D009").finding(file=file, sheet="Indikatorer", cell="K4", what="en formel"),
        rule("M003").finding(file=file, sheet="Nämndmål", cell="E2"),
        rule("D006").finding(file=file, sheet="KF-mål", cell="F2", assessment="Röd"),
        rule("S005").finding(file=file, sheet_name="Aktiviteter2"),
        rule("S006").finding(file=file, sheet="Borttaget blad", cell="A1", header="Id"),
    ]


def _value(value):
    if isinstance(value, CellRichText):
        return str(value), repr(value)
    if isinstance(value, ArrayFormula):  # the Kontroll sheet's helpers
        return (value.ref, value.text), None
    return value, None


def _cells(workbook) -> dict[str, list[tuple]]:
    return {ws.title: [(c.coordinate, *_value(c.value), c.data_type, c.number_format)
                       for row in ws.iter_rows() for c in row]
            for ws in workbook.worksheets}


def _load(path: Path):
    return openpyxl.load_workbook(path, rich_text=True)


def test_copy_keeps_every_typed_value(returned, tmp_path):
    out = annotate_workbook(returned, _findings(returned.name), tmp_path / "granskat")
    assert out == tmp_path / "granskat" / returned.name
    before, after = _load(returned), _load(out)
    assert after.sheetnames == [SHEET_RESULTS, *before.sheetnames]
    old, new = _cells(before), _cells(after)
    for sheet in before.sheetnames:
        assert new[sheet] == old[sheet], sheet
    assert after["Indikatorer"]["K4"].value == "=1/0"
    assert read_workbook_file(out).rows[SHEET_META] == read_workbook_file(returned).rows[SHEET_META]


def test_copy_keeps_hidden_metadata_validation_protection_and_names(returned, tmp_path):
    before = _load(returned)
    after = _load(annotate_workbook(returned, _findings(returned.name), tmp_path / "granskat"))
    assert after[SHEET_META].sheet_state == "veryHidden"
    for sheet in before.sheetnames:
        old, new = before[sheet], after[sheet]
        validations = [(str(dv.sqref), dv.type, dv.formula1, dv.allow_blank) for dv in
                       old.data_validations.dataValidation]
        assert [(str(dv.sqref), dv.type, dv.formula1, dv.allow_blank)
                for dv in new.data_validations.dataValidation] == validations
        assert dict(new.protection) == dict(old.protection)
        assert len(new.conditional_formatting) == len(old.conditional_formatting)
    assert set(after.defined_names) == set(before.defined_names)
    assert after["Indikatorer"].protection.sheet


def test_offending_cells_are_filled_and_noted(returned, tmp_path):
    after = _load(annotate_workbook(returned, _findings(returned.name), tmp_path / "granskat"))
    both = after["KF-mål"]["F2"]
    assert both.fill.fgColor.rgb.endswith(FILL_COLOURS[Severity.ERROR])
    assert both.comment.author == AUTHOR
    assert "D006" in both.comment.text and "D007" in both.comment.text
    assert "Min egen anteckning" in both.comment.text  # the user's note is kept below ours
    assert after["Indikatorer"]["K2"].fill.fgColor.rgb.endswith(FILL_COLOURS[Severity.INFO])
    assert after["Indikatorer"]["K4"].fill.fgColor.rgb.endswith(FILL_COLOURS[Severity.WARNING])
    assert after["Nämndmål"]["E2"].comment.text.startswith("Varning M003")
    assert after["Indikatorer"]["K3"].comment is None


def test_results_sheet_lists_findings_with_links(returned, tmp_path):
    findings = _findings(returned.name)
    after = _load(annotate_workbook(returned, findings, tmp_path / "granskat"))
    sheet = after[SHEET_RESULTS]
    assert after.active.title == SHEET_RESULTS
    assert [c.value for c in sheet[1]] == list(RESULT_HEADERS)
    expected = result_rows(findings, _load(returned).sheetnames)
    rows = [[c.value or "" for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows == expected
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    cell_column = RESULT_HEADERS.index("Cell") + 1
    links = {sheet.cell(r, cell_column).value: sheet.cell(r, cell_column).hyperlink
             for r in range(2, sheet.max_row + 1)}
    assert links["F2"].location == "'KF-mål'!F2"
    assert links["A1"] is None  # the sheet does not exist: no link
    assert all(not ws.sheet_view.tabSelected for ws in after.worksheets[1:])


def test_annotating_an_annotated_copy_replaces_the_results_sheet(returned, tmp_path):
    first = annotate_workbook(returned, _findings(returned.name), tmp_path / "ett")
    second = annotate_workbook(first, _findings(returned.name)[:1], tmp_path / "två")
    after = _load(second)
    assert after.sheetnames.count(SHEET_RESULTS) == 1
    assert after[SHEET_RESULTS].max_row == 2


def test_never_writes_into_the_source_folder(returned):
    original = returned.read_bytes()
    with pytest.raises(OutputError, match="skriva över originalet"):
        annotate_workbook(returned, _findings(returned.name), returned.parent)
    assert returned.read_bytes() == original
    assert [p.name for p in returned.parent.iterdir()] == [returned.name]


@pytest.mark.parametrize("build", [hostile.pdf_renamed, hostile.zip_bomb, hostile.xml_bomb_sheet])
def test_unreadable_or_unsafe_source_is_an_output_error(tmp_path, build):
    source = build(tmp_path / "rapport.xlsx")
    with pytest.raises(OutputError, match="rapport.xlsx"):
        annotate_workbook(source, [], tmp_path / "ut")
    assert not (tmp_path / "ut").exists()


def test_xlsm_keeps_its_vba_project(tmp_path):
    source = hostile.with_macros(tmp_path / "makro.xlsm")
    findings = [rule("S010").finding(file="makro.xlsm", what="makron", what_to_do="Ta bort dem.")]
    out = annotate_workbook(source, findings, tmp_path / "ut")
    with zipfile.ZipFile(out) as package:
        assert "xl/vbaProject.bin" in package.namelist()
        assert b"macroEnabled" in package.read("[Content_Types].xml")


def test_finding_inside_a_merged_range_marks_its_top_left_cell(tmp_path):
    path = tmp_path / "in" / "sammanslagen.xlsx"
    path.parent.mkdir()
    workbook = openpyxl.Workbook()
    workbook.active.title = "Data"
    workbook["Data"]["A1"] = "rubrik"
    workbook["Data"].merge_cells("A1:C2")
    workbook.save(path)
    finding = rule("M003").finding(file=path.name, sheet="Data", cell="B2")
    after = _load(annotate_workbook(path, [finding], tmp_path / "ut"))
    assert after["Data"]["A1"].comment.author == AUTHOR
    assert after["Data"]["A1"].value == "rubrik"
