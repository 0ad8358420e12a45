"""Byte-level scans of a worksheet's XML: how far its cells reach, which cells hold a
formula and which an error value such as `#DIV/0!`.

No XML parser runs here, only regular expressions over the bytes, so nothing can be
expanded (`malark.xlsx.safety` refuses DTDs anyway) and the cost is linear and small. When
every cell is written `<c r="A1" …>` (Excel, LibreOffice, openpyxl and xlsxwriter all
do) only the cells holding a formula or an error are looked at; otherwise a walker
follows every row and cell tag, counting positions and allowing namespace prefixes.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache

from malark.core.contract import column_letter

__all__ = ["MAX_FORMULAS", "ScanLimitError", "scan_formulas_and_errors", "sheet_extent", "shift_formula"]

MAX_FORMULAS = 100_000
"""Formula cells one scan records before giving up (a committee workbook has a few
thousand at most); keeps a hostile file's cost bounded."""
_CHUNK = 256 * 1024


class ScanLimitError(ValueError):
    """A sheet holds more formula cells than the scan records."""


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


def _all_cells_addressed(xml: bytes) -> bool:
    cells = xml.count(b"<c ") + xml.count(b"<c>")
    return b"<sheetData" in xml and cells == xml.count(b'<c r="')


# --- extent ---------------------------------------------------------------------------

_ADDRESSED_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"(?:\s[^>]*)?(?<!/)>')
_TAG = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTRIBUTE = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{0,3})(\d{0,7})["']""")


def sheet_extent(xml: bytes, max_cells: int) -> tuple[int, int]:
    """(last row, last column) of the cells that hold something (not formatting-only
    `<c r="B2" s="1"/>`). The walker stops once the rectangle exceeds `max_cells`."""
    if _all_cells_addressed(xml):
        return _extent_addressed(xml)
    last_row = last_column = 0
    for row, column, _, _, _ in _walk(xml):
        last_row, last_column = max(last_row, row), max(last_column, column)
        if last_row * last_column > max_cells:
            break
    return last_row, last_column


def _extent_addressed(xml: bytes) -> tuple[int, int]:
    last_row = last_column = start = 0
    while start < len(xml):  # in slices, so a huge sheet never becomes a huge list
        end = xml.find(b"</c>", start + _CHUNK)
        end = len(xml) if end < 0 else end + 4
        found = _ADDRESSED_CELL.findall(xml, start, end)
        if found:
            last_row = max(last_row, *map(int, {row for _, row in found}))
            last_column = max(last_column, *map(_column_number, {column for column, _ in found}))
        start = end
    return last_row, last_column


def _walk(xml: bytes):
    """(row, column, prefix, attributes, end of start tag) of every cell with content."""
    row = column = 0
    for match in _TAG.finditer(xml):
        prefix, tag, attributes = match.groups()
        ref = _R_ATTRIBUTE.search(attributes)
        letters, digits = ref.groups() if ref else (b"", b"")
        if tag == b"row":
            row, column = (int(digits) if digits else row + 1), 0
            continue
        column = _column_number(letters) if letters else column + 1
        row = int(digits) if digits else row
        if not attributes.endswith(b"/"):  # <c r="B2" s="1"/>: formatting only
            yield row, column, prefix or b"", attributes, match.end()


# --- formulas and errors --------------------------------------------------------------

_ADDRESSED_FORMULA = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*><f(?=[\s/>])([^>]*)>')
_ADDRESSED_ERROR = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*?\st="e"[^>]*>')
_ATTRIBUTE = re.compile(rb"""\s([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ERROR_ATTRIBUTE = re.compile(rb"""\st\s*=\s*["']e["']""")


@lru_cache(maxsize=8)
def _prefixed(prefix: bytes) -> tuple[re.Pattern[bytes], bytes, bytes, bytes, bytes]:
    p = re.escape(prefix + b":") if prefix else b""
    closing = b"</" + (prefix + b":" if prefix else b"")
    opening = b"<" + (prefix + b":" if prefix else b"")
    return re.compile(rb"<" + p + rb"f(?=[\s/>])([^>]*)>"), closing + b"f>", opening + b"v>", \
        closing + b"v>", closing + b"c>"


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    return html.unescape(text) if "&" in text else text


@dataclass(slots=True)
class _Collector:
    limit: int
    formulas: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    shared: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    def formula(self, row: int, column: int, attributes: bytes, text: str) -> None:
        if len(self.formulas) >= self.limit:
            raise ScanLimitError(f"fler än {self.limit} formler")
        attrs = {m[1]: (m[2] if m[2] is not None else m[3]) for m in _ATTRIBUTE.finditer(attributes)}
        kind = attrs.get(b"t")
        if kind == b"shared":
            index = attrs.get(b"si", b"")
            if text:
                self.shared[index] = (text, row, column)
            elif index in self.shared:
                master, master_row, master_column = self.shared[index]
                text = shift_formula(master, row - master_row, column - master_column)
        elif kind == b"dataTable" and not text:
            text = "TABLE()"
        if text:
            self.formulas[f"{column_letter(column)}{row}"] = "=" + text

    def error(self, row: int, column: int, value: str | None) -> None:
        self.errors[f"{column_letter(column)}{row}"] = value or "#N/A"


def scan_formulas_and_errors(xml: bytes, *, max_formulas: int = MAX_FORMULAS
                             ) -> tuple[dict[str, str], dict[str, str]]:
    """({A1: "=formula"}, {A1: "#DIV/0!"}) of one worksheet. A shared formula's cells get
    the master's text shifted to them. Raises `ScanLimitError` past `max_formulas`."""
    found = _Collector(max_formulas)
    if _all_cells_addressed(xml):
        _scan_addressed(xml, found)
    else:
        for row, column, prefix, attributes, after in _walk(xml):
            _scan_cell(xml, found, row, column, prefix, attributes, after)
    return found.formulas, found.errors


def _scan_addressed(xml: bytes, found: _Collector) -> None:
    for match in _ADDRESSED_FORMULA.finditer(xml):
        letters, digits, attributes = match.groups()
        text = b""
        if not attributes.endswith(b"/"):
            end = xml.find(b"</f>", match.end())
            text = xml[match.end():end] if end >= 0 else b""
        found.formula(int(digits), _column_number(letters), attributes, _text(text))
    for match in _ADDRESSED_ERROR.finditer(xml):
        letters, digits = match.groups()
        found.error(int(digits), _column_number(letters), _value(xml, match.end(), b""))


def _scan_cell(xml: bytes, found: _Collector, row: int, column: int, prefix: bytes,
               attributes: bytes, after: int) -> None:
    formula_tag, formula_end, _, _, _ = _prefixed(prefix)
    match = formula_tag.match(xml, after)
    if match:
        text = b""
        if not match.group(1).endswith(b"/"):
            end = xml.find(formula_end, match.end())
            text = xml[match.end():end] if end >= 0 else b""
        found.formula(row, column, match.group(1), _text(text))
    if _ERROR_ATTRIBUTE.search(attributes):
        found.error(row, column, _value(xml, after, prefix))


def _value(xml: bytes, after: int, prefix: bytes) -> str | None:
    """The text of the `<v>` inside the cell whose start tag ends at `after`."""
    _, _, value_start, value_end, cell_end = _prefixed(prefix)
    stop = xml.find(cell_end, after)
    start = xml.find(value_start, after, stop if stop >= 0 else len(xml))
    if start < 0:
        return None
    end = xml.find(value_end, start)
    return _text(xml[start + len(value_start):end]) if end >= 0 else None


# --- shared formulas ------------------------------------------------------------------

# A1 references outside string literals and not followed by "(" (LOG10( is a function).
_FORMULA_TOKEN = re.compile(
    r"""("(?:[^"]|"")*")"""                     # string literal
    r"""|('(?:[^']|'')*'!|\b[A-Za-z_][\w.]*!)"""  # sheet prefix
    r"""|(?<![\w.$])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\w(])"""
)


def shift_formula(text: str, rows: int, columns: int) -> str:
    """Move the relative A1 references of `text` by `rows` and `columns` (as Excel does
    for the cells of a shared formula)."""

    def move(match: re.Match[str]) -> str:
        if match.group(1) or match.group(2):
            return match.group(0)
        column_abs, letters, row_abs, digits = match.group(3, 4, 5, 6)
        column = _column_number(letters.encode()) + (0 if column_abs else columns)
        row = int(digits) + (0 if row_abs else rows)
        if column < 1 or row < 1:
            return "#REF!"
        return f"{column_abs}{column_letter(column)}{row_abs}{row}"

    return _FORMULA_TOKEN.sub(move, text)
