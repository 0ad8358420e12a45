"""The `Översikt` sheet and the `Avvikelser` rows of the consolidated workbook.

Roll-up rule (one light per KF goal and committee, shown in the `Översikt` matrix):
1. the worst `Bedömning` (Röd < Gul < Grön) among the committee's nämndmål under the KF
   goal (`Ej bedömd` and empty assessments do not count);
2. if none of them is assessed: the worst indicator light among the committee's
   indicators on those nämndmål or directly on the KF goal;
3. otherwise the cell is empty (nothing reported); `–` on grey when the KF goal is not
   addressed to the committee and the committee reported nothing under it.

Each row also shows the coordinating committee's own assessment of the KF goal (as it
typed it, with a fill) and the worst light of the KF indicators; the KF indicators are
listed with their outcome and light below the legend, and a per-committee summary of
goal fulfilment (counts and shares of Grön/Gul/Röd/Ej bedömd of its nämndmål) with a
stacked bar chart follows on the next printed page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from malark.core.contract import (
    COMMITTEE_INDIKATORER,
    COMMITTEE_KF_MAL,
    COMMITTEE_NAMNDMAL,
    CONSOLIDATED_DATA_SHEETS,
    LIGHT_CODES,
    LIGHT_RED,
    MODEL_KF_INDIKATORER,
    OVERVIEW_COORDINATOR_ASSESSMENT,
    OVERVIEW_SUMMARY_HEADERS,
    TREND_COLUMN,
    Assessment,
    Period,
)
from malark.core.history import History
from malark.core.model import GoalModel, KfGoal
from malark.merge.history import indicator_trend, trend_rules
from malark.merge.style import (
    LINE_HEIGHT,
    Styles,
    assessment_fill_rules,
    icon_rule,
    text_lines,
    write_header,
    write_value,
)

__all__ = ["NOT_ADDRESSED", "deviation_rows", "goal_lights", "write_overview"]

NOT_ADDRESSED = "–"
_SPECS = {s.name: s for s in CONSOLIDATED_DATA_SHEETS}
TITLE = "Målstyrning {kommun} kommun {year} – {period}"
SUBTITLE = "{merged} av {total} nämnder inlästa. Vision: {vision}"
LEGEND_TITLE = "Teckenförklaring"
LEGEND = (
    (3, "Grön – målet uppnått"),
    (2, "Gul – under kontroll, följ utvecklingen"),
    (1, "Röd – stor avvikelse, åtgärder krävs"),
    (None, "Tomt – inget bedömt eller rapporterat"),
    (NOT_ADDRESSED, "KF-målet är inte adresserat till nämnden"),
)
RULE_TEXT = ("Nämndens ljus: sämsta bedömningen av nämndens nämndmål under KF-målet; finns "
             "ingen bedömning används sämsta trafikljuset för nämndens indikatorer.")
SUMMARY_TITLE = "Måluppfyllelse per nämnd (nämndmålens bedömning)"
CHART_COLOURS = ("#63BE7B", "#FFD966", "#F8696B", "#BFBFBF")
MATRIX_WIDTHS = (8, 12, 60, 12, 14, 11)
COMMITTEE_WIDTH = 7


def _index(sheet: str, field: str) -> int:
    return _SPECS[sheet].index(field)


def assessment_code(value: Any) -> int | None:
    """3/2/1 for Grön/Gul/Röd typed in a cell; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        return LIGHT_CODES.get(Assessment(value.strip()))
    except ValueError:
        return None


def _worst(codes: list[int]) -> int | None:
    return min(codes) if codes else None


def goal_lights(model: GoalModel,
                rows: dict[str, list[list[Any]]]) -> dict[tuple[str, str], int | str | None]:
    """(KF goal id, committee id) → the rolled-up light, `NOT_ADDRESSED`, or None."""
    goals, indicators = COMMITTEE_NAMNDMAL.name, COMMITTEE_INDIKATORER.name
    c, g_id, g_kf, g_as = 0, _index(goals, "id"), _index(goals, "kf_goal_id"), _index(goals, "assessment")
    kf_of: dict[tuple[str, str], str] = {}
    assessed: dict[tuple[str, str], list[int]] = {}
    reported: set[tuple[str, str]] = set()
    for row in rows[goals]:
        kf = str(row[g_kf]).strip() if row[g_kf] is not None else ""
        if row[g_id] is not None:
            kf_of[(row[c], str(row[g_id]).strip())] = kf
        reported.add((kf, row[c]))
        code = assessment_code(row[g_as])
        if code is not None:
            assessed.setdefault((kf, row[c]), []).append(code)
    lit: dict[tuple[str, str], list[int]] = {}
    i_goal, i_light = _index(indicators, "goal_id"), _index(indicators, "light")
    for row in rows[indicators]:
        goal = str(row[i_goal]).strip() if row[i_goal] is not None else ""
        kf = kf_of.get((row[c], goal), goal)
        reported.add((kf, row[c]))
        if isinstance(row[i_light], int):
            lit.setdefault((kf, row[c]), []).append(row[i_light])
    result: dict[tuple[str, str], int | str | None] = {}
    for goal in model.kf_goals:
        for committee in model.committee_ids:
            key = (goal.id, committee)
            if committee not in goal.addressed and key not in reported:
                result[key] = NOT_ADDRESSED
            else:
                result[key] = _worst(assessed.get(key, [])) or _worst(lit.get(key, []))
    return result


def _coordinator_assessments(model: GoalModel, rows: dict[str, list[list[Any]]]) -> dict[str, Any]:
    sheet = COMMITTEE_KF_MAL.name
    k_id, k_as = _index(sheet, "id"), _index(sheet, "assessment")
    coordinator = {g.id: g.coordinator for g in model.kf_goals}
    return {row[k_id]: row[k_as] for row in rows[sheet]
            if row[k_id] in coordinator and row[0] == coordinator[row[k_id]]}


def _kf_indicator_rows(model: GoalModel, rows: dict[str, list[list[Any]]]) -> list[list[Any]]:
    """Id, Mål, Indikator, Enhet, Utgångsvärde, Målvärde, Utfall, Trafikljus, Trend per KF
    indicator; outcome and light from the coordinating committee's row (else any committee's)."""
    sheet = COMMITTEE_INDIKATORER.name
    r_id, r_out, r_light = (_index(sheet, f) for f in ("id", "outcome", "light"))
    coordinator = {g.id: g.coordinator for g in model.kf_goals}
    owner = {i.id: coordinator.get(i.goal_id) for i in model.kf_indicators}
    reported: dict[str, list[Any]] = {}
    for row in rows[sheet]:
        if row[r_id] in owner and (row[r_id] not in reported or row[0] == owner[row[r_id]]):
            reported[row[r_id]] = row
    history = History(model.indicator_values)
    result = []
    for ind in model.kf_indicators:
        row = reported.get(ind.id)
        outcome, light = (row[r_out], row[r_light]) if row else (None, None)
        result.append([ind.id, ind.goal_id, ind.name, ind.unit, ind.baseline, ind.target, outcome, light,
                       indicator_trend(history, model.budget_year, ind.id, outcome, ind.direction.value)])
    return result


def _goal_row(goal: KfGoal, model: GoalModel, lights, assessments, kf_rows) -> list[Any]:
    kf_lights = [r[7] for r in kf_rows if r[1] == goal.id and isinstance(r[7], int)]
    return [goal.id, goal.perspective.value, goal.text, goal.coordinator,
            assessments.get(goal.id), _worst(kf_lights),
            *(lights[(goal.id, c)] for c in model.committee_ids)]


def _summary_rows(model: GoalModel, rows: dict[str, list[list[Any]]]) -> list[list[Any]]:
    sheet = COMMITTEE_NAMNDMAL.name
    g_as = _index(sheet, "assessment")
    counts = {c: [0, 0, 0, 0] for c in model.committee_ids}
    slot = {3: 0, 2: 1, LIGHT_RED: 2}
    for row in rows[sheet]:
        if row[0] in counts:
            counts[row[0]][slot.get(assessment_code(row[g_as]), 3)] += 1
    result = []
    for committee in model.committees:
        n = counts[committee.id]
        total = sum(n)
        shares = [x / total if total else None for x in n]
        result.append([committee.id, total, committee.name, *n, *shares])
    return result


def write_overview(ws, styles: Styles, model: GoalModel, period: Period,
                   rows: dict[str, list[list[Any]]], merged: list[str]) -> None:
    """Write the whole `Översikt` sheet, top to bottom (constant_memory order)."""
    committees = model.committee_ids
    last_col = len(MATRIX_WIDTHS) + len(committees) - 1
    for index, width in enumerate(MATRIX_WIDTHS):
        ws.set_column(index, index, width, styles.wrap_middle if index == 2 else styles.middle)
    ws.set_column(len(MATRIX_WIDTHS), last_col, COMMITTEE_WIDTH, styles.centre)
    ws.write_string(0, 0, TITLE.format(kommun=model.municipality, year=model.budget_year,
                                       period=period.value), styles.title)
    ws.set_row(3, LINE_HEIGHT * 3)
    ws.write_string(1, 0, SUBTITLE.format(merged=len(merged), total=len(committees),
                                          vision=model.vision), styles.subtitle)
    kf = COMMITTEE_KF_MAL
    write_header(ws, styles, [kf.column("id").header, kf.column("perspective").header,
                              kf.column("text").header, kf.column("coordinator").header,
                              OVERVIEW_COORDINATOR_ASSESSMENT, MODEL_KF_INDIKATORER.name, *committees], row=3)
    ws.freeze_panes(4, 3)
    lights = goal_lights(model, rows)
    assessments = _coordinator_assessments(model, rows)
    kf_rows = _kf_indicator_rows(model, rows)
    r = 4
    for goal in model.kf_goals:
        ws.set_row(r, LINE_HEIGHT * text_lines(goal.text, MATRIX_WIDTHS[2]))
        for column, value in enumerate(_goal_row(goal, model, lights, assessments, kf_rows)):
            fmt = styles.not_addressed if value == NOT_ADDRESSED else None
            write_value(ws, styles, r, column, value, fmt)
        r += 1
    assessment_fill_rules(ws, styles, 4, r - 1, 4)
    icon_rule(ws, 4, r - 1, 5, last_col, icons_only=True)
    r = _write_legend(ws, styles, r + 1)
    r = _write_kf_indicators(ws, styles, r + 1, kf_rows)
    _write_summary(ws, styles, r + 1, _summary_rows(model, rows))
    _page_setup(ws, r + 1, last_col)


def _write_legend(ws, styles: Styles, r: int) -> int:
    ws.write_string(r, 0, LEGEND_TITLE, styles.section)
    first = r + 1
    for code, text in LEGEND:
        r += 1
        write_value(ws, styles, r, 0, code, styles.not_addressed if code == NOT_ADDRESSED else None)
        ws.write_string(r, 2, text)
    icon_rule(ws, first, r, 0, icons_only=True)
    r += 1
    ws.set_row(r, LINE_HEIGHT * text_lines(RULE_TEXT, MATRIX_WIDTHS[2]))
    ws.write_string(r, 2, RULE_TEXT, styles.wrap)
    return r + 1


def _write_kf_indicators(ws, styles: Styles, r: int, kf_rows: list[list[Any]]) -> int:
    ws.write_string(r, 0, MODEL_KF_INDIKATORER.name, styles.section)
    ws.set_row(r + 1, LINE_HEIGHT * 2)
    spec = COMMITTEE_INDIKATORER
    write_header(ws, styles, [*(spec.column(f).header for f in (
        "id", "goal_id", "name", "unit", "baseline", "target", "outcome", "light")),
        TREND_COLUMN.header], row=r + 1)
    first = r + 2
    for offset, row in enumerate(kf_rows):
        ws.set_row(first + offset, LINE_HEIGHT * text_lines(row[2], MATRIX_WIDTHS[2]))
        for column, value in enumerate(row):
            write_value(ws, styles, first + offset, column, value)
    icon_rule(ws, first, first + len(kf_rows) - 1, 7)
    trend_rules(ws, first, first + len(kf_rows) - 1, 8, styles.workbook)
    return first + len(kf_rows)


def _write_summary(ws, styles: Styles, r: int, summary: list[list[Any]]) -> None:
    ws.write_string(r, 0, SUMMARY_TITLE, styles.section)
    ws.set_row(r + 1, LINE_HEIGHT * 2)
    write_header(ws, styles, OVERVIEW_SUMMARY_HEADERS, row=r + 1)
    first = r + 2
    for offset, row in enumerate(summary):
        for column, value in enumerate(row):
            fmt = styles.percent if column >= 7 else styles.centre if column != 2 else None
            write_value(ws, styles, first + offset, column, value, fmt)
    last = first + len(summary) - 1
    if not summary:
        return
    chart = styles.workbook.add_chart({"type": "bar", "subtype": "percent_stacked"})
    for index, colour in enumerate(CHART_COLOURS):
        chart.add_series({
            "name": [ws.name, r + 1, 3 + index],
            "categories": [ws.name, first, 0, last, 0],
            "values": [ws.name, first, 3 + index, last, 3 + index],
            "fill": {"color": colour}, "border": {"color": "#FFFFFF"}, "gap": 40,
        })
    chart.set_title({"name": SUMMARY_TITLE, "name_font": {"size": 11}})
    chart.set_y_axis({"reverse": True})
    chart.set_x_axis({"num_format": "0%", "max": 1})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 860, "height": 90 + 22 * len(summary)})
    ws.insert_chart(last + 2, 0, chart)


def _page_setup(ws, summary_row: int, last_col: int) -> None:
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_h_pagebreaks([summary_row])


def deviation_rows(model: GoalModel, rows: dict[str, list[list[Any]]]) -> Iterator[list[Any]]:
    """Every Röd and Gul goal: KF goals as assessed by their coordinator and nämndmål;
    Röd first, then committee order of the model, KF goals before nämndmål, sheet order."""
    order = {c: i for i, c in enumerate(model.committee_ids)}
    found: list[tuple[tuple[int, int, int, int], list[Any]]] = []
    kf, goals = COMMITTEE_KF_MAL.name, COMMITTEE_NAMNDMAL.name
    k = [_index(kf, f) for f in ("id", "text", "assessment", "analysis")]
    for n, row in enumerate(rows[kf]):
        code = assessment_code(row[k[2]])
        if code is not None and code < 3:
            found.append(((code, order.get(row[0], len(order)), 0, n),
                          [row[0], kf, row[k[0]], row[k[0]], row[k[1]], row[k[2]], row[k[3]], None]))
    g = [_index(goals, f) for f in ("id", "kf_goal_id", "text", "assessment", "analysis", "actions")]
    for n, row in enumerate(rows[goals]):
        code = assessment_code(row[g[3]])
        if code is not None and code < 3:
            found.append(((code, order.get(row[0], len(order)), 1, n),
                          [row[0], goals, *(row[i] for i in g)]))
    for _key, row in sorted(found, key=lambda item: item[0]):
        yield row
