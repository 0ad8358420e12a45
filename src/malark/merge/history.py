"""The consolidated workbook's indicator history (SPEC 9): the `Historik` sheet and the
trend column.

`Historik` (header in row 1, data from row 2, one row per indicator and series):

    Indikator-id | Mål | Indikator | Enhet | Riktning | Serie | <år> … <budgetår> | Trend | Källa | Anmärkning

The year columns run from the model's first year of history to the budget year (the
header is the year as a number). A series is the municipality (`Serie` = the
municipality's name) or a comparison (`Riket (0000)`). The budget year's cell of the
municipality's series is this period's outcome as the committees reported it (the
coordinating committee's for a KF indicator); the earlier years come from the model's
`Indikatorvärden`. KF indicators come first in the model's order, then the committees'
indicators that have a history (in sheet order; the others are on `Indikatorer` and
have nothing to add here), then indicators only the history knows. A blank row ends
the table; below it the legend and the credit. Cells with a value fetched from Kolada
are blue and italic and the credit names Kolada as their source; trends and everything
else are malark's and the committees', never Kolada's. A person's note (`SCB bytte
metod 2021`) stands in `Anmärkning` with its year, and the year's cell is shaded.

Trend (`Trend` here, in `Indikatorer` and on `Översikt`): the latest value against the
year before it, in the direction of `Riktning` (`malark.core.history.trend`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from malark.core.contract import (
    COMMITTEE_INDIKATORER,
    HISTORY_HEADERS,
    HISTORY_TAIL_HEADERS,
    SOURCE_COMMITTEE,
    SOURCE_KOLADA,
    Direction,
    Period,
)
from malark.core.history import TREND_BETTER, TREND_SAME, TREND_WORSE, History, trend
from malark.core.model import GoalModel
from malark.core.swedish import number_from_cell
from malark.merge.style import LINE_HEIGHT, Styles, value_writer, wrapped_lines, write_value

__all__ = ["HistoryRow", "end_trend_column", "history_rows", "indicator_trend", "trend_rules",
           "write_history", "write_history_sheets"]

_I = {f: 1 + COMMITTEE_INDIKATORER.index(f) for f in
      ("id", "goal_id", "name", "unit", "direction", "outcome")}
"""Positions in a consolidated `Indikatorer` row (`Nämnd` first)."""
TREND_LEGEND = ("Trend: ▲ bättre än året före, ▼ sämre, ▶ oförändrat (mindre än 0,5 % skillnad), "
                "i indikatorns riktning. Trenden är beräknad av malark.")
KOLADA_CREDIT = ("Källa: Kolada (RKA) för värden i blå kursiv stil (Källa Kolada i målmodellens "
                 "Indikatorvärden, hämtade med malark kolada).")
OTHER_SOURCES = ("Övriga värden: målmodellens Indikatorvärden (källa enligt kolumnen Källa) och "
                 "nämndernas utfall {period} {year}.")
KOLADA_FORMAT = {"font_color": "#1F4E78", "italic": True}
"""How a value fetched from Kolada looks wherever it is shown (the credit names it)."""
NOTED_FORMAT = {"bg_color": "#FCE4D6"}
"""A year with a person's note, such as a series break."""
TREND_COLOURS = {TREND_BETTER: "#00803C", TREND_WORSE: "#C00000", TREND_SAME: "#595959"}
WIDTHS = (12, 8, 45, 8, 15, 16)
TAIL_WIDTHS = (7, 34, 45)
YEAR_WIDTH = 8


@dataclass(slots=True)
class HistoryRow:
    indicator_id: str
    goal_id: str | None
    name: str | None
    unit: str | None
    direction: str
    series: str
    comparison: str | None
    values: dict[int, float] = field(default_factory=dict)
    sources: dict[int, str] = field(default_factory=dict)
    notes: list[tuple[int, str]] = field(default_factory=list)
    target: float | None = None
    target_year: int | None = None
    is_kf: bool = False

    @property
    def trend(self) -> str | None:
        """The latest value against the year before it."""
        if not self.values:
            return None
        latest = max(self.values)
        return trend(self.values.get(latest - 1), self.values[latest], self.direction)

    def from_kolada(self, year: int) -> bool:
        return self.sources.get(year) == SOURCE_KOLADA


def indicator_trend(history: History, budget_year: int, indicator_id: Any, outcome: Any,
                    direction: Any) -> str | None:
    """This period's outcome against the history's value of the year before (None when
    either is missing)."""
    if not isinstance(indicator_id, str):
        return None
    earlier = history.series(indicator_id.strip()).get(budget_year - 1)
    return trend(earlier.value if earlier else None, number_from_cell(outcome),
                 direction if direction in (Direction.HIGHER.value, Direction.LOWER.value)
                 else Direction.HIGHER.value)


def _reported(model: GoalModel, rows: list[list[Any]]) -> dict[str, list[Any]]:
    """Indicator id → the consolidated row its current outcome comes from (for a KF
    indicator the coordinating committee's row, else the first that reports it)."""
    coordinator = {g.id: g.coordinator for g in model.kf_goals}
    owner = {i.id: coordinator.get(i.goal_id) for i in model.kf_indicators}
    chosen: dict[str, list[Any]] = {}
    for row in rows:
        indicator_id = row[_I["id"]]
        if not isinstance(indicator_id, str) or not indicator_id.strip():
            continue
        indicator_id = indicator_id.strip()
        if indicator_id not in chosen or (indicator_id in owner and row[0] == owner[indicator_id]):
            chosen[indicator_id] = row
    return chosen


def _series_rows(base: HistoryRow, history: History, municipality: str, current: float | None,
                 budget_year: int, period: Period) -> list[HistoryRow]:
    result = []
    for comparison, name in [(None, municipality), *history.comparisons(base.indicator_id)]:
        label = municipality if comparison is None else (f"{name} ({comparison})" if name else comparison)
        row = replace(base, series=label, comparison=comparison, values={}, sources={}, notes=[])
        for year, item in history.series(base.indicator_id, comparison).items():
            row.values[year] = item.value  # type: ignore[assignment]
            row.sources[year] = item.source or "–"
        row.notes = history.notes(base.indicator_id, comparison)
        if comparison is None and current is not None:
            row.values[budget_year] = current
            row.sources[budget_year] = f"{SOURCE_COMMITTEE} {period.value}"
        result.append(row)
    return result


def history_rows(model: GoalModel, period: Period,
                 rows: dict[str, list[list[Any]]]) -> tuple[list[int], list[HistoryRow]]:
    """The years shown and the rows of `Historik`, in order."""
    history = History(model.indicator_values)
    reported = _reported(model, rows[COMMITTEE_INDIKATORER.name])
    bases: list[tuple[HistoryRow, list[Any] | None]] = []
    for indicator in model.kf_indicators:
        bases.append((HistoryRow(indicator.id, indicator.goal_id, indicator.name, indicator.unit,
                                 indicator.direction.value, "", None, target=indicator.target,
                                 target_year=indicator.target_year, is_kf=True),
                      reported.get(indicator.id)))
    known = {i.id for i in model.kf_indicators}
    with_history = set(history.indicator_ids)
    for indicator_id, row in reported.items():
        if indicator_id not in known and indicator_id in with_history:
            direction = row[_I["direction"]]
            bases.append((HistoryRow(indicator_id, row[_I["goal_id"]], row[_I["name"]], row[_I["unit"]],
                                     direction if direction in (d.value for d in Direction)
                                     else Direction.HIGHER.value, "", None), row))
            known.add(indicator_id)
    for indicator_id in history.indicator_ids:
        if indicator_id not in known:
            bases.append((HistoryRow(indicator_id, None, None, None, Direction.HIGHER.value, "", None),
                          None))
    result: list[HistoryRow] = []
    for base, row in bases:
        current = number_from_cell(row[_I["outcome"]]) if row is not None else None
        result += _series_rows(base, history, model.municipality, current, model.budget_year, period)
    years = sorted({y for r in result for y in r.values} | {y for r in result for y, _ in r.notes}
                   | {model.budget_year})
    return list(range(years[0], years[-1] + 1)), result


def _source_text(row: HistoryRow) -> str:
    """`Kolada 2019–2026; Nämnd T1 2027`: each source with its years."""
    by_source: dict[str, list[int]] = {}
    for year in sorted(row.sources):
        by_source.setdefault(row.sources[year], []).append(year)
    parts = []
    for source, years in by_source.items():
        spans = []
        for year in years:
            if spans and spans[-1][1] == year - 1:
                spans[-1][1] = year
            else:
                spans.append([year, year])
        parts.append(f"{source} " + ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in spans))
    return "; ".join(parts)


def trend_rules(ws, first_row: int, last_row: int, column: int, workbook) -> None:
    """Colour ▲ green, ▼ red and ▶ grey in a column (rows 0-based, inclusive)."""
    if last_row < first_row:
        return
    for arrow, colour in TREND_COLOURS.items():
        ws.conditional_format(first_row, column, last_row, column, {
            "type": "cell", "criteria": "==", "value": f'"{arrow}"',
            "format": workbook.add_format({"font_color": colour, "bold": True})})


def write_history(ws, styles: Styles, model: GoalModel, period: Period,
                  years: list[int], rows: list[HistoryRow]) -> int:
    """Write `Historik`; returns the number of data rows."""
    add = styles.workbook.add_format
    top = add({"valign": "top"})
    kolada = add({**KOLADA_FORMAT, "valign": "top"})
    noted = add({**NOTED_FORMAT, "valign": "top"})
    noted_kolada = add({**KOLADA_FORMAT, **NOTED_FORMAT, "valign": "top"})
    headers = [*HISTORY_HEADERS, *years, *HISTORY_TAIL_HEADERS]
    first_year, tail = len(HISTORY_HEADERS), len(HISTORY_HEADERS) + len(years)
    wrapped = (2, tail + 1, tail + 2)
    widths = (*WIDTHS, *[YEAR_WIDTH] * len(years), *TAIL_WIDTHS)
    for index, width in enumerate(widths):
        ws.set_column(index, index, width, styles.wrap if index in wrapped else top)
    for column, header in enumerate(headers):
        write_value(ws, styles, 0, column, header, styles.header)
    ws.freeze_panes(1, first_year)
    write = value_writer(ws, styles)
    number = 0
    for number, row in enumerate(rows, start=1):
        notes = "\n".join(f"{year}: {text}" for year, text in row.notes)
        sources = _source_text(row)
        texts = (row.name, sources, notes)
        lines = max(wrapped_lines(t, widths[i]) for t, i in zip(texts, wrapped, strict=True))
        if lines > 1:
            ws.set_row(number, LINE_HEIGHT * lines)
        for column, value in enumerate((row.indicator_id, row.goal_id, row.name, row.unit, row.direction,
                                        row.series)):
            write(number, column, value)
        noted_years = {year for year, _ in row.notes}
        for year in row.values.keys() | noted_years:
            fmt = ((noted_kolada if row.from_kolada(year) else noted) if year in noted_years
                   else kolada if row.from_kolada(year) else None)
            if year in row.values:
                write(number, first_year + year - years[0], row.values[year], fmt)
            else:
                ws.write_blank(number, first_year + year - years[0], None, fmt)
        for column, value in enumerate((row.trend, sources or None, notes or None), start=tail):
            write(number, column, value)
    ws.autofilter(0, 0, max(number, 1), len(headers) - 1)
    trend_rules(ws, 1, number, tail, styles.workbook)
    footer = [TREND_LEGEND, OTHER_SOURCES.format(period=period.value, year=model.budget_year)]
    if any(SOURCE_KOLADA in r.sources.values() for r in rows):
        footer.insert(1, KOLADA_CREDIT)
    for offset, text in enumerate(footer, start=number + 2):
        ws.write_string(offset, 0, text)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    return number


def write_history_sheets(history_ws, trends_ws, styles: Styles, model: GoalModel, period: Period,
                         rows: dict[str, list[list[Any]]]) -> None:
    """`Historik` and `Trender` from the model's history and this period's rows."""
    from malark.merge.trends import write_trends

    years, history = history_rows(model, period, rows)
    write_history(history_ws, styles, model, period, years, history)
    write_trends(trends_ws, styles, model, years, history)


_TREND_AT = len(COMMITTEE_INDIKATORER.columns) + 1
"""The trend column of the consolidated `Indikatorer`: after `Nämnd` and SPEC 3's columns
(`contract.CONSOLIDATED_DATA_SHEETS` lays it out; `Från period` follows it)."""


def end_trend_column(ws, styles: Styles, last: int) -> None:
    """The arrows' colours in `Indikatorer`'s trend column, after the last row."""
    trend_rules(ws, 1, last, _TREND_AT, styles.workbook)
