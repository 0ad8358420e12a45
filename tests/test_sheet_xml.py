"""The worksheet parse the size guard trusts (`malark.xlsx.sheet_xml`) against
python-calamine itself, on generated XML in every spelling XML and OOXML allow: attribute
whitespace (tabs, newlines), namespace prefixes, lower-case column letters, leading zeros,
cells and rows with and without `r`, self-closing cells and rows, attributes in any
order, and a `<dimension>` that lies. For every generated sheet the extent the parse finds
is the grid calamine returns, and every value sits where the parse says (hypothesis)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import zipfile
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from malark.core.contract import column_letter
from malark.xlsx.sheet_xml import ScanLimitError, SheetXmlError, scan_sheet

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_BASE_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
        'name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'),
}


def package(sheet_xml: bytes) -> bytes:
    """A minimal xlsx whose one sheet is `sheet_xml`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in _BASE_PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()


def calamine_grid(sheet_xml: bytes) -> list[list]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(package(sheet_xml)))
    try:
        return workbook.get_sheet_by_name("Data").to_python(skip_empty_area=False)
    finally:
        workbook.close()


# --- generating sheets -------------------------------------------------------------------

SPACE = st.sampled_from([" ", "\t", "\n", "  ", " \r\n\t"])


@dataclass
class Spelling:
    prefix: str
    space: str
    lower: bool
    zeros: int
    row_refs: bool
    cell_refs: bool
    self_closing: bool
    style_first: bool
    quote: str


spellings = st.builds(
    Spelling, prefix=st.sampled_from(["", "x:", "main:"]), space=SPACE, lower=st.booleans(),
    zeros=st.integers(0, 3), row_refs=st.booleans(), cell_refs=st.booleans(),
    self_closing=st.booleans(), style_first=st.booleans(), quote=st.sampled_from(['"', "'"]))

# a cell: None (left out), "styled" (formatting only), or a value kind
cells = st.one_of(st.none(), st.just("styled"), st.sampled_from(["number", "text", "formula"]))
grids = st.lists(st.lists(cells, max_size=7), max_size=7)


def _attribute(s: Spelling, name: str, value: str) -> str:
    return f"{s.space}{name}={s.quote}{value}{s.quote}"


def build(grid: list[list[str | None]], s: Spelling, *, dimension: str | None = None
          ) -> tuple[bytes, dict[tuple[int, int], float], tuple[int, int]]:
    """Sheet XML for `grid`, the values it holds by (row, column), and its true extent."""
    p = s.prefix
    declare = f' xmlns:{p[:-1]}="{MAIN}"' if p else f' xmlns="{MAIN}"'
    rows, values = [], {}
    extent = (0, 0)
    for r, row in enumerate(grid, start=1):
        parts = []
        for c, kind in enumerate(row, start=1):
            if kind is None:
                if not s.cell_refs:  # without addresses a gap must still take a place
                    kind = "styled"
                else:
                    continue
            letters = column_letter(c).lower() if s.lower else column_letter(c)
            ref = _attribute(s, "r", f"{letters}{'0' * s.zeros}{r}") if s.cell_refs else ""
            style = _attribute(s, "s", "0")
            head = f"<{p}c{style}{ref}" if s.style_first else f"<{p}c{ref}{style}"
            if kind == "styled":
                parts.append(f"{head}{s.space}/>" if s.self_closing else f"{head}></{p}c>")
                continue
            value = float(r * 100 + c)
            values[(r, c)] = value
            extent = (max(extent[0], r), max(extent[1], c))
            if kind == "number":
                parts.append(f"{head}><{p}v>{value:g}</{p}v></{p}c>")
            elif kind == "text":
                values[(r, c)] = f"t{value:g}"
                parts.append(f'{head}{_attribute(s, "t", "inlineStr")}><{p}is><{p}t>t{value:g}'
                             f"</{p}t></{p}is></{p}c>")
            else:
                parts.append(f"{head}>\n<{p}f>{value:g}+0</{p}f><{p}v>{value:g}</{p}v></{p}c>")
        row_ref = _attribute(s, "r", f"{'0' * s.zeros}{r}") if s.row_refs else ""
        if not parts and s.self_closing:
            rows.append(f"<{p}row{row_ref}/>")
        else:
            rows.append(f"<{p}row{row_ref}>{''.join(parts)}</{p}row>")
    dim = f'<{p}dimension ref="{dimension}"/>' if dimension else ""
    cols = f'<{p}cols><{p}col min="1" max="3" width="9" customWidth="1"/></{p}cols>'
    after = (f'<{p}conditionalFormatting sqref="A1:C3"><{p}cfRule type="cellIs" dxfId="0" '
             f'priority="1" operator="equal"><{p}formula>1</{p}formula></{p}cfRule>'
             f"</{p}conditionalFormatting>")
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet{declare}>'
           f"{dim}{cols}<{p}sheetData>{''.join(rows)}</{p}sheetData>{after}</{p}worksheet>")
    return xml.encode(), values, extent


def _grid_values(grid: list[list]) -> dict[tuple[int, int], object]:
    return {(r, c): v for r, row in enumerate(grid, start=1) for c, v in enumerate(row, start=1)
            if v != ""}


_CASES = settings(max_examples=int(os.environ.get("MALARK_HYPOTHESIS_EXAMPLES", "150")),
                  deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_CASES
@given(grids, spellings, st.sampled_from([None, "A1", "A1:XFD1048576", "B2:C3", "A1:A1048576"]))
def test_extent_and_positions_are_calamines(grid, spelling, dimension):
    xml, values, extent = build(grid, spelling, dimension=dimension)
    scan = scan_sheet(xml, max_cells=10**6, collect=True)
    assert scan == scan_sheet(xml, max_cells=10**6, collect=True, fast=False)  # both paths
    assert (scan.rows, scan.columns) == extent
    read = calamine_grid(xml)
    assert (len(read), max(map(len, read), default=0)) == extent
    assert _grid_values(read) == values
    formulas = {a for a in scan.formulas}
    expected = {f"{column_letter(c)}{r}" for r, row in enumerate(grid, start=1)
                for c, kind in enumerate(row, start=1) if kind == "formula"}
    assert formulas == expected


@_CASES
@given(grids, spellings)
def test_a_limit_below_the_extent_always_refuses(grid, spelling):
    xml, _, (rows, columns) = build(grid, spelling)
    if rows * columns == 0:
        return
    with pytest.raises(ScanLimitError):
        scan_sheet(xml, max_cells=rows * columns - 1)
    assert scan_sheet(xml, max_cells=rows * columns).cells == rows * columns


# --- what is refused, however it is spelled -------------------------------------------

def _sheet(cells: str, *, root: str = f'worksheet xmlns="{MAIN}"') -> bytes:
    name = root.split()[0]
    return f"<{root}><sheetData>{cells}</sheetData></{name}>".encode()


FAR = [
    '<row r="1"><c r="XFD1048576"><v>1</v></c></row>',
    '<row r="1"><c\tr="XFD1048576"><v>1</v></c></row>',
    '<row r="1"><c\nr="XFD1048576"\n><v>1</v></c></row>',
    '<row r="1"><c r="xfd1048576"><v>1</v></c></row>',
    '<row r="1"><c r="XFD01048576"><v>1</v></c></row>',
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c><v>1</v></c></row>',
    '<row r="0001048576"><c><v>1</v></c></row><row><c r="zz5"><v>1</v></c></row>',
]


@pytest.mark.parametrize("cells", FAR)
def test_far_cells_are_refused_in_every_spelling(cells):
    with pytest.raises(ScanLimitError):
        scan_sheet(_sheet(cells), max_cells=250_000)


def test_prefixed_far_cell_is_refused():
    xml = (f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="XFD1048576">'
           "<x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>").encode()
    with pytest.raises(ScanLimitError):
        scan_sheet(xml, max_cells=250_000)


@pytest.mark.parametrize(("cells", "why"), [
    ('<row r="1"><c r="XFE1"><v>1</v></c></row>', "sista kolumn"),
    ('<row r="1"><c r="AAAAAAAA1"><v>1</v></c></row>', "sista kolumn"),
    ('<row r="1"><c r="A1048577"><v>1</v></c></row>', "sista raden"),
    ('<row r="99999999999999"><c><v>1</v></c></row>', "sista raden"),
])
def test_addresses_outside_excels_grid_are_refused(cells, why):
    with pytest.raises(ScanLimitError, match=why):
        scan_sheet(_sheet(cells), max_cells=10**12)


@pytest.mark.parametrize("cells", [
    '<row r="1"><c x:r="D4" xmlns:x="u"><v>1</v></c></row>',   # calamine ignores x:r
    '<row r="1"><c><row r="9"/><v>1</v></c></row>',             # a row inside a cell
    '<c><v>1</v></c>',                                          # a cell outside a row
    '<row><foo/></row>',
    '<row r="1"><c r="A 1"><v>1</v></c></row>',
    '<row r="1"><c r=""><v>1</v></c></row>',
    '<row r="x"><c><v>1</v></c></row>',
    '<row r="1"><c r="A1"><v>1</v><sheetData/></c></row>',
    '<row r="1"><c r="A1"><f>SUM(A2)<v>1</v></f></c></row>',     # a value hidden in a formula
])
def test_shapes_a_reader_could_read_differently_are_refused(cells):
    with pytest.raises(SheetXmlError):
        scan_sheet(_sheet(cells), max_cells=10**6, collect=True)


@pytest.mark.parametrize("cells", [
    '<row r="1"><c r="A1"><row r="9"/><v>1</v></c></row>',
    '<c r="B2"><v>1</v></c>',
])
def test_odd_shapes_with_addressed_cells_are_refused_or_bounded(cells):
    """Where every cell carries its address, the fast path may accept a shape the full
    parse refuses; then every cell calamine could read lies inside the extent found."""
    xml = _sheet(cells)
    try:
        scan = scan_sheet(xml, max_cells=10**6)
    except SheetXmlError:
        return
    with contextlib.suppress(Exception):  # calamine may refuse it too
        read = calamine_grid(xml)
        assert len(read) <= scan.rows and max(map(len, read), default=0) <= scan.columns


def test_a_second_cell_area_is_refused():
    xml = f'<worksheet xmlns="{MAIN}"><sheetData/><sheetData><row><c r="C3"><v>1</v></c></row>' \
          "</sheetData></worksheet>"
    with pytest.raises(SheetXmlError):
        scan_sheet(xml.encode(), max_cells=10**6)


def test_strict_open_xml_is_refused_as_such():
    with pytest.raises(SheetXmlError) as refused:
        scan_sheet(_sheet('<row r="1"><c r="A1"><v>1</v></c></row>',
                          root=f'worksheet xmlns="{STRICT}"'), max_cells=10**6)
    assert refused.value.strict and "Strikt" in str(refused.value)


@pytest.mark.parametrize("xml", [
    '<?xml version="1.0" encoding="UTF-16"?><worksheet/>'.encode("utf-16"),
    b'<?xml version="1.0" encoding="ISO-8859-1"?><worksheet><sheetData/></worksheet>',
    b'<!DOCTYPE a [<!ENTITY b "c">]><worksheet><sheetData/></worksheet>',
    b"<worksheet><sheetData><row><c><v>1</v></c></row></worksheet>",
])
def test_unusual_encodings_dtds_and_broken_xml_are_refused(xml):
    with pytest.raises(SheetXmlError):
        scan_sheet(xml, max_cells=10**6)


def test_many_empty_cells_at_one_place_are_refused():
    cells = '<c r="A1" s="1"/>' * 10_050
    with pytest.raises(ScanLimitError):
        scan_sheet(_sheet(f'<row r="1">{cells}</row>'), max_cells=10)


def test_every_formula_is_seen_however_it_is_spelled():
    xml = (f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="2"><x:c\tr="b2"\n><x:f\n>SUM(A1:A2)'
           '</x:f></x:c><x:c><x:f t="shared" si="0" ref="C2:C3">B2*2</x:f><x:v>4</x:v></x:c>'
           '</x:row><x:row><x:c r="C03"><x:f t="shared" si="0"/><x:v>6</x:v></x:c><x:c t="e">'
           "<x:v>#DIV/0!</x:v></x:c></x:row></x:sheetData></x:worksheet>").encode()
    scan = scan_sheet(xml, max_cells=100, collect=True)
    assert scan.formulas == {"B2": "=SUM(A1:A2)", "C2": "=B2*2", "C3": "=B3*2"}
    assert scan.errors == {"D3": "#DIV/0!"}


# --- the fast path against the full parse, on spellings that are nearly canonical ---------

SPELLING_CHANGES = [
    (rb'<c r="', rb'<c\tr="'), (rb'<c r="', rb'<c r ="'), (rb'<c r="', rb"<c r='"),
    (rb'<c r="', rb'<c x:r="'), (rb'"><v>', rb'" r="XFD1"><v>'), (rb'"><v>', rb'"\tr="XFD9"><v>'),
    (rb"<row ", rb"<x:row "), (rb"<sheetData>", rb"<sheetData><!-- x -->"),
    (rb' t="inlineStr"', rb' t ="e"'), (rb' t="inlineStr"', rb"\tt='e'"), (rb"<f>", rb"<f\n>"),
    (rb"</v></c>", rb"</v><f>1+1</f></c>"), (rb"<v>", rb'<v a=">">'),
    (rb"</sheetData>", rb"</sheetData><sheetData/>"),
    (rb"<c r=", rb"<c s='>' r="), (rb'<row r="', rb'<row r="0'), (rb'<c r="', rb'<c r="0'),
    (rb"</f>", rb"&copy;</f>"), (rb"+0</f>", rb"+0&amp;1</f>"),
]


def _outcome(xml: bytes, *, fast: bool):
    try:
        scan = scan_sheet(xml, max_cells=10_000, collect=True, fast=fast)
    except ScanLimitError:
        return "limit"
    except SheetXmlError:
        return "refused"
    return scan


@_CASES
@given(grids, st.lists(st.sampled_from(range(len(SPELLING_CHANGES))), min_size=1, max_size=3),
       st.integers(0, 10))
def test_the_fast_path_agrees_with_the_full_parse(grid, changes, where):
    canonical = Spelling(prefix="", space=" ", lower=False, zeros=0, row_refs=True, cell_refs=True,
                         self_closing=True, style_first=False, quote='"')
    xml, _, _ = build(grid, canonical)
    for change in changes:
        old, new = SPELLING_CHANGES[change]
        places = [m.start() for m in re.finditer(re.escape(old), xml)]
        if places:
            at = places[where % len(places)]
            xml = xml[:at] + new + xml[at + len(old):]
    exact, quick = _outcome(xml, fast=False), _outcome(xml, fast=True)
    if not isinstance(exact, str) or exact == "limit":
        assert quick == exact
    elif not isinstance(quick, str):  # refused by the full parse, accepted by the fast path:
        with contextlib.suppress(Exception):  # then calamine reads nothing outside it
            read = calamine_grid(xml)
            assert len(read) <= quick.rows and max(map(len, read), default=0) <= quick.columns


def test_workbooks_malark_and_excel_write_take_the_fast_path(filled_files):
    """The fast path is for real files: the data sheets of a generated, filled-in workbook
    (saved as openpyxl saves it, with `<cols>`, validations and conditional formats) take
    it, and every sheet gives the same answer either way. (Free text such as "Tomt = ej
    bedömd" on the instructions sheet may send a sheet the slow way: never a wrong way.)"""
    from malark.core.contract import COMMITTEE_DATA_SHEETS
    from malark.xlsx.canonical_sheet import fast_scan
    from malark.xlsx.ooxml import sheet_parts

    with zipfile.ZipFile(filled_files["t1"]) as package:
        parts = {s.name: s.part for s in sheet_parts(package)}
        for name, part in parts.items():
            xml = package.read(part)
            if name in {spec.name for spec in COMMITTEE_DATA_SHEETS}:
                assert fast_scan(xml, True) is not None, name
            assert scan_sheet(xml, max_cells=10**6, collect=True) == \
                scan_sheet(xml, max_cells=10**6, collect=True, fast=False)
