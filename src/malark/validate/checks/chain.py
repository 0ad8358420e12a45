"""Goal-chain checks (K001–K004): does every nämndmål, indicator and activity hang on a
goal that exists and is addressed to the committee, and does the committee answer every
KF goal addressed to it? All four are also checked live on the `Kontroll` sheet (the
builders above each rule's check)."""

from __future__ import annotations

from collections.abc import Iterator

from malark.core.contract import (
    COMMITTEE_AKTIVITETER,
    COMMITTEE_INDIKATORER,
    COMMITTEE_KF_MAL,
    COMMITTEE_NAMNDMAL,
)
from malark.core.findings import Finding
from malark.validate.checks import values
from malark.validate.checks.base import Context, check, header, row_id
from malark.validate.checks.live import Band, Flag, LiveBook, found_in, live
from malark.validate.checks.live_formula import member
from malark.xlsx.table import Row

__all__ = ["CHECKS"]

_MAX_LISTED = 12


def _listing(ids: set[str] | list[str]) -> str:
    ordered = sorted(ids)
    shown = ", ".join(ordered[:_MAX_LISTED])
    return shown + (", …" if len(ordered) > _MAX_LISTED else "") if ordered else "inga mål finns"


def _model_kf_ids(ctx: Context) -> set[str]:
    """Every KF goal id of the model: the master's, else the ones the workbook carries."""
    if ctx.master is not None:
        return {g.id for g in ctx.master.kf_goals}
    return set(ctx.reference.model_kf_goal_ids)


def _reference(ctx: Context, row: Row, field_name: str, *, goals_allowed: bool,
               what: str) -> Iterator[Finding]:
    cell = row.cells.get(field_name)
    if cell is None:
        return
    target = values.text(cell)
    allowed = set(ctx.kf_goal_ids) | (set(ctx.goal_row_by_id) if goals_allowed else set())
    if target is None:
        yield ctx.finding("K001", cell, ref=row_id(row), problem=f"Ange vilket mål {what} hör till.",
                          allowed=_listing(allowed))
    elif target in allowed:
        return
    elif target in _model_kf_ids(ctx):
        yield ctx.finding("K002", cell, ref=row_id(row), target=target, committee=ctx.committee,
                          what=what)
    elif not goals_allowed and target in ctx.goal_row_by_id:
        yield ctx.finding("K001", cell, ref=row_id(row),
                          problem=f"{target} är ett nämndmål; här ska det stå ett KF-mål.",
                          allowed=_listing(allowed))
    else:
        yield ctx.finding("K001", cell, ref=row_id(row), problem=f"Målet {target} finns inte.",
                          allowed=_listing(allowed))


def _references_live(book: LiveBook) -> Iterator[tuple[Band, str, str, str]]:
    """(band, goal column, 1 where the goal is allowed, 1 where it is a model KF goal) of
    the three sheets whose rows point to a goal, as `_reference` judges them."""
    kf, goals = book.band(COMMITTEE_KF_MAL), book.band(COMMITTEE_NAMNDMAL)
    for band, field_name, goals_allowed in ((goals, "kf_goal_id", False),
                                            (book.band(COMMITTEE_INDIKATORER), "goal_id", True),
                                            (book.band(COMMITTEE_AKTIVITETER), "goal_id", True)):
        key = band.key(field_name)

        def allowed(band=band, field_name=field_name, goals_allowed=goals_allowed, key=key) -> str:
            sheets = [(kf, "id"), *([(goals, "id")] if goals_allowed else [])]
            return f"(({member(key, book.facts.addressed)}+{found_in(band, field_name, sheets)})>0)*1"
        yield (band, field_name, band.helper(f"allowed:{field_name}", allowed),
               member(key, book.facts.model_kf_ids))


@live("K001")
def _k001_live(book: LiveBook) -> Iterator[Flag]:
    for band, field_name, allowed, model_kf in _references_live(book):
        yield band.flag("K001", field_name,
                        f'({band.key(field_name)}="")+(1-{allowed})*(1-{model_kf})')


@live("K002")
def _k002_live(book: LiveBook) -> Iterator[Flag]:
    for band, field_name, allowed, model_kf in _references_live(book):
        yield band.flag("K002", field_name, f'({band.key(field_name)}<>"")*(1-{allowed})*{model_kf}')


@check("K001", "K002", live=(_k001_live, _k002_live))
def goal_references(ctx: Context) -> Iterator[Finding]:
    for row in ctx.goal_rows:
        yield from _reference(ctx, row, "kf_goal_id", goals_allowed=False, what="nämndmålet")
    for row in ctx.indicator_rows:
        yield from _reference(ctx, row, "goal_id", goals_allowed=True, what="indikatorn")
    for row in ctx.activity_rows:
        yield from _reference(ctx, row, "goal_id", goals_allowed=True, what="aktiviteten")


@live("K003")
def _k003_live(book: LiveBook) -> Iterator[Flag]:
    kf = book.band(COMMITTEE_KF_MAL)
    addressed = f"{member(kf.key('id'), book.facts.addressed)}*{kf.first('id')}"
    if book.facts.period.is_follow_up:
        yield kf.flag("K003", "contribution", f"{addressed}*{kf.blank('contribution')}")
        return
    answers = found_in(kf, "id", [(book.band(COMMITTEE_NAMNDMAL), "kf_goal_id"),
                                  (book.band(COMMITTEE_AKTIVITETER), "goal_id")])
    yield kf.flag("K003", "id", f"{addressed}*(1-{answers})")


@check("K003", live=(_k003_live,))
def addressed_goals_answered(ctx: Context) -> Iterator[Finding]:
    """Plan: a nämndmål or an activity per addressed KF goal. Follow-up: a `Bidrag` text."""
    for goal_id in ctx.addressed:
        row = ctx.kf_row_by_id.get(goal_id)
        if row is None:
            continue  # the missing row is S007
        if ctx.follow_up:
            cell = row.cells.get("contribution")
            if cell is None or values.text(cell) is not None:
                continue
            column = header(row.sheet, "contribution")
            yield ctx.finding("K003", cell, ref=goal_id, target=goal_id, committee=ctx.committee,
                              missing=f"{column} är tom",
                              what_to_do=f"Beskriv i {column} hur nämnden har bidragit till "
                                         "målet under perioden.")
        elif not ctx.goals_by_kf_goal.get(goal_id) and not ctx.activities_by_goal.get(goal_id):
            goals, activities = COMMITTEE_NAMNDMAL, COMMITTEE_AKTIVITETER
            yield ctx.finding(
                "K003", row.cells.get("id"), sheet=row.sheet, ref=goal_id, target=goal_id,
                committee=ctx.committee, missing="har inget nämndmål och ingen aktivitet",
                what_to_do=f"Lägg till ett nämndmål med {goals.column('kf_goal_id').header} "
                           f"{goal_id} på bladet {goals.name}, eller en aktivitet med "
                           f"{activities.column('goal_id').header} {goal_id} på bladet "
                           f"{activities.name}.")


@live("K004")
def _k004_live(book: LiveBook) -> Iterator[Flag]:
    goals = book.band(COMMITTEE_NAMNDMAL)
    key = goals.key("id")
    used = found_in(goals, "id", [(book.indicators, "goal_id"),
                                  (book.band(COMMITTEE_AKTIVITETER), "goal_id")])
    yield goals.flag("K004", "id", f'({key}<>"")*(1-{used})')
    yield goals.flag("K004", "text", f'({key}="")')


@check("K004", live=(_k004_live,))
def goals_followed_up(ctx: Context) -> Iterator[Finding]:
    for row in ctx.goal_rows:
        identifier = row_id(row)
        if identifier and (ctx.indicators_by_goal.get(identifier)
                           or ctx.activities_by_goal.get(identifier)):
            continue
        proposal = ctx.proposed_ids.get((row.sheet, row.number), f"{ctx.committee}-1")
        target = identifier or (f"på rad {row.number} (utan Id; ge målet ett id, t.ex. "
                                f"{proposal} som sammanställningen annars ger det, så att "
                                "indikatorer och aktiviteter kan peka på det)")
        cell = row.cells.get("id") if identifier else row.cells.get("text")
        yield ctx.finding("K004", cell, sheet=row.sheet, ref=identifier, target=target)


CHECKS = (goal_references, addressed_goals_answered, goals_followed_up)
