"""`generate --previous`: what a consolidated workbook of an earlier period carries over.

From the consolidated workbook (SPEC 6: each data sheet is `Nämnd` + the SPEC 3 columns,
`_malark` with `kind="consolidated"`) the next period's workbook of a committee gets:

- every committee goal (nämndmål) with id, KF-mål, perspective, text, responsible and
  years; its `Bedömning`, `Analys` and `Åtgärder` are NOT carried: they are the
  assessment of one period and must be made anew (a stale assessment would otherwise
  pass the follow-up checks unnoticed);
- every indicator of the committee with id, goal, text, unit, direction, baseline and
  target; its last outcome (`Utfall`, or `Föregående utfall` when no outcome was
  reported) becomes `Föregående utfall`; `Utfall` and `Kommentar` start empty;
- every activity with id, goal, text, responsible, dates and `Status` (status goes on);
  the period's `Kommentar` starts empty;
- for the model's KF indicators the last outcome, so they show `Föregående utfall`;
- nothing from the `KF-mål` sheet: `Bedömning`, `Analys` and `Bidrag` are period reports.

Into a new budget year (a `Helår` of year N into the `Plan` of year N+1): a committee goal
is carried when its `Slutår` is empty or ≥ the new year and its KF goal is still addressed
to the committee; indicators and activities follow their goal (activities that are
`Klar` or `Avbruten` are left behind). Values are carried as they were typed; numbers and
years typed as text are read with Swedish conventions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from malark.core.contract import CONSOLIDATED_DATA_SHEETS, Kind, Period, SheetSpec, Status
from malark.core.errors import InputError
from malark.core.model import GoalModel
from malark.core.swedish import number_from_cell, parse_date
from malark.xlsx.consolidated_reader import read_consolidated
from malark.xlsx.meta import WorkbookMeta
from malark.xlsx.table import Row, Table

__all__ = ["Carried", "PreviousWorkbook", "read_previous"]

_GOALS, _INDICATORS, _ACTIVITIES = "Nämndmål", "Indikatorer", "Aktiviteter"
_GOAL_FIELDS = ("id", "kf_goal_id", "perspective", "text", "responsible", "start_year", "end_year")
_INDICATOR_FIELDS = ("id", "goal_id", "name", "unit", "direction", "baseline", "baseline_year",
                     "target", "target_year", "kolada_kpi")
_ACTIVITY_FIELDS = ("id", "goal_id", "text", "responsible", "start_date", "end_date", "status")
_FINISHED = {Status.KLAR.value, Status.AVBRUTEN.value}


@dataclass(slots=True)
class Carried:
    """One committee's rows to pre-fill, as `{field: value}` per row (contract fields)."""

    goals: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    kf_previous_outcomes: dict[str, Any] = field(default_factory=dict)
    """KF indicator id → its last outcome (for the model's pre-filled KF indicators)."""
    as_of: tuple[int, Period] | None = None
    """Budget year and period of the consolidation the outcomes come from."""


@dataclass(slots=True)
class PreviousWorkbook:
    path: Path
    meta: WorkbookMeta
    tables: dict[str, Table]

    def carried_for(self, model: GoalModel, committee_id: str) -> Carried:
        """What `committee_id`'s workbook for `model` gets from this earlier period."""
        new_year = model.budget_year != self.meta.budgetår
        addressed = {g.id for g in model.goals_addressed_to(committee_id)}
        kf_indicator_ids = {i.id for i in model.kf_indicators}
        carried = Carried()
        kept_goals: set[str] = set()
        for row in self._rows(_GOALS, committee_id):
            values = _values(row, self.tables[_GOALS].spec, _GOAL_FIELDS)
            if new_year and not _still_running(values.get("end_year"), model.budget_year):
                continue
            if new_year and values.get("kf_goal_id") not in addressed:
                continue
            carried.goals.append(values)
            if values.get("id"):
                kept_goals.add(str(values["id"]))
        valid_goals = kept_goals | addressed
        for row in self._rows(_INDICATORS, committee_id):
            values = _values(row, self.tables[_INDICATORS].spec, _INDICATOR_FIELDS)
            values["previous_outcome"] = _last_outcome(row)
            if values.get("id") in kf_indicator_ids:
                continue
            if new_year and values.get("goal_id") not in valid_goals:
                continue
            carried.indicators.append(values)
        for row in self._rows(_ACTIVITIES, committee_id):
            values = _values(row, self.tables[_ACTIVITIES].spec, _ACTIVITY_FIELDS)
            if new_year and (values.get("goal_id") not in valid_goals
                             or values.get("status") in _FINISHED):
                continue
            carried.activities.append(values)
        carried.kf_previous_outcomes = self._kf_outcomes(committee_id, kf_indicator_ids)
        carried.as_of = (self.meta.budgetår, self.meta.period)
        return carried

    def _rows(self, sheet: str, committee_id: str) -> list[Row]:
        return [r for r in self.tables[sheet] if r.text("committee") == committee_id]

    def _kf_outcomes(self, committee_id: str, ids: set[str]) -> dict[str, Any]:
        """Last outcome of each KF indicator: the committee's own row first, else any."""
        outcomes: dict[str, Any] = {}
        for row in self.tables[_INDICATORS]:
            indicator_id = row.text("id")
            if indicator_id not in ids:
                continue
            outcome = _last_outcome(row)
            own = row.text("committee") == committee_id
            if outcome is not None and (own or indicator_id not in outcomes):
                outcomes[indicator_id] = outcome
        return outcomes


def _still_running(end_year: Any, year: int) -> bool:
    return end_year is None or not isinstance(end_year, int) or end_year >= year


def _last_outcome(row: Row) -> Any:
    for name in ("outcome", "previous_outcome"):
        value = _typed(row.value(name), Kind.NUMBER)
        if value is not None:
            return value
    return None


def _typed(value: Any, kind: Kind) -> Any:
    """A consolidated cell's value as the generator writes it: numbers and years as
    numbers where the text reads as one (Swedish conventions), dates as dates; anything
    else exactly as typed."""
    if value is None:
        return None
    if kind in (Kind.NUMBER, Kind.YEAR):
        number = number_from_cell(value)
        if number is None:
            return value
        if kind is Kind.YEAR and float(number).is_integer():
            return int(number)
        return float(number)
    if kind is Kind.DATE:
        return parse_date(value) or value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def _values(row: Row, spec: SheetSpec, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: _typed(row.value(name), spec.column(name).kind) for name in fields}


def read_previous(path: Path | str, model: GoalModel) -> PreviousWorkbook:
    """Open a consolidated workbook for `--previous`. Raises `InputError` (Swedish, naming
    the file and sheet) when it cannot be used for `model`."""
    earlier = read_consolidated(path, sheets=CONSOLIDATED_DATA_SHEETS,
                                role="Den tidigare sammanställningen")
    _check_fits(earlier.path, earlier.meta, model)
    return PreviousWorkbook(earlier.path, earlier.meta, earlier.tables)


def _check_fits(path: Path, meta: WorkbookMeta, model: GoalModel) -> None:
    if meta.kommun != model.municipality:
        raise InputError(f"{path.name} gäller {meta.kommun}, men målmodellen gäller "
                         f"{model.municipality}.")
    if meta.budgetår not in (model.budget_year, model.budget_year - 1):
        raise InputError(f"{path.name} gäller budgetår {meta.budgetår}. Med --previous går det att "
                         f"föra över från samma år ({model.budget_year}) eller året före.")
