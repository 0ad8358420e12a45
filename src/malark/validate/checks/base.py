"""What every check gets (`Context`) and how a check declares its codes (`check`).

A check is a small function `(Context) -> Iterator[Finding]`. The `check` decorator wraps it
in a `Check` that names the rule codes it may emit; a check may only emit those (a test
holds every check to it). Findings are made through `Context.finding`, which takes the
sheet and A1 address from the `Cell` the finding is about: positions are never recomputed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from malark.core.contract import (
    COMMITTEE_AKTIVITETER,
    COMMITTEE_DATA_SHEETS,
    COMMITTEE_INDIKATORER,
    COMMITTEE_KF_MAL,
    COMMITTEE_NAMNDMAL,
    SUPPORTED_FORMAT_VERSIONS,
    Column,
    Period,
)
from malark.core.findings import Finding, rule
from malark.core.model import GoalModel, Indicator, KfGoal
from malark.core.scale import AssessmentScale
from malark.validate.checks import values
from malark.validate.checks.live import LiveBuilder
from malark.validate.ids import assign_ids
from malark.validate.submission import Submission
from malark.xlsx.meta import Snapshot, WorkbookMeta, snapshot_for
from malark.xlsx.table import Cell, Row

__all__ = ["Check", "CheckFunction", "Context", "check", "header", "row_id"]

CheckFunction = Callable[["Context"], Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class Check:
    function: CheckFunction
    codes: tuple[str, ...]
    needs_meta: bool = True
    """False for the checks that judge the metadata itself (they run on any workbook)."""
    live: tuple[LiveBuilder, ...] = ()
    """The formula builders of the codes the `Kontroll` sheet checks live (see `live`)."""

    @property
    def name(self) -> str:
        return self.function.__name__

    def __call__(self, context: Context) -> Iterator[Finding]:
        return self.function(context)


def check(*codes: str, needs_meta: bool = True,
          live: tuple[LiveBuilder, ...] = ()) -> Callable[[CheckFunction], Check]:
    """Declare the rule codes a check function emits, and the live formula builders of
    those of them the `Kontroll` sheet checks too."""
    for code in codes:
        rule(code)  # fails at import time for a code not in the catalogue
    for builder in live:
        if builder.live_code not in codes:
            raise ValueError(f"live {builder.live_code} is not a code of this check")

    def wrap(function: CheckFunction) -> Check:
        return Check(function, codes, needs_meta, live)

    return wrap


class Context:
    """One submission being checked, with the model (if any) and the period asked for."""

    def __init__(self, submission: Submission, *, model: GoalModel | None, period: Period | None):
        self.submission = submission
        self.model = model
        self.requested_period = period
        self._rows: dict[str, list[Row]] = {}

    # --- what the workbook says about itself -------------------------------------------------
    @property
    def file(self) -> str:
        return self.submission.file

    @property
    def meta(self) -> WorkbookMeta:
        assert self.submission.meta is not None, "checks needing meta run only when usable"
        return self.submission.meta

    @property
    def usable(self) -> bool:
        """Metadata present, supported, and of one committee: the data checks can run."""
        meta = self.submission.meta
        return (meta is not None and meta.format_version in SUPPORTED_FORMAT_VERSIONS
                and meta.kind == "committee" and bool(meta.nämnd))

    @property
    def committee(self) -> str:
        return self.meta.nämnd or ""

    @property
    def period(self) -> Period:
        """The workbook's own period (a different `--period` is reported as S004)."""
        return self.meta.period

    @property
    def follow_up(self) -> bool:
        return self.period.is_follow_up

    @property
    def scale(self) -> AssessmentScale:
        """The workbook's assessment words (its template's, recorded in `_malark`)."""
        return self.meta.scale

    def choices(self, column: Column) -> tuple[str, ...]:
        """The dropdown values of `column` in this workbook (`Bedömning` in its words)."""
        return self.scale.choices if column.field == "assessment" else column.choices

    @cached_property
    def reference_date(self) -> date:
        """The end of the workbook's period (D008 compares with it, not with today)."""
        return self.period.reference_date(self.meta.budgetår)

    @cached_property
    def master(self) -> GoalModel | None:
        """The model, when it is this workbook's model (same kommun, year and a committee of
        it). Another kommun's or year's model gives S004 only, not a cascade of S007s."""
        model, meta = self.model, self.meta
        if model is None:
            return None
        same = (str(meta.kommunkod).strip() == str(model.municipality_code).strip()
                and meta.budgetår == model.budget_year and self.committee in model.committee_ids)
        return model if same else None

    @cached_property
    def reference(self) -> Snapshot:
        """What the committee may not change: the master's view when the workbook's model
        is given, else the snapshot the workbook carries."""
        if self.master is not None:
            return snapshot_for(self.master, self.committee)
        return self.meta.snapshot

    @cached_property
    def addressed(self) -> dict[str, KfGoal]:
        return {g.id: g for g in self.reference.kf_goals}

    @cached_property
    def coordinated(self) -> set[str]:
        return {g.id for g in self.reference.kf_goals if g.coordinator == self.committee}

    @cached_property
    def model_indicators(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.reference.kf_indicators}

    # --- rows and indexes --------------------------------------------------------------------
    def rows(self, sheet: str) -> list[Row]:
        """The sheet's data rows: rows holding something besides a computed Trafikljus (a
        formula left in an otherwise empty row is not a row the committee added)."""
        if sheet not in self._rows:
            table = self.submission.table(sheet)
            self._rows[sheet] = list(table.rows) if table is not None else []
        return self._rows[sheet]

    @property
    def kf_rows(self) -> list[Row]:
        return self.rows(COMMITTEE_KF_MAL.name)

    @property
    def goal_rows(self) -> list[Row]:
        return self.rows(COMMITTEE_NAMNDMAL.name)

    @property
    def indicator_rows(self) -> list[Row]:
        return self.rows(COMMITTEE_INDIKATORER.name)

    @property
    def activity_rows(self) -> list[Row]:
        return self.rows(COMMITTEE_AKTIVITETER.name)

    @cached_property
    def kf_row_by_id(self) -> dict[str, Row]:
        return _first_by_id(self.kf_rows)

    @cached_property
    def goal_row_by_id(self) -> dict[str, Row]:
        return _first_by_id(self.goal_rows)

    @cached_property
    def indicators_by_goal(self) -> dict[str, list[Row]]:
        return _group_by(self.indicator_rows, "goal_id")

    @cached_property
    def activities_by_goal(self) -> dict[str, list[Row]]:
        return _group_by(self.activity_rows, "goal_id")

    @cached_property
    def goals_by_kf_goal(self) -> dict[str, list[Row]]:
        return _group_by(self.goal_rows, "kf_goal_id")

    @cached_property
    def proposed_ids(self) -> dict[tuple[str, int], str]:
        """(sheet, row number) → the id `merge` will give a data row with an empty `Id`
        (`malark.validate.ids`, the same rule merge uses)."""
        reserved = [i.id for i in (self.model.kf_indicators if self.model is not None
                                   else self.reference.kf_indicators)]
        return {(a.sheet, a.row): a.new_id
                for a in assign_ids(self.committee, self.submission.tables, reserved=reserved)}

    @cached_property
    def kf_goal_ids(self) -> set[str]:
        """KF goals this workbook may refer to: the reference's and the sheet's."""
        return set(self.addressed) | set(self.kf_row_by_id)

    # --- making findings ---------------------------------------------------------------------
    def finding(self, code: str, cell: Cell | None = None, *, sheet: str | None = None,
                address: str | None = None, ref: str | None = None, **params) -> Finding:
        """A finding about `cell` (its sheet and address), or about `sheet`/`address` when
        there is no cell to point at (a missing sheet, column or row)."""
        return rule(code).finding(
            file=self.file,
            sheet=cell.sheet if cell is not None else sheet,
            cell=cell.address if cell is not None else address,
            ref=ref,
            **params,
        )


_SPECS = {spec.name: spec for spec in COMMITTEE_DATA_SHEETS}


def header(sheet: str, field_name: str) -> str:
    """The Swedish column header of `field_name` on a committee data sheet (from the
    contract: no header is typed twice)."""
    return _SPECS[sheet].column(field_name).header


def row_id(row: Row) -> str | None:
    return values.text(row.cells.get("id"))


def _first_by_id(rows: list[Row]) -> dict[str, Row]:
    result: dict[str, Row] = {}
    for row in rows:
        identifier = row_id(row)
        if identifier and identifier not in result:
            result[identifier] = row
    return result


def _group_by(rows: list[Row], field_name: str) -> dict[str, list[Row]]:
    result: dict[str, list[Row]] = {}
    for row in rows:
        key = values.text(row.cells.get(field_name))
        if key:
            result.setdefault(key, []).append(row)
    return result
