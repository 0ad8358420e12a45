"""What a report is made from: one consolidated workbook, read and indexed.

`read_source` opens the consolidated workbook through `malark.xlsx.consolidated_reader`
(safe reading, columns by header, version-1 files without `Åtgärder` on `KF-mål`), and
`ReportSource` answers the questions the chapter asks: the coordinating committee's row
for a KF goal, each committee's Bidrag, its nämndmål, indicators and activities under a
KF goal, and whether a committee's submission was read this period (`Inlämningar`).

Values stay as the workbook holds them (`Row.value`); formatting is the document's job.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from malark.core.contract import (
    CARRIED_FROM_COLUMN,
    COMMITTEE_AKTIVITETER,
    COMMITTEE_INDIKATORER,
    COMMITTEE_KF_MAL,
    COMMITTEE_NAMNDMAL,
    CONSOLIDATED_DATA_SHEETS,
    SHEET_HISTORY,
    SUBMISSION_STATUS_MISSING,
    SUBMISSION_STATUS_NOT_READ,
    SUBMISSION_STATUS_READ,
)
from malark.core.model import Committee, Indicator, KfGoal
from malark.core.scale import AssessmentScale
from malark.xlsx.consolidated_reader import SUBMISSIONS, read_consolidated
from malark.xlsx.meta import WorkbookMeta
from malark.xlsx.table import Row

__all__ = ["ReportSource", "read_source"]

_STATUS_RANK = {SUBMISSION_STATUS_READ: 0, SUBMISSION_STATUS_NOT_READ: 1, SUBMISSION_STATUS_MISSING: 2}


def read_source(path: Path | str) -> ReportSource:
    """Read the consolidated workbook `path` (raises `InputError` naming what is wrong)."""
    workbook = read_consolidated(path, sheets=(*CONSOLIDATED_DATA_SHEETS, SUBMISSIONS),
                                 optional=(SHEET_HISTORY,))
    tables = workbook.tables
    return ReportSource(
        path=workbook.path, meta=workbook.meta,
        kf_rows=tables[COMMITTEE_KF_MAL.name].rows,
        goal_rows=_this_period(tables[COMMITTEE_NAMNDMAL.name].rows),
        indicator_rows=_this_period(tables[COMMITTEE_INDIKATORER.name].rows),
        activity_rows=_this_period(tables[COMMITTEE_AKTIVITETER.name].rows),
        statuses=_statuses(tables[SUBMISSIONS.name].rows),
        history_rows=workbook.raw.get(SHEET_HISTORY, []),
    )


def _this_period(rows: list[Row]) -> list[Row]:
    """The rows submitted this period: rows `merge --previous` carried from an earlier
    period for a committee without a merged file (`Från period`) are not its report."""
    return [row for row in rows if not row.text(CARRIED_FROM_COLUMN.field)]


def _statuses(rows: list[Row]) -> dict[str, str]:
    """Committee id → its best status this period (a committee with one file read and one
    refused was read)."""
    result: dict[str, str] = {}
    for row in rows:
        committee, status = row.text("committee"), row.text("status")
        if committee and status in _STATUS_RANK and (
                committee not in result or _STATUS_RANK[status] < _STATUS_RANK[result[committee]]):
            result[committee] = status
    return result


def _key(value: str | None) -> str:
    return value or ""


@dataclass(slots=True)
class ReportSource:
    path: Path
    meta: WorkbookMeta
    kf_rows: list[Row]
    goal_rows: list[Row]
    indicator_rows: list[Row]
    activity_rows: list[Row]
    statuses: dict[str, str]
    """Committee id → `Inläst`, `Ej inläst` or `Saknas` (from `Inlämningar`)."""
    history_rows: list[list[Any]] = field(default_factory=list)
    """The `Historik` sheet from A1 (SPEC 9), empty in a workbook without one."""
    _kf_by: dict[tuple[str, str], Row] = field(default_factory=dict)
    _goals_by: dict[tuple[str, str], list[Row]] = field(default_factory=dict)
    _indicators_by: dict[tuple[str, str], list[Row]] = field(default_factory=dict)
    _activities_by: dict[tuple[str, str], list[Row]] = field(default_factory=dict)
    _kf_indicator_rows: dict[str, list[Row]] = field(default_factory=dict)

    @property
    def scale(self) -> AssessmentScale:
        """The assessment words of the consolidation (its template's, SPEC 3c)."""
        return self.meta.scale

    def __post_init__(self) -> None:
        for row in self.kf_rows:
            self._kf_by.setdefault((_key(row.text("id")), _key(row.text("committee"))), row)
        kf_of: dict[tuple[str, str], str] = {}
        goals_by: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in self.goal_rows:
            committee, kf = _key(row.text("committee")), _key(row.text("kf_goal_id"))
            goals_by[(kf, committee)].append(row)
            if row.text("id"):
                kf_of[(committee, row.text("id"))] = kf
        kf_indicator_ids = {i.id for i in self.kf_indicators}
        indicators_by: dict[tuple[str, str], list[Row]] = defaultdict(list)
        kf_indicator_rows: dict[str, list[Row]] = defaultdict(list)
        for row in self.indicator_rows:
            if row.text("id") in kf_indicator_ids:
                kf_indicator_rows[row.text("id")].append(row)
                continue
            committee, goal = _key(row.text("committee")), _key(row.text("goal_id"))
            indicators_by[(kf_of.get((committee, goal), goal), committee)].append(row)
        activities_by: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in self.activity_rows:
            committee, goal = _key(row.text("committee")), _key(row.text("goal_id"))
            activities_by[(kf_of.get((committee, goal), goal), committee)].append(row)
        self._goals_by, self._indicators_by = dict(goals_by), dict(indicators_by)
        self._activities_by, self._kf_indicator_rows = dict(activities_by), dict(kf_indicator_rows)

    # -- the model's side, from the snapshot the consolidation carries ----------------
    @property
    def committees(self) -> tuple[Committee, ...]:
        return self.meta.snapshot.committees

    @property
    def kf_goals(self) -> tuple[KfGoal, ...]:
        return self.meta.snapshot.kf_goals

    @property
    def kf_indicators(self) -> tuple[Indicator, ...]:
        return self.meta.snapshot.kf_indicators

    def committee_name(self, committee_id: str) -> str | None:
        return next((c.name for c in self.committees if c.id == committee_id), None)

    # -- submissions ------------------------------------------------------------------
    def status(self, committee_id: str) -> str:
        """`Inläst`, `Ej inläst` or `Saknas`; a committee `Inlämningar` does not list but
        whose rows are here counts as read, one with neither as missing."""
        if committee_id in self.statuses:
            return self.statuses[committee_id]
        has_rows = any(k[1] == committee_id for k in self._goals_by) or any(
            r.text("committee") == committee_id for r in self.kf_rows)
        return SUBMISSION_STATUS_READ if has_rows else SUBMISSION_STATUS_MISSING

    def was_read(self, committee_id: str) -> bool:
        """True when the committee's submission for this period is in the workbook; rows of
        other committees (kept from an earlier period) are shown but not counted."""
        return self.status(committee_id) == SUBMISSION_STATUS_READ

    # -- the committees' side, per KF goal --------------------------------------------
    def kf_report(self, goal_id: str, committee_id: str) -> Row | None:
        """The committee's row on `KF-mål` for the goal (assessment, analysis, Bidrag)."""
        return self._kf_by.get((goal_id, committee_id))

    def goals_under(self, goal_id: str, committee_id: str) -> list[Row]:
        return self._goals_by.get((goal_id, committee_id), [])

    def indicators_under(self, goal_id: str, committee_id: str) -> list[Row]:
        """The committee's own indicators under the KF goal: on its nämndmål there, or
        directly on the KF goal (the model's KF indicators are `kf_indicator_row`'s)."""
        return self._indicators_by.get((goal_id, committee_id), [])

    def activities_under(self, goal_id: str, committee_id: str) -> list[Row]:
        return self._activities_by.get((goal_id, committee_id), [])

    def kf_indicator_row(self, indicator: Indicator, coordinator: str) -> Row | None:
        """Where the KF indicator's outcome was reported: the coordinating committee's row,
        else the first other committee's."""
        rows = self._kf_indicator_rows.get(indicator.id, [])
        return next((r for r in rows if r.text("committee") == coordinator), rows[0] if rows else None)

    def committees_under(self, goal: KfGoal) -> list[str]:
        """Committees with a part under the goal: those it is addressed to, and any other
        that reported under it, in the model's order."""
        involved = set(goal.addressed)
        involved.update(c for (g, c) in self._goals_by if g == goal.id)
        involved.update(c for (g, c) in self._indicators_by if g == goal.id)
        involved.update(c for (g, c) in self._kf_by if g == goal.id)
        order = [c.id for c in self.committees]
        return [c for c in order if c in involved] + sorted(involved - set(order) - {""})
