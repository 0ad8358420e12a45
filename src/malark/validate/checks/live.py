"""The live engine: the rules as spreadsheet formulas on the `Kontroll` sheet (SPEC 3b).

A live rule is declared beside its Python check (`@check(..., live=(builder,))`): a builder
`(LiveBook) -> Iterator[Flag]` that says, as formulas, which cells the Python check would
name. The generator (`malark.generate.kontroll`) turns the flags into the `Antal` column,
the link to the first cell and the conditional formatting of the data sheets.

How it works, so that a formula sees exactly what the Python check sees:
- Each data sheet has a *band* of hidden helper columns on `Kontroll`. A helper is one
  array formula over the sheet's rows (`'Nämndmål'!$A$1:$A$L`, from the header row to the
  last prepared row plus a margin), written once for the whole column, so the file stays
  small. Band row r is data row r, so a data cell's conditional format looks at the helper
  cell of its own row. A row inserted inside the range widens every range, as in any
  spreadsheet.
- A helper reads what the Python readers read: blank is `swedish.WHITESPACE` only, texts
  compare exactly (case and inner spaces count), numbers and dates typed as text are
  parsed by the same grammar (`live_values`), SANT/FALSKT and dates are the numbers Excel
  stores.
- A flag is a helper of 1/0 per row for one rule and one column: the cells the Python
  check names. Only elementwise functions are used (no AND/OR/MIN/MAX over arrays), and
  rows are summed with MMULT, so Excel (also before Microsoft 365) and LibreOffice give the
  same arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from malark.core.contract import (
    COMMITTEE_DATA_SHEETS,
    COMMITTEE_INDIKATORER,
    Kind,
    Period,
    SheetSpec,
    column_letter,
)
from malark.core.findings import rule
from malark.core.scale import DEFAULT_SCALE, AssessmentScale
from malark.validate.checks.live_formula import column_array, edge_blanks, padded, spaces_to_blank, text_of

__all__ = [
    "Band",
    "Flag",
    "LiveBook",
    "LiveBuilder",
    "LiveFacts",
    "found_earlier",
    "found_in",
    "live",
    "value_at_first",
]

LiveBuilder = Callable[["LiveBook"], Iterator["Flag"]]


def live(code: str) -> Callable[[Callable[[LiveBook], Iterator[Flag]]], LiveBuilder]:
    """Mark a function as the live formula builder of rule `code`."""
    rule(code)  # fails at import time for a code not in the catalogue

    def wrap(function: Callable[[LiveBook], Iterator[Flag]]) -> LiveBuilder:
        function.live_code = code  # type: ignore[attr-defined]
        return function

    return wrap


# --- the workbook as the live engine knows it --------------------------------------------

@dataclass(frozen=True, slots=True)
class LiveFacts:
    """What the generator knows about a committee workbook that the Python checks read
    from its snapshot: the constants the formulas carry."""

    committee: str
    period: Period
    budget_year: int
    addressed: dict[str, tuple[int, int]]
    """KF goal id → (Startår, Slutår), the goals addressed to the committee."""
    coordinated: tuple[str, ...]
    model_kf_ids: tuple[str, ...]
    model_indicator_ids: tuple[str, ...]
    """The model's KF indicators pre-filled in this workbook (their target columns are locked)."""
    model_non_shares: tuple[str, ...]
    """Those of them whose baseline or target lies outside 0–100 (not a share)."""
    scale: AssessmentScale = DEFAULT_SCALE
    """The assessment words of the workbook's template (SPEC 3c)."""

    @property
    def reference_date(self) -> date:
        return self.period.reference_date(self.budget_year)


@dataclass(slots=True)
class Flag:
    """Rule `code` names the cells of column `field` on `band`'s sheet where `condition`
    holds. Once the band is packed (`Band.pack`), the flag is bit `bit` of helper column
    `column` on `Kontroll`."""

    code: str
    band: Band
    field: str
    condition: str
    column: str = ""
    bit: int = 0

    @property
    def sheet(self) -> str:
        return self.band.spec.name

    def test(self, value: str) -> str:
        """1 where the packed value `value` (a cell or an array) has this flag's bit."""
        shifted = value if self.bit == 0 else f"INT({value}/{2 ** self.bit})"
        return f"MOD({shifted},2)"


@dataclass(slots=True)
class Helper:
    column: str
    formula: str


@dataclass(slots=True)
class Band:
    """One data sheet's rows, seen from `Kontroll`: data rows 1..`last` are read and band
    rows `top`..`top + last - 1` hold the helpers (band row `top + r - 1` is data row r).

    Every array of a band has `last` rows: LibreOffice mis-evaluates some operations on
    arrays of different sizes. (A row inserted into a data sheet widens its ranges by one;
    the band then reads one row less at the bottom, in the margin.)"""

    spec: SheetSpec
    last: int
    top: int
    first_column: int
    helpers: dict[str, Helper] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    book: LiveBook | None = None

    # --- positions ---------------------------------------------------------------------
    @property
    def bottom(self) -> int:
        return self.top + self.last - 1

    def cells(self, *fields: str) -> str:
        """The data range of `fields` (adjacent columns), header row included."""
        first, last = self.spec.letter(fields[0]), self.spec.letter(fields[-1])
        return f"'{self.spec.name}'!${first}$1:${last}${self.last}"

    def data(self, field_name: str) -> str:
        """The data range of `field_name` without the header row."""
        letter = self.spec.letter(field_name)
        return f"'{self.spec.name}'!${letter}$2:${letter}${self.last}"

    def any_text(self, field_name: str) -> str:
        """A scalar: 1 when some cell of the column holds text. A helper that only matters
        for text starts `IF(any_text, …)`: with a single condition both spreadsheets skip
        the other branch, so a column of real numbers costs almost nothing."""
        return f"(SUMPRODUCT(--ISTEXT({self.data(field_name)}))>0)"

    def outside(self, rows: int = 1000) -> str:
        """The rows below the read range: content there is not checked live."""
        first, last = self.spec.letter(self.spec.columns[0].field), self.spec.letter(
            self.spec.columns[-1].field)
        return f"'{self.spec.name}'!${first}${self.last + 1}:${last}${self.last + rows}"

    def range_of(self, column: str) -> str:
        return f"${column}${self.top}:${column}${self.bottom}"

    def cell_of(self, column: str, data_row: int) -> str:
        """The `Kontroll` cell of helper `column` for data row `data_row` (relative row)."""
        return f"${column}{self.top + data_row - 1}"

    # --- helpers -------------------------------------------------------------------------
    def helper(self, name: str, build: Callable[[], str]) -> str:
        """The range of helper `name` (made once, by `build`). Its rows past the data (the
        margin for inserted rows) hold #N/A; see `padded` where that matters."""
        if name not in self.helpers:
            formula = build()
            column = column_letter(self.first_column + len(self.helpers))
            self.helpers[name] = Helper(column, formula)
        return self.range_of(self.helpers[name].column)

    def flag(self, code: str, field_name: str, condition: str) -> Flag:
        """A flag of rule `code` on column `field_name`: set where `condition` holds in a
        row that exists."""
        self.flags.append(Flag(code, self, field_name, condition))
        return self.flags[-1]

    def pack(self, limit: int = 6000) -> None:
        """Write the flags into as few helper columns as fit: each flag one bit of a number
        per row (a helper cell costs more than a long formula)."""
        exists = self.exists()
        chunk: list[Flag] = []
        for flag in [*self.flags, None]:
            size = sum(len(f.condition) + 20 for f in chunk)
            if chunk and (flag is None or size + len(flag.condition) > limit or len(chunk) == 40):
                terms = "+".join(f"(({f.condition})>0)*{2 ** i}" for i, f in enumerate(chunk))
                column = self.helper(f"flags:{len(self.helpers)}", lambda terms=terms: f"{exists}*({terms})")
                for i, f in enumerate(chunk):
                    f.column, f.bit = _column_of(column), i
                chunk = []
            if flag is not None:
                chunk.append(flag)

    def exists(self) -> str:
        """1 for a data row holding anything the user typed (`Row.is_empty` is False):
        text other than blanks, a number, SANT/FALSKT or an error value, in any column but
        a computed one (Trafikljus). 0 for the header row and the margin."""
        def build() -> str:
            parts = []
            for run in _runs(self.spec):
                cells = self.cells(*run)
                text = spaces_to_blank(cells + '&""')
                filled = f"IF(ISERROR({cells}),1,--(LEN(TRIM({text}))>0))"
                parts.append(f"MMULT({filled},{column_array([1] * len(run))})")
            first = self.cells(self.spec.columns[0].field)
            return f"(ROW({first})>1)*(({'+'.join(parts)})>0)"
        return self.helper("exists", build)

    def key(self, field_name: str) -> str:
        """The cell as stripped text (`Cell.text`): "" when blank, an error value, or in a
        row that does not exist. Case and inner spaces are kept."""
        text = text_of(self.cells(field_name))
        edges = edge_blanks(text)

        def build() -> str:
            m = spaces_to_blank(text, (("CHAR(1)", '"x"'),))
            trimmed = f"TRIM({m})"
            first = f"FIND(LEFT({trimmed},1),{m})"
            ch = f"RIGHT({trimmed},1)"
            last = f'FIND(CHAR(1),SUBSTITUTE({m},{ch},CHAR(1),LEN({m})-LEN(SUBSTITUTE({m},{ch},""))))'
            stripped = f'IF({trimmed}<>"",MID({text},{first},{last}-{first}+1),"")'
            return f'IF({self.exists()},IF({edges},{stripped},{text}),"")'
        return self.helper(f"key:{field_name}", build)

    def blank(self, field_name: str) -> str:
        """1 where the cell holds no text (`values.text` is None): blank or an error value."""
        cells = self.cells(field_name)
        return f'IF(ISERROR({cells}),1,--(LEN(TRIM({spaces_to_blank(cells + "&" + chr(34) * 2)}))=0))'

    def typed(self, field_name: str) -> str:
        """1 where the cell holds a typed value, not a formula, SANT/FALSKT or an error value
        (those are D009's; LibreOffice reads a typed SANT as the formula =TRUE())."""
        cells = self.cells(field_name)
        return f"(1-((_xlfn.ISFORMULA({cells})+ISLOGICAL({cells})+ISERROR({cells}))>0))"

    def odd(self) -> str:
        """1 where the row's id or goal key is not plain (see `_plain_keys`); one helper for
        both, since lookups compare ids with goal references."""
        def build() -> str:
            terms = []
            for field_name in self.looked_up:
                keys = self.key(field_name)
                odd = (f"(1-EXACT({keys},UPPER({keys})))+ISNUMBER(--{keys})+(LEN({keys})>255)"
                       + "".join(f'+(LEFT({keys},1)="{c}")' for c in "=<>")
                       + "".join(f'+({keys}="{w}")' for w in ("TRUE", "FALSE", "SANT", "FALSKT")))
                terms.append(f'({keys}<>"")*(({odd})>0)')
            return f"(({'+'.join(terms)})>0)*1"
        return self.helper("odd", build)

    @property
    def looked_up(self) -> tuple[str, ...]:
        """The key columns lookups compare: the id and the goal a row points to."""
        fields = {c.field for c in self.spec.columns}
        return tuple(f for f in ("id", "kf_goal_id", "goal_id") if f in fields)

    def first(self, field_name: str = "id") -> str:
        """1 where the key of `field_name` is not empty and no earlier row has the same key."""
        def build() -> str:
            return f"({self.key(field_name)}<>\"\")*(1-{found_earlier(self, field_name)})"
        return self.helper(f"first:{field_name}", build)


def _escaped(keys: str) -> str:
    """Keys as MATCH/VLOOKUP lookup values: their wildcards (* ? ~) taken literally."""
    return f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({keys},"~","~~"),"*","~*"),"?","~?")'


def _plain_keys(pairs: Sequence[tuple[Band, str]]) -> str:
    """A scalar: 1 when every key of `pairs` is *plain*, so that a lookup (MATCH, VLOOKUP),
    which ignores case, finds exactly what EXACT finds: no lowercase letters, nothing a
    lookup reads as a number, a date, SANT/FALSKT or a comparison, and at most 255
    characters. Ids are normally plain; otherwise the exact matrices run."""
    odd = dict.fromkeys(band.odd() for band, _ in pairs)
    return f"(({'+'.join(f'SUMPRODUCT(IFERROR({o},1))' for o in odd)})=0)"


def found_earlier(band: Band, field_name: str) -> str:
    """1 where an earlier row of `band` has exactly the same key of `field_name`."""
    raw = band.key(field_name)
    position = f"IFERROR(MATCH({_escaped(raw)},{raw},0),0)"
    quick = f'({raw}<>"")*({position}>0)*({position}<ROW({raw})-{band.top - 1})'
    keys, rows = padded(raw), f"ROW({raw})"
    exact = (f"((MMULT(EXACT({keys},TRANSPOSE({keys}))*({rows}>TRANSPOSE({rows})),{rows}^0)"
             f"*({raw}<>\"\"))>0)")
    return f"IF({_plain_keys([(band, field_name)])},{quick},{exact})*1"


def found_in(band: Band, field_name: str, others: Sequence[tuple[Band, str]]) -> str:
    """1 where some row of `others` has exactly the same key as the row's `field_name`
    (never for an empty key)."""
    raw = band.key(field_name)
    keys = [other.key(f) for other, f in others]
    quick = "+".join(f"ISNUMBER(MATCH({_escaped(raw)},{k},0))" for k in keys)
    exact = "+".join(f"MMULT(--EXACT({padded(raw)},TRANSPOSE({padded(k)})),ROW({k})^0)" for k in keys)
    plain = _plain_keys([(band, field_name), *others])
    return f'IF({plain},(({quick})>0),(({exact})>0))*({raw}<>"")'


def value_at_first(band: Band, field_name: str, other: Band, other_field: str, value: str) -> str:
    """For each row of `band`: helper `value` (a number, in a column right of the key's) of
    the first row of `other` whose key of `other_field` is exactly the row's key of
    `field_name`; 0 when there is none."""
    raw, keys = band.key(field_name), other.key(other_field)
    key_column, value_column = _column_of(keys), _column_of(value)
    table = f"${key_column}${other.top}:${value_column}${other.bottom}"
    offset = _column_number(value_column) - _column_number(key_column) + 1
    quick = f'IFERROR(VLOOKUP({_escaped(raw)},{table},{offset},FALSE),0)*({raw}<>"")'
    first = f"TRANSPOSE({padded(other.first(other_field), '0')})"
    exact = f"MMULT(EXACT({padded(raw)},TRANSPOSE({padded(keys)}))*{first},{padded(value, '0')})"
    return f"IF({_plain_keys([(band, field_name), (other, other_field)])},{quick},{exact})"


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _column_of(reference: str) -> str:
    """`AB` of a helper range `$AB$10:$AB$90`."""
    return reference.split("$")[1]


def _runs(spec: SheetSpec) -> list[list[str]]:
    """Runs of adjacent columns that hold what users type (the computed Trafikljus breaks
    the Indikatorer sheet in two)."""
    runs: list[list[str]] = [[]]
    for column in spec.columns:
        if column.kind is Kind.FORMULA:
            runs.append([])
        else:
            runs[-1].append(column.field)
    return [r for r in runs if r]


class LiveBook:
    """The bands of one committee workbook and the constants its formulas carry."""

    def __init__(self, facts: LiveFacts, lasts: dict[str, int], *, first_column: int):
        self.facts = facts
        self.bands: dict[str, Band] = {}
        top = 1
        for spec in COMMITTEE_DATA_SHEETS:
            band = Band(spec, lasts[spec.name], top, first_column)
            band.book = self
            self.bands[spec.name] = band
            top += band.last

    def band(self, spec: SheetSpec) -> Band:
        return self.bands[spec.name]

    @property
    def indicators(self) -> Band:
        return self.bands[COMMITTEE_INDIKATORER.name]

    @property
    def width(self) -> int:
        return max((len(b.helpers) for b in self.bands.values()), default=0)

    def pack(self) -> None:
        """Pack every band's flags (after all builders have run)."""
        for band in self.bands.values():
            band.pack()
