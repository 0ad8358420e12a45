"""Indicator history (SPEC 9): the rows of the model's `Indikatorvärden` as series by
year, the trend against the previous year, and the `Kommentar` that `malark kolada`
writes.

A series is one indicator's values for the municipality, or for one comparison id (the
nation `0000`, a municipality group). A year's value is the row of the latest period
that year (a row without `Period` counts as `Helår`); where two rows tie, a value a
person typed wins over one fetched from Kolada.

`Kommentar` of a row `malark kolada` writes, parts separated by `·`:

    Jämförelse 0000 Riket · N03102 «Årets resultat …» · hämtad 2027-03-01

The first part only on comparison rows (SPEC 9: "comparison rows name their id in
`Kommentar`"). Anything else in the cell is a person's note (`SCB bytte metod 2021`):
it is kept when the row is updated and shown wherever the series is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from malark.core.contract import SOURCE_KOLADA, Direction, Period
from malark.core.model import IndicatorValue

__all__ = [
    "NATION",
    "SEPARATOR",
    "TREND_BETTER",
    "TREND_SAME",
    "TREND_WORSE",
    "CommentParts",
    "History",
    "YearValue",
    "compose_comment",
    "is_comparison_id",
    "parse_comment",
    "period_rank",
    "trend",
]

NATION = "0000"
"""Kolada's id of the whole country (Riket)."""
SEPARATOR = " · "
_COMPARISON = re.compile(r"Jämförelse\s+(?P<id>\d{4}|G\d+)(?:\s+(?P<name>.*\S))?", re.IGNORECASE)
_KPI = re.compile(r"(?P<kpi>[A-Za-z]\d{5})\s+«(?P<title>[^»]*)»")
_FETCHED = re.compile(r"hämtad\s+(?P<date>\d{4}-\d{2}-\d{2})", re.IGNORECASE)
_COMPARISON_ID = re.compile(r"\d{4}|G\d+")

TREND_BETTER, TREND_WORSE, TREND_SAME = "▲", "▼", "▶"
UNCHANGED_SHARE = 0.005
"""A change smaller than this share of the previous value counts as unchanged (▶)."""


def is_comparison_id(text: str) -> bool:
    """A Kolada municipality id (four digits, `0000` the nation) or group id (`G…`)."""
    return bool(_COMPARISON_ID.fullmatch(text))


@dataclass(frozen=True, slots=True)
class CommentParts:
    comparison_id: str | None = None
    comparison_name: str | None = None
    kpi: str | None = None
    kpi_title: str | None = None
    fetched: date | None = None
    note: str | None = None
    """Everything else in the cell, as typed."""


def parse_comment(text: str | None) -> CommentParts:
    if not text or not text.strip():
        return CommentParts()
    parts = [p.strip() for p in text.replace("\n", " · ").split("·")]
    found: dict[str, object] = {}
    notes: list[str] = []
    for index, part in enumerate(p for p in parts if p):
        if index == 0 and (m := _COMPARISON.fullmatch(part)):
            found.update(comparison_id=m["id"].upper(), comparison_name=m["name"])
        elif "kpi" not in found and (m := _KPI.fullmatch(part)):
            found.update(kpi=m["kpi"].upper(), kpi_title=m["title"].strip())
        elif "fetched" not in found and (m := _FETCHED.fullmatch(part)) and _valid_date(m["date"]):
            found["fetched"] = date.fromisoformat(m["date"])
        else:
            notes.append(part)
    return CommentParts(note=SEPARATOR.join(notes) or None, **found)  # type: ignore[arg-type]


def _valid_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def compose_comment(parts: CommentParts) -> str:
    pieces = []
    if parts.comparison_id:
        pieces.append(" ".join(p for p in ("Jämförelse", parts.comparison_id, parts.comparison_name) if p))
    if parts.kpi:
        pieces.append(f"{parts.kpi} «{parts.kpi_title or ''}»")
    if parts.fetched:
        pieces.append(f"hämtad {parts.fetched.isoformat()}")
    if parts.note:
        pieces.append(parts.note)
    return SEPARATOR.join(pieces)


def period_rank(period: Period | str | None) -> int:
    """Plan 0, T1 1, T2 2, Helår (or no period: the whole year) 3."""
    order = {Period.PLAN: 0, Period.T1: 1, Period.T2: 2, Period.HELAR: 3}
    return 3 if period is None else order[Period(period)]


@dataclass(frozen=True, slots=True)
class YearValue:
    year: int
    period: Period | None
    value: float | None
    source: str | None
    note: str | None = None


def _recency(item: YearValue) -> tuple[int, int, bool]:
    """Later year, later period, then a typed value over Kolada's."""
    return item.year, period_rank(item.period), item.source != SOURCE_KOLADA


class History:
    """The model's indicator values by indicator and series (None = the municipality)."""

    def __init__(self, values: Iterable[IndicatorValue]) -> None:
        self._rows: dict[tuple[str, str | None], list[YearValue]] = {}
        self._names: dict[tuple[str, str], str] = {}
        for row in values:
            parts = parse_comment(row.comment)
            key = (row.indicator_id, parts.comparison_id)
            self._rows.setdefault(key, []).append(
                YearValue(row.year, row.period, row.value, row.source, parts.note))
            if parts.comparison_id and parts.comparison_name:
                self._names[(row.indicator_id, parts.comparison_id)] = parts.comparison_name

    @property
    def indicator_ids(self) -> list[str]:
        return list(dict.fromkeys(indicator for indicator, _ in self._rows))

    def series(self, indicator_id: str, comparison: str | None = None) -> dict[int, YearValue]:
        """Year → the value of that year (rows without a value are left out)."""
        result: dict[int, YearValue] = {}
        for item in self._rows.get((indicator_id, comparison), ()):
            if item.value is not None and (item.year not in result
                                           or _recency(item) > _recency(result[item.year])):
                result[item.year] = item
        return dict(sorted(result.items()))

    def notes(self, indicator_id: str, comparison: str | None = None) -> list[tuple[int, str]]:
        """(year, note) of every row of the series that carries a person's note."""
        rows = self._rows.get((indicator_id, comparison), ())
        return sorted({(r.year, r.note) for r in rows if r.note})

    def comparisons(self, indicator_id: str) -> list[tuple[str, str | None]]:
        """(comparison id, its name as written) of the indicator, the nation first."""
        ids = sorted({c for i, c in self._rows if i == indicator_id and c},
                     key=lambda c: (c != NATION, c))
        return [(c, self._names.get((indicator_id, c))) for c in ids]

    def latest_before(self, indicator_id: str, year: int, period: Period) -> YearValue | None:
        """The municipality's latest value reported before `period` of `year` (a whole
        year counts as reported at its end)."""
        earlier = [item for item in self._rows.get((indicator_id, None), ())
                   if item.value is not None
                   and (item.year, period_rank(item.period)) < (year, period_rank(period))]
        return max(earlier, key=_recency, default=None)


def trend(previous: float | None, current: float | None, direction: Direction | str) -> str | None:
    """▲ better, ▼ worse, ▶ unchanged: `current` against `previous` in the direction of
    `Riktning` (a fall is better when lower is better); None when either is missing."""
    if previous is None or current is None:
        return None
    change = current - previous
    if abs(change) <= UNCHANGED_SHARE * abs(previous) or change == 0:
        return TREND_SAME
    if str(direction) == Direction.LOWER.value:
        change = -change
    return TREND_BETTER if change > 0 else TREND_WORSE
