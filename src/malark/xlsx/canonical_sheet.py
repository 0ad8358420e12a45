"""A fast path for `malark.xlsx.sheet_xml.scan_sheet`: the same answer, from regular
expressions over the bytes, for the one spelling Excel, LibreOffice, openpyxl and
xlsxwriter all write, and `None` for anything else (then expat decides).

The spelling it accepts, checked by counting (C speed) before anything is trusted:
one `<sheetData>` … `</sheetData>`; every row written `<row r="…"` and every cell
`<c r="…"` with a plain address (one to three letters, up to seven digits) and no second
`r` in any spelling (`\\tr=`, `x:r=`, `r =`); no namespace prefix on a row or cell; no
`>` inside an attribute value; a formula only as the cell's first child and every
`t="e"` plainly spelled. Then every cell is where its address says, the extent is the
largest address of a cell with a child element (not `<c …/>` or `<c …></c>`), and the
formulas and error values are where the patterns find them. `tests/test_sheet_xml.py`
holds this path to the expat parse on generated sheets in every spelling (hypothesis).
"""

from __future__ import annotations

import html
import re

from malark.xlsx.shared_formulas import shift_formula

__all__ = ["fast_scan"]

_CELL_START = re.compile(rb"<c[\s/>]")
_ROW_START = re.compile(rb"<row[\s/>]")
_R_ATTRIBUTE = re.compile(rb"r\s*=")  # literal first: fast; the spelling is checked by counting
_T_ATTRIBUTE = re.compile(rb"t\s*=")
_ODD_SPACES = (b"\t", b"\n", b"\r", b":")
_PREFIXED = re.compile(rb"<[^\s<>/!?]*:(?:c|row)[\s/>]")
_GT_IN_VALUE = re.compile(rb"""="[^"]*>|='[^']*>""")
_FORMULA_START = re.compile(rb"<f[\s/>]")
_CELL = re.compile(rb'<c r="([A-Za-z]{1,3})([0-9]{1,7})"[^>]*?(/>|>[^<]*</c>|>)')
"""A cell's address and how its start tag ends: `/>` or `>…</c>` hold nothing."""
_FORMULA = re.compile(rb'<c r="([A-Za-z]{1,3})([0-9]{1,7})"[^>]*?(?<!/)><f((?:\s[^>]*)?)(?:/>|>([^<]*)</f>)')
_ERROR = re.compile(rb'<c r="([A-Za-z]{1,3})([0-9]{1,7})"[^>]*?\st="e"[^>]*>')
_ATTRIBUTE = re.compile(rb"""\s([\w:]+)="([^"]*)\"""")
_ERROR_VALUE = re.compile(rb"<v>([^<]*)</v>")
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384


def _column(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


_XML_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")


class _NotCanonical(Exception):
    pass


def _text(raw: bytes) -> str:
    """Element text as XML reads it (the five entities and character references only)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _NotCanonical from error
    if "&" not in text:
        return text
    if "&" in _XML_ENTITY.sub("", text):
        raise _NotCanonical  # an entity XML does not define: the full parse refuses it
    return html.unescape(text)


def _plainly_spelled(region: bytes, name: bytes, pattern: re.Pattern[bytes]) -> bool:
    """Every attribute `name` in the region is written ` name="…"`: no space before `=`, no
    single quotes, no tab, newline or prefix in front (other attributes ending in the same
    letter, such as `ht`, are written `…ht="` and do not matter)."""
    return (len(pattern.findall(region)) == region.count(name + b'="')
            and not any(region.count(odd + name + b'="') for odd in _ODD_SPACES))


def _canonical(region: bytes, cells: int) -> bool:
    rows = region.count(b'<row r="')
    return (len(_CELL_START.findall(region)) == cells
            and len(_ROW_START.findall(region)) == rows
            and _plainly_spelled(region, b"r", _R_ATTRIBUTE) and _plainly_spelled(region, b"t", _T_ATTRIBUTE)
            and region.count(b' r="') == cells + rows  # no second `r` in any tag
            and not _PREFIXED.search(region) and not _GT_IN_VALUE.search(region))


def _inside_the_grid(addresses: list[tuple[bytes, bytes, bytes]]) -> bool:
    return (all(0 < int(d) <= EXCEL_ROWS for d in {d for _, d, _ in addresses})
            and all(_column(c) <= EXCEL_COLUMNS for c in {c for c, _, _ in addresses}))


def fast_scan(xml: bytes, collect: bool) -> tuple[int, int, dict[str, str], dict[str, str]] | None:
    """(last row, last column, formulas, errors) of a sheet in the canonical spelling, or
    None. Addresses outside Excel's grid are left to the full parse (it names them)."""
    if xml.count(b"sheetData") != 2 or b"<!" in xml or b"purl.oclc.org" in xml:
        return None
    start, end = xml.find(b"<sheetData>"), xml.find(b"</sheetData>")
    if start < 0 or end < start:
        return None
    region = xml[start + len(b"<sheetData>"):end]
    addresses = _CELL.findall(region)
    outside = (xml[:start], xml[end:])  # no cell or row the region does not hold
    if not _canonical(region, len(addresses)) or any(
            _CELL_START.search(part) or _ROW_START.search(part) for part in outside):
        return None
    if not _inside_the_grid(addresses):
        return None  # the full parse names the address that is not
    filled = [(c, d) for c, d, end in addresses if end == b">"]  # not formatting only
    rows = max((int(d) for d in {d for _, d in filled}), default=0)
    columns = max((_column(c) for c in {c for c, _ in filled}), default=0)
    if not collect:
        return rows, columns, {}, {}
    try:
        found = _formulas_and_errors(region)
    except _NotCanonical:
        return None
    return None if found is None else (rows, columns, *found)


def _formulas_and_errors(region: bytes) -> tuple[dict[str, str], dict[str, str]] | None:
    matches = _FORMULA.findall(region)
    if len(matches) != len(_FORMULA_START.findall(region)):
        return None  # a formula somewhere the pattern does not look
    formulas: dict[str, str] = {}
    shared: dict[bytes, tuple[str, int, int]] = {}
    for letters, digits, attributes, body in matches:
        row, column = int(digits), _column(letters)
        attrs = dict(_ATTRIBUTE.findall(attributes))
        text = _text(body)
        if attrs.get(b"t") == b"shared":
            index = attrs.get(b"si", b"")
            if text:
                shared[index] = (text, row, column)
            elif index in shared:
                master, master_row, master_column = shared[index]
                text = shift_formula(master, row - master_row, column - master_column)
        elif attrs.get(b"t") == b"dataTable" and not text:
            text = "TABLE()"
        if text:
            formulas[f"{letters.decode().upper()}{int(digits)}"] = "=" + text
    errors: dict[str, str] = {}
    error_cells = list(_ERROR.finditer(region))
    if len(error_cells) != region.count(b' t="e"'):
        return None
    for match in error_cells:
        close = region.find(b"</c>", match.end())
        value = _ERROR_VALUE.search(region, match.end(), close if close >= 0 else len(region))
        address = f"{match.group(1).decode().upper()}{int(match.group(2))}"
        errors[address] = _text(value.group(1)) if value else "#N/A"
    return formulas, errors
