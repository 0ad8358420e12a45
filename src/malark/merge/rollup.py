"""What the `Översikt` and `Avvikelser` sheets show, computed from the submitted rows.

Roll-up rule (one light per KF goal and committee, shown in the `Översikt` matrix):
1. the worst `Bedömning` (Röd < Gul < Grön) among the committee's nämndmål under the KF
   goal (`Ej bedömd` and empty assessments do not count);
2. if none of them is assessed: the worst indicator light among the committee's
   indicators on those nämndmål or directly on the KF goal;
3. otherwise the cell is empty (nothing reported); `–` when the KF goal is not addressed
   to the committee and the committee reported nothing under it.

A committee without a merged file shows its submission status (`Saknas`, `Ej inläst`)
instead (see `overview.write_overview`). Rows carried from an earlier period are never
passed here: they are last period's, not this period's, report.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from malark.core.contract import (
    COMMITTEE_INDIKATORER,
    COMMITTEE_KF_MAL,
    COMMITTEE_NAMNDMAL,
    CONSOLIDATED_DATA_SHEETS,
    LIGHT_RED,
)
from malark.core.history import History
from malark.core.model import GoalModel
from malark.core.scale import DEFAULT_SCALE, AssessmentScale
from malark.merge.history import indicator_trend

__all__ = ["NOT_ADDRESSED", "assessment_code", "coordinator_reports", "deviation_rows",
           "goal_lights", "kf_indicator_rows", "summary_rows", "worst"]

NOT_ADDRESSED = "–"
_SPECS = {s.name: s for s in CONSOLIDATED_DATA_SHEETS}


def _index(sheet: str, field: str) -> int:
    return _SPECS[sheet].index(field)


def assessment_code(value: Any, scale: AssessmentScale = DEFAULT_SCALE) -> int | None:
    """3/2/1 for the scale's Grön/Gul/Röd typed in a cell; None for anything else."""
    return scale.code(value) if isinstance(value, str) else None


def worst(codes: list[int]) -> int | None:
    return min(codes) if codes else None


def goal_lights(model: GoalModel, rows: dict[str, list[list[Any]]],
                scale: AssessmentScale = DEFAULT_SCALE) -> dict[tuple[str, str], int | str | None]:
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
        code = assessment_code(row[g_as], scale)
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
                result[key] = worst(assessed.get(key, [])) or worst(lit.get(key, []))
    return result


def coordinator_reports(model: GoalModel, rows: dict[str, list[list[Any]]]) -> dict[str, list[Any]]:
    """KF goal id → the coordinating committee's row on `KF-mål` (its assessment,
    analysis and actions)."""
    sheet = COMMITTEE_KF_MAL.name
    k_id = _index(sheet, "id")
    coordinator = {g.id: g.coordinator for g in model.kf_goals}
    return {row[k_id]: row for row in rows[sheet]
            if row[k_id] in coordinator and row[0] == coordinator[row[k_id]]}


def kf_row_value(row: list[Any] | None, field: str) -> Any:
    return row[_index(COMMITTEE_KF_MAL.name, field)] if row is not None else None


def kf_indicator_rows(model: GoalModel, rows: dict[str, list[list[Any]]]) -> list[list[Any]]:
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


def summary_rows(model: GoalModel, rows: dict[str, list[list[Any]]],
                 scale: AssessmentScale = DEFAULT_SCALE) -> list[list[Any]]:
    """Per committee: Nämnd, Antal mål, Namn, counts of Grön/Gul/Röd/Ej bedömd, shares."""
    sheet = COMMITTEE_NAMNDMAL.name
    g_as = _index(sheet, "assessment")
    counts = {c: [0, 0, 0, 0] for c in model.committee_ids}
    slot = {3: 0, 2: 1, LIGHT_RED: 2}
    for row in rows[sheet]:
        if row[0] in counts:
            counts[row[0]][slot.get(assessment_code(row[g_as], scale), 3)] += 1
    result = []
    for committee in model.committees:
        n = counts[committee.id]
        total = sum(n)
        shares = [x / total if total else None for x in n]
        result.append([committee.id, total, committee.name, *n, *shares])
    return result


def deviation_rows(model: GoalModel, rows: dict[str, list[list[Any]]],
                   scale: AssessmentScale = DEFAULT_SCALE) -> Iterator[list[Any]]:
    """Every Röd and Gul goal: KF goals as assessed by their coordinator (with its
    `Åtgärder`) and nämndmål; Röd first, then committee order of the model, KF goals
    before nämndmål, sheet order."""
    order = {c: i for i, c in enumerate(model.committee_ids)}
    found: list[tuple[tuple[int, int, int, int], list[Any]]] = []
    kf, goals = COMMITTEE_KF_MAL.name, COMMITTEE_NAMNDMAL.name
    k = [_index(kf, f) for f in ("id", "text", "assessment", "analysis", "actions")]
    for n, row in enumerate(rows[kf]):
        code = assessment_code(row[k[2]], scale)
        if code is not None and code < 3:
            found.append(((code, order.get(row[0], len(order)), 0, n),
                          [row[0], kf, row[k[0]], row[k[0]], row[k[1]], row[k[2]], row[k[3]],
                           row[k[4]]]))
    g = [_index(goals, f) for f in ("id", "kf_goal_id", "text", "assessment", "analysis", "actions")]
    for n, row in enumerate(rows[goals]):
        code = assessment_code(row[g[3]], scale)
        if code is not None and code < 3:
            found.append(((code, order.get(row[0], len(order)), 1, n),
                          [row[0], goals, *(row[i] for i in g)]))
    for _key, row in sorted(found, key=lambda item: item[0]):
        yield row
