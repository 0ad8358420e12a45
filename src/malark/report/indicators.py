"""Indicator tables: baseline, target, earlier outcomes, this period's outcome, trend and
light, one row per indicator, and the indicators' comments under the table.

Earlier outcomes come from `History` (earlier consolidated workbooks, the `Historik`
sheet, Kolada); where an indicator has none, its `Föregående utfall` (carried by
`generate --previous`) stands in. A value fetched from Kolada is marked `Källa: Kolada`.
"""

from __future__ import annotations

from dataclasses import dataclass

from malark.core.scale import DEFAULT_SCALE, AssessmentScale
from malark.core.swedish import number_from_cell
from malark.report.blocks import (
    Badge,
    Cell,
    Paragraph,
    Span,
    Table,
    light_badge,
    number_shown,
    shown,
    year_shown,
)
from malark.report.history import KOLADA, History, HistoryPoint, trend
from malark.xlsx.table import Row

__all__ = ["IndicatorLine", "indicator_table", "line_from_row"]

MAX_EARLIER_COLUMNS = 3
"""Earlier periods shown per table (the latest); the page has room for no more."""
PREVIOUS_OUTCOME = "Föregående"


@dataclass(frozen=True, slots=True)
class IndicatorLine:
    id: str
    row: Row
    """The indicator's row in the consolidated `Indikatorer` sheet."""
    earlier: tuple[HistoryPoint, ...]
    note: str | None = None
    """A person's note on the series (`2021: SCB bytte metod …`), from the history."""

    @property
    def fallback(self) -> float | None:
        """`Föregående utfall`, used only when the history has nothing for the indicator."""
        return None if self.earlier else number_from_cell(self.row.value("previous_outcome"))


def line_from_row(row: Row, history: History, year: int, period: str) -> IndicatorLine:
    indicator_id = row.text("id") or ""
    return IndicatorLine(indicator_id, row, tuple(history.before(indicator_id, year, period)),
                         history.note(indicator_id))


def _light(value, scale: AssessmentScale) -> Badge:
    code = number_from_cell(value)
    code = int(code) if code is not None and code.is_integer() and int(code) in (1, 2, 3) else None
    return light_badge(code, scale)


def _with_year(value, year, unit) -> Cell:
    text = number_shown(value, unit)
    if text is None:
        return ()
    when = year_shown(year)
    return (Span(f"{text} ({when})" if when else text),)


def _earlier_cell(value: float | None, unit, source: str | None = None) -> Cell:
    if value is None:
        return ()
    cell: Cell = (Span(number_shown(value, unit) or ""),)
    if source == KOLADA:
        cell += (Span(" (Källa: Kolada)", italic=True),)
    return cell


def indicator_table(caption: str, lines: list[IndicatorLine], period_label: str,
                    scale: AssessmentScale = DEFAULT_SCALE) -> Table:
    """The table of `lines`; `period_label` names this period's outcome column; lights in
    `scale`'s words."""
    labels: dict[tuple[int, int], str] = {}
    for point in (p for line in lines for p in line.earlier):
        labels.setdefault(point.key, point.label)
    earlier = sorted(labels)[-MAX_EARLIER_COLUMNS:]
    fallback = any(line.fallback is not None for line in lines)
    headers = ["Indikator", "Utgångs\u00advärde", "Mål\u00advärde", *(labels[k] for k in earlier),
               *([PREVIOUS_OUTCOME] if fallback else []), f"Utfall {period_label}", "Trend",
               "Trafik\u00adljus"]
    rows = []
    notes = []
    for line in lines:
        row = line.row
        unit = row.value("unit")
        by_key = {p.key: p for p in line.earlier}
        last = line.earlier[-1].value if line.earlier else line.fallback
        outcome = number_from_cell(row.value("outcome"))
        change = trend(last, outcome, shown(row.value("direction")))
        cells: list[Cell] = [
            (Span(shown(row.value("name")) or ""),),
            _with_year(row.value("baseline"), row.value("baseline_year"), unit),
            _with_year(row.value("target"), row.value("target_year"), unit),
            *(_earlier_cell(p.value, unit, p.source) if (p := by_key.get(key)) else ()
              for key in earlier),
        ]
        if fallback:
            cells.append(_earlier_cell(line.fallback, unit))
        outcome_text = number_shown(row.value("outcome"), unit)
        cells += [(Span(outcome_text),) if outcome_text else (),
                  (Span(change.text),) if change else (), (_light(row.value("light"), scale),)]
        rows.append(tuple(cells))
        name = shown(row.value("name")) or line.id
        for label, text in (("Kommentar", shown(row.value("comment"))), ("Anmärkning", line.note)):
            if text:
                notes.append(Paragraph((Span(f"{label} till ”{name}”: ", bold=True), Span(text)), "note"))
    count = len(earlier) + fallback
    widths = (5.4, 2.2, 2.2, *([1.8] * count), 2.0, 1.9, 2.1)
    numeric = frozenset(range(1, 4 + count))
    return Table(caption, tuple((Span(h),) for h in headers), tuple(rows), widths, numeric, tuple(notes))
