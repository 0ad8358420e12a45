"""What `malark kolada` changes in `Indikatorvärden`, worked out before anything is
written (SPEC 9).

For every KF indicator with a `Kolada-KPI`, every series (the municipality, then each
comparison id) and every year asked for, the fetched value meets the rows already there
for that indicator, year, series and whole year (`Period` empty or `Helår`):

- a row whose `Källa` is not `Kolada` holds a value a person typed: it is never touched;
  a different Kolada value is reported as a `Difference`;
- a row with `Källa` `Kolada` is malark's: its `Värde` follows Kolada (a value flagged
  deleted empties it and says so in `Kommentar`), and its `Kommentar` gets the KPI's
  current title and the fetch date; a person's note in it is kept;
- with no row, a fetched value becomes a new row at the end of the sheet.

A year Kolada has no value for (null, or not in the answer) leaves the sheet as it is
and is listed as missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from malark.core.contract import MODEL_INDIKATORVARDEN, SOURCE_KOLADA, Period
from malark.core.history import SEPARATOR, CommentParts, compose_comment, parse_comment
from malark.core.swedish import number_from_cell
from malark.kolada.client import DataPoint
from malark.xlsx.table import Row, Table

__all__ = ["Difference", "Plan", "Series", "Target", "plan_updates"]

DELETED_NOTE = "borttaget ur Kolada"
_SPEC = MODEL_INDIKATORVARDEN


@dataclass(frozen=True, slots=True)
class Target:
    """A KF indicator and the Kolada KPI that measures it."""

    indicator_id: str
    kpi: str


@dataclass(frozen=True, slots=True)
class Series:
    """The municipality (`comparison` False) or a comparison id, with Kolada's name."""

    id: str
    name: str | None
    comparison: bool


@dataclass(frozen=True, slots=True)
class Difference:
    """A value a person typed that Kolada has otherwise; the model keeps the person's."""

    indicator_id: str
    year: int
    series: str
    cell: str
    model_value: float
    source: str | None
    kolada_value: float


@dataclass(slots=True)
class Plan:
    cells: dict[str, Any] = field(default_factory=dict)
    """A1 address in `Indikatorvärden` → new value (only rows with Källa Kolada)."""
    new_rows: list[list[Any]] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    differences: list[Difference] = field(default_factory=list)
    missing: dict[str, list[int]] = field(default_factory=dict)
    """Indicator id → years Kolada has no value for the municipality."""
    title_changes: dict[str, str] = field(default_factory=dict)
    """KPI id → the title the model's rows had before."""

    @property
    def changes_anything(self) -> bool:
        return bool(self.cells or self.new_rows)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def _is_kolada(row: Row) -> bool:
    return (row.text("source") or "").casefold() == SOURCE_KOLADA.casefold()


def _number(row: Row) -> float | None:
    """`Värde` as the model reads it (a number typed as text with Swedish conventions too)."""
    return number_from_cell(row.value("value"))


def _index(table: Table) -> dict[tuple[str, int, str | None], list[Row]]:
    """Rows of whole-year values by (indicator, year, comparison id)."""
    index: dict[tuple[str, int, str | None], list[Row]] = {}
    for row in table:
        year = number_from_cell(row.value("year"))
        period = row.text("period")
        if year is None or (period and period != Period.HELAR.value):
            continue
        comparison = parse_comment(row.text("comment")).comparison_id
        index.setdefault((row.text("indicator_id") or "", int(year), comparison), []).append(row)
    return index


def plan_updates(table: Table, targets: Sequence[Target], series: Sequence[Series],
                 years: Sequence[int], points: dict[tuple[str, str, int], DataPoint],
                 titles: dict[str, str], today: date) -> Plan:
    """The changes that bring `table` (the sheet as it is) up to date with `points`
    (keyed by KPI, municipality id, year)."""
    plan = Plan()
    index = _index(table)
    for target in targets:
        if target.kpi not in titles:
            continue  # unknown to Kolada: warned about by the caller, nothing to fetch
        _note_title_change(plan, index, target, titles[target.kpi])
        for one in series:
            for year in years:
                slot = index.get((target.indicator_id, year, one.id if one.comparison else None), [])
                point = points.get((target.kpi, one.id, year))
                fetched = CommentParts(comparison_id=one.id if one.comparison else None,
                                       comparison_name=one.name if one.comparison else None,
                                       kpi=target.kpi, kpi_title=titles[target.kpi], fetched=today)
                _plan_slot(plan, slot, point, target, one, year, fetched)
    return plan


def _note_title_change(plan: Plan, index, target: Target, title: str) -> None:
    for (indicator_id, _year, _comparison), rows in index.items():
        if indicator_id != target.indicator_id:
            continue
        for row in rows:
            parts = parse_comment(row.text("comment"))
            if _is_kolada(row) and parts.kpi == target.kpi and parts.kpi_title not in (None, title):
                plan.title_changes[target.kpi] = parts.kpi_title or ""


def _plan_slot(plan: Plan, slot: list[Row], point: DataPoint | None, target: Target, one: Series,
               year: int, fetched: CommentParts) -> None:
    value = point.value if point is not None and not point.deleted else None
    person = [r for r in slot if not _is_kolada(r) and _number(r) is not None]
    if person:
        typed = _number(person[0])
        if value is not None and typed is not None and not _same(typed, value):
            plan.differences.append(Difference(
                target.indicator_id, year, one.name or one.id, person[0].cell("value").address,
                typed, person[0].text("source"), value))
        return
    ours = [r for r in slot if _is_kolada(r)]
    if ours:
        _update_row(plan, ours[0], point, fetched)
        return
    if value is not None:
        plan.new_rows.append([target.indicator_id, year, Period.HELAR.value, value, SOURCE_KOLADA,
                              compose_comment(fetched)])
        plan.added += 1
    elif not one.comparison and not (point is not None and point.deleted):
        plan.missing.setdefault(target.indicator_id, []).append(year)


def _update_row(plan: Plan, row: Row, point: DataPoint | None, fetched: CommentParts) -> None:
    """Bring a row malark wrote up to date. A year Kolada is silent about keeps its value;
    the KPI's title in `Kommentar` follows Kolada in every row."""
    old_value = _number(row)
    old = parse_comment(row.text("comment"))
    silent = point is None or (point.value is None and not point.deleted)
    deleted = point is not None and point.deleted
    new_value = old_value if silent else None if deleted else point.value  # type: ignore[union-attr]
    changed = not _same(old_value, new_value)
    note = old.note
    if deleted and changed:
        note = DELETED_NOTE if not note else f"{DELETED_NOTE}{SEPARATOR}{note}"
    parts = replace(fetched, note=note, fetched=fetched.fetched if changed else old.fetched,
                    comparison_name=fetched.comparison_name or old.comparison_name)
    comment = compose_comment(parts)
    if changed:
        plan.cells[row.cell("value").address] = new_value
        if deleted:
            plan.removed += 1
        else:
            plan.updated += 1
    else:
        plan.unchanged += 1
    if comment != (row.text("comment") or ""):
        plan.cells[row.cell("comment").address] = comment
