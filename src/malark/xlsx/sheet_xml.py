"""Reading a worksheet's XML safely: how far its cells reach, which cells hold a formula
and which an error value such as `#DIV/0!`.

One streaming parse with expat (the C parser in Python's standard library; DTDs and entity
declarations are refused) decides everything the reader later trusts. Names are matched
the way python-calamine matches them: by the local part after the first `:`, whatever
the prefix or namespace; a cell's position is its `r` attribute (letters in any case,
leading zeros allowed) or, without one, the next position in its row, so the extent found
here is where calamine will put the cells. A worksheet in the spelling every spreadsheet
program writes (every row and cell with a plain `r`) takes a fast path of byte patterns
that gives the same answer (`malark.xlsx.canonical_sheet`; every cell is where its address
says). Any other spelling is parsed with expat, and a shape calamine could read
differently is refused rather than guessed at:

- `sheetData` once, directly under the root; `row` only in `sheetData`, `c` only in a
  `row`, and a cell holding nothing but `f`, `v`, `is` or `extLst`;
- an `r` that is no cell address inside Excel's grid (A1:XFD1048576), or spelled with a
  prefix (`x:r`) that calamine would ignore;
- more `c` elements than `max_cells` allows even with nothing in them;
- a sheet in Strict Open XML (its own namespace), or not UTF-8 encoded.

`SheetXmlError` says why, in Swedish, and whether the file is refused as unsafe (S009)
or as unreadable (S001). `tests/test_sheet_xml.py` holds the property tests against
python-calamine itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers import expat

from malark.core.contract import column_letter
from malark.xlsx.canonical_sheet import fast_scan
from malark.xlsx.shared_formulas import shift_formula

__all__ = [
    "EXCEL_COLUMNS",
    "EXCEL_ROWS",
    "MAX_FORMULAS",
    "STRICT_NAMESPACE",
    "ScanLimitError",
    "SheetScan",
    "SheetXmlError",
    "local_name",
    "root_element",
    "scan_formulas_and_errors",
    "scan_sheet",
    "sheet_extent",
    "shift_formula",
]

MAX_FORMULAS = 100_000
"""Formula cells one scan records before giving up (a committee workbook has a few
thousand at most); keeps a hostile file's cost bounded."""
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
STRICT_NAMESPACE = "http://purl.oclc.org/ooxml/spreadsheetml/main"
"""The main namespace of Excel's "Strict Open XML" format."""
_CELL_CHILDREN = frozenset({"f", "v", "is", "extLst"})
_ROW_CHILDREN = frozenset({"c", "extLst"})
_PLACED = frozenset({"sheetData", "row", "c"})
_CELL_ADDRESS = re.compile(r"([A-Za-z]+)([0-9]+)")
_USUAL_ADDRESS = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_DIGITS = re.compile(r"[0-9]+")
_NONFINITE = re.compile(rb"<(?:[^<>\s/]+:)?v(?:\s[^>]*)?>\s*[-+]?(?:nan|inf|[0-9.]*e\+?[0-9]{3})",
                        re.IGNORECASE)
"""A `<v>` that calamine may read as NaN or ±infinity: Rust's float parser takes "nan",
"inf" and "infinity" in any case, with a sign, and an exponent past 308 is infinity."""
_UTF8_NAMES = {"utf-8", "utf8"}
_DECLARED_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")


class SheetXmlError(ValueError):
    """The worksheet cannot be read safely; the message is a Swedish reason. `unsafe`
    means refused for its size (S009) rather than unreadable (S001)."""

    def __init__(self, reason: str, *, unsafe: bool = False, strict: bool = False):
        super().__init__(reason)
        self.unsafe = unsafe
        self.strict = strict


class ScanLimitError(SheetXmlError):
    """The sheet is larger than the limits allow (S009)."""

    def __init__(self, reason: str, rows: int = 0, columns: int = 0):
        super().__init__(reason, unsafe=True)
        self.rows, self.columns = rows, columns


@dataclass(slots=True)
class SheetScan:
    """What one parse of a worksheet found."""

    rows: int = 0
    """Last row (1-based) of a cell holding something (a value, a formula, inline text)."""
    columns: int = 0
    """Last column (1-based) of such a cell."""
    formulas: dict[str, str] = field(default_factory=dict)
    """A1 → formula text with the leading `=` (shared formulas shifted to the cell)."""
    errors: dict[str, str] = field(default_factory=dict)
    """A1 → the error value of a cell of type `e` (`#DIV/0!`)."""
    nonfinite: bool = False
    """A value is written NaN or infinity (the reader then turns such numbers into text)."""

    @property
    def cells(self) -> int:
        """The rectangle a dense reader allocates: rows × columns from A1."""
        return self.rows * self.columns


_LOCAL_NAMES: dict[str, str] = {}


def local_name(name: str) -> str:
    """The part of an XML name after its first `:` (as quick-xml, calamine's parser, sees it)."""
    local = _LOCAL_NAMES.get(name)
    if local is None:
        local = name.split(":", 1)[1] if ":" in name else name
        if len(_LOCAL_NAMES) < 4096:
            _LOCAL_NAMES[name] = local
    return local


def _refuse_dtd(*_args) -> None:
    raise SheetXmlError("bladet innehåller en DTD eller entitetsdeklarationer", unsafe=True)


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.ordered_attributes = True
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _check_utf8(xml: bytes) -> None:
    if xml.startswith((b"\xff\xfe", b"\xfe\xff")) or xml[:2] in (b"<\0", b"\0<"):
        raise SheetXmlError("bladet är sparat med teckenkodningen UTF-16")
    declared = _DECLARED_ENCODING.match(xml[:200])
    if declared and declared.group(1).decode("ascii", "replace").strip().lower() not in _UTF8_NAMES:
        raise SheetXmlError("bladet är sparat med en ovanlig teckenkodning "
                            f"({declared.group(1).decode('ascii', 'replace')[:20]})")


def _namespace_of(name: str, attributes: list[str]) -> str | None:
    """The namespace URI of an element named `name`, from the declarations on it."""
    prefix = name.split(":", 1)[0] if ":" in name else None
    wanted = f"xmlns:{prefix}" if prefix else "xmlns"
    for index in range(0, len(attributes) - 1, 2):
        if attributes[index] == wanted:
            return attributes[index + 1]
    return None


class _Stop(Exception):
    pass


def root_element(xml: bytes) -> tuple[str, dict[str, str]]:
    """(local name, attributes by raw name) of the root element, parsing no further than
    its start tag. Raises `SheetXmlError` for XML that cannot be parsed that far."""
    found: list[tuple[str, dict[str, str]]] = []

    def start(name: str, attributes: list[str]) -> None:
        found.append((name, dict(zip(attributes[::2], attributes[1::2], strict=True))))
        raise _Stop

    parser = _parser()
    parser.StartElementHandler = start
    try:
        for offset in range(0, max(len(xml), 1), 16 * 1024):
            parser.Parse(xml[offset:offset + 16 * 1024], offset + 16 * 1024 >= len(xml))
    except _Stop:
        pass
    except expat.ExpatError as error:
        raise SheetXmlError(f"XML-fel ({expat.ErrorString(error.code)})") from error
    if not found:
        raise SheetXmlError("delen innehåller inget XML-element")
    name, attributes = found[0]
    return local_name(name), {**attributes, "": name}


class _Walker:
    """The expat handlers: positions as calamine counts them, shape checks, extent, and
    (when `collect`) formulas and error values."""

    def __init__(self, max_cells: int, collect: bool, max_formulas: int) -> None:
        self.max_cells, self.collect, self.max_formulas = max_cells, collect, max_formulas
        self.max_elements = 4 * max_cells + 10_000
        self.scan = SheetScan()
        self.stack: list[str] = []
        self.seen_sheet_data = False
        self.row_index = 0  # calamine's 0-based row and column counters
        self.column_index = 0
        self.elements = 0
        self.cell: tuple[int, int] | None = None  # (row, column) 1-based of the open cell
        self.cell_kind: str | None = None
        self.cell_content = False
        self.formula_attributes: dict[str, str] | None = None
        self.text: list[str] | None = None
        self.value: str | None = None
        self.shared: dict[str, tuple[str, int, int]] = {}

    # --- elements --------------------------------------------------------------------
    def start(self, name: str, attributes: list[str]) -> None:
        local = _LOCAL_NAMES.get(name) or local_name(name)
        stack = self.stack
        parent = stack[-1] if stack else None
        stack.append(local)
        if parent == "c":
            if local not in _CELL_CHILDREN:
                raise _shape(f"en cell innehåller elementet {local}")
            if local != "extLst":
                self.cell_content = True
                if self.collect:
                    self._collect(local, attributes)
        elif parent == "f" or parent == "v":  # text only: a formula cannot hide in them
            raise _shape(f"elementet {parent} innehåller elementet {local}")
        elif local == "c":
            self._start_cell(parent, attributes)
        elif local == "row":
            self._start_row(parent, attributes)
        elif local == "sheetData":
            if len(stack) != 2 or self.seen_sheet_data:
                raise _shape("cellområdet (sheetData) finns flera gånger eller på fel plats")
            self.seen_sheet_data = True
        elif parent == "row" and local not in _ROW_CHILDREN:
            raise _shape(f"en rad innehåller elementet {local}")
        elif parent == "sheetData":
            raise _shape(f"cellområdet innehåller elementet {local}")
        elif len(stack) == 1:
            self._root(name, attributes)

    def end(self, name: str) -> None:
        local = self.stack.pop()
        if local == "v" or local == "is":
            if self.text is not None:
                self._end_value(local)
        elif local == "c":
            self._end_cell()
        elif local == "row":
            self.row_index += 1
            self.column_index = 0
        elif local == "f" and self.text is not None:
            self._end_value(local)

    def characters(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    # --- the parts -------------------------------------------------------------------
    def _root(self, name: str, attributes: list[str]) -> None:
        if _namespace_of(name, attributes) == STRICT_NAMESPACE:
            raise SheetXmlError("bladet är sparat som Strikt Open XML-kalkylblad", strict=True)

    def _start_row(self, parent: str | None, attributes: list[str]) -> None:
        if parent != "sheetData":
            raise _shape("en rad (row) står utanför cellområdet")
        reference = _attribute(attributes, "r")
        if reference is not None:
            if not _DIGITS.fullmatch(reference):
                raise SheetXmlError(f"radnumret \"{reference[:20]}\" är inte ett tal")
            self.row_index = _row_number(reference) - 1
        self.column_index = 0

    def _start_cell(self, parent: str | None, attributes: list[str]) -> None:
        if parent != "row":
            raise _shape("en cell (c) står utanför en rad")
        self.elements += 1
        if self.elements > self.max_elements:
            raise ScanLimitError(f"fler än {self.max_elements} celler", self.scan.rows,
                                 self.scan.columns)
        reference = kind = None
        for index in range(0, len(attributes), 2):  # the hot loop: inlined `_attribute`
            key = attributes[index]
            if key == "r":
                reference = attributes[index + 1]
            elif key == "t":
                kind = attributes[index + 1]
            elif ":" in key and local_name(key) in ("r", "t") and not key.startswith("xmlns"):
                raise _shape(f"attributet {key}")
        if reference is None:
            row, column = self.row_index + 1, self.column_index + 1
        else:
            row, column = _cell_position(reference)
            self.column_index = column - 1
        self.cell = (row, column)
        self.cell_kind = kind
        self.cell_content = False

    def _collect(self, local: str, attributes: list[str]) -> None:
        if local == "f":
            self.formula_attributes = {local_name(k): v for k, v in
                                       zip(attributes[::2], attributes[1::2], strict=True)}
            self.text = []
        elif local == "v" and self.cell_kind == "e":
            self.text = []

    def _end_value(self, local: str) -> None:
        text, self.text = "".join(self.text or ()), None
        if local == "v":
            self.value = text
        elif self.cell is not None:
            self._formula(text)

    def _end_cell(self) -> None:
        self.column_index += 1
        if self.cell is None:
            return
        row, column = self.cell
        if self.cell_content:
            scan = self.scan
            if row > scan.rows or column > scan.columns:
                scan.rows, scan.columns = max(scan.rows, row), max(scan.columns, column)
                if scan.rows * scan.columns > self.max_cells:
                    raise ScanLimitError("för stort", scan.rows, scan.columns)
        if self.collect and self.cell_kind == "e":
            self.scan.errors[f"{column_letter(column)}{row}"] = self.value or "#N/A"
        self.cell, self.cell_kind, self.value = None, None, None
        self.formula_attributes, self.text = None, None

    def _formula(self, text: str) -> None:
        assert self.cell is not None
        row, column = self.cell
        attributes = self.formula_attributes or {}
        kind = attributes.get("t")
        if kind == "shared":
            index = attributes.get("si", "")
            if text:
                self.shared[index] = (text, row, column)
            elif index in self.shared:
                master, master_row, master_column = self.shared[index]
                text = shift_formula(master, row - master_row, column - master_column)
        elif kind == "dataTable" and not text:
            text = "TABLE()"
        if text:
            if len(self.scan.formulas) >= self.max_formulas:
                raise ScanLimitError(f"fler än {self.max_formulas} formler")
            self.scan.formulas[f"{column_letter(column)}{row}"] = "=" + text


def _shape(what: str) -> SheetXmlError:
    return SheetXmlError(f"bladet har en struktur som Excel inte skriver ({what})")


def _attribute(attributes: list[str], wanted: str) -> str | None:
    """The attribute named exactly `wanted`. The same name with a prefix (`x:r`) is
    refused: readers disagree on whether it counts."""
    found = None
    for index in range(0, len(attributes), 2):
        key = attributes[index]
        if key == wanted:
            found = attributes[index + 1]
        elif ":" in key and local_name(key) == wanted and not key.startswith("xmlns"):
            raise _shape(f"attributet {key}")
    return found


def _row_number(digits: str) -> int:
    row = int(digits)
    if not 1 <= row <= EXCEL_ROWS:
        raise ScanLimitError(f"rad {digits[:12]} finns inte i Excel (sista raden är {EXCEL_ROWS})")
    return row


_COLUMNS: dict[str, int] = {}


def _cell_position(reference: str) -> tuple[int, int]:
    match = _USUAL_ADDRESS.fullmatch(reference)
    if match is not None:  # the usual case, and column letters repeat: remembered
        letters, digits = match.groups()
        column = _COLUMNS.get(letters)
        if column is None:
            column = 0
            for ch in letters.upper():
                column = column * 26 + ord(ch) - 64
            if len(_COLUMNS) < 100_000:
                _COLUMNS[letters] = column
        row = int(digits)
        if column <= EXCEL_COLUMNS and 1 <= row <= EXCEL_ROWS:
            return row, column
    match = _CELL_ADDRESS.fullmatch(reference)
    if match is None:
        raise SheetXmlError(f"celladressen \"{reference[:20]}\" går inte att tolka")
    letters, digits = match.groups()
    column = 0
    for ch in letters[:4].upper():
        column = column * 26 + ord(ch) - 64
    if len(letters) > 3 or column > EXCEL_COLUMNS:
        raise ScanLimitError(f"cellen {reference[:20]} ligger utanför Excels sista kolumn "
                             f"({column_letter(EXCEL_COLUMNS)})")
    return _row_number(digits), column


def scan_sheet(xml: bytes, *, max_cells: int, collect: bool = False,
               max_formulas: int = MAX_FORMULAS, fast: bool = True) -> SheetScan:
    """Parse one worksheet part. Raises `SheetXmlError` (or `ScanLimitError` once the
    cells reach past `max_cells` or the formulas past `max_formulas`). A sheet in the
    canonical spelling takes the fast path (`malark.xlsx.canonical_sheet`) unless `fast`
    is False; the answer is the same."""
    _check_utf8(xml)
    nonfinite = _NONFINITE.search(xml) is not None
    quick = fast_scan(xml, collect) if fast else None
    if quick is not None:
        return _checked(SheetScan(*quick, nonfinite=nonfinite), max_cells, max_formulas,
                        xml.count(b"<c "))
    walker = _Walker(max_cells, collect, max_formulas)
    parser = _parser()
    parser.StartElementHandler = walker.start
    parser.EndElementHandler = walker.end
    if collect:
        parser.CharacterDataHandler = walker.characters
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as error:
        raise SheetXmlError(f"bladets XML är skadad ({expat.ErrorString(error.code)}, "
                            f"rad {error.lineno})") from error
    except RecursionError as error:  # pragma: no cover - expat does not recurse
        raise SheetXmlError("bladets XML är för djupt nästlad") from error
    walker.scan.nonfinite = nonfinite
    return walker.scan


def _checked(scan: SheetScan, max_cells: int, max_formulas: int, elements: int) -> SheetScan:
    """The limits the walker applies while it parses, applied to the fast path's answer."""
    if elements > 4 * max_cells + 10_000:
        raise ScanLimitError(f"fler än {4 * max_cells + 10_000} celler", scan.rows, scan.columns)
    if scan.cells > max_cells:
        raise ScanLimitError("för stort", scan.rows, scan.columns)
    if len(scan.formulas) > max_formulas:
        raise ScanLimitError(f"fler än {max_formulas} formler")
    return scan


def sheet_extent(xml: bytes, max_cells: int) -> tuple[int, int]:
    """(last row, last column) of the cells that hold something."""
    scan = scan_sheet(xml, max_cells=max_cells)
    return scan.rows, scan.columns


def scan_formulas_and_errors(xml: bytes, *, max_formulas: int = MAX_FORMULAS,
                             max_cells: int = EXCEL_ROWS * EXCEL_COLUMNS
                             ) -> tuple[dict[str, str], dict[str, str]]:
    """({A1: "=formula"}, {A1: "#DIV/0!"}) of one worksheet. A shared formula's cells get
    the master's text shifted to them. Raises `ScanLimitError` past `max_formulas`."""
    scan = scan_sheet(xml, max_cells=max_cells, collect=True, max_formulas=max_formulas)
    return scan.formulas, scan.errors
