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

A committee that did not submit in that period still has its rows there when the
consolidation was merged with `--previous` (marked in `Från period`, see
`contract.CARRIED_FROM_COLUMN`): the newest known state of its chain, whichever period it
came from. `merge` carries such rows with `PreviousWorkbook.chain_rows`.

Into a new budget year (a consolidation of year N into the `Plan` of year N+1): a
committee goal is carried when its `Slutår` is empty or ≥ the new year and its KF goal is
still addressed to the committee; indicators and activities follow their goal (activities
that are `Klar` or `Avbruten` are left behind). Values are carried as they were typed;
numbers, years and dates typed as text are read with Swedish conventions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from malark.core.contract import (
    CARRIED_FROM_COLUMN,
    COMMITTEE_AKTIVITETER,
    COMMITTEE_INDIKATORER,
    COMMITTEE_NAMNDMAL,
    CONSOLIDATED_DATA_SHEETS,
    SHEET_SUBMISSIONS,
    Kind,
    Period,
    Status,
)
from malark.core.errors import InputError
from malark.core.model import GoalModel
from malark.validate.checks.values import typed_value
from malark.xlsx.consolidated_reader import SUBMISSIONS, read_consolidated
from malark.xlsx.meta import WorkbookMeta, row_digest
from malark.xlsx.table import Row, Table, build_table

__all__ = ["Carried", "PreviousWorkbook", "read_previous"]

_GOALS, _INDICATORS, _ACTIVITIES = COMMITTEE_NAMNDMAL.name, COMMITTEE_INDIKATORER.name, \
    COMMITTEE_AKTIVITETER.name
_GOAL_FIELDS = ("id", "kf_goal_id", "perspective", "text", "responsible", "start_year", "end_year")
_INDICATOR_FIELDS = ("id", "goal_id", "name", "unit", "direction", "baseline", "baseline_year",
                     "target", "target_year", "kolada_kpi")
_ACTIVITY_FIELDS = ("id", "goal_id", "text", "responsible", "start_date", "end_date", "status")
_TEXT_FIELD = {_GOALS: "text", _INDICATORS: "name", _ACTIVITIES: "text"}
"""The field whose text recognises a carried row whose id was changed (`row_digest`)."""
_FINISHED = {Status.KLAR.value, Status.AVBRUTEN.value}
_NUMERIC = (Kind.NUMBER, Kind.YEAR, Kind.DATE)


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
    source: str | None = None
    """The consolidation the rows come from (`T1 2027`)."""
    origin: str | None = None
    """When the committee did not submit in `source`: the period its rows come from."""

    def carried_ids(self) -> dict[str, dict[str, str]]:
        """Sheet → {id: digest of the row's text} of every carried row with an id
        (`Snapshot.carried`: K007 and S007 hold the committee to them)."""
        result: dict[str, dict[str, str]] = {}
        for sheet, rows in ((_GOALS, self.goals), (_INDICATORS, self.indicators),
                            (_ACTIVITIES, self.activities)):
            ids = {str(v["id"]): row_digest(v.get(_TEXT_FIELD[sheet])) for v in rows if v.get("id")}
            if ids:
                result[sheet] = ids
        return result


@dataclass(slots=True)
class PreviousWorkbook:
    path: Path
    meta: WorkbookMeta
    tables: dict[str, Table]
    statuses: dict[str, str] = field(default_factory=dict)
    """Committee → its `Inlämningar` status (`Inläst`, `Ej inläst`, `Saknas`)."""

    @property
    def label(self) -> str:
        return self.meta.period.label(self.meta.budgetår)

    def chain_rows(self, model: GoalModel, committee_id: str) -> dict[str, list[Row]]:
        """The committee's rows that go on into `model`'s year: every row within a year;
        into a new year the goals still running under a KF goal still addressed to the
        committee, their indicators, and their activities that are not finished."""
        rows = {sheet: [r for r in self.tables[sheet] if r.text("committee") == committee_id]
                for sheet in (_GOALS, _INDICATORS, _ACTIVITIES)}
        if model.budget_year == self.meta.budgetår:
            return rows
        addressed = {g.id for g in model.goals_addressed_to(committee_id)}
        goals = [r for r in rows[_GOALS] if r.text("kf_goal_id") in addressed
                 and _still_running(self._value(r, "end_year"), model.budget_year)]
        valid = addressed | {r.text("id") for r in goals if r.text("id")}
        return {
            _GOALS: goals,
            _INDICATORS: [r for r in rows[_INDICATORS] if r.text("goal_id") in valid],
            _ACTIVITIES: [r for r in rows[_ACTIVITIES] if r.text("goal_id") in valid
                          and r.text("status") not in _FINISHED],
        }

    def carried_for(self, model: GoalModel, committee_id: str) -> Carried:
        """What `committee_id`'s workbook for `model` gets from this earlier period."""
        rows = self.chain_rows(model, committee_id)
        kf_indicator_ids = {i.id for i in model.kf_indicators}
        carried = Carried(source=self.label, origin=_origin(rows))
        carried.goals = [self._values(r, _GOAL_FIELDS) for r in rows[_GOALS]]
        for row in rows[_INDICATORS]:
            if row.text("id") in kf_indicator_ids:
                continue  # the model's own indicators are pre-filled from the model
            values = self._values(row, _INDICATOR_FIELDS)
            values["previous_outcome"] = _last_outcome(row)
            carried.indicators.append(values)
        carried.activities = [self._values(r, _ACTIVITY_FIELDS) for r in rows[_ACTIVITIES]]
        carried.kf_previous_outcomes = self._kf_outcomes(committee_id, kf_indicator_ids)
        carried.as_of = (self.meta.budgetår, self.meta.period)
        return carried

    def warning_for(self, committee_id: str, carried: Carried) -> str | None:
        """A Swedish warning when the committee's rows do not come from this consolidation's
        own period: carried from an earlier one, or missing altogether."""
        status = self.statuses.get(committee_id)
        if carried.origin:
            return (f"{committee_id} saknas i sammanställningen {self.label} ({status or 'ej inläst'}): "
                    f"{committee_id}:s mål, indikatorer och aktiviteter kommer från {carried.origin}, "
                    "de senast kända.")
        if status and status != "Inläst" and not (carried.goals or carried.indicators
                                                  or carried.activities):
            return (f"{committee_id} saknas i sammanställningen {self.label} ({status}) och den har "
                    f"inga tidigare rader för {committee_id}, så arbetsboken får inga egna mål, "
                    "indikatorer eller aktiviteter. Sammanställ perioden igen med --previous och "
                    "sammanställningen från perioden före, så följer de senast kända raderna med.")
        return None

    def check_precedes(self, period: Period, model: GoalModel) -> None:
        """Refuse a consolidation that is not of an earlier period than `period` of
        `model`'s year: a later or the same period of the year, or another year than the
        year before (which only leads into the new year's Plan)."""
        name, year = self.path.name, model.budget_year
        target = period.label(year)
        if self.meta.budgetår == year:
            if self.meta.period.order < period.order:
                return
            earlier = (f"förra årets sammanställning ({Period.HELAR.label(year - 1)})"
                       if period is Period.PLAN else
                       f"sammanställningen från en tidigare period, t.ex. {_before(period).label(year)}")
            raise InputError(f"{name} är sammanställningen för {self.label}, som inte kommer före "
                             f"{target}. Ange {earlier}.")
        if self.meta.budgetår == year - 1:
            if period is Period.PLAN:
                return
            raise InputError(f"{name} är sammanställningen för {self.label} (förra året). Den leder "
                             f"bara in i {Period.PLAN.label(year)}; för {target} anges "
                             f"sammanställningen för {_before(period).label(year)}.")
        raise InputError(_other_year(name, self.meta.budgetår, year))

    def _values(self, row: Row, fields: tuple[str, ...]) -> dict[str, Any]:
        return {name: self._value(row, name) for name in fields}

    def _value(self, row: Row, name: str) -> Any:
        """The cell as the generator writes it: typed (`typed_value`), and a whole number
        in a text column (an id or a unit read as a number) as text."""
        kind = self.tables[row.sheet].spec.column(name).kind
        value = typed_value(row.value(name), kind)
        if kind not in _NUMERIC and isinstance(value, float) and value.is_integer():
            return str(int(value))
        return value

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


def _other_year(name: str, found: int, year: int) -> str:
    return (f"{name} gäller budgetår {found}. Med --previous går det att föra över från samma år "
            f"({year}) eller året före.")


def _before(period: Period) -> Period:
    return tuple(Period)[max(0, period.order - 1)]


def _origin(rows: dict[str, list[Row]]) -> str | None:
    """The `Från period` of the committee's rows, when they were carried themselves."""
    for sheet_rows in rows.values():
        for row in sheet_rows:
            if row.text(CARRIED_FROM_COLUMN.field):
                return row.text(CARRIED_FROM_COLUMN.field)
    return None


def _still_running(end_year: Any, year: int) -> bool:
    return end_year is None or not isinstance(end_year, int) or end_year >= year


def _last_outcome(row: Row) -> Any:
    for name in ("outcome", "previous_outcome"):
        value = typed_value(row.value(name), Kind.NUMBER)
        if isinstance(value, float):
            return value
    return None


def read_previous(path: Path | str, model: GoalModel, period: Period | None = None) -> PreviousWorkbook:
    """Open a consolidated workbook for `--previous`. Raises `InputError` (Swedish, naming
    the file and sheet) when it cannot be used for `model` (and `period`, when given)."""
    earlier = read_consolidated(path, sheets=CONSOLIDATED_DATA_SHEETS, optional=(SHEET_SUBMISSIONS,),
                                role="Den tidigare sammanställningen")
    _check_kommun(earlier.path, earlier.meta, model)
    previous = PreviousWorkbook(earlier.path, earlier.meta, earlier.tables,
                                _statuses(earlier.raw.get(SHEET_SUBMISSIONS)))
    if period is not None:
        previous.check_precedes(period, model)
    elif earlier.meta.budgetår not in (model.budget_year, model.budget_year - 1):
        raise InputError(_other_year(earlier.path.name, earlier.meta.budgetår, model.budget_year))
    return previous


def _statuses(rows: list[list[Any]] | None) -> dict[str, str]:
    """Committee → its `Inlämningar` status (an older consolidation may lack the sheet)."""
    if not rows:
        return {}
    table = build_table(SUBMISSIONS, rows)
    return {r.text("committee"): r.text("status") or "" for r in table if r.text("committee")}


def _check_kommun(path: Path, meta: WorkbookMeta, model: GoalModel) -> None:
    if meta.kommun != model.municipality:
        raise InputError(f"{path.name} gäller {meta.kommun}, men målmodellen gäller "
                         f"{model.municipality}.")
    if str(meta.kommunkod).strip() != str(model.municipality_code).strip():
        raise InputError(f"{path.name} gäller kommunkod {meta.kommunkod}, men målmodellen har "
                         f"kommunkod {model.municipality_code}.")
