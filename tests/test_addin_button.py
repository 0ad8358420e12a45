"""The `Validera` button against a fake of the xlwings objects it uses: the fake cannot
drift from xlwings, the workbook is read as `malark validate` reads the file (same
findings as `validate --format json`), the result sheet and the marks, protected sheets,
clearing the previous run's marks, never changing a value, and messages instead of
tracebacks."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from malark import api
from malark.addin import button
from malark.addin.marks import MARK_COLOURS, NOTE_PREFIX, apply_marks
from malark.addin.results import REGISTRY_COLUMN
from malark.addin.xlbook import read_book
from malark.cli import cli
from malark.core.contract import RESULT_HEADERS, SHEET_RESULTS
from malark.core.errors import InputError
from malark.core.findings import Severity
from malark.xlsx.reader import read_workbook
from tests.addin_fake import (
    Cell,
    ErrorValue,
    FakeApp,
    FakeBook,
    FakeFont,
    FakeNote,
    FakeRange,
    FakeSheet,
    FakeSheets,
)
from tests.helpers import edit

xw = pytest.importorskip("xlwings")


def book_from_file(path: Path, *, name: str | None = None) -> FakeBook:
    """A fake of the workbook at `path` as Excel would hold it after opening the file:
    cached values (openpyxl `data_only`), formulas, error cells, sheet visibility as
    Excel's COM numbers (-1 visible, 0 hidden, 2 very hidden)."""
    import openpyxl

    values = openpyxl.load_workbook(path, data_only=True)
    formulas = openpyxl.load_workbook(path, data_only=False)
    book = FakeBook(name or path.name)
    com_visibility = {"visible": -1, "hidden": 0, "veryHidden": 2}
    for ws_values in values.worksheets:
        ws_formulas = formulas[ws_values.title]
        sheet = FakeSheet(book, ws_values.title, com_visibility[ws_values.sheet_state])
        book.sheets._list.append(sheet)
        for row in ws_formulas.iter_rows():
            for cell in row:
                raw = cell.value
                cached_cell = ws_values.cell(cell.row, cell.column)
                cached = cached_cell.value
                if cached_cell.data_type == "e" and cached is not None:
                    cached = ErrorValue(str(cached))
                if raw is None:
                    continue
                target: Cell = sheet._cell(cell.row, cell.column)
                if cell.data_type == "f" or (isinstance(raw, str) and raw.startswith("=")):
                    target.formula = str(raw) if not hasattr(raw, "text") else f"={raw.text}"
                    target.value = cached
                elif cell.data_type == "e":
                    target.value = ErrorValue(str(raw))
                else:
                    target.value = float(raw) if isinstance(raw, int) and not isinstance(raw, bool) else raw
    return book


# --- the fake cannot drift from xlwings -----------------------------------------------

@pytest.mark.parametrize("fake, real", [
    (FakeApp, xw.App), (FakeBook, xw.Book), (FakeSheets, xw.main.Sheets), (FakeSheet, xw.Sheet),
    (FakeRange, xw.Range), (FakeNote, xw.main.Note), (FakeFont, xw.main.Font),
])
def test_every_member_of_the_fake_exists_in_xlwings(fake, real):
    for name, member in vars(fake).items():
        if name.startswith("_"):
            continue
        assert hasattr(real, name), f"{real.__name__}.{name} finns inte i xlwings"
        real_member = getattr(real, name)
        if callable(member) and callable(real_member):
            real_params = inspect.signature(real_member).parameters
            if any(p.kind is p.VAR_KEYWORD for p in real_params.values()):
                continue
            for parameter in inspect.signature(member).parameters:
                assert parameter in real_params, f"{real.__name__}.{name}({parameter}=…)"


def test_range_options_used_exist_in_xlwings():
    doc = inspect.getdoc(xw.Range.options) or ""
    for option in ("ndim", "empty", "err_to_str"):
        assert option in doc


def test_macos_protection_names_exist_in_xlwings_appscript_dictionary():
    from xlwings import mac_dict

    from malark.addin.marks import _PROTECTION_FLAGS, _snake

    names = set()
    for group in vars(mac_dict).values():
        for entry in group if isinstance(group, list | tuple) else ():
            if isinstance(entry, tuple) and entry and isinstance(entry[0], str):
                names.add(entry[0])
                if len(entry) == 3 and isinstance(entry[2], list):  # a command's parameters
                    names.update(parameter[0] for parameter in entry[2])
    wanted = {"protect_contents", "protect_drawing_objects", "protect_scenarios", "protection_mode",
              "protection", "unprotect", "protect_worksheet", "worksheet_contents",
              *(_snake(flag) for flag in _PROTECTION_FLAGS)}
    assert wanted - names == set()


# --- reading the open workbook as the file reader reads the file ------------------------

def test_used_range_is_placed_at_a1_and_typed_as_calamine_would():
    book = FakeBook("bok.xlsx")
    sheet = book.sheets.add("Indikatorer")
    sheet._set("C3", 5)
    sheet._set("D4", "text")
    sheet._set("E4", dt.date(2027, 3, 1))
    sheet._set("C5", dt.datetime(2027, 3, 1, 12, 30))
    sheet._set("D5", ErrorValue("#DIV/0!"), formula="=1/0")
    sheet._set("E5", "#N/A")  # typed as text: not an error
    sheet._set("C6", "=typed text", formula=None)
    sheet._cell(9, 9).color = (255, 0, 0)  # formatted, empty: outside calamine's range
    data = read_book(book)
    assert read_book(_only_error_in_last_row()).rows["Indikatorer"] == [["x", ""], ["", ""]]
    assert data.rows["Indikatorer"] == [
        ["", "", "", "", ""],
        ["", "", "", "", ""],
        ["", "", 5.0, "", ""],
        ["", "", "", "text", dt.date(2027, 3, 1)],
        ["", "", dt.datetime(2027, 3, 1, 12, 30), "", "#N/A"],
        ["", "", "=typed text", "", ""],
    ]
    assert data.errors["Indikatorer"] == {"D5": "#DIV/0!"}
    assert data.formulas["Indikatorer"] == {"D5": "=1/0"}
    assert data.visibility == {"Indikatorer": "visible"}


def _only_error_in_last_row() -> FakeBook:
    book = FakeBook("fel.xlsx")
    sheet = book.sheets.add("Indikatorer")
    sheet._set("A1", "x")
    sheet._set("B2", ErrorValue("#REF!"))
    return book


def test_one_value_read_per_read_sheet_and_one_formula_read_per_data_sheet(filled_files):
    book = book_from_file(filled_files["t1"])
    read_book(book)
    sheets = len(book.sheets) - 1  # not Kontroll (UNREAD_SHEETS)
    assert book._calls.value_reads == sheets  # no error candidates in a clean workbook
    assert book._calls.formula_reads == 4


def test_oversized_sheet_is_refused_like_the_file_reader_before_reading_values():
    book = FakeBook("stor.xlsx")
    sheet = book.sheets.add("Indikatorer")
    sheet._set("A1", 1)
    sheet._set("Z50000", 1)
    data = read_book(book)
    assert not data.readable and [f.code for f in data.findings] == ["S009"]
    assert book._calls.value_reads == 0
    result = button.run_button(book)
    assert result.errors == 1 and book.sheets[0]._peek("B2").value == "S009"


def test_sheet_visibility_from_com_numbers():
    from malark.addin.xlbook import visibility

    assert [visibility(v) for v in (-1, True, 0, False, 2)] == [
        "visible", "visible", "hidden", "hidden", "veryhidden"]


def _variants(filled_files, tmp_path) -> list[Path]:
    t1, plan = tmp_path / "t1.xlsx", tmp_path / "plan.xlsx"
    shutil.copy(filled_files["t1"], t1)
    shutil.copy(filled_files["plan"], plan)
    broken = edit(t1, {"Indikatorer!K2": "85,5", "Indikatorer!K3": "=1+1", "Indikatorer!K4": "#DIV/0!",
                       "KF-mål!E2": "Blå", "KF-mål!H3": None},
                  out=tmp_path / "t1_fel.xlsx")
    plan_broken = edit(plan, {"Nämndmål!D2": "Vi ska verka för trygghet", "Nämndmål!E3": None,
                              "Aktiviteter!E2": "2027-13-45"}, out=tmp_path / "plan_fel.xlsx")
    workbook = openpyxl.load_workbook(plan_broken)
    workbook.create_sheet("myaddin.conf")["A1"] = "INTERPRETER_WIN"
    conf = tmp_path / "plan_conf.xlsx"
    workbook.save(conf)
    return [t1, plan, broken, plan_broken, conf]


def _comparable(findings) -> list[tuple]:
    """Findings as tuples; S011 (two files of one committee) needs several files, which the
    button, validating one open workbook, never has."""
    return [(f["code"], f["severity"], f["sheet"], f["cell"], f["ref"], f["message"]) for f in findings
            if f["code"] != "S011"]


def test_button_path_finds_exactly_what_validate_json_finds(filled_files, tmp_path):
    paths = _variants(filled_files, tmp_path)
    result = CliRunner().invoke(cli, ["validate", *map(str, paths), "--format", "json"])
    assert result.exit_code == 1, result.output
    by_file = {Path(f["file"]).name: f for f in json.loads(result.output)["files"]}
    for path in paths:
        report = api.validate_workbook_data(read_book(book_from_file(path)))
        expected = by_file[path.name]
        assert _comparable(f.to_dict() for f in report.findings) == _comparable(expected["findings"])
        duplicates = sum(1 for f in expected["findings"] if f["code"] == "S011")
        assert (report.errors, report.warnings) == (expected["errors"] - duplicates,
                                                    expected["warnings"])
    assert {f["code"] for f in by_file["t1_fel.xlsx"]["findings"]} >= {"D004", "D009", "K003"}
    assert "S010" in {f["code"] for f in by_file["plan_conf.xlsx"]["findings"]}


def test_button_reads_the_same_data_as_the_file_reader(filled_files):
    for path in filled_files.values():
        from_excel, from_file = read_book(book_from_file(path)), read_workbook(path)
        assert from_excel.sheet_names == from_file.sheet_names
        assert from_excel.rows == from_file.rows
        assert from_excel.visibility == from_file.visibility
        assert (from_excel.formulas, from_excel.errors) == (from_file.formulas, from_file.errors)


# --- the button in the open workbook ---------------------------------------------------

@pytest.fixture
def broken_book(filled_files, tmp_path) -> FakeBook:
    path = edit(filled_files["t1"], {"Indikatorer!K2": "cirka 85", "KF-mål!E2": "Blå"},
                out=tmp_path / "Sjöberga_2027_T1_KS.xlsx")
    book = book_from_file(path)
    for sheet in book.sheets:
        sheet.api.ProtectContents = True  # as generated: protected without a password
    return book


def _values(book: FakeBook) -> dict:
    return {(s.name, key): cell.value for s in book.sheets if s.name != SHEET_RESULTS
            for key, cell in s._cells.items()}


def test_button_writes_results_marks_cells_and_summarises(broken_book):
    before = _values(broken_book)
    result = button.run_button(broken_book)
    assert (result.errors, result.failed) == (2, False) and result.marked == 2
    assert _values(broken_book) == before  # no value the user typed changed
    results = broken_book.sheets[0]
    assert results.name == SHEET_RESULTS and broken_book._active is results
    table = results.range((1, 1), (3, len(RESULT_HEADERS))).value
    assert table[0] == list(RESULT_HEADERS)
    assert {(row[1], row[2], row[3]) for row in table[1:]} == {
        ("D004", "KF-mål", "E2"), ("D001", "Indikatorer", "K2")}
    link = results._peek("D2").formula
    assert link.startswith('=HYPERLINK("#\'') and link.endswith('","' + table[1][3] + '")')
    cell = broken_book.sheets["KF-mål"]._peek("E2")
    assert cell.color == MARK_COLOURS[Severity.ERROR] and cell.note.startswith(NOTE_PREFIX)
    assert broken_book.app._alerts == [(result.message, button.TITLE, "critical")]
    assert result.message.startswith("2 fel, se Valideringsresultat")
    sheet_api = broken_book.sheets["KF-mål"].api
    assert sheet_api.ProtectContents and sheet_api.protect_calls[-1]["AllowInsertingRows"] is True


def test_second_run_clears_only_its_own_marks(broken_book):
    kf, ind = broken_book.sheets["KF-mål"], broken_book.sheets["Indikatorer"]
    kf._cell(2, 5).color = (1, 2, 3)  # the user's own fill on E2, to be restored
    kf._cell(3, 7).note = "Min egen anteckning"  # G3: the user's note stays
    button.run_button(broken_book)
    assert kf._peek("E2").color == MARK_COLOURS[Severity.ERROR]
    kf._set("E2", "Grön")  # the user fixes E2 …
    ind._cell(2, 11).color = (9, 9, 9)  # … and recolours K2, which is still wrong
    result = button.run_button(broken_book)
    assert result.errors == 1
    assert kf._peek("E2").color == (1, 2, 3) and kf._peek("E2").note is None
    assert kf._peek("G3").note == "Min egen anteckning"
    assert ind._peek("K2").color == MARK_COLOURS[Severity.ERROR]
    registry = broken_book.sheets[0].range((2, REGISTRY_COLUMN), (3, REGISTRY_COLUMN + 2)).value
    assert registry == [["Indikatorer", "K2", "#090909"], [None, None, None]]
    ind._set("K2", 85.0)  # fixed: the user's fill comes back
    assert button.run_button(broken_book).errors == 0
    assert ind._peek("K2").color == (9, 9, 9) and ind._peek("K2").note is None
    assert [s.name for s in broken_book.sheets].count(SHEET_RESULTS) == 1


def test_clean_workbook_says_it_can_be_sent(filled_files):
    book = book_from_file(filled_files["t1"])
    result = button.run_button(book)
    assert result.message == "Inga fel – filen kan skickas in."
    assert book.app._alerts[-1][2] == "info"
    assert book.sheets[0]._peek("F2").value.startswith("Inga fel eller varningar")


def test_password_protected_sheet_is_left_alone_and_counted(broken_book):
    api_ = broken_book.sheets["KF-mål"].api
    api_.password = "hemligt"
    result = button.run_button(broken_book)
    assert result.unmarked == 1 and result.marked == 1
    assert broken_book.sheets["KF-mål"]._peek("E2").color is None
    assert "1 cell kunde inte markeras" in result.message


def test_hidden_sheets_are_not_marked(broken_book):
    from malark.core.findings import Finding

    meta = broken_book.sheets["_malark"]
    finding = Finding("S002", Severity.ERROR, "f", "_malark", "B2", None, "trasig")
    assert apply_marks(broken_book.sheets, [finding]).marks == []
    assert meta._peek("B2").color is None and meta._peek("B2").note is None


def test_mark_limit(broken_book):
    report = api.validate_workbook_data(read_book(broken_book))
    outcome = apply_marks(broken_book.sheets, report.findings, limit=1)
    assert (len(outcome.marks), outcome.unmarked) == (1, 1)


def test_failures_become_messages_not_tracebacks(broken_book, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("trasig")

    monkeypatch.setattr("malark.api.validate_workbook_data", boom)
    result = button.run_button(broken_book)
    assert result.failed and "Internt fel i Målark (RuntimeError: trasig)" in result.message
    assert broken_book.app._alerts[-1][2] == "critical" and broken_book.app.screen_updating

    def refuse(*args, **kwargs):
        raise InputError("Arbetsboken kan inte läsas.")

    monkeypatch.setattr("malark.api.validate_workbook_data", refuse)
    assert button.run_button(broken_book).message == "Arbetsboken kan inte läsas."


def test_main_without_excel_exits_with_a_swedish_line(monkeypatch, capsys):
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: (_ for _ in ()).throw(
        RuntimeError("inget Excel"))))
    import malark

    with pytest.raises(SystemExit) as exit_info:
        malark.main()
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("Målark kan inte nå arbetsboken") and "Traceback" not in err


def test_main_runs_the_button_on_the_caller(broken_book, monkeypatch):
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: broken_book))
    import malark

    malark.main()
    assert broken_book.sheets[0].name == SHEET_RESULTS and broken_book.app._alerts


@pytest.mark.parametrize("errors, warnings, unmarked, expected", [
    (0, 0, 0, "Inga fel – filen kan skickas in."),
    (0, 1, 0, "Inga fel – filen kan skickas in. 1 varning att se över, se Valideringsresultat."),
    (3, 2, 0, "3 fel och 2 varningar, se Valideringsresultat. Rätta felen innan du skickar in filen."),
    (1, 0, 4, "1 fel, se Valideringsresultat. Rätta felen innan du skickar in filen.\n\n4 celler "
              "kunde inte markeras (skyddat blad eller för många fynd); de finns ändå i listan."),
])
def test_summary(errors, warnings, unmarked, expected):
    assert button.summary(errors, warnings, unmarked) == expected


def test_import_malark_loads_neither_xlwings_nor_pandas():
    code = ("import sys, malark, malark.addin.button; assert callable(malark.main); "
            "print(sorted(m for m in ('xlwings', 'pandas', 'openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
