"""Crafted variants of a real committee workbook: the classes issue 15's hostile testing
found (a far cell in every spelling the old byte scanner missed, Strict Open XML, a shared
string table that asks calamine for memory, NaN, a formula split by a newline, values
outside the table, text longer than a cell, a relabelled `_malark`) and the code each must
give. Each builder edits the package's XML directly, as a crafted file would.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from malark.core.contract import SHEET_META
from malark.xlsx.ooxml import sheet_parts

__all__ = ["VARIANTS", "build_all", "parts_of", "with_parts"]

FAR = "XFD1048576"
TRANSITIONAL = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
TRANSITIONAL_RELS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_RELS = b"http://purl.oclc.org/ooxml/officeDocument/relationships"


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def with_parts(parts: dict[str, bytes], target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return target


def _sheet(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as package:
        return next(s.part for s in sheet_parts(package) if s.name == name)


def _edit_sheet(sheet: str, change: Callable[[bytes], bytes]) -> Callable[[Path, Path], Path]:
    def build(source: Path, target: Path) -> Path:
        parts = parts_of(source)
        part = _sheet(source, sheet)
        parts[part] = change(parts[part])
        return with_parts(parts, target)
    return build


def _append_row(xml: bytes, row: bytes) -> bytes:
    return xml.replace(b"</sheetData>", row + b"</sheetData>", 1)


def _cell(xml: bytes, address: bytes, new: bytes) -> bytes:
    """Replace the cell at `address` (however it is written now) by `new`."""
    pattern = re.compile(rb'<c r="' + address + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)
    assert pattern.search(xml), address
    return pattern.sub(lambda _m: new, xml, count=1)


def strict_open_xml(source: Path, target: Path) -> Path:
    parts = parts_of(source)
    for name, data in parts.items():
        parts[name] = data.replace(TRANSITIONAL, STRICT).replace(TRANSITIONAL_RELS, STRICT_RELS)
    return with_parts(parts, target)


def huge_shared_string_count(source: Path, target: Path) -> Path:
    parts = parts_of(source)
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + TRANSITIONAL + b'" count="1" '
        b'uniqueCount="99999999999"><si><t>x</t></si></sst>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    return with_parts(parts, target)


def relabelled(source: Path, target: Path) -> Path:
    def change(xml: bytes) -> bytes:
        # `nämnd` BUN → SN in _malark (openpyxl writes it as an inline string)
        return re.sub(rb"(<c r=\"B7\"[^>]*><is><t>)BUN(</t>)", rb"\1SN\2", xml, count=1)
    return _edit_sheet(SHEET_META, change)(source, target)


VARIANTS: dict[str, tuple[Callable[[Path, Path], Path], tuple[str, str | None, str | None]]] = {
    "far_cell_tab": (_edit_sheet("Nämndmål", lambda x: _append_row(
        x, f'<row r="1048576"><c\tr="{FAR}"><v>1</v></c></row>'.encode())), ("S009", None, None)),
    "far_cell_prefix": (_edit_sheet("Nämndmål", lambda x: _append_row(
        x, f'<row r="1048576"><x:c xmlns:x="{TRANSITIONAL.decode()}" r="{FAR}"><x:v>1</x:v>'
           f"</x:c></row>".encode())), ("S009", None, None)),
    "far_cell_lower_case": (_edit_sheet("Nämndmål", lambda x: _append_row(
        x, f'<row r="1048576"><c r="{FAR.lower()}"><v>1</v></c></row>'.encode())), ("S009", None, None)),
    "far_cell_leading_zero": (_edit_sheet("Nämndmål", lambda x: _append_row(
        x, b'<row r="01048576"><c r="XFD01048576"><v>1</v></c></row>')), ("S009", None, None)),
    "far_row_without_cell_address": (_edit_sheet("Aktiviteter", lambda x: _append_row(
        x, b'<row r="1048576"><c><v>1</v></c></row>')), ("S009", None, None)),
    "strict_open_xml": (strict_open_xml, ("S001", None, None)),
    "huge_shared_string_count": (huge_shared_string_count, ("S009", None, None)),
    "nan_in_a_text_column": (_edit_sheet("Nämndmål", lambda x: _cell(
        x, b"D2", b'<c r="D2"><v>NaN</v></c>')), ("D009", "Nämndmål", "D2")),
    "formula_split_by_newline": (_edit_sheet("Aktiviteter", lambda x: _cell(
        x, b"H2", b'<c r="H2" t="str">\n<f>\nHYPERLINK("http://example.invalid")</f><v>x</v></c>')),
        ("D009", "Aktiviteter", "H2")),
    "value_beside_the_table": (_edit_sheet("Aktiviteter", lambda x: x.replace(
        b'<c r="H2"', b'<c r="K2" t="inlineStr"><is><t>anteckning</t></is></c><c r="H2"', 1)),
        ("S012", "Aktiviteter", "K2")),
    "text_longer_than_a_cell": (_edit_sheet("Aktiviteter", lambda x: _cell(
        x, b"H2", b'<c r="H2" t="inlineStr"><is><t>' + "😀".encode() * 17_000 + b"</t></is></c>")),
        ("D012", "Aktiviteter", "H2")),
    "relabelled_committee": (relabelled, ("S007", SHEET_META, "B7")),
}
"""Name → (builder, a `(code, sheet, cell)` the file must give)."""


def build_all(source: Path, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {name: build(source, folder / f"{name}.xlsx") for name, (build, _) in VARIANTS.items()}
