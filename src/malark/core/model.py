"""The domain model (pydantic v2): the master goal model and a committee's report.

The master model (`GoalModel`) is what the central office decides once a year: vision,
committees, KF goals with who they are addressed to, KF indicators and settings. The
committee side (`CommitteeReport`) is what one committee reports for one period: its
goals, indicators, activities and its assessments of the KF goals.

Values here are clean and typed. Positions in a workbook live in `malark.xlsx.table`; the
readers turn positioned cells into these objects after the checks have run.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from malark.core.contract import (
    DEFAULT_YELLOW_THRESHOLD,
    Assessment,
    Direction,
    Period,
    Perspective,
    Status,
)

__all__ = [
    "Activity",
    "Committee",
    "CommitteeGoal",
    "CommitteeReport",
    "GoalModel",
    "Indicator",
    "IndicatorValue",
    "KfGoal",
    "KfGoalReport",
    "Settings",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Committee(_Frozen):
    """A nämnd: `KS`, `BUN`, …"""

    id: str
    name: str
    contact: str | None = None
    email: str | None = None


class KfGoal(_Frozen):
    """A strategic goal of the municipal council (KF-mål)."""

    id: str
    perspective: Perspective
    text: str
    start_year: int
    end_year: int
    coordinator: str
    addressed: tuple[str, ...]
    """Committee ids the goal is addressed to (`Alla` already expanded)."""
    addressed_to_all: bool = False


class Indicator(_Frozen):
    """An indicator with baseline and target, on a KF goal or a committee goal."""

    id: str
    goal_id: str
    name: str
    unit: str | None = None
    direction: Direction = Direction.HIGHER
    baseline: float | None = None
    baseline_year: int | None = None
    target: float | None = None
    target_year: int | None = None
    previous_outcome: float | None = None
    outcome: float | None = None
    comment: str | None = None
    kolada_kpi: str | None = None


class IndicatorValue(_Frozen):
    """One row of the model's `Indikatorvärden` (SPEC 9): an indicator's value for a year.

    `comment` is kept as typed; `malark.core.history` reads from it which comparison
    series a row belongs to (`Jämförelse 0000 …`) and the note a person wrote."""

    indicator_id: str
    year: int
    period: Period | None = None
    """None: the whole year (as `Helår`)."""
    value: float | None = None
    source: str | None = None
    comment: str | None = None


class Settings(_Frozen):
    yellow_threshold: float = Field(DEFAULT_YELLOW_THRESHOLD, gt=0, le=1)
    """`Gul-gräns`: share of the way from baseline to target that still counts as Gul."""
    template: str | None = None
    """`Mall`: the workbook template folder as written in the model (relative to the
    model's folder), None for the standard template."""


class GoalModel(_Frozen):
    """The master goal model decided by the council for one budget year."""

    municipality: str
    municipality_code: str
    budget_year: int
    vision: str
    deadline: date | None = None
    """`Sista inlämningsdag`: the default deadline."""
    period_deadlines: dict[Period, date] = Field(default_factory=dict)
    """`Sista inlämningsdag T1` …: a period's own deadline, where the model sets one."""
    committees: tuple[Committee, ...]
    kf_goals: tuple[KfGoal, ...]
    kf_indicators: tuple[Indicator, ...] = ()
    settings: Settings = Settings()
    indicator_values: tuple[IndicatorValue, ...] = ()
    """The history of `Indikatorvärden` (SPEC 9); not part of the decided content."""

    def deadline_for(self, period: Period) -> date | None:
        """The period's own deadline, else the default one (None when neither is set)."""
        return self.period_deadlines.get(period, self.deadline)

    def committee(self, committee_id: str) -> Committee:
        for c in self.committees:
            if c.id == committee_id:
                return c
        raise KeyError(committee_id)

    @property
    def committee_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.committees)

    def kf_goal(self, goal_id: str) -> KfGoal:
        for g in self.kf_goals:
            if g.id == goal_id:
                return g
        raise KeyError(goal_id)

    def goals_addressed_to(self, committee_id: str) -> tuple[KfGoal, ...]:
        return tuple(g for g in self.kf_goals if committee_id in g.addressed)

    def goals_coordinated_by(self, committee_id: str) -> tuple[KfGoal, ...]:
        return tuple(g for g in self.kf_goals if g.coordinator == committee_id)

    def indicators_of(self, goal_id: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.kf_indicators if i.goal_id == goal_id)

    def fingerprint(self) -> str:
        """sha256 over the decided content (not over the file's bytes or formatting, nor
        over the indicator history, which `malark kolada` updates during the year)."""
        decided = self.model_dump(mode="json", exclude={"indicator_values"})
        if decided["settings"].get("template") is None:  # models without Mall keep their sum
            decided["settings"].pop("template", None)
        payload = json.dumps(decided, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class KfGoalReport(_Frozen):
    """What one committee says about one KF goal in one period."""

    kf_goal_id: str
    assessment: Assessment | None = None
    analysis: str | None = None
    contribution: str | None = None


class CommitteeGoal(_Frozen):
    """A nämndmål: the committee's result goal under a KF goal."""

    id: str
    kf_goal_id: str
    perspective: Perspective | None = None
    text: str
    responsible: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    assessment: Assessment | None = None
    analysis: str | None = None
    actions: str | None = None


class Activity(_Frozen):
    """An activity (aktivitet/åtagande) on a committee goal or directly on a KF goal."""

    id: str
    goal_id: str
    text: str
    responsible: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: Status | None = None
    comment: str | None = None


class CommitteeReport(_Frozen):
    """One committee's goals, indicators, activities and assessments for one period."""

    committee_id: str
    period: Period
    kf_reports: tuple[KfGoalReport, ...] = ()
    goals: tuple[CommitteeGoal, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    activities: tuple[Activity, ...] = ()
