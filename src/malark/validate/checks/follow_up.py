"""Follow-up checks (D005–D008, D010): what a follow-up period requires, late activities
and assessments that contradict the indicators. D005–D008 are also checked live on the
`Kontroll` sheet (the builders above each rule's check).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from malark.core.contract import (
    COMMITTEE_AKTIVITETER,
    COMMITTEE_KF_MAL,
    COMMITTEE_NAMNDMAL,
    LIGHT_GREEN,
    LIGHT_RED,
    Assessment,
    Direction,
    Status,
)
from malark.core.findings import Finding
from malark.core.lights import rule_light
from malark.validate.checks import values
from malark.validate.checks.base import Context, check, header, row_id
from malark.validate.checks.live import Band, Flag, LiveBook, live
from malark.validate.checks.live_formula import member, yyyymmdd
from malark.validate.checks.live_values import date_value, number_value
from malark.validate.checks.values import ReadKind
from malark.xlsx.table import Row

__all__ = ["CHECKS"]

_DONE = frozenset({Status.KLAR.value, Status.AVBRUTEN.value, Status.FORSENAD.value})


def _assessed_rows(ctx: Context) -> Iterator[Row]:
    """Rows that carry a committee's assessment: every nämndmål and the KF goals the
    committee coordinates."""
    yield from ctx.goal_rows
    for goal_id in sorted(ctx.coordinated):
        row = ctx.kf_row_by_id.get(goal_id)
        if row is not None:
            yield row


def _assessed_live(book: LiveBook) -> Iterator[tuple[Band, str]]:
    """`_assessed_rows` as formulas: (band, 1 on the rows that carry an assessment)."""
    yield book.band(COMMITTEE_NAMNDMAL), "1"
    kf = book.band(COMMITTEE_KF_MAL)
    yield kf, f"{member(kf.key('id'), book.facts.coordinated)}*{kf.first('id')}"


@live("D005")
def _d005_live(book: LiveBook) -> Iterator[Flag]:
    if not book.facts.period.is_follow_up:
        return
    indicators = book.indicators
    outcome = number_value(indicators, "outcome")
    yield indicators.flag("D005", "outcome",
                          f'(({outcome}="")+({outcome}="E"))*{indicators.blank("comment")}')
    for band, assessed in _assessed_live(book):
        yield band.flag("D005", "assessment", f'{assessed}*({band.key("assessment")}="")')
    activities = book.band(COMMITTEE_AKTIVITETER)
    yield activities.flag("D005", "status", f'({activities.key("status")}="")')


def _text_required_live(book: LiveBook, code: str, assessments: tuple[str, ...],
                        field_name: str) -> Iterator[Flag]:
    """`field_name` left without text on an assessed row whose assessment is one of
    `assessments` (follow-up periods)."""
    if not book.facts.period.is_follow_up:
        return
    for band, assessed in _assessed_live(book):
        chosen = member(band.key("assessment"), assessments)
        yield band.flag(code, field_name, f"{assessed}*{chosen}*{band.blank(field_name)}")


@live("D006")
def _d006_live(book: LiveBook) -> Iterator[Flag]:
    scale = book.facts.scale
    yield from _text_required_live(book, "D006", (scale.red, scale.yellow), "analysis")


@live("D007")
def _d007_live(book: LiveBook) -> Iterator[Flag]:
    yield from _text_required_live(book, "D007", (book.facts.scale.red,), "actions")


@check("D005", "D006", "D007", live=(_d005_live, _d006_live, _d007_live))
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
    scale = ctx.scale
    if assessment is None:
        words = ", ".join(scale.choices[:3]) + f" eller {scale.not_assessed}"
        yield ctx.finding("D005", cell, ref=row_id(row), header=header(row.sheet, "assessment"),
                          what_to_do=f"Välj {words} och skriv en analys.")
        return
    analysis = row.cells.get("analysis")
    if assessment in (scale.red, scale.yellow) and analysis is not None \
            and values.text(analysis) is None:
        yield ctx.finding("D006", analysis, ref=row_id(row), assessment=assessment)
    actions = row.cells.get("actions")
    if assessment == scale.red and actions is not None and values.text(actions) is None:
        yield ctx.finding("D007", actions, ref=row_id(row))


@live("D008")
def _d008_live(book: LiveBook) -> Iterator[Flag]:
    activities = book.band(COMMITTEE_AKTIVITETER)
    end = date_value(activities, "end_date")
    done = member(activities.key("status"), sorted(_DONE))
    yield activities.flag("D008", "status", f"ISNUMBER({end})*({end}<{yyyymmdd(book.facts.reference_date)})"
                                            f"*(1-{done})")


@check("D008", live=(_d008_live,))
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
    """The indicator's light by the workbook's own light rule and parameter (SPEC 5, 3c)."""
    direction = values.text(row.cells.get("direction")) or Direction.HIGHER.value
    if direction not in (Direction.HIGHER.value, Direction.LOWER.value):
        return None
    return rule_light(ctx.meta.ljusregel, baseline=values.number(row.cells.get("baseline")),
                      target=values.number(row.cells.get("target")),
                      outcome=values.number(row.cells.get("outcome")),
                      previous=values.number(row.cells.get("previous_outcome")),
                      direction=direction, parameter=ctx.meta.gul_grans)


@check("D010")
def assessment_matches_lights(ctx: Context) -> Iterator[Finding]:
    for row in _assessed_rows(ctx):
        identifier = row_id(row)
        cell = row.cells.get("assessment")
        assessment = values.text(cell)
        name = ctx.scale.standard_name(assessment)
        if not identifier or name not in (Assessment.GRON, Assessment.ROD):
            continue
        lights = [_light(ctx, r) for r in ctx.indicators_by_goal.get(identifier, [])]
        lights = [light for light in lights if light is not None]
        if not lights:
            continue
        contradicting = LIGHT_RED if name is Assessment.GRON else LIGHT_GREEN
        if all(light == contradicting for light in lights):
            yield ctx.finding("D010", cell, ref=identifier, assessment=assessment,
                              indicators=_all_lights(len(lights), contradicting))


def _all_lights(count: int, light: int) -> str:
    """`indikatorn är röd` / `alla 3 indikatorer med utfall är gröna`."""
    if count == 1:
        return f"indikatorn är {'röd' if light == LIGHT_RED else 'grön'}"
    return f"alla {count} indikatorer med utfall är {'röda' if light == LIGHT_RED else 'gröna'}"


CHECKS = (follow_up_required, late_activities, assessment_matches_lights)
