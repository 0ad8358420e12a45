"""Safety before parsing: every hostile file gives its rule code within seconds, never a
traceback; legitimate workbooks pass untouched."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from malark.xlsx.reader import read_workbook_file
from malark.xlsx.safety import Limits, inspect_file, ole_stream_names
from malark.xlsx.sheet_xml import sheet_extent
from tests import hostile

_HANG_GUARD_SECONDS = 10.0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    return hostile.build_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("name", sorted(hostile.CORPUS))
def test_hostile_file_gives_its_code_quickly(corpus, name):
    path, code = corpus[name]
    started = time.perf_counter()
    data = read_workbook_file(path, display_name=path.name)
    elapsed = time.perf_counter() - started
    assert elapsed < _HANG_GUARD_SECONDS
    assert [f.code for f in data.findings] == [code]
    finding = data.findings[0]
    assert finding.file == path.name
    assert finding.message.strip()
    assert data.readable is (code == "S010")
    if not data.readable:
        assert data.rows == {} and data.formulas == {} and data.errors == {}


def test_unreadable_files_say_what_to_do(corpus):
    def message(name: str) -> str:
        return read_workbook_file(corpus[name][0]).findings[0].message

    assert "utan lösenord" in message("encrypted")
    assert "lösenordsskyddad" in message("encrypted")
    assert ".xls" in message("legacy_xls")
    assert "PDF" in message("pdf_renamed")


def test_xlwings_conf_finding_names_the_sheet(corpus):
    data = read_workbook_file(corpus["xlwings_conf"][0])
    assert [f.key() for f in data.findings] == [("S010", "xlwings.conf", None)]
    assert data.rows["xlwings.conf"][0][:2] == ["Id", "Värde"]


@pytest.mark.parametrize("sheet_name", ["Settings.CONF", "min.conf ", "_xlwings.conf", "kod.py"])
def test_any_conf_sheet_is_flagged(tmp_path, sheet_name):
    path = hostile.small_workbook(tmp_path / "conf.xlsx", sheets=("Data", sheet_name))
    assert [f.code for f in read_workbook_file(path).findings] == ["S010"]


@pytest.mark.parametrize("sheet_name", ["conf", "Konfiguration", "py-lista", "Data.confs"])
def test_ordinary_sheet_names_are_not_flagged(tmp_path, sheet_name):
    path = hostile.small_workbook(tmp_path / "ok.xlsx", sheets=("Data", sheet_name))
    assert read_workbook_file(path).findings == []


def test_macro_enabled_content_type_alone_is_flagged(tmp_path):
    path = hostile.small_workbook(tmp_path / "book.xlsm")
    with zipfile.ZipFile(path) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        hostile.XLSX_MAIN, hostile.XLSM_MAIN)
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    data = read_workbook_file(path)
    assert data.readable and [f.code for f in data.findings] == ["S010"]


def test_clean_workbook_has_no_findings(tmp_path):
    data = read_workbook_file(hostile.small_workbook(tmp_path / "clean.xlsx"))
    assert data.readable and data.findings == []


def test_really_encrypted_workbook(tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto.format.ooxml")
    plain = hostile.small_workbook(tmp_path / "plain.xlsx")
    target = tmp_path / "secret.xlsx"
    with plain.open("rb") as source, target.open("wb") as out:
        msoffcrypto.OOXMLFile(source).encrypt("hemligt", out)
    data = read_workbook_file(target)
    assert [f.code for f in data.findings] == ["S001"]
    assert "lösenordsskyddad" in data.findings[0].message


def test_cfb_writer_makes_a_container_olefile_reads():
    content = hostile.cfb_container({"Workbook": b"x", "EncryptionInfo": b"y", "Data": b"z" * 5000})
    assert ole_stream_names(content) == {"workbook", "encryptioninfo", "data"}


def test_broken_ole_directory_falls_back_to_the_raw_names():
    content = hostile.cfb_container({"EncryptedPackage": b"x"})
    broken = content[:512] + b"\xff" * 512 + content[1024:]  # FAT sector destroyed
    assert "encryptedpackage" in ole_stream_names(broken)


@pytest.mark.parametrize(("limits", "reason"), [
    (Limits(max_file_bytes=1000), "större än gränsen 1 kB"),
    (Limits(max_entries=5), "för många delar"),
    (Limits(max_total_bytes=2000), "packas upp"),
    (Limits(max_sheet_cells=1), "för stort"),
])
def test_each_limit_refuses(tmp_path, limits, reason):
    path = hostile.small_workbook(tmp_path / "book.xlsx")
    inspection = inspect_file(path, limits=limits)
    assert not inspection.readable
    assert [f.code for f in inspection.findings] == ["S009"]
    assert reason in inspection.findings[0].message


def test_utf16_doctype_is_refused(tmp_path):
    path = hostile.small_workbook(tmp_path / "book.xlsx")
    with zipfile.ZipFile(path, "a") as package:
        package.writestr("customXml/item1.xml", '<?xml version="1.0" encoding="UTF-16"?>'
                         '<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'.encode("utf-16"))
    assert [f.code for f in inspect_file(path).findings] == ["S009"]


@pytest.mark.parametrize("path", ["/dev/zero", "."])
def test_not_a_regular_file_is_unreadable_without_reading_it(path):
    data = read_workbook_file(Path(path))
    assert [f.code for f in data.findings] == ["S001"] and not data.readable


def test_missing_file_is_unreadable(tmp_path):
    data = read_workbook_file(tmp_path / "finns-inte.xlsx")
    assert [f.code for f in data.findings] == ["S001"] and not data.readable


def test_malformed_sheet_xml_is_unreadable_not_a_traceback(tmp_path):
    path = hostile.small_workbook(tmp_path / "book.xlsx")
    with zipfile.ZipFile(path) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:-40]
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    data = read_workbook_file(path)
    assert [f.code for f in data.findings] == ["S001"] and not data.readable


_SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>'


@pytest.mark.parametrize(("cells", "expected"), [
    (b'<row r="1"><c r="A1"><v>1</v></c><c r="C1" s="1"/></row>', (1, 1)),
    (b'<row r="3"><c r="B3" t="s"><v>0</v></c></row><row r="9"><c r="AA9"><v>1</v></c></row>', (9, 27)),
    (b'<row r="2"><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>', (3, 2)),
    (b'<row r="4"><c s="1" r="D4"><v>1</v></c></row>', (4, 4)),
    (b"", (0, 0)),
])
def test_sheet_extent_counts_cells_with_content(cells, expected):
    assert sheet_extent(_SHEET % cells, 10**9) == expected
