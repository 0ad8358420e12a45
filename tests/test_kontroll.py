"""The `Kontroll` sheet as written (SPEC 3b), without recalculating: where it is, its table,
names and texts from the catalogue, the rules it lists per period, formulas that Excel
accepts, nothing that blocks typing or changes a value, and that it is a helper only:
deleting it changes no finding, `--previous` writes it again. The recalculated results are
compared with `malark validate` in `test_kontroll_parity.py`."""

from __future__ import annotations

import re
import shutil

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from malark import api
from malark.core.contract import (
    COMMITTEE_DATA_SHEETS,
    KONTROLL_AT_SUBMISSION,
    KONTROLL_ERRORS_NAME,
    KONTROLL_HEADERS,
    KONTROLL_WARNINGS_NAME,
    SHEET_INSTRUCTIONS,
    SHEET_KONTROLL,
)
from malark.core.findings import CATALOGUE
from malark.validate.checks import live_builders
from malark.validate.validation import validate_workbook_data
from malark.xlsx.reader import read_workbook

PLAN_LIVE = ["S008", "K001", "K002", "K003", "K004", "M003", "M005", "D001", "D002", "D003",
             "D004", "D008"]
FOLLOW_UP_LIVE = ["S008", "K001", "K002", "K003", "K004", "D001", "D002", "D003", "D004", "D005",
                  "D006", "D007", "D008"]
_NEWER_FUNCTIONS = re.compile(r"(?<![\w.])(UNICHAR|UNICODE|NUMBERVALUE|ISFORMULA|IFNA|CONCAT|TEXTJOIN)\(")


def _kontroll(path):
    return openpyxl.load_workbook(path)[SHEET_KONTROLL]


def _table(ws) -> list[str]:
    codes, row = [], 4
    while ws.cell(row, 1).value not in (None, KONTROLL_AT_SUBMISSION):
        codes.append(ws.cell(row, 1).value)
        row += 1
    return codes


def _formulas(workbook):
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, ArrayFormula):
                    yield ws.title, cell.coordinate, value.text
                elif isinstance(value, str) and value.startswith("="):
                    yield ws.title, cell.coordinate, value


def test_kontroll_follows_instruktioner_with_the_spec_table(filled_files):
    workbook = openpyxl.load_workbook(filled_files["t1"])
    assert workbook.sheetnames.index(SHEET_KONTROLL) == workbook.sheetnames.index(SHEET_INSTRUCTIONS) + 1
    ws = workbook[SHEET_KONTROLL]
    assert [ws.cell(3, c).value for c in range(1, 5)] == list(KONTROLL_HEADERS)
    assert ws["A1"].value.startswith("=") and "KontrollFel" not in ws["A1"].value
    names = {n: d.attr_text for n, d in workbook.defined_names.items()}
    assert names[KONTROLL_ERRORS_NAME] == "'Kontroll'!$E$1"
    assert names[KONTROLL_WARNINGS_NAME] == "'Kontroll'!$E$2"
    assert ws.protection.sheet and ws.sheet_state == "visible"


@pytest.mark.parametrize(("period", "expected"), [("plan", PLAN_LIVE), ("t1", FOLLOW_UP_LIVE)])
def test_one_row_per_rule_checked_live_in_the_period_then_the_rest(filled_files, period, expected):
    ws = _kontroll(filled_files[period])
    assert _table(ws) == expected
    for row, code in enumerate(expected, start=4):
        rule = CATALOGUE[code]
        assert ws.cell(row, 2).value.startswith(rule.title) and rule.explanation in ws.cell(row, 2).value
        assert isinstance(ws.cell(row, 3).value, ArrayFormula)
        assert "HYPERLINK" in ws.cell(row, 4).value
    listed = [ws.cell(r, 1).value for r in range(4 + len(expected), ws.max_row + 1)]
    heading = listed.index(KONTROLL_AT_SUBMISSION)
    at_submission = [c for c in listed[heading + 1:] if c in CATALOGUE]
    assert set(at_submission).isdisjoint(expected)
    assert {"S001", "S007", "D009", "D010", "D012", "D013"} <= set(at_submission)
    assert ("M001" in at_submission) == (period == "plan")
    assert ("D005" in at_submission) is False


def test_every_live_rule_is_declared_beside_its_check():
    from malark.validate.checks import CHECKS

    declared = {b.live_code: c for c in CHECKS for b in c.live}
    assert set(declared) == set(live_builders())
    assert all(code in check.codes for code, check in declared.items())


def test_formulas_are_ones_excel_reads(filled_files):
    """Within Excel's 8,192 characters and 64 nested levels; newer functions carry the
    `_xlfn.` prefix Excel writes; no whole-column ranges."""
    workbook = openpyxl.load_workbook(filled_files["t1"])
    formulas = [f for f in _formulas(workbook) if f[0] in (SHEET_KONTROLL, SHEET_INSTRUCTIONS)]
    assert len(formulas) > 50
    for sheet, cell, text in formulas:
        assert len(text) <= 8192, (sheet, cell)
        assert _depth(text) <= 64, (sheet, cell)
        assert not _NEWER_FUNCTIONS.search(text), (sheet, cell)
        assert not re.search(r"\$[A-Z]+:\$[A-Z]+|![A-Z]+:[A-Z]+\b", text), (sheet, cell)


def _depth(formula: str) -> int:
    depth = deepest = 0
    for part in re.split(r'"(?:[^"]|"")*"', formula):
        for ch in part:
            depth += ch == "("
            depth -= ch == ")"
            deepest = max(deepest, depth)
    return deepest


def test_marks_are_conditional_formats_only_nothing_typed_changes(filled_files, tmp_path):
    """The data sheets get conditional formats that look at Kontroll, no formula in a cell
    and no new data validation (nothing refuses what is typed or pasted)."""
    with_sheet = openpyxl.load_workbook(filled_files["plan"])
    for spec in COMMITTEE_DATA_SHEETS:
        ws = with_sheet[spec.name]
        live = [r for cf in ws.conditional_formatting for r in cf.rules
                if r.formula and "Kontroll!" in r.formula[0]]
        assert live, spec.name
        assert not any("Kontroll" in (dv.formula1 or "") for dv in ws.data_validations.dataValidation)
    cells = [(s, c) for s, c, _ in _formulas(with_sheet) if s in {x.name for x in COMMITTEE_DATA_SHEETS}]
    assert all(c.startswith("L") for s, c in cells if s == "Indikatorer")  # only Trafikljus
    assert not [c for s, c in cells if s != "Indikatorer"]


def test_helper_columns_are_hidden_and_the_print_area_is_the_table(filled_files):
    ws = _kontroll(filled_files["t1"])
    helpers = {cell.column_letter for row in ws.iter_rows(min_col=5) for cell in row
               if cell.value is not None}
    assert len(helpers) > 20
    assert all(ws.column_dimensions[letter].hidden for letter in helpers)
    assert not any(ws.column_dimensions[letter].hidden for letter in "ABCD")
    assert "$A$1:$D$" in ws.print_area


def test_deleting_kontroll_changes_no_finding(filled_files, tmp_path):
    """Kontroll is a helper, not part of the contract: without it a workbook validates as
    before (and Instruktioner's status falls back to a note, see its formula)."""
    for name in ("plan", "t1"):
        path = shutil.copy(filled_files[name], tmp_path / f"{name}.xlsx")
        workbook = openpyxl.load_workbook(path)
        del workbook[SHEET_KONTROLL]
        workbook.save(path)
        assert validate_workbook_data(read_workbook(path)).findings == []
    status = openpyxl.load_workbook(filled_files["t1"])[SHEET_INSTRUCTIONS]["B2"].value
    assert status.startswith("=IFERROR(HYPERLINK(") and "saknas" in status


def test_previous_writes_kontroll_again(plan_set, tmp_path):
    model, returned = plan_set
    merged = api.merge([returned], model_path=model, out=tmp_path / "samman.xlsx")
    [path] = api.generate(model, tmp_path / "t1", period="T1", previous=merged.output,
                          committees=["BUN"])
    ws = _kontroll(path)
    assert _table(ws) == FOLLOW_UP_LIVE
    assert validate_workbook_data(read_workbook(path)).errors > 0  # outcomes are now required


def test_a_large_committee_is_not_refused_as_too_large(model_path, tmp_path):
    """Kontroll's helper columns grow with the rows; the safety limits of the reader (S009)
    must still accept the workbook of a committee with 1,000 activities."""
    from malark.core.contract import Period
    from malark.generate.committee_workbook import (
        PreparedRows,
        build_committee_workbook,
        write_committee_workbook,
    )

    model = api.load_model(model_path)
    workbook = build_committee_workbook(model, "KS", Period.T1,
                                        prepared=PreparedRows(goals=200, indicators=600, activities=1000))
    path = write_committee_workbook(workbook, tmp_path / "stor.xlsx")
    assert not [f for f in validate_workbook_data(read_workbook(path)).findings if f.code == "S009"]


def test_a_workbook_too_large_to_check_live_is_sent_without_kontroll(model_path, tmp_path):
    """Above `kontroll.MAX_CELLS` (about 2,500 rows in all) the sheet is left out, so that
    the file stays far inside the reader's limits (a sheet may hold 31,000 activities):
    Instruktioner then tells the controller to use Validera, and nothing refers to it."""
    from malark.core.contract import Period
    from malark.generate.committee_workbook import (
        PreparedRows,
        build_committee_workbook,
        write_committee_workbook,
    )

    model = api.load_model(model_path)
    workbook = build_committee_workbook(model, "KS", Period.T1, prepared=PreparedRows(activities=3000))
    assert SHEET_KONTROLL not in workbook.sheetnames
    assert not [n for n in workbook.defined_names if n.startswith("Kontroll")]
    texts = [str(c.value) for row in workbook["Instruktioner"].iter_rows() for c in row if c.value]
    assert not [t for t in texts if f"{SHEET_KONTROLL} " in t or f"{SHEET_KONTROLL}!" in t]
    assert "Kontrollera filen med Validera" in texts
    for ws in workbook.worksheets:
        assert not [r for cf in ws.conditional_formatting for r in cf.rules
                    if "Kontroll!" in (r.formula or [""])[0]]
    path = write_committee_workbook(workbook, tmp_path / "mycket_stor.xlsx")
    assert not [f for f in validate_workbook_data(read_workbook(path)).findings if f.code == "S009"]


def test_validate_does_not_read_the_values_of_kontroll(filled_files):
    """No check reads the sheet: the reader inspects it like every sheet but leaves its
    values unread (a saved workbook holds every helper cell's result)."""
    data = read_workbook(filled_files["t1"])
    assert SHEET_KONTROLL in data.sheet_names and data.rows[SHEET_KONTROLL] == []
