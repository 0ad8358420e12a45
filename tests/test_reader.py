"""The reader: values at their A1 positions, text kept as text, formulas and error
cells from the raw XML, and faster than openpyxl."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from malark.core.contract import COMMITTEE_INDIKATORER, SHEET_META, Period
from malark.core.example import example_model
from malark.generate.committee_workbook import build_committee_workbook
from malark.xlsx.ooxml import sheet_parts
from malark.xlsx.reader import read_workbook_file
from malark.xlsx.safety import Limits
from malark.xlsx.sheet_xml import ScanLimitError, scan_formulas_and_errors, shift_formula
from tests import hostile
from tests.helpers import edit

_IND = COMMITTEE_INDIKATORER.name
_OUTCOME = COMMITTEE_INDIKATORER.letter("outcome")
_LIGHT = COMMITTEE_INDIKATORER.letter("light")


@pytest.fixture(scope="module")
def _generated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("reader") / "Sjöberga_2027_T1_KS.xlsx"
    build_committee_workbook(example_model(), "KS", Period.T1).save(path)
    return path


@pytest.fixture
def workbook(_generated, tmp_path) -> Path:
    target = tmp_path / _generated.name
    shutil.copy(_generated, target)
    return target


def _value(data, sheet: str, address: str):
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", address).groups()
    column = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(letters))) - 1
    return data.rows[sheet][int(digits) - 1][column]


def test_values_keep_their_positions_and_types(workbook):
    edit(workbook, {
        f"{_IND}!{_OUTCOME}2": "85,5", f"{_IND}!M2": "00123", f"{_IND}!{_OUTCOME}3": 71.25,
        "Aktiviteter!A2": "KS-1-A1", "Aktiviteter!E2": datetime(2027, 3, 31),
        "Aktiviteter!C2": "  text med mellanslag  ",
    })
    data = read_workbook_file(workbook)
    assert data.readable and data.findings == []
    assert _value(data, _IND, f"{_OUTCOME}2") == "85,5"
    assert _value(data, _IND, "M2") == "00123"
    assert _value(data, _IND, f"{_OUTCOME}3") == 71.25
    assert _value(data, "Aktiviteter", "A2") == "KS-1-A1"
    assert _value(data, "Aktiviteter", "C2") == "  text med mellanslag  "
    assert _value(data, "Aktiviteter", "E2") in (date(2027, 3, 31), datetime(2027, 3, 31))
    assert data.rows[_IND][0][:2] == ["Id", "Mål"]


def test_sheets_visibility_and_hash(workbook):
    data = read_workbook_file(workbook, display_name="inkommet/KS.xlsx")
    assert data.file == "inkommet/KS.xlsx"
    assert data.sheet_names[-1] == SHEET_META
    assert data.visibility[SHEET_META] == "veryhidden"
    assert data.visibility[_IND] == "visible"
    assert data.sha256 == hashlib.sha256(workbook.read_bytes()).hexdigest()


def test_formulas_of_the_data_sheets(workbook):
    edit(workbook, {f"{_IND}!{_OUTCOME}2": "=1/0", "Nämndmål!F2": "=2026+1"})
    data = read_workbook_file(workbook)
    assert data.formulas[_IND][f"{_OUTCOME}2"] == "=1/0"
    assert data.formulas["Nämndmål"]["F2"] == "=2026+1"
    assert data.formulas[_IND][f"{_LIGHT}2"].startswith("=IF(")
    assert f"{_OUTCOME}3" not in data.formulas[_IND]
    assert set(data.formulas) == {"KF-mål", "Nämndmål", _IND, "Aktiviteter"}


def _replace_cell(path: Path, sheet: str, address: str, cell_xml: bytes) -> None:
    with zipfile.ZipFile(path) as package:
        part = next(s.part for s in sheet_parts(package) if s.name == sheet)
        parts = {n: package.read(n) for n in package.namelist()}
    pattern = re.compile(rb'<c r="%s"[^>]*?(?:/>|>.*?</c>)' % address.encode(), re.S)
    parts[part], count = pattern.subn(cell_xml, parts[part], count=1)
    assert count == 1
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def test_error_cells_are_known_although_calamine_shows_them_empty(workbook):
    _replace_cell(workbook, _IND, f"{_OUTCOME}2",
                  f'<c r="{_OUTCOME}2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'.encode())
    _replace_cell(workbook, _IND, f"{_OUTCOME}3", f'<c r="{_OUTCOME}3" t="e"><v>#N/A</v></c>'.encode())
    data = read_workbook_file(workbook)
    assert data.errors[_IND] == {f"{_OUTCOME}2": "#DIV/0!", f"{_OUTCOME}3": "#N/A"}
    assert data.formulas[_IND][f"{_OUTCOME}2"] == "=1/0"
    assert _value(data, _IND, f"{_OUTCOME}2") == ""


def test_xlsm_is_read(workbook, tmp_path):
    target = tmp_path / "KS.xlsm"
    shutil.copy(workbook, target)
    data = read_workbook_file(target)
    assert data.readable and _IND in data.rows


def test_reader_does_not_import_openpyxl_or_pandas(workbook):
    code = ("import sys; from malark.xlsx.reader import read_workbook_file; "
            f"read_workbook_file({str(workbook)!r}); "
            "print('openpyxl' in sys.modules, 'pandas' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def test_too_many_formulas_is_refused(workbook):
    data = read_workbook_file(workbook, limits=Limits(max_formulas=5))
    assert [f.key() for f in data.findings] == [("S009", None, None)]
    assert not data.readable and data.rows == {}


def _unaddressed(xml: bytes) -> bytes:
    """The same sheet with every `r` attribute removed (positions by count)."""
    return re.sub(rb'\sr="[A-Z]*\d*"', b"", xml)


@pytest.mark.parametrize("rows", [
    b'<row r="1"><c r="A1"><v>1</v></c><c r="B1"/><c r="C1"><f t="shared" si="0" ref="C1:C3">'
    b'A1*$B$1&amp;"x"</f><v>1</v></c><c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
    b'<row r="2"><c r="A2" s="1"/><c r="B2"><v>2</v></c><c r="C2"><f t="shared" si="0"/></c>'
    b'<c r="D2" t="e"><v>#N/A</v></c></row>'
    b'<row r="3"><c r="A3"><f>SUM(B1:B2)</f></c><c r="B3" t="str"><f>"a&lt;b"</f><v>a&lt;b</v></c>'
    b'<c r="C3"><f t="shared" si="0"/><v>3</v></c></row>',
])
def test_addressed_and_counted_scans_agree(rows):
    xml = b"<worksheet %s><sheetData>%s</sheetData></worksheet>" % (_NS, rows)
    expected = (
        {"C1": '=A1*$B$1&"x"', "D1": "=1/0", "C2": '=A2*$B$1&"x"', "A3": "=SUM(B1:B2)",
         "B3": '="a<b"', "C3": '=A3*$B$1&"x"'},
        {"D1": "#DIV/0!", "D2": "#N/A"},
    )
    assert scan_formulas_and_errors(xml) == expected
    assert scan_formulas_and_errors(_unaddressed(xml)) == expected


def test_prefixed_namespace_and_cells_without_addresses():
    xml = (b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b"<x:sheetData><x:row><x:c><x:v>1</x:v></x:c><x:c t=\"e\"><x:f>1/0</x:f>"
           b"<x:v>#DIV/0!</x:v></x:c></x:row><x:row><x:c><x:f t=\"shared\" si=\"0\" ref=\"A2:A3\">B2+1"
           b"</x:f></x:c></x:row><x:row><x:c><x:f t=\"shared\" si=\"0\"/></x:c></x:row>"
           b"</x:sheetData></x:worksheet>")
    assert scan_formulas_and_errors(xml) == ({"B1": "=1/0", "A2": "=B2+1", "A3": "=B3+1"},
                                             {"B1": "#DIV/0!"})


def test_formula_scan_stops_at_its_limit():
    cells = b"".join(b'<c r="A%d"><f>1+1</f></c>' % n for n in range(1, 12))
    xml = b"<worksheet %s><sheetData><row>%s</row></sheetData></worksheet>" % (_NS, cells)
    with pytest.raises(ScanLimitError):
        scan_formulas_and_errors(xml, max_formulas=10)


@pytest.mark.parametrize(("formula", "rows", "columns", "expected"), [
    ("A1+B2", 1, 0, "A2+B3"),
    ("$A$1+A$1+$A1", 2, 2, "$A$1+C$1+$A3"),
    ('IF(K2="A1",LOG10(K2),0)', 3, 0, 'IF(K5="A1",LOG10(K5),0)'),
    ("'Blad 1'!B2+Data!C3", 0, 1, "'Blad 1'!C2+Data!D3"),
    ("SUM(A1:A9)", -1, 0, "SUM(#REF!:A8)"),
])
def test_shift_formula(formula, rows, columns, expected):
    assert shift_formula(formula, rows, columns) == expected


def _best(function, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def test_reader_is_faster_than_openpyxl_on_a_large_workbook(tmp_path):
    path = hostile.large_committee_workbook(tmp_path / "stor.xlsx")
    data = read_workbook_file(path)
    assert len(data.rows["Aktiviteter"]) == 601 and data.findings == []
    reader = _best(lambda: read_workbook_file(path))
    loader = _best(lambda: openpyxl.load_workbook(path))
    assert reader < loader


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) saknas")
def test_workbook_saved_by_an_office_program(workbook, tmp_path):
    edit(workbook, {f"{_IND}!{_OUTCOME}2": "=1/0", f"{_IND}!M2": "00123",
                    f"{_IND}!{_OUTCOME}3": 50, f"{_IND}!H3": 100, f"{_IND}!F3": 0,
                    f"{_IND}!E3": "Högre är bättre"})
    out = tmp_path / "saved"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--calc", "--convert-to", "xlsx", "--outdir", str(out), str(workbook)],
                   check=True, capture_output=True, timeout=180)
    data = read_workbook_file(out / workbook.name)
    assert data.readable, data.findings
    assert data.errors[_IND][f"{_OUTCOME}2"] == "#DIV/0!"
    assert data.formulas[_IND][f"{_OUTCOME}2"] == "=1/0"
    assert _value(data, _IND, "M2") == "00123"
    assert _value(data, _IND, f"{_LIGHT}3") == 2.0  # cached value of the light formula
    assert data.visibility[SHEET_META] == "hidden"  # LibreOffice saves very hidden as hidden
