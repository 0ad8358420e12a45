"""Data checks (D001–D011): typed values, dropdown lists, what a follow-up period requires,
late activities and assessments that contradict the indicators.

Content the committee may not change (KF goal text, model-set KF indicator values) is
judged by S007 only, so one edit gives one finding.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time, timedelta

from malark.core.contract import (
    COMMITTEE_DATA_SHEETS,
    COMMITTEE_INDIKATORER,
    COMMITTEE_KF_MAL,
    LIGHT_GREEN,
    LIGHT_RED,
    Assessment,
    Column,
    Direction,
    Kind,
    Status,
)
from malark.core.findings import Finding
from malark.core.lights import indicator_light
from malark.validate.checks import values
from malark.validate.checks.base import Context, check, header, row_id
from malark.validate.checks.values import Read, ReadKind
from malark.xlsx.table import Cell, Row

__all__ = ["CHECKS", "YEAR_RANGE"]

YEAR_RANGE = (2000, 2100)
BASELINE_YEAR_RANGE = (1900, 2100)
PERCENT_FIELDS = ("baseline", "target", "outcome", "previous_outcome")
NOT_SHARE_WORDS = ("resultat", "avvikelse", "förändring", "grad", "ökning", "minskning",
                   "tillväxt", "utveckling")
"""Words in an indicator's name that say a `%` value may be negative or above 100."""
_KF_LOCKED = frozenset({"id", "perspective", "text", "coordinator"})
_INDICATOR_LOCKED = frozenset({"id", "goal_id", "name", "unit", "direction", "baseline",
                               "baseline_year", "target", "target_year", "kolada_kpi"})
_DONE = frozenset({Status.KLAR.value, Status.AVBRUTEN.value, Status.FORSENAD.value})


def _locked(ctx: Context, row: Row, field_name: str) -> bool:
    if row.sheet == COMMITTEE_KF_MAL.name:
        return field_name in _KF_LOCKED
    if row.sheet == COMMITTEE_INDIKATORER.name and row_id(row) in ctx.model_indicators:
        return field_name in _INDICATOR_LOCKED
    return False


@check("D001", "D002", "D003", "D004", "D009", "D011", "D012")
def typed_values(ctx: Context) -> Iterator[Finding]:
    for spec in COMMITTEE_DATA_SHEETS:
        for row in ctx.rows(spec.name):
            for column in spec.columns:
                cell = row.cells.get(column.field)
                if cell is None or column.kind is Kind.FORMULA or _locked(ctx, row, column.field):
                    continue
                yield from _typed_cell(ctx, row, column, cell)
            if spec.name == COMMITTEE_INDIKATORER.name:
                yield from _percent_range(ctx, row)


def _not_typed(cell: Cell) -> str | None:
    """What a cell holds instead of a typed value (D009): a formula, an error value or
    SANT/FALSKT (LibreOffice turns a typed SANT into the formula =TRUE(), so the live
    checks cannot tell the two apart either)."""
    if cell.error is not None:
        return f"felvärdet {cell.error}"
    if cell.formula is not None:
        return f"formeln ={cell.formula.lstrip('=')}"
    if isinstance(cell.value, bool):
        return f"värdet {values.display(cell.value)}"
    return None


def _typed_cell(ctx: Context, row: Row, column: Column, cell: Cell) -> Iterator[Finding]:
    ref = row_id(row)
    if (what := _not_typed(cell)) is not None:
        yield ctx.finding("D009", cell, ref=ref, what=what)
        return
    if column.kind is Kind.NUMBER:
        yield from _read_report(ctx, cell, column, values.read_number(cell), "D001", ref)
    elif column.kind is Kind.YEAR:
        read = values.read_year(cell)
        yield from _read_report(ctx, cell, column, read, "D001", ref)
        low, high = BASELINE_YEAR_RANGE if column.field == "baseline_year" else YEAR_RANGE
        if read.ok and not low <= read.value <= high:
            yield ctx.finding("D002", cell, ref=ref, header=column.header, found=read.value,
                              allowed=f"rimliga årtal ({low}–{high})")
    elif column.kind is Kind.DATE:
        read = values.read_date(cell)
        yield from _read_report(ctx, cell, column, read, "D003", ref)
        if read.ok and not YEAR_RANGE[0] <= read.value.year <= YEAR_RANGE[1]:
            yield ctx.finding("D002", cell, ref=ref, header=column.header,
                              found=values.display(read.value),
                              allowed=f"rimliga datum ({YEAR_RANGE[0]}–{YEAR_RANGE[1]})")
        elif read.ok and column.field == "end_date":
            start = values.date_of(row.cells.get("start_date"))
            if start is not None and read.value < start:
                yield ctx.finding("D002", cell, ref=ref, header=column.header,
                                  found=values.display(read.value),
                                  allowed=f"datum från och med Startdatum "
                                          f"({values.display(start)})")
    elif column.kind is Kind.CHOICE:
        found = values.text(cell)
        if found is not None and found not in column.choices:
            yield ctx.finding("D004", cell, ref=ref, header=column.header,
                              found=values.display(found),
                              allowed=", ".join(column.choices))


def _read_report(ctx: Context, cell: Cell, column: Column, read: Read, invalid_code: str,
                 ref: str | None) -> Iterator[Finding]:
    if isinstance(cell.value, date | time | timedelta) and column.kind is not Kind.DATE:
        yield ctx.finding("D012", cell, ref=ref, header=column.header,
                          found=values.display(cell.value))
    if read.kind is ReadKind.INVALID:
        yield ctx.finding(invalid_code, cell, ref=ref, header=column.header,
                          found=values.display(cell.value))
    elif read.kind is ReadKind.FROM_TEXT:
        how = "är skrivet som text" if isinstance(cell.value, str) else "är ett tal utan datumformat"
        yield ctx.finding("D011", cell, ref=ref, header=column.header,
                          found=values.display(cell.value), how=how,
                          value=values.display(read.value))


def _is_share(ctx: Context, row: Row) -> bool:
    """An indicator with unit `%` is a share (0–100) unless its name says it is a result,
    deviation, change or degree (`Årets resultat`, `Budgetavvikelse`, `Självfinansieringsgrad`
    can be negative or above 100), or the model set its baseline or target outside 0–100
    (a change measure such as −40 % of the 1990 level)."""
    if (values.text(row.cells.get("unit")) or "") != "%":
        return False
    name = (values.text(row.cells.get("name")) or "").lower()
    if any(word in name for word in NOT_SHARE_WORDS):
        return False
    model_set = ctx.model_indicators.get(row_id(row) or "")
    return model_set is None or all(v is None or 0 <= v <= 100
                                    for v in (model_set.baseline, model_set.target))


def _percent_range(ctx: Context, row: Row) -> Iterator[Finding]:
    """Values of a share indicator (see `_is_share`) lie in 0–100."""
    if not _is_share(ctx, row):
        return
    for field_name in PERCENT_FIELDS:
        cell = row.cells.get(field_name)
        if cell is None or _locked(ctx, row, field_name):
            continue
        found = values.number(cell)
        if found is not None and not 0 <= found <= 100:
            yield ctx.finding("D002", cell, ref=row_id(row), header=header(row.sheet, field_name),
                              found=values.display(found), allowed="0–100 % (enheten är %)")


def _assessed_rows(ctx: Context) -> Iterator[Row]:
    """Rows that carry a committee's assessment: every nämndmål and the KF goals the
    committee coordinates."""
    yield from ctx.goal_rows
    for goal_id in sorted(ctx.coordinated):
        row = ctx.kf_row_by_id.get(goal_id)
        if row is not None:
            yield row


@check("D005", "D006", "D007")
def follow_up_required(ctx: Context) -> Iterator[Finding]:
    if not ctx.follow_up:
        return
    for row in ctx.indicator_rows:
        cell = row.cells.get("outcome")
        # An error value (#DIV/0!) is no outcome either: D009 says why, D005 that it is required.
        if (values.read_number(cell).kind in (ReadKind.EMPTY, ReadKind.ERROR) and cell is not None
                and values.text(row.cells.get("comment")) is None):
            yield ctx.finding("D005", cell, ref=row_id(row), header=header(row.sheet, "outcome"),
                              what_to_do="Skriv periodens utfall, eller förklara i "
                                         f"{header(row.sheet, 'comment')} varför det saknas "
                                         "(t.ex. att måttet mäts årligen).")
    for row in _assessed_rows(ctx):
        yield from _assessment_required(ctx, row)
    for row in ctx.activity_rows:
        cell = row.cells.get("status")
        if cell is not None and values.text(cell) is None:
            yield ctx.finding("D005", cell, ref=row_id(row), header=header(row.sheet, "status"),
                              what_to_do="Välj aktivitetens status i listan.")


def _assessment_required(ctx: Context, row: Row) -> Iterator[Finding]:
    cell = row.cells.get("assessment")
    if cell is None:
        return
    assessment = values.text(cell)
    if assessment is None:
        yield ctx.finding("D005", cell, ref=row_id(row), header=header(row.sheet, "assessment"),
                          what_to_do="Välj Grön, Gul, Röd eller Ej bedömd och skriv en analys.")
        return
    analysis = row.cells.get("analysis")
    if assessment in (Assessment.ROD, Assessment.GUL) and analysis is not None \
            and values.text(analysis) is None:
        yield ctx.finding("D006", analysis, ref=row_id(row), assessment=assessment)
    actions = row.cells.get("actions")
    if assessment == Assessment.ROD and actions is not None and values.text(actions) is None:
        yield ctx.finding("D007", actions, ref=row_id(row))


@check("D008")
def late_activities(ctx: Context) -> Iterator[Finding]:
    for row in ctx.activity_rows:
        end: date | None = values.date_of(row.cells.get("end_date"))
        cell = row.cells.get("status")
        status = values.text(cell)
        if end is None or cell is None or end >= ctx.reference_date or status in _DONE:
            continue
        yield ctx.finding("D008", cell, ref=row_id(row), end=values.display(end),
                          status=f"\"{status}\"" if status else "tom",
                          reference=values.display(ctx.reference_date))


def _light(ctx: Context, row: Row) -> int | None:
    direction = values.text(row.cells.get("direction")) or Direction.HIGHER.value
    if direction not in (Direction.HIGHER.value, Direction.LOWER.value):
        return None
    return indicator_light(values.number(row.cells.get("baseline")),
                           values.number(row.cells.get("target")),
                           values.number(row.cells.get("outcome")),
                           direction, ctx.meta.gul_grans)


@check("D010")
def assessment_matches_lights(ctx: Context) -> Iterator[Finding]:
    for row in _assessed_rows(ctx):
        identifier = row_id(row)
        cell = row.cells.get("assessment")
        assessment = values.text(cell)
        if not identifier or assessment not in (Assessment.GRON, Assessment.ROD):
            continue
        lights = [_light(ctx, r) for r in ctx.indicators_by_goal.get(identifier, [])]
        lights = [light for light in lights if light is not None]
        if not lights:
            continue
        contradicting = LIGHT_RED if assessment == Assessment.GRON else LIGHT_GREEN
        if all(light == contradicting for light in lights):
            yield ctx.finding("D010", cell, ref=identifier, assessment=assessment,
                              indicators=_all_lights(len(lights), contradicting))


def _all_lights(count: int, light: int) -> str:
    """`indikatorn är röd` / `alla 3 indikatorer med utfall är gröna`."""
    if count == 1:
        return f"indikatorn är {'röd' if light == LIGHT_RED else 'grön'}"
    return f"alla {count} indikatorer med utfall är {'röda' if light == LIGHT_RED else 'gröna'}"


CHECKS = (typed_values, follow_up_required, late_activities, assessment_matches_lights)
