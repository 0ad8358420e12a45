"""The consolidated workbook's `Trender` sheet (SPEC 9): one block per KF indicator with
its values by year and a native line chart of them.

A block: the indicator as a heading; a small table `Serie | <år> … | Trend` with the
municipality's series, each comparison (`Riket (0000)`) and `Målvärde <år>` (the target,
the same in every year so the chart draws it as a line); a person's notes with their
year (a series break such as `SCB bytte metod 2021` is also written on the chart at
that year's point); the source line (`Källa: Kolada …` when any value was fetched
from Kolada); then the chart. Two blocks to a printed page.
"""

from __future__ import annotations

from typing import Any

from malark.core.model import GoalModel
from malark.merge.history import KOLADA_CREDIT, KOLADA_FORMAT, HistoryRow, trend_rules
from malark.merge.style import Styles, write_value

__all__ = ["write_trends"]

TITLE = "Trender för KF-indikatorerna"
INTRO = ("Varje diagram visar indikatorns värden per år, jämförelser och målvärdet som en linje. "
         "Senaste året är periodens utfall enligt nämnderna.")
NO_VALUES = "Inga värden än: lägg in historiken på målmodellens blad Indikatorvärden eller kör malark kolada."
NO_INDICATORS = "Målmodellen har inga KF-indikatorer."
CHART_ROWS = 17
LABEL_WIDTH = 30
YEAR_WIDTH = 8
COLOURS = {"own": "#1F4E78", "comparison": "#8C8C8C", "target": "#C00000"}
NOTE_LABEL_CHARS = 32
BREAK_COLOUR = "#C55A11"
"""A year with a person's note (a series break): its point and its label on the chart."""


def _blocks(rows: list[HistoryRow]) -> list[list[HistoryRow]]:
    """The KF indicators' rows, grouped per indicator (municipality first)."""
    blocks: dict[str, list[HistoryRow]] = {}
    for row in rows:
        if row.is_kf:
            blocks.setdefault(row.indicator_id, []).append(row)
    return list(blocks.values())


def write_trends(ws, styles: Styles, model: GoalModel, years: list[int], rows: list[HistoryRow]) -> None:
    ws.set_column(0, 0, LABEL_WIDTH, styles.wrap)
    ws.set_column(1, len(years) + 1, YEAR_WIDTH)
    ws.write_string(0, 0, f"{TITLE} – {model.municipality} {model.budget_year}", styles.title)
    ws.write_string(1, 0, INTRO, styles.subtitle)
    blocks = _blocks(rows)
    if not blocks:
        ws.write_string(3, 0, NO_INDICATORS)
    r, breaks = 3, []
    for number, block in enumerate(blocks):
        if number and number % 2 == 0:
            breaks.append(r)
        r = _write_block(ws, styles, r, years, block)
    ws.set_h_pagebreaks(breaks)
    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _table_rows(block: list[HistoryRow], years: list[int]) -> list[tuple[str, list[Any], str | None]]:
    own = block[0]
    table = [(row.series, [row.values.get(y) for y in years], row.trend) for row in block]
    if own.target is not None:
        label = f"Målvärde {own.target_year}" if own.target_year else "Målvärde"
        table.append((label, [own.target] * len(years), None))
    return table


def _block_years(block: list[HistoryRow], years: list[int]) -> list[int]:
    """From the block's first year with a value to the last year shown."""
    first = min((y for row in block for y in row.values), default=years[-1])
    return [y for y in years if y >= first]


def _write_block(ws, styles: Styles, r: int, all_years: list[int], block: list[HistoryRow]) -> int:
    years = _block_years(block, all_years)
    plain = styles.workbook.add_format({"valign": "top"})
    own = block[0]
    unit = f" ({own.unit})" if own.unit else ""
    ws.write_string(r, 0, f"{own.indicator_id} {own.name or ''}{unit}".strip(), styles.section)
    header = r + 1
    for column, value in enumerate(["Serie", *years, "Trend"]):
        write_value(ws, styles, header, column, value, styles.header)
    table = _table_rows(block, years)
    kolada = styles.workbook.add_format(KOLADA_FORMAT)
    for offset, (label, values, arrow) in enumerate(table, start=header + 1):
        ws.write_string(offset, 0, label)
        series = block[offset - header - 1] if offset - header - 1 < len(block) else None
        for column, (year, value) in enumerate(zip(years, values, strict=True), start=1):
            fmt = kolada if series is not None and series.from_kolada(year) else None
            write_value(ws, styles, offset, column, value, fmt)
        write_value(ws, styles, offset, len(years) + 1, arrow)
    last = header + len(table)
    trend_rules(ws, header + 1, last, len(years) + 1, styles.workbook)
    r = last + 1
    for row in block:
        for year, note in row.notes:
            ws.write_string(r, 0, f"Anmärkning {row.series} {year}: {note}", plain)
            r += 1
    if any(row.from_kolada(y) for row in block for y in row.values):
        ws.write_string(r, 0, KOLADA_CREDIT, plain)
        r += 1
    if not any(row.values for row in block):
        ws.write_string(r, 0, NO_VALUES, plain)
        return r + 2
    _chart(ws, styles, r, header, years, block, table)
    return r + CHART_ROWS + 1


def _note_labels(row: HistoryRow, years: list[int]) -> list[dict[str, Any]] | None:
    notes = dict(row.notes)
    if not any(y in notes and y in row.values for y in years):
        return None
    labels = []
    for year in years:
        text = notes.get(year)
        if text and year in row.values:
            text = text.split(" – ")[0]
            short = text if len(text) <= NOTE_LABEL_CHARS else text[:NOTE_LABEL_CHARS - 1] + "…"
            labels.append({"value": short})
        else:
            labels.append({"delete": True})
    return labels


def _chart(ws, styles: Styles, at: int, header: int, years: list[int], block: list[HistoryRow],
           table: list[tuple[str, list[Any], str | None]]) -> None:
    chart = styles.workbook.add_chart({"type": "line"})
    categories = [ws.name, header, 1, header, len(years)]
    for offset, (_label, _values, _arrow) in enumerate(table):
        row = header + 1 + offset
        kind = "own" if offset == 0 else "target" if offset >= len(block) else "comparison"
        series: dict[str, Any] = {
            "name": [ws.name, row, 0], "categories": categories,
            "values": [ws.name, row, 1, row, len(years)],
            "line": {"color": COLOURS[kind], "width": 2.25 if kind == "own" else 1.5,
                     **({"dash_type": "dash"} if kind != "own" else {})},
            "marker": ({"type": "circle", "size": 6, "fill": {"color": COLOURS[kind]},
                        "border": {"color": COLOURS[kind]}} if kind != "target" else {"type": "none"}),
        }
        labels = _note_labels(block[0], years) if kind == "own" else None
        if labels:
            series["data_labels"] = {"value": True, "custom": labels, "position": "below",
                                     "font": {"size": 8, "color": BREAK_COLOUR},
                                     "fill": {"color": "#FFFFFF"}}
            series["points"] = [None if label.get("delete") else
                                {"fill": {"color": BREAK_COLOUR}, "border": {"color": BREAK_COLOUR}}
                                for label in labels]
        chart.add_series(series)
    own = block[0]
    chart.set_title({"name": f"{own.indicator_id} {own.name or ''}".strip(), "name_font": {"size": 10}})
    chart.set_y_axis({"name": own.unit or "", "major_gridlines": {"visible": True,
                                                                   "line": {"color": "#E0E0E0"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 20 * CHART_ROWS})
    ws.insert_chart(at, 0, chart, {"x_offset": 4, "y_offset": 4})
