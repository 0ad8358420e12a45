"""A small fake of exactly the xlwings objects and members the add-in uses, behaving as
classic xlwings on Excel does (COM semantics: numbers come back as float, dates as
datetime, a single cell's `.formula` is a str and a block's a tuple of tuples, a string
written with a leading `'` is stored as text, one starting with `=` as a formula).

Public members are properties/methods in the class bodies (state lives in `_` names), so
`test_addin_fake_matches_xlwings` can check each one against the real xlwings classes.
`FakeComSheet` stands for `Sheet.api` (COM `Worksheet`) and cannot be checked that way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

_A1 = re.compile(r"([A-Z]{1,3})([0-9]+)")
_HYPERLINK_TEXT = re.compile(r'=HYPERLINK\(".*","(.*)"\)$')


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def parse_a1(address: str) -> tuple[int, int]:
    match = _A1.fullmatch(address.replace("$", ""))
    assert match, address
    return int(match[2]), _column_number(match[1])


class ComError(Exception):
    """What pywin32 raises when Excel refuses (e.g. formatting a protected sheet)."""


@dataclass
class ErrorValue:
    text: str


@dataclass
class Cell:
    value: Any = None
    formula: str | None = None
    color: tuple[int, int, int] | None = None
    note: str | None = None
    bold: bool = False
    font_color: tuple[int, int, int] | None = None

    def empty(self) -> bool:
        return self.value in (None, "") and self.formula is None and self.color is None \
            and self.note is None


@dataclass
class Calls:
    """How many calls reached 'Excel', to check the one-call-per-sheet promise."""

    value_reads: int = 0
    formula_reads: int = 0
    writes: int = 0
    log: list[str] = field(default_factory=list)


class FakeApp:
    def __init__(self) -> None:
        self._alerts: list[tuple[str, str | None, str | None]] = []
        self._screen_updating = True

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok",
              mode: str | None = None, callback: str | None = None) -> str:
        self._alerts.append((prompt, title, mode))
        return "ok"

    @property
    def screen_updating(self) -> bool:
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self._screen_updating = value


class FakeBook:
    def __init__(self, name: str, app: FakeApp | None = None) -> None:
        self._name = name
        self._app = app or FakeApp()
        self._sheets = FakeSheets(self)
        self._calls = Calls()
        self._active: FakeSheet | None = None

    @property
    def name(self) -> str:
        return self._name

    @property
    def app(self) -> FakeApp:
        return self._app

    @property
    def sheets(self) -> FakeSheets:
        return self._sheets


class FakeSheets:
    def __init__(self, book: FakeBook) -> None:
        self._book = book
        self._list: list[FakeSheet] = []

    def __iter__(self):
        return iter(list(self._list))

    def __len__(self) -> int:
        return len(self._list)

    def __getitem__(self, key: int | str) -> FakeSheet:
        if isinstance(key, int):
            return self._list[key]
        for sheet in self._list:
            if sheet.name.lower() == key.lower():
                return sheet
        raise KeyError(key)

    def add(self, name: str | None = None, before: FakeSheet | None = None,
            after: FakeSheet | None = None) -> FakeSheet:
        if name is not None and name.lower() in (s.name.lower() for s in self._list):
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        sheet = FakeSheet(self._book, name or f"Blad{len(self._list) + 1}")
        if before is not None:
            self._list.insert(self._list.index(before), sheet)
        elif after is not None:
            self._list.insert(self._list.index(after) + 1, sheet)
        else:
            self._list.append(sheet)
        self._book._active = sheet
        return sheet


@dataclass
class FakeProtection:
    AllowFormattingCells: bool = False
    AllowFormattingColumns: bool = True
    AllowFormattingRows: bool = False
    AllowInsertingColumns: bool = False
    AllowInsertingRows: bool = True
    AllowInsertingHyperlinks: bool = False
    AllowDeletingColumns: bool = False
    AllowDeletingRows: bool = True
    AllowSorting: bool = False
    AllowFiltering: bool = True
    AllowUsingPivotTables: bool = False


class FakeComSheet:
    """COM `Worksheet` protection members (Excel object model names)."""

    def __init__(self) -> None:
        self.ProtectContents = False
        self.ProtectDrawingObjects = False
        self.ProtectScenarios = False
        self.ProtectionMode = False
        self.Protection = FakeProtection()
        self.password: str | None = None
        self.protect_calls: list[dict[str, bool]] = []

    def Unprotect(self, Password: str | None = None) -> None:  # noqa: N802, N803 - COM names
        if self.password and Password != self.password:
            raise ComError("The password you supplied is not correct.")
        self.ProtectContents = False

    def Protect(self, **options: bool) -> None:  # noqa: N802 - COM name
        self.protect_calls.append(options)
        self.ProtectContents = options.get("Contents", True)
        self.ProtectDrawingObjects = options.get("DrawingObjects", True)
        self.ProtectScenarios = options.get("Scenarios", True)
        self.ProtectionMode = options.get("UserInterfaceOnly", False)
        allowed = {k: v for k, v in options.items() if k.startswith("Allow")}
        self.Protection = FakeProtection(**allowed)


class FakeSheet:
    def __init__(self, book: FakeBook, name: str, visible: Any = True) -> None:
        self._book = book
        self._name = name
        self._visible = visible
        self._cells: dict[tuple[int, int], Cell] = {}
        self._widths: dict[int, float] = {}
        self._api = FakeComSheet()

    @property
    def name(self) -> str:
        return self._name

    @property
    def visible(self) -> Any:
        return self._visible

    @property
    def api(self) -> FakeComSheet:
        return self._api

    @property
    def used_range(self) -> FakeRange:
        used = [key for key, cell in self._cells.items() if not cell.empty()]
        if not used:
            return FakeRange(self, (1, 1), (1, 1))
        rows = [r for r, _ in used]
        cols = [c for _, c in used]
        return FakeRange(self, (min(rows), min(cols)), (max(rows), max(cols)))

    def range(self, cell1: str | tuple[int, int], cell2: tuple[int, int] | None = None) -> FakeRange:
        first = parse_a1(cell1) if isinstance(cell1, str) else cell1
        return FakeRange(self, first, cell2 or first)

    def clear(self) -> None:
        self._book._calls.log.append(f"clear {self._name}")
        self._cells.clear()

    def activate(self) -> None:
        self._book._active = self

    # --- for tests (not xlwings API) ---------------------------------------------------
    def _cell(self, row: int, column: int) -> Cell:
        return self._cells.setdefault((row, column), Cell())

    def _peek(self, address: str) -> Cell:
        return self._cells.get(parse_a1(address), Cell())

    def _set(self, address: str, value: Any = None, *, formula: str | None = None) -> None:
        cell = self._cell(*parse_a1(address))
        cell.value, cell.formula = value, formula


class FakeNote:
    def __init__(self, cell: Cell) -> None:
        self._cell = cell

    @property
    def text(self) -> str:
        return self._cell.note or ""

    @text.setter
    def text(self, value: str) -> None:
        self._cell.note = value

    def delete(self) -> None:
        self._cell.note = None


class FakeFont:
    def __init__(self, rng: FakeRange) -> None:
        self._range = rng

    @property
    def bold(self) -> bool:
        return all(c.bold for c in self._range._each())

    @bold.setter
    def bold(self, value: bool) -> None:
        self._range._check_format()
        for cell in self._range._each():
            cell.bold = value

    @property
    def color(self) -> tuple[int, int, int] | None:
        return self._range._first().font_color

    @color.setter
    def color(self, value: tuple[int, int, int]) -> None:
        self._range._check_format()
        for cell in self._range._each():
            cell.font_color = value


def _read(cell: Cell, options: dict[str, Any]) -> Any:
    empty = options.get("empty")
    value = cell.value
    if isinstance(value, ErrorValue):
        return value.text if options.get("err_to_str") else None
    if value in (None, ""):
        return empty
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _formula_text(cell: Cell) -> str:
    if cell.formula is not None:
        return cell.formula
    value = cell.value
    if value in (None, "") or isinstance(value, ErrorValue):
        return value.text if isinstance(value, ErrorValue) else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class FakeRange:
    def __init__(self, sheet: FakeSheet, first: tuple[int, int], last: tuple[int, int],
                 options: dict[str, Any] | None = None) -> None:
        self._sheet = sheet
        self._first_cell = first
        self._last = last
        self._options = options or {}

    @property
    def row(self) -> int:
        return self._first_cell[0]

    @property
    def column(self) -> int:
        return self._first_cell[1]

    @property
    def shape(self) -> tuple[int, int]:
        return (self._last[0] - self._first_cell[0] + 1, self._last[1] - self._first_cell[1] + 1)

    @property
    def last_cell(self) -> FakeRange:
        return FakeRange(self._sheet, self._last, self._last)

    def options(self, convert: Any = None, **options: Any) -> FakeRange:
        return FakeRange(self._sheet, self._first_cell, self._last, options)

    def _rows(self) -> list[list[Cell]]:
        r1, c1 = self._first_cell
        r2, c2 = self._last
        return [[self._sheet._cells.get((r, c), Cell()) for c in range(c1, c2 + 1)]
                for r in range(r1, r2 + 1)]

    def _each(self) -> list[Cell]:
        r1, c1 = self._first_cell
        r2, c2 = self._last
        return [self._sheet._cell(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]

    def _first(self) -> Cell:
        return self._sheet._cells.get(self._first_cell, Cell())

    def _check_format(self) -> None:
        if self._sheet._api.ProtectContents:
            raise ComError("Du försöker ändra en cell på ett skyddat blad.")

    @property
    def value(self) -> Any:
        self._sheet._book._calls.value_reads += 1
        rows = [[_read(c, self._options) for c in row] for row in self._rows()]
        if self._options.get("ndim") == 2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        if all(len(r) == 1 for r in rows):
            return [r[0] for r in rows]
        return rows

    @value.setter
    def value(self, data: Any) -> None:
        self._sheet._book._calls.writes += 1
        self._check_format()
        rows = data if isinstance(data, list) and data and isinstance(data[0], list) else [[data]]
        r1, c1 = self._first_cell
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                cell = self._sheet._cell(r1 + i, c1 + j)
                if isinstance(value, str) and value.startswith("'"):
                    cell.value, cell.formula = value[1:], None
                elif isinstance(value, str) and value.startswith("="):
                    link = _HYPERLINK_TEXT.match(value)
                    cell.value, cell.formula = (link[1] if link else ""), value
                else:
                    cell.value, cell.formula = value, None

    @property
    def formula(self) -> Any:
        self._sheet._book._calls.formula_reads += 1
        rows = [tuple(_formula_text(c) for c in row) for row in self._rows()]
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        return tuple(rows)

    @property
    def color(self) -> tuple[int, int, int] | None:
        return self._first().color

    @color.setter
    def color(self, value: tuple[int, int, int] | None) -> None:
        self._check_format()
        for cell in self._each():
            cell.color = value

    @property
    def note(self) -> FakeNote | None:
        cell = self._first()
        return FakeNote(self._sheet._cell(*self._first_cell)) if cell.note is not None else None

    def add_note(self, text: str) -> FakeNote:
        self._check_format()
        cell = self._sheet._cell(*self._first_cell)
        if cell.note is not None:
            raise ValueError("This cell already has a note")
        cell.note = text
        return FakeNote(cell)

    @property
    def font(self) -> FakeFont:
        return FakeFont(self)

    @property
    def column_width(self) -> float | None:
        return self._sheet._widths.get(self._first_cell[1])

    @column_width.setter
    def column_width(self, value: float) -> None:
        for column in range(self._first_cell[1], self._last[1] + 1):
            self._sheet._widths[column] = value
