"""Earlier outcomes of the indicators, and the trend they show.

The report takes history through one seam, `History`: indicator id → points
`(year, period, value, source)`, and a note per indicator (a series break). Where the
points come from is not its business: `history_from_previous` reads earlier consolidated
workbooks (`report --previous`), `malark.report.history_sheet` the consolidated
workbook's own `Historik` sheet (SPEC 9), and a caller can give more the same way
(`History.from_points`). A value fetched from Kolada (`source="Kolada"`) is shown with
`Källa: Kolada`.

A point's `period` is `Plan`, `T1`, `T2`, `Helår` or None for a yearly value (Kolada's),
which sorts with `Helår`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from malark.core.contract import (
    CARRIED_FROM_COLUMN,
    COMMITTEE_INDIKATORER,
    CONSOLIDATED_DATA_SHEETS,
    PERIODS,
    SOURCE_KOLADA,
    Direction,
    Period,
)
from malark.core.errors import InputError
from malark.core.history import TREND_BETTER, TREND_SAME, TREND_WORSE
from malark.core.history import trend as core_trend
from malark.core.swedish import number_from_cell
from malark.xlsx.consolidated_reader import read_consolidated
from malark.xlsx.meta import WorkbookMeta

__all__ = ["KOLADA", "History", "HistoryPoint", "Trend", "history_from_previous", "period_key", "trend"]

KOLADA = SOURCE_KOLADA
"""`source` of a value fetched from Kolada (SPEC 9): the report marks it `Källa: Kolada`."""
_ORDER = {p: i for i, p in enumerate(PERIODS)}
_INDICATORS = next(s for s in CONSOLIDATED_DATA_SHEETS if s.name == COMMITTEE_INDIKATORER.name)


def period_key(year: int, period: str | None) -> tuple[int, int]:
    """Sort key of a (year, period): Plan < T1 < T2 < Helår; a yearly value is a Helår."""
    return year, _ORDER.get(period or Period.HELAR.value, len(_ORDER))


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    year: int
    period: str | None
    value: float
    source: str | None = None

    @property
    def label(self) -> str:
        """Column heading: `T1 2027`, or `2026` for a yearly value."""
        return f"{self.period} {self.year}" if self.period else str(self.year)

    @property
    def key(self) -> tuple[int, int]:
        return period_key(self.year, self.period)


class History:
    """Indicator id → its earlier points, oldest first, one per (year, period)."""

    def __init__(self) -> None:
        self._points: dict[str, dict[tuple[int, int], HistoryPoint]] = {}
        self._notes: dict[str, str] = {}

    @classmethod
    def from_points(cls, points: Mapping[str, Iterable[tuple[int, str | None, float, str | None]]]
                    ) -> History:
        """The seam: `{"KF1-I1": [(2026, "Helår", 71.0, "Kolada"), (2027, "T1", 72.5, None)]}`."""
        history = cls()
        for indicator_id, rows in points.items():
            for year, period, value, source in rows:
                history.add(indicator_id, HistoryPoint(int(year), period, float(value), source))
        return history

    def add(self, indicator_id: str, point: HistoryPoint) -> None:
        """Keep the first point given for a (year, period): callers add the source they
        trust most first."""
        self._points.setdefault(indicator_id, {}).setdefault(point.key, point)

    def add_note(self, indicator_id: str, note: str) -> None:
        """A person's note on the indicator's series (`2021: SCB bytte metod`); the first kept."""
        self._notes.setdefault(indicator_id, note)

    def note(self, indicator_id: str) -> str | None:
        return self._notes.get(indicator_id)

    def extend(self, other: History) -> History:
        for indicator_id, points in other._points.items():
            for point in points.values():
                self.add(indicator_id, point)
        for indicator_id, note in other._notes.items():
            self.add_note(indicator_id, note)
        return self

    def before(self, indicator_id: str, year: int, period: str) -> list[HistoryPoint]:
        """The points of `indicator_id` earlier than (year, period), oldest first."""
        limit = period_key(year, period)
        points = self._points.get(indicator_id, {})
        return [points[k] for k in sorted(points) if k < limit]


def history_from_previous(paths: Sequence[Path | str], current: WorkbookMeta,
                          current_file: str) -> History:
    """The outcomes in earlier consolidated workbooks of the same municipality. A file of
    another municipality, or of this or a later period, is refused by name (`InputError`)."""
    history = History()
    for path in paths:
        earlier = read_consolidated(path, sheets=(_INDICATORS,), role="Den tidigare sammanställningen")
        _check_earlier(earlier.path.name, earlier.meta, current, current_file)
        for row in earlier.tables[_INDICATORS.name].rows:
            value = number_from_cell(row.value("outcome"))
            if row.text(CARRIED_FROM_COLUMN.field):
                continue  # an earlier period's row carried along: not this period's outcome
            if row.text("id") and value is not None:
                history.add(row.text("id"), HistoryPoint(earlier.meta.budgetår, earlier.meta.period.value,
                                                         value))
    return history


def _check_earlier(name: str, earlier: WorkbookMeta, current: WorkbookMeta, current_file: str) -> None:
    if (earlier.kommun, earlier.kommunkod) != (current.kommun, current.kommunkod):
        raise InputError(f"--previous {name} gäller {earlier.kommun} ({earlier.kommunkod}), men "
                         f"{current_file} gäller {current.kommun} ({current.kommunkod}). Ange "
                         "tidigare sammanställningar för samma kommun.")
    then, now = (period_key(m.budgetår, m.period.value) for m in (earlier, current))
    if then >= now:
        raise InputError(f"--previous {name} gäller {earlier.period.value} {earlier.budgetår}, som inte "
                         f"är före rapportens period ({current.period.value} {current.budgetår} i "
                         f"{current_file}). Ange bara tidigare perioders sammanställningar.")


@dataclass(frozen=True, slots=True)
class Trend:
    symbol: str
    """▲ better, ▼ worse, ▶ unchanged: the consolidated workbook's own trend signs."""
    word: str
    """`bättre`, `sämre` or `oförändrat`, so the sign is never read alone."""

    @property
    def text(self) -> str:
        return f"{self.symbol}\u00a0{self.word}"


_WORDS = {TREND_BETTER: "bättre", TREND_WORSE: "sämre", TREND_SAME: "oförändrat"}


def trend(previous: float | None, outcome: float | None, direction: str | None) -> Trend | None:
    """The trend from the last earlier value to this period's outcome (the rule of the
    consolidated workbook's `Trend`, `malark.core.history.trend`: in the indicator's
    direction, under 0,5 % change is unchanged), or None."""
    symbol = core_trend(previous, outcome, direction or Direction.HIGHER.value)
    return Trend(symbol, _WORDS[symbol]) if symbol else None
