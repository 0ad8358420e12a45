"""The `Översikt` sheet of the consolidated workbook, written top to bottom.

1. One row per KF goal: its text, the coordinating committee's assessment (as typed, with
   a fill), the worst light of the KF indicators, and per committee the rolled-up light
   (`malark.merge.rollup.goal_lights`). A committee without a merged file shows its
   status, `Saknas` or `Ej inläst`, never a blank that reads as "nothing assessed"; `–`
   marks a KF goal not addressed to the committee.
2. The KF goals the coordinating committee assessed Röd or Gul, with its `Analys` and
   `Åtgärder`; the legend; the KF indicators with outcome and light.
3. On the next printed page, a per-committee summary of goal fulfilment (counts and shares
   of Grön/Gul/Röd/Ej bedömd of its nämndmål) with a stacked bar chart.
"""

from __future__ import annotations

from typing import Any

from malark.core.contract import (
    COMMITTEE_INDIKATORER,
    COMMITTEE_KF_MAL,
    MODEL_KF_INDIKATORER,
    OVERVIEW_COORDINATOR_ASSESSMENT,
    OVERVIEW_SUMMARY_HEADERS,
    SUBMISSION_STATUS_MISSING,
    SUBMISSION_STATUS_NOT_READ,
    TREND_COLUMN,
    Period,
)
from malark.core.model import GoalModel, KfGoal
from malark.merge.history import trend_rules
from malark.merge.rollup import (
    NOT_ADDRESSED,
    assessment_code,
    coordinator_reports,
    goal_lights,
    kf_indicator_rows,
    kf_row_value,
    summary_rows,
    worst,
)
from malark.merge.style import (
    Styles,
    assessment_fill_rules,
    header_height,
    icon_rule,
    row_height,
    wrapped_lines,
    write_header,
    write_value,
)

__all__ = ["NOT_ADDRESSED", "write_overview"]

TITLE = "Målstyrning {kommun} kommun {year} – {period}"
SUBTITLE = "{merged} av {total} nämnder inlästa. Vision: {vision}"
LEGEND_TITLE = "Teckenförklaring"
LEGEND = (
    (3, "{gron} – målet uppnått"),
    (2, "{gul} – under kontroll, följ utvecklingen"),
    (1, "{rod} – stor avvikelse, åtgärder krävs"),
    (None, "Tomt – inget bedömt eller rapporterat"),
    (NOT_ADDRESSED, "KF-målet är inte adresserat till nämnden"),
    (SUBMISSION_STATUS_MISSING, "Nämnden har inte lämnat in någon fil för perioden"),
    (SUBMISSION_STATUS_NOT_READ, "Nämndens fil hade fel och lästes inte in (se Inlämningar)"),
)
RULE_TEXT = ("Nämndens ljus: sämsta bedömningen av nämndens nämndmål under KF-målet; finns "
             "ingen bedömning används sämsta trafikljuset för nämndens indikatorer.")
ACTIONS_TITLE = "KF-mål med avvikelse: samordnande nämndens analys och åtgärder"
NO_DEVIATIONS = "Ingen samordnande nämnd har bedömt sitt KF-mål som Rött eller Gult."
SUMMARY_TITLE = "Måluppfyllelse per nämnd (nämndmålens bedömning)"
CHART_COLOURS = ("#63BE7B", "#FFD966", "#F8696B", "#BFBFBF")
MATRIX_WIDTHS = (8, 12, 60, 13, 14, 12)
COMMITTEE_WIDTH = 9
_KF = COMMITTEE_KF_MAL


def write_overview(ws, styles: Styles, model: GoalModel, period: Period,
                   rows: dict[str, list[list[Any]]], merged: list[str],
                   absent: dict[str, str] | None = None) -> None:
    """Write the whole `Översikt` sheet, top to bottom (constant_memory order). `absent`:
    committee without a merged file → its status (`Saknas`, `Ej inläst`)."""
    absent = absent or {}
    committees = model.committee_ids
    last_col = len(MATRIX_WIDTHS) + len(committees) - 1
    widths = [*MATRIX_WIDTHS, *(COMMITTEE_WIDTH for _ in committees)]
    for index, width in enumerate(widths):
        ws.set_column(index, index, width)
    ws.write_string(0, 0, TITLE.format(kommun=model.municipality, year=model.budget_year,
                                       period=period.value), styles.title)
    ws.write_string(1, 0, SUBTITLE.format(merged=len(merged), total=len(committees),
                                          vision=model.vision), styles.subtitle)
    headers = [_KF.column("id").header, _KF.column("perspective").header, _KF.column("text").header,
               _KF.column("coordinator").header, OVERVIEW_COORDINATOR_ASSESSMENT,
               MODEL_KF_INDIKATORER.name, *committees]
    ws.set_row(3, header_height(headers, widths))
    write_header(ws, styles, headers, row=3)
    ws.freeze_panes(4, 3)
    lights = goal_lights(model, rows, styles.scale)
    reports = coordinator_reports(model, rows)
    kf_rows = kf_indicator_rows(model, rows)
    r = 4
    for goal in model.kf_goals:
        ws.set_row(r, row_height(wrapped_lines(goal.text, MATRIX_WIDTHS[2])))
        for column, (value, fmt) in enumerate(_goal_cells(goal, model, styles, lights, reports,
                                                          kf_rows, absent)):
            write_value(ws, styles, r, column, value, fmt)
        r += 1
    assessment_fill_rules(ws, styles, 4, r - 1, 4)
    icon_rule(ws, 4, r - 1, 5, last_col)
    r = _write_kf_actions(ws, styles, r + 1, model, reports, last_col)
    r = _write_legend(ws, styles, r + 1)
    r = _write_kf_indicators(ws, styles, r + 1, kf_rows, model, absent)
    _write_summary(ws, styles, r + 1, summary_rows(model, rows, styles.scale), absent, last_col)
    _page_setup(ws, r + 1)


def _goal_cells(goal: KfGoal, model: GoalModel, styles: Styles, lights, reports, kf_rows,
                absent: dict[str, str]) -> list[tuple[Any, Any]]:
    """(value, format) of each cell of a KF goal's row."""
    cells: list[tuple[Any, Any]] = [(goal.id, styles.text), (goal.perspective.value, styles.text),
                                    (goal.text, styles.text), (goal.coordinator, styles.text)]
    if goal.coordinator in absent:
        status = absent[goal.coordinator]
        cells += [(status, styles.absent), (status, styles.absent)]
    else:
        kf_lights = [r[7] for r in kf_rows if r[1] == goal.id and isinstance(r[7], int)]
        cells += [(kf_row_value(reports.get(goal.id), "assessment"), styles.centre),
                  (worst(kf_lights), styles.light)]
    for committee in model.committee_ids:
        light = lights[(goal.id, committee)]
        if light == NOT_ADDRESSED:
            cells.append((light, styles.not_addressed))
        elif committee in absent:
            cells.append((absent[committee], styles.absent))
        else:
            cells.append((light, styles.light))
    return cells


def _legend_format(styles: Styles, code: Any):
    if code == NOT_ADDRESSED:
        return styles.not_addressed
    return styles.absent if isinstance(code, str) else styles.light


def _write_legend(ws, styles: Styles, r: int) -> int:
    ws.write_string(r, 0, LEGEND_TITLE, styles.section)
    first = r + 1
    for code, text in LEGEND:
        r += 1
        if isinstance(code, str) and len(code) > MATRIX_WIDTHS[0]:
            ws.merge_range(r, 0, r, 1, code, _legend_format(styles, code))
        else:
            write_value(ws, styles, r, 0, code, _legend_format(styles, code))
        scale = styles.scale
        ws.write_string(r, 2, text.format(gron=scale.green, gul=scale.yellow, rod=scale.red),
                        styles.wrap)
    icon_rule(ws, first, r, 0)
    r += 1
    ws.set_row(r, row_height(wrapped_lines(RULE_TEXT, MATRIX_WIDTHS[2])))
    ws.write_string(r, 2, RULE_TEXT, styles.wrap)
    return r + 1


def _write_kf_indicators(ws, styles: Styles, r: int, kf_rows: list[list[Any]], model: GoalModel,
                         absent: dict[str, str]) -> int:
    ws.write_string(r, 0, MODEL_KF_INDIKATORER.name, styles.section)
    spec = COMMITTEE_INDIKATORER
    headers = [*(spec.column(f).header for f in (
        "id", "goal_id", "name", "unit", "baseline", "target", "outcome", "light")),
        TREND_COLUMN.header]
    ws.set_row(r + 1, header_height(headers, [*MATRIX_WIDTHS, *(COMMITTEE_WIDTH for _ in range(3))]))
    write_header(ws, styles, headers, row=r + 1)
    coordinator = {g.id: g.coordinator for g in model.kf_goals}
    first = r + 2
    for offset, row in enumerate(kf_rows):
        ws.set_row(first + offset, row_height(wrapped_lines(row[2], MATRIX_WIDTHS[2])))
        status = absent.get(coordinator.get(row[1], ""))
        for column, value in enumerate(row):
            fmt = styles.light if column == 7 else styles.centre if column == 8 else styles.text
            if status and column == 6 and value is None:
                value, fmt = status, styles.absent
            write_value(ws, styles, first + offset, column, value, fmt)
    icon_rule(ws, first, first + len(kf_rows) - 1, 7)
    trend_rules(ws, first, first + len(kf_rows) - 1, 8, styles.workbook)
    return first + len(kf_rows)


def _write_kf_actions(ws, styles: Styles, r: int, model: GoalModel, reports: dict[str, list[Any]],
                      last_col: int) -> int:
    """KF goals their coordinator assessed Röd or Gul: Id, Bedömning, Analys, Åtgärder
    (the actions span the rest of the matrix's width)."""
    ws.write_string(r, 0, ACTIONS_TITLE, styles.section)
    deviating = [(g, reports[g.id]) for g in model.kf_goals if g.id in reports
                 and (assessment_code(kf_row_value(reports[g.id], "assessment"), styles.scale)
                      or 3) < 3]
    if not deviating:
        ws.write_string(r + 1, 0, NO_DEVIATIONS, styles.subtitle)
        return r + 2
    headers = [_KF.column(f).header for f in ("id", "assessment", "analysis", "actions")]
    for column, header in enumerate(headers[:3]):
        ws.write_string(r + 1, column, header, styles.header)
    ws.merge_range(r + 1, 3, r + 1, last_col, headers[3], styles.header)
    actions_width = sum([*MATRIX_WIDTHS[3:], *(COMMITTEE_WIDTH for _ in range(last_col - 5))])
    first = r + 2
    for offset, (goal, row) in enumerate(deviating):
        number = first + offset
        analysis, actions = kf_row_value(row, "analysis"), kf_row_value(row, "actions")
        ws.set_row(number, row_height(max(wrapped_lines(analysis, MATRIX_WIDTHS[2]),
                                          wrapped_lines(actions, actions_width))))
        write_value(ws, styles, number, 0, goal.id, styles.text)
        write_value(ws, styles, number, 1, kf_row_value(row, "assessment"), styles.centre)
        write_value(ws, styles, number, 2, analysis, styles.text)
        ws.merge_range(number, 3, number, last_col, actions, styles.text)
    assessment_fill_rules(ws, styles, first, first + len(deviating) - 1, 1)
    return first + len(deviating)


def _write_summary(ws, styles: Styles, r: int, summary: list[list[Any]], absent: dict[str, str],
                   last_col: int) -> None:
    ws.write_string(r, 0, SUMMARY_TITLE, styles.section)
    widths = [*MATRIX_WIDTHS, *(COMMITTEE_WIDTH for _ in range(len(OVERVIEW_SUMMARY_HEADERS)))]
    ws.set_row(r + 1, header_height(OVERVIEW_SUMMARY_HEADERS, widths[:len(OVERVIEW_SUMMARY_HEADERS)]))
    write_header(ws, styles, OVERVIEW_SUMMARY_HEADERS, row=r + 1)
    first = r + 2
    for offset, row in enumerate(summary):
        status = absent.get(row[0])
        for column, value in enumerate(row):
            fmt = styles.percent if column >= 7 else styles.text if column == 2 else styles.centre
            if status and column == 1:
                value, fmt = status, styles.absent
            elif status and column > 2:
                value = None
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
    chart_rows = -(-(90 + 22 * len(summary)) // 20)  # the chart's height in default rows
    ws.print_area(0, 0, last + 2 + chart_rows, max(last_col, len(OVERVIEW_SUMMARY_HEADERS) - 1))


def _page_setup(ws, summary_row: int) -> None:
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_h_pagebreaks([summary_row])
