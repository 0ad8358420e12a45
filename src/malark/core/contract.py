"""The external contract (SPEC sections 2, 3 and 6): sheet names, headers, column kinds,
dropdown lists and the format version.

Every other module imports names from here; no sheet name or header is typed twice.
A column is described once (`Column`) and carries what the generator, the reader, the
checks and the merge need: the Swedish header, the English field name, the kind of value,
the dropdown list and a display width.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

FORMAT_VERSION = 2
"""Version 2 added the `Kontroll` sheet (SPEC 3b) and `Åtgärder` on `KF-mål`, together."""
SUPPORTED_FORMAT_VERSIONS = frozenset({1, 2})


class Period(StrEnum):
    PLAN = "Plan"
    T1 = "T1"
    T2 = "T2"
    HELAR = "Helår"

    @property
    def is_follow_up(self) -> bool:
        return self is not Period.PLAN

    @property
    def order(self) -> int:
        """Plan 0, T1 1, T2 2, Helår 3: the order of the periods in a budget year."""
        return tuple(Period).index(self)

    def label(self, budget_year: int) -> str:
        """`T1 2027`: the period as the user names it, with its year."""
        return f"{self.value} {budget_year}"

    def reference_date(self, budget_year: int) -> date:
        """The day the period's follow-up is made per: T1 30 April, T2 31 August, Helår
        31 December of the budget year; Plan the day before the budget year begins. D008
        compares with it (not with today), so a check gives the same findings any day."""
        month_day = {Period.T1: (4, 30), Period.T2: (8, 31), Period.HELAR: (12, 31)}
        if self is Period.PLAN:
            return date(budget_year - 1, 12, 31)
        month, day = month_day[self]
        return date(budget_year, month, day)


class Perspective(StrEnum):
    MEDBORGARE = "Medborgare"
    EKONOMI = "Ekonomi"
    PROCESS = "Process"
    MEDARBETARE = "Medarbetare"


class Assessment(StrEnum):
    GRON = "Grön"
    GUL = "Gul"
    ROD = "Röd"
    EJ_BEDOMD = "Ej bedömd"


class Direction(StrEnum):
    HIGHER = "Högre är bättre"
    LOWER = "Lägre är bättre"


class Status(StrEnum):
    EJ_PABORJAD = "Ej påbörjad"
    PAGAR = "Pågår"
    KLAR = "Klar"
    FORSENAD = "Försenad"
    AVBRUTEN = "Avbruten"


PERIODS = tuple(p.value for p in Period)
PERSPECTIVES = tuple(p.value for p in Perspective)
ASSESSMENTS = tuple(a.value for a in Assessment)
DIRECTIONS = tuple(d.value for d in Direction)
STATUSES = tuple(s.value for s in Status)

ADDRESSED_TO_ALL = "Alla"
"""`Adresserad till` value meaning every committee of the model."""

# Numeric light codes (SPEC 5); Ej bedömd is an empty cell.
LIGHT_GREEN = 3
LIGHT_YELLOW = 2
LIGHT_RED = 1
LIGHT_CODES = {Assessment.GRON: LIGHT_GREEN, Assessment.GUL: LIGHT_YELLOW, Assessment.ROD: LIGHT_RED}


class Kind(StrEnum):
    """What a column holds; drives validation in the generator and parsing in the reader."""

    ID = "id"
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    YEAR = "year"
    DATE = "date"
    CHOICE = "choice"
    GOAL_REF = "goal_ref"  # an id of a KF goal or a committee goal
    FORMULA = "formula"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    field: str
    kind: Kind = Kind.TEXT
    choices: tuple[str, ...] = ()
    width: float = 14.0
    since: int = 1
    """The format_version that added the column: an older workbook is not asked for it."""


@dataclass(frozen=True, slots=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def columns_of(self, format_version: int) -> tuple[Column, ...]:
        """The columns a workbook of `format_version` has (see `Column.since`)."""
        return tuple(c for c in self.columns if c.since <= format_version)

    def column(self, field: str) -> Column:
        for c in self.columns:
            if c.field == field:
                return c
        raise KeyError(field)

    def letter(self, field: str) -> str:
        """Excel column letter of `field` in this sheet's layout (A, B, …)."""
        return column_letter(self.index(field) + 1)

    def index(self, field: str) -> int:
        """0-based position of `field`."""
        for i, c in enumerate(self.columns):
            if c.field == field:
                return i
        raise KeyError(field)


def column_letter(number: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def a1(column_index0: int, row_number: int) -> str:
    """A1 address from a 0-based column index and a 1-based row number."""
    return f"{column_letter(column_index0 + 1)}{row_number}"


# ---------------------------------------------------------------------------
# Shared column definitions
# ---------------------------------------------------------------------------
_ID = Column("Id", "id", Kind.ID, width=11)
_PERSPECTIVE = Column("Perspektiv", "perspective", Kind.CHOICE, PERSPECTIVES, width=14)
_GOAL_TEXT = Column("Målformulering", "text", Kind.LONG_TEXT, width=60)
_START_YEAR = Column("Startår", "start_year", Kind.YEAR, width=9)
_END_YEAR = Column("Slutår", "end_year", Kind.YEAR, width=9)
_ASSESSMENT = Column("Bedömning", "assessment", Kind.CHOICE, ASSESSMENTS, width=13)
_ANALYSIS = Column("Analys", "analysis", Kind.LONG_TEXT, width=50)
_RESPONSIBLE = Column("Ansvarig", "responsible", Kind.TEXT, width=20)
_ACTIONS = Column("Åtgärder", "actions", Kind.LONG_TEXT, width=45)
_COMMENT = Column("Kommentar", "comment", Kind.LONG_TEXT, width=40)
_DIRECTION = Column("Riktning", "direction", Kind.CHOICE, DIRECTIONS, width=17)
_KOLADA = Column("Kolada-KPI", "kolada_kpi", Kind.TEXT, width=12)

_INDICATOR_TARGET_COLUMNS = (
    Column("Indikator", "name", Kind.LONG_TEXT, width=45),
    Column("Enhet", "unit", Kind.TEXT, width=10),
    _DIRECTION,
    Column("Utgångsvärde", "baseline", Kind.NUMBER, width=13),
    Column("Utgångsår", "baseline_year", Kind.YEAR, width=11),
    Column("Målvärde", "target", Kind.NUMBER, width=11),
    Column("Målår", "target_year", Kind.YEAR, width=9),
)

# ---------------------------------------------------------------------------
# SPEC 2: the master goal model workbook
# ---------------------------------------------------------------------------
FIELD_HEADER = "Fält"
VALUE_HEADER = "Värde"

MODEL_KOMMUN = SheetSpec(
    "Kommun", (Column(FIELD_HEADER, "field", width=22), Column(VALUE_HEADER, "value", width=70))
)
MODEL_NAMNDER = SheetSpec(
    "Nämnder",
    (
        _ID,
        Column("Namn", "name", width=36),
        Column("Kontaktperson", "contact", width=24),
        Column("E-post", "email", width=34),
    ),
)
MODEL_KF_MAL = SheetSpec(
    "KF-mål",
    (
        _ID,
        _PERSPECTIVE,
        _GOAL_TEXT,
        _START_YEAR,
        _END_YEAR,
        Column("Samordnande nämnd", "coordinator", Kind.ID, width=18),
        Column("Adresserad till", "addressed", Kind.TEXT, width=26),
    ),
)
MODEL_KF_INDIKATORER = SheetSpec(
    "KF-indikatorer",
    (_ID, Column("Mål", "goal_id", Kind.GOAL_REF, width=9), *_INDICATOR_TARGET_COLUMNS, _KOLADA),
)
MODEL_INSTALLNINGAR = SheetSpec("Inställningar", MODEL_KOMMUN.columns)

MODEL_SHEETS = (MODEL_KOMMUN, MODEL_NAMNDER, MODEL_KF_MAL, MODEL_KF_INDIKATORER, MODEL_INSTALLNINGAR)
"""The sheets every model has (SPEC 2)."""
MODEL_INDIKATORVARDEN = SheetSpec(
    "Indikatorvärden",
    (
        Column("Indikator", "indicator_id", Kind.ID, width=13),
        Column("År", "year", Kind.YEAR, width=8),
        Column("Period", "period", Kind.CHOICE, PERIODS, width=9),
        Column("Värde", "value", Kind.NUMBER, width=11),
        Column("Källa", "source", Kind.TEXT, width=16),
        Column("Kommentar", "comment", Kind.LONG_TEXT, width=70),
    ),
)
"""SPEC 9: an indicator's values over the years (optional; `malark kolada` writes it)."""
SOURCE_KOLADA = "Kolada"
"""`Källa` of a value fetched from Kolada: `malark kolada` may update only these rows."""
SOURCE_COMMITTEE = "Nämnd"

# Fields of the `Kommun` sheet (Swedish label → English attribute).
KOMMUN_FIELDS = {
    "Kommun": "municipality",
    "Kommunkod": "municipality_code",
    "Budgetår": "budget_year",
    "Vision": "vision",
    "Sista inlämningsdag": "deadline",
}
DEADLINE_FIELD = "Sista inlämningsdag"
PERIOD_DEADLINE_FIELDS = {f"{DEADLINE_FIELD} {p.value}": p for p in Period}
"""`Sista inlämningsdag T1` …: one period's deadline (the plain field is the default)."""
# Fields of the `Inställningar` sheet.
SETTING_YELLOW_THRESHOLD = "Gul-gräns"
DEFAULT_YELLOW_THRESHOLD = 0.5
SETTING_TEMPLATE = "Mall"
"""A workbook template folder (SPEC 3c), relative to the model's folder."""

# ---------------------------------------------------------------------------
# SPEC 3: the committee workbook
# ---------------------------------------------------------------------------
SHEET_INSTRUCTIONS = "Instruktioner"
SHEET_KONTROLL = "Kontroll"
"""The live checks (SPEC 3b, format_version 2): a helper, not read back by `validate`."""
SHEET_META = "_malark"
GUL_GRANS_NAME = "GulGrans"
"""Workbook-level defined name of the cell holding the yellow threshold (in `_malark`)."""

COMMITTEE_KF_MAL = SheetSpec(
    "KF-mål",
    (
        _ID,
        _PERSPECTIVE,
        _GOAL_TEXT,
        Column("Samordnande nämnd", "coordinator", Kind.ID, width=18),
        _ASSESSMENT,
        _ANALYSIS,
        Column("Åtgärder", "actions", Kind.LONG_TEXT, width=45, since=2),
        Column("Bidrag", "contribution", Kind.LONG_TEXT, width=50),
    ),
)
COMMITTEE_NAMNDMAL = SheetSpec(
    "Nämndmål",
    (
        _ID,
        Column("KF-mål", "kf_goal_id", Kind.GOAL_REF, width=9),
        _PERSPECTIVE,
        _GOAL_TEXT,
        _RESPONSIBLE,
        _START_YEAR,
        _END_YEAR,
        _ASSESSMENT,
        _ANALYSIS,
        _ACTIONS,
    ),
)
COMMITTEE_INDIKATORER = SheetSpec(
    "Indikatorer",
    (
        Column("Id", "id", Kind.ID, width=13),
        Column("Mål", "goal_id", Kind.GOAL_REF, width=10),
        *_INDICATOR_TARGET_COLUMNS,
        Column("Föregående utfall", "previous_outcome", Kind.NUMBER, width=12),
        Column("Utfall", "outcome", Kind.NUMBER, width=11),
        Column("Trafikljus", "light", Kind.FORMULA, width=11),
        _COMMENT,
        _KOLADA,
    ),
)
COMMITTEE_AKTIVITETER = SheetSpec(
    "Aktiviteter",
    (
        Column("Id", "id", Kind.ID, width=13),
        Column("Mål", "goal_id", Kind.GOAL_REF, width=10),
        Column("Aktivitet", "text", Kind.LONG_TEXT, width=55),
        _RESPONSIBLE,
        Column("Startdatum", "start_date", Kind.DATE, width=12),
        Column("Slutdatum", "end_date", Kind.DATE, width=12),
        Column("Status", "status", Kind.CHOICE, STATUSES, width=13),
        _COMMENT,
    ),
)
COMMITTEE_DATA_SHEETS = (
    COMMITTEE_KF_MAL,
    COMMITTEE_NAMNDMAL,
    COMMITTEE_INDIKATORER,
    COMMITTEE_AKTIVITETER,
)
COMMITTEE_SHEET_ORDER = (
    SHEET_INSTRUCTIONS,
    SHEET_KONTROLL,
    *(s.name for s in COMMITTEE_DATA_SHEETS),
    SHEET_META,
)

# SPEC 3b: the `Kontroll` sheet
KONTROLL_HEADERS = ("Kod", "Kontroll", "Antal", "Första cell")
"""Row 3 of `Kontroll`: one row per rule checked live below it."""
KONTROLL_STATUS_READY = "Klar att skicka in"
KONTROLL_AT_SUBMISSION = "Kontrolleras när filen lämnas in"
"""The heading over the rules that only the central validation checks."""
KONTROLL_MARGIN = 20
"""Rows the live checks read below the prepared rows of each data sheet."""
KONTROLL_ERRORS_NAME = "KontrollFel"
KONTROLL_WARNINGS_NAME = "KontrollVarningar"
"""Workbook-level defined names of the number of errors and warnings the live checks see."""

# Fields of the `_malark` metadata sheet (`Fält | Värde`), in this order.
META_FIELDS = (
    "format_version",
    "kommun",
    "kommunkod",
    "budgetår",
    "period",
    "nämnd",
    "generated_at",
    "model_fingerprint",
    "malark_version",
)

# ---------------------------------------------------------------------------
# SPEC 6: the consolidated workbook
# ---------------------------------------------------------------------------
SHEET_OVERVIEW = "Översikt"
SHEET_DEVIATIONS = "Avvikelser"
SHEET_SUBMISSIONS = "Inlämningar"
SHEET_FINDINGS = "Valideringsfynd"
COMMITTEE_COLUMN = Column("Nämnd", "committee", Kind.ID, width=9)
TREND_COLUMN = Column("Trend", "trend", Kind.TEXT, width=7)
"""SPEC 9: after the SPEC 3 columns of the consolidated `Indikatorer` (and on `Översikt`'s
KF indicators): ▲ better, ▼ worse, ▶ unchanged against the previous year, in the direction
of `Riktning`. Readers that map columns by header ignore it."""
CARRIED_FROM_COLUMN = Column("Från period", "carried_from", Kind.TEXT, width=12)
"""Last column of `Nämndmål`, `Indikatorer` (after `Trend`) and `Aktiviteter` in a
consolidated workbook: empty for a row submitted this period; `T1 2027` for a row of a
committee that did not submit (or was not merged), carried from the consolidation of that
period so the chain is never lost (SPEC 6)."""
CARRIED_SHEETS = (COMMITTEE_NAMNDMAL.name, COMMITTEE_INDIKATORER.name, COMMITTEE_AKTIVITETER.name)
_AFTER_SPEC_3 = {COMMITTEE_NAMNDMAL.name: (CARRIED_FROM_COLUMN,),
                 COMMITTEE_INDIKATORER.name: (TREND_COLUMN, CARRIED_FROM_COLUMN),
                 COMMITTEE_AKTIVITETER.name: (CARRIED_FROM_COLUMN,)}
CONSOLIDATED_DATA_SHEETS = tuple(
    SheetSpec(s.name, (COMMITTEE_COLUMN, *s.columns, *_AFTER_SPEC_3.get(s.name, ())))
    for s in COMMITTEE_DATA_SHEETS
)
"""`Nämnd`, the SPEC 3 columns, then what the consolidation adds (`_AFTER_SPEC_3`)."""
CONSOLIDATION_ADDED = (TREND_COLUMN, CARRIED_FROM_COLUMN)
"""Columns of consolidated workbooks that earlier ones lack: a reader does not require them."""
SHEET_HISTORY = "Historik"
SHEET_TRENDS = "Trender"
CONSOLIDATED_SHEET_ORDER = (
    SHEET_OVERVIEW,
    *(s.name for s in CONSOLIDATED_DATA_SHEETS),
    SHEET_DEVIATIONS,
    SHEET_HISTORY,
    SHEET_TRENDS,
    SHEET_SUBMISSIONS,
    SHEET_FINDINGS,
    SHEET_META,
)
DEVIATION_LEVEL_COLUMN = Column("Nivå", "level", Kind.TEXT, width=10)
CONSOLIDATED_DEVIATIONS = SheetSpec(
    SHEET_DEVIATIONS,
    (
        COMMITTEE_COLUMN,
        DEVIATION_LEVEL_COLUMN,
        *(COMMITTEE_NAMNDMAL.column(f)
          for f in ("id", "kf_goal_id", "text", "assessment", "analysis", "actions")),
    ),
)
HISTORY_HEADERS = ("Indikator-id", "Mål", "Indikator", "Enhet", "Riktning", "Serie")
"""`Historik` row 1 starts with these, then one column per year (the year as a number),
then `HISTORY_TAIL_HEADERS`."""
HISTORY_TAIL_HEADERS = ("Trend", "Källa", "Anmärkning")
SUBMISSION_HEADERS = ("Nämnd", "Namn", "Fil", "sha256", "Status", "Fel", "Varningar",
                      "Rader från")
"""`Rader från`: for a committee without a merged file, the period its carried rows come
from (see `CARRIED_FROM_COLUMN`)."""
FINDING_PREFIX_HEADERS = ("Fil", "Nämnd")
"""`Valideringsfynd` = these columns, then `RESULT_HEADERS`."""
OVERVIEW_COORDINATOR_ASSESSMENT = "Samordnande nämnds bedömning"
OVERVIEW_SUMMARY_HEADERS = ("Nämnd", "Antal mål", "Namn", "Grön", "Gul", "Röd", "Ej bedömd",
                            "Andel grön", "Andel gul", "Andel röd", "Andel ej bedömd")
SUBMISSION_STATUS_READ = "Inläst"
SUBMISSION_STATUS_NOT_READ = "Ej inläst"
SUBMISSION_STATUS_MISSING = "Saknas"

# Excel's own limits that layout code must respect.
MAX_SHEET_TITLE = 31
MAX_CELL_TEXT = 32767

# ---------------------------------------------------------------------------
# Validation results inside a workbook (annotate copy and the ribbon button)
# ---------------------------------------------------------------------------
SHEET_RESULTS = "Valideringsresultat"
RESULT_HEADERS = ("Allvarlighet", "Kod", "Blad", "Cell", "Gäller", "Meddelande")
