"""The neutral middle layer between workbook files and the domain: positioned cells.

A `Table` is one sheet read against its `SheetSpec`: the header cells found, the columns
missing, and rows of `Cell`s keyed by English field name. Every cell knows its sheet and
A1 address from the moment it is read; nothing downstream recomputes a position.

What lies outside the table's columns (a column without a header, a header the spec does
not know, or a second column with the same header) is not data, but it is not dropped in
silence either: `Table.outside` keeps those columns with every cell a user typed in them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from malark.core.contract import Kind, SheetSpec, a1, column_letter
from malark.core.swedish import strip_space

__all__ = ["Cell", "OutsideColumn", "Row", "Table", "build_table", "is_blank"]


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as read: its value, where it is, and what the reader knew about it."""

    sheet: str
    address: str
    value: Any
    """str | float | int | bool | date | datetime | None (empty)."""
    formula: str | None = None
    """The formula text when the cell holds one (known only where the reader looked)."""
    error: str | None = None
    """An Excel error value such as `#DIV/0!` when the cell holds one."""

    @property
    def is_empty(self) -> bool:
        return is_blank(self.value) and self.error is None

    @property
    def text(self) -> str | None:
        """The value as text without blanks at either end (`swedish.WHITESPACE`), or None
        when empty."""
        if is_blank(self.value):
            return None
        if isinstance(self.value, float) and self.value.is_integer():
            return str(int(self.value))
        return strip_space(str(self.value))


def is_blank(value: Any) -> bool:
    """Nothing, or text of nothing but `swedish.WHITESPACE` (the live checks on the
    `Kontroll` sheet draw the same line)."""
    return value is None or (isinstance(value, str) and strip_space(value) == "")


@dataclass(slots=True)
class Row:
    """One data row: its Excel row number and its cells by field name."""

    sheet: str
    number: int
    cells: dict[str, Cell]
    computed: frozenset[str] = frozenset()
    """Fields the workbook computes (the Trafikljus formula): never data on their own."""

    def cell(self, field_name: str) -> Cell:
        return self.cells[field_name]

    def value(self, field_name: str) -> Any:
        c = self.cells.get(field_name)
        return None if c is None or is_blank(c.value) else c.value

    def text(self, field_name: str) -> str | None:
        c = self.cells.get(field_name)
        return None if c is None else c.text

    @property
    def is_empty(self) -> bool:
        """True when nothing a user types is in the row (a prepared row holding only its
        Trafikljus formula, or the value Excel computed for it, is empty)."""
        return all(c.is_empty for f, c in self.cells.items() if f not in self.computed)


@dataclass(slots=True)
class OutsideColumn:
    """A column that is not one of the table's: why, and the cells typed in it."""

    letter: str
    header: str | None
    """Its header text (None when row 1 is empty there)."""
    duplicate: bool
    """True when the header is one of the table's, a second time."""
    cells: list[Cell] = field(default_factory=list)


@dataclass(slots=True)
class Table:
    """A sheet read against its spec."""

    spec: SheetSpec
    header: dict[str, Cell] = field(default_factory=dict)
    """Field name → the header cell where it was found."""
    missing: list[str] = field(default_factory=list)
    """Headers of the spec not found in row 1."""
    rows: list[Row] = field(default_factory=list)
    """Data rows (not `Row.is_empty`), in sheet order."""
    outside: list[OutsideColumn] = field(default_factory=list)
    """Columns outside the table that hold something typed below row 1 (a formula there
    is the workbook's own, not data)."""

    @property
    def sheet(self) -> str:
        return self.spec.name

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)


def _normalise_header(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def build_table(
    spec: SheetSpec,
    rows: Sequence[Sequence[Any]],
    *,
    formulas: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    first_row: int = 1,
) -> Table:
    """Map raw rows (row 1 = header) onto `spec`.

    Columns are found by header text, so a user who moved a column still reads right;
    a header that is missing or renamed lands in `Table.missing`. `formulas` and `errors`
    map A1 addresses to what the reader knew about those cells. Empty rows
    (`Row.is_empty`) are skipped.
    """
    table = Table(spec)
    formulas = formulas or {}
    errors = errors or {}
    header_row = list(rows[0]) if rows else []
    positions: dict[str, int] = {}
    wanted = {c.header: c.field for c in spec.columns}
    for index, value in enumerate(header_row):
        name = _normalise_header(value)
        if name in wanted and wanted[name] not in positions:
            positions[wanted[name]] = index
            address = a1(index, first_row)
            table.header[wanted[name]] = Cell(spec.name, address, name)
    table.missing = [c.header for c in spec.columns if c.field not in positions]
    letters = [(field_name, index, column_letter(index + 1)) for field_name, index in positions.items()]
    computed = frozenset(c.field for c in spec.columns if c.kind is Kind.FORMULA)
    for offset, raw in enumerate(rows[1:], start=1):
        number = first_row + offset
        width = len(raw)
        cells: dict[str, Cell] = {}
        for field_name, index, letter in letters:
            value = raw[index] if index < width else None
            if value == "":
                value = None
            address = f"{letter}{number}"
            cells[field_name] = Cell(
                spec.name, address, value, formulas.get(address), errors.get(address)
            )
        row = Row(spec.name, number, cells, computed)
        if not row.is_empty:
            table.rows.append(row)
    table.outside = _outside_columns(spec.name, rows, header_row, set(positions.values()),
                                     set(wanted), formulas, first_row)
    return table


def _outside_columns(sheet: str, rows: Sequence[Sequence[Any]], header_row: list[Any],
                     used: set[int], known: set[str], formulas: dict[str, str],
                     first_row: int) -> list[OutsideColumn]:
    width = max((len(r) for r in rows), default=0)
    found = []
    for index in (i for i in range(width) if i not in used):
        letter = column_letter(index + 1)
        header = _normalise_header(header_row[index]) if index < len(header_row) else ""
        column = OutsideColumn(letter, header or None, header in known)
        for offset, raw in enumerate(rows[1:], start=1):
            value = raw[index] if index < len(raw) else None
            address = f"{letter}{first_row + offset}"
            if not is_blank(value) and address not in formulas:
                column.cells.append(Cell(sheet, address, value))
        if column.cells:
            found.append(column)
    return found
