"""Nothing typed is dropped in silence: values outside the table's columns (S012), text
longer than an Excel cell (D012, counted in UTF-16 units as Excel counts), numbers Excel
cannot hold (NaN/inf → text and D009) and formulas however they are spelled (D009). One
passing and one failing case each, on the rows read and through real files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from malark import api
from malark.xlsx.reader import read_workbook
from tests.filled_workbooks import check_keys, edited
from tests.helpers import edit


def _codes(keys, code):
    return {k for k in keys if k[0] == code}


# --- S012: outside the table ---------------------------------------------------------

def test_s012_passes_on_a_filled_workbook(filled_data):
    assert not _codes(check_keys(filled_data["plan"]), "S012")
    assert not _codes(check_keys(filled_data["t1"]), "S012")


def test_s012_a_value_beside_the_table(filled_data):
    # Aktiviteter has A–H; I5 is beside it, without a header
    keys = check_keys(edited(filled_data["plan"], {"Aktiviteter!I5": "glöm inte budgeten"}))
    assert ("S012", "Aktiviteter", "I5") in keys


def test_s012_one_finding_per_column_at_its_first_cell(filled_data):
    data = edited(filled_data["plan"], {"Nämndmål!L3": "a", "Nämndmål!L7": "b", "Nämndmål!M2": 5})
    assert _codes(check_keys(data), "S012") == {("S012", "Nämndmål", "L3"),
                                                ("S012", "Nämndmål", "M2")}


def test_s012_under_a_second_header_of_the_same_name(filled_data):
    # a second "Kommentar" column (I) beside Aktiviteter's own (H)
    data = edited(filled_data["plan"], {"Aktiviteter!I1": "Kommentar", "Aktiviteter!I2": "dubbel"})
    report = api.validate_workbook_data(data)
    found = [f for f in report.findings if f.code == "S012"]
    assert [f.key() for f in found] == [("S012", "Aktiviteter", "I2")]
    assert "Kommentar en andra gång" in found[0].message


def test_s012_an_unknown_header_with_values(filled_data):
    data = edited(filled_data["plan"], {"Indikatorer!P1": "Egen notering", "Indikatorer!P4": "x"})
    found = [f for f in api.validate_workbook_data(data).findings if f.code == "S012"]
    assert [f.key() for f in found] == [("S012", "Indikatorer", "P4")]
    assert "Egen notering" in found[0].message


def test_s012_a_formula_outside_the_table_is_the_workbooks_own(filled_data):
    data = edited(filled_data["plan"], {"Aktiviteter!J2": 3}, formulas={"Aktiviteter!J2": "=1+2"})
    assert not _codes(check_keys(data), "S012")


def test_s012_from_a_real_file(filled_files, tmp_path):
    path = edit(filled_files["plan"], {"Aktiviteter!K9": "anteckning"}, out=tmp_path / "f.xlsx")
    report = api.validate_files([path])[0]
    assert ("S012", "Aktiviteter", "K9") in [f.key() for f in report.findings]


# --- D012: longer than a cell ------------------------------------------------------------

@pytest.mark.parametrize("text", ["x" * 32_768, "😀" * 16_384, "å" * 40_000])
def test_d012_text_longer_than_excel_counts(filled_data, text):
    keys = check_keys(edited(filled_data["plan"], {"Nämndmål!D3": text}))
    assert ("D012", "Nämndmål", "D3") in keys


@pytest.mark.parametrize("text", ["x" * 32_767, "😀" * 16_383 + "x"])
def test_d012_passes_at_the_limit(filled_data, text):
    assert not _codes(check_keys(edited(filled_data["plan"], {"Nämndmål!D3": text})), "D012")


def test_d012_is_an_error_so_merge_never_cuts_the_text(filled_files, tmp_path):
    path = edit(filled_files["plan"], {"Aktiviteter!H2": "😀" * 17_000}, out=tmp_path / "lang.xlsx")
    report = api.validate_files([path])[0]
    found = [f for f in report.findings if f.code == "D012"]
    assert [f.key() for f in found] == [("D012", "Aktiviteter", "H2")]
    assert "34000" in found[0].message.replace(" ", "") and not report.ok


# --- NaN and infinity ----------------------------------------------------------------

def _with_sheet_xml(path: Path, sheet_part: str, change) -> Path:
    with zipfile.ZipFile(path) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    parts[sheet_part] = change(parts[sheet_part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return path


def _sheet_part(path: Path, sheet: str) -> str:
    from malark.xlsx.ooxml import sheet_parts

    with zipfile.ZipFile(path) as package:
        return next(s.part for s in sheet_parts(package) if s.name == sheet)


@pytest.mark.parametrize(("raw", "shown"), [(b"NaN", "NaN"), (b"inf", "Inf"), (b"-Infinity", "-Inf"),
                                           (b"1e999", "Inf")])
def test_nonfinite_numbers_become_text_with_d009(filled_files, tmp_path, raw, shown):
    path = tmp_path / "nan.xlsx"
    path.write_bytes(filled_files["plan"].read_bytes())
    part = _sheet_part(path, "Nämndmål")
    # D2 is BUN-1's Målformulering, a text column
    _with_sheet_xml(path, part, lambda xml: _replace_cell(xml, b"D2", raw))
    data = read_workbook(path)
    assert data.readable
    assert data.rows["Nämndmål"][1][3] == shown
    report = api.validate_files([path])[0]
    found = [f for f in report.findings if f.code == "D009"]
    assert [f.key() for f in found] == [("D009", "Nämndmål", "D2")]
    assert shown in found[0].message


def _replace_cell(xml: bytes, address: bytes, raw_number: bytes) -> bytes:
    """The cell at `address` as a number cell holding `raw_number` as written."""
    import re

    pattern = re.compile(rb'<c r="' + address + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)
    assert pattern.search(xml), address
    return pattern.sub(b'<c r="' + address + b'"><v>' + raw_number + b"</v></c>", xml, count=1)


def test_d009_passes_without_nonfinite_numbers(filled_data):
    assert not _codes(check_keys(filled_data["plan"]), "D009")
