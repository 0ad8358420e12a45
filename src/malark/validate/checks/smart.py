"""SMART checks (M001–M006) on the committee's own goals, in Swedish and explainable:
every message names the words or values that triggered it. They run in the Plan period,
when goals are set; in follow-up periods the goals are already decided.

Word lists (documented in the rule reference):
- vague verbs, always M001: utveckla, verka för, sträva efter/mot, arbeta för/mot, främja,
  bidra till, satsa på, prioritera;
- direction words, M001 only when the goal has no level (no number in the text that is not
  a year, and no indicator with a target): öka, minska, förbättra, höja, sänka, stärka.
  "Frisknärvaron ska öka … och uppgå till 96 %" is specific;
- activity phrasing, M006: upprättas, tas fram, genomförs, införs, utreds, anordnas,
  implementeras, sammanställs (and -as forms), or a goal that starts with an infinitive
  order: Genomföra, Upprätta, Ta fram, Införa, Utreda, Anordna, Implementera.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from malark.core.contract import COMMITTEE_AKTIVITETER, COMMITTEE_NAMNDMAL, Direction
from malark.core.findings import Finding
from malark.core.model import KfGoal
from malark.core.swedish import format_number
from malark.validate.checks import values
from malark.validate.checks.base import Context, check, header, row_id
from malark.validate.checks.data import locked_live
from malark.validate.checks.live import Band, Flag, LiveBook, live, value_at_first
from malark.validate.checks.live_formula import lookup, member
from malark.validate.checks.live_values import number_value, valid_year
from malark.xlsx.table import Row

__all__ = ["CHECKS", "activity_words", "has_level", "vague_words"]


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)


_VAGUE = _words(r"utveckla(?:r|s|de|ts)?", r"verka(?:r|s)? för", r"sträva(?:r)? (?:efter|mot)",
                r"arbeta(?:r|s)? (?:för|mot)", r"främja(?:r|s)?", r"bidra(?:r)? till",
                r"satsa(?:r|s)? på", r"prioritera(?:r|s)?")
_DIRECTION = _words(r"öka(?:r|s)?", r"minska(?:r|s)?", r"förbättra(?:r|s)?", r"höja(?:s)?",
                    r"höjs", r"sänka(?:s)?", r"sänks", r"stärka(?:s)?", r"stärks")
_ACTIVITY = _words(r"upprätta(?:s)", r"tas fram", r"genomför(?:s|as)", r"inför(?:s|as)",
                   r"utred(?:s|as)", r"anordna(?:s)", r"implementera(?:s)", r"sammanställ(?:s|as)")
_ACTIVITY_START = re.compile(
    r"^\s*(?:genomföra|upprätta|ta fram|införa|utreda|anordna|implementera)\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w,.])(\d+(?:[ \u00a0]\d{3})*(?:[.,]\d+)?)(\s*(?:%|procent))?",
                     re.IGNORECASE)


def _quoted(found: list[str]) -> str:
    unique = list(dict.fromkeys(w.lower() for w in found))
    return ", ".join(f"\"{w}\"" for w in unique)


def has_level(text: str) -> bool:
    """True when the text names a level: a number that is not just a year (a percentage
    always counts)."""
    for match in _NUMBER.finditer(text):
        digits, percent = match.group(1), match.group(2)
        is_year = len(digits) == 4 and digits.isdigit() and 1900 <= int(digits) <= 2100
        if percent or not is_year:
            return True
    return False


def vague_words(text: str, *, measurable: bool) -> list[str]:
    """The words that make `text` vague; direction words count only when not measurable."""
    found = [m.group(0) for m in _VAGUE.finditer(text)]
    if not measurable:
        found += [m.group(0) for m in _DIRECTION.finditer(text)]
    return found


def activity_words(text: str) -> list[str]:
    found = [m.group(0) for m in _ACTIVITY_START.finditer(text)]
    return found + [m.group(0) for m in _ACTIVITY.finditer(text)]


def _has_target_indicator(ctx: Context, goal_id: str | None) -> bool:
    if not goal_id:
        return False
    return any(values.number(r.cells.get("target")) is not None
               for r in ctx.indicators_by_goal.get(goal_id, []))


@check("M001", "M002", "M006")
def goal_wording(ctx: Context) -> Iterator[Finding]:
    if ctx.follow_up:
        return
    for row in ctx.goal_rows:
        cell = row.cells.get("text")
        text = values.text(cell)
        if cell is None or text is None:
            continue
        identifier = row_id(row)
        measurable = has_level(text) or _has_target_indicator(ctx, identifier)
        if vague := vague_words(text, measurable=measurable):
            yield ctx.finding("M001", cell, ref=identifier, words=_quoted(vague))
        if not measurable:
            yield ctx.finding("M002", cell, ref=identifier,
                              target=identifier or f"på rad {row.number}")
        if activity := activity_words(text):
            yield ctx.finding("M006", cell, ref=identifier, words=_quoted(activity))


@live("M003")
def _m003_live(book: LiveBook) -> Iterator[Flag]:
    if book.facts.period.is_follow_up:
        return
    for spec in (COMMITTEE_NAMNDMAL, COMMITTEE_AKTIVITETER):
        band = book.band(spec)
        yield band.flag("M003", "responsible", band.blank("responsible"))


@check("M003", live=(_m003_live,))
def responsible(ctx: Context) -> Iterator[Finding]:
    if ctx.follow_up:
        return
    for row in (*ctx.goal_rows, *ctx.activity_rows):
        cell = row.cells.get("responsible")
        if cell is not None and values.text(cell) is None:
            yield ctx.finding("M003", cell, ref=row_id(row))


def _far(baseline: float, target: float, percent: bool) -> str | None:
    if percent:
        if abs(target - baseline) > 25:
            return f"{format_number(abs(target - baseline))} procentenheter"
        return None
    if baseline > 0 and target > 0 and not 0.5 <= target / baseline <= 2:
        return "mer än en fördubbling" if target > baseline else "mer än en halvering"
    return None


@check("M004")
def realistic_targets(ctx: Context) -> Iterator[Finding]:
    if ctx.follow_up:
        return
    for row in ctx.indicator_rows:
        if row_id(row) in ctx.model_indicators:
            continue  # set by the model, not the committee's
        baseline, target = values.number(row.cells.get("baseline")), values.number(row.cells.get("target"))
        if baseline is None or target is None:
            continue
        percent = (values.text(row.cells.get("unit")) or "").strip() == "%"
        if percent and not (0 <= target <= 100 and 0 <= baseline <= 100):
            continue  # D002
        direction = values.text(row.cells.get("direction"))
        lower = direction == Direction.LOWER.value
        b, t = format_number(baseline), format_number(target)
        if (target < baseline and not lower) or (target > baseline and lower):
            problem = (f"Målvärdet {t} är sämre än utgångsvärdet {b} fast "
                       f"{'lägre' if lower else 'högre'} är bättre")
        elif far := _far(baseline, target, percent):
            problem = f"Målvärdet {t} ligger långt från utgångsvärdet {b} ({far})"
        else:
            continue
        yield ctx.finding("M004", row.cells.get("target"), ref=row_id(row), problem=problem)


def _kf_goal_of(ctx: Context, goal_id: str | None) -> KfGoal | None:
    """The KF goal a nämndmål or KF id belongs to (for its period)."""
    if not goal_id:
        return None
    if goal_id in ctx.addressed:
        return ctx.addressed[goal_id]
    row = ctx.goal_row_by_id.get(goal_id)
    kf_id = values.text(row.cells.get("kf_goal_id")) if row is not None else None
    return ctx.addressed.get(kf_id) if kf_id else None


def _year_problem(ctx: Context, row: Row, field_name: str, kf: KfGoal | None,
                  what: str) -> Finding | None:
    cell = row.cells.get(field_name)
    if cell is None:
        return None
    label = header(row.sheet, field_name)
    read = values.read_year(cell)
    if read.kind is values.ReadKind.EMPTY:
        return ctx.finding("M005", cell, ref=row_id(row), problem=f"{label} saknas för {what}")
    if not read.ok or kf is None or kf.start_year <= read.value <= kf.end_year:
        return None
    return ctx.finding("M005", cell, ref=row_id(row),
                       problem=f"{label} {read.value} ligger utanför KF-målets {kf.id} period "
                               f"{kf.start_year}–{kf.end_year}")


def _kf_period_live(book: LiveBook, key: str) -> tuple[str, str, str]:
    """(known, start year, end year) of the addressed KF goal whose id is `key`."""
    ids = list(book.facts.addressed)
    starts = [book.facts.addressed[i][0] for i in ids]
    ends = [book.facts.addressed[i][1] for i in ids]
    return member(key, ids), lookup(key, ids, starts), lookup(key, ids, ends)


def _year_problem_live(value: str, known: str, start: str, end: str, *, empty: bool) -> str:
    """`_year_problem` as a formula: a year outside the KF goal's period (and, with
    `empty`, a year left empty)."""
    outside = f"{valid_year(value)}*{known}*(({value}<{start})+({value}>{end}))"
    return f'(({value}="")+{outside})' if empty else outside


def _goal_kf_period_live(book: LiveBook, band: Band) -> tuple[str, str, str]:
    """`_kf_goal_of` for the goal ids of the Indikatorer rows: the addressed KF goal itself,
    else the KF goal of the first Nämndmål row with that id."""
    goals = book.band(COMMITTEE_NAMNDMAL)
    key = band.key("goal_id")
    direct = _kf_period_live(book, key)
    goals.key("id")  # VLOOKUP's table starts at the id column: the first of the three
    row_start = goals.helper("kf-start", lambda: _kf_period_live(book, goals.key("kf_goal_id"))[1])
    row_end = goals.helper("kf-end", lambda: _kf_period_live(book, goals.key("kf_goal_id"))[2])
    via_start = value_at_first(band, "goal_id", goals, "id", row_start)
    via_end = value_at_first(band, "goal_id", goals, "id", row_end)
    start = f"IF({direct[0]},{direct[1]},{via_start})"
    end = f"IF({direct[0]},{direct[2]},{via_end})"
    return f"(({direct[0]}+({via_start}>0))>0)", start, end


@live("M005")
def _m005_live(book: LiveBook) -> Iterator[Flag]:
    if book.facts.period.is_follow_up:
        return
    goals = book.band(COMMITTEE_NAMNDMAL)
    known, start, end = _kf_period_live(book, goals.key("kf_goal_id"))
    for field_name in ("start_year", "end_year"):
        value = number_value(goals, field_name)
        yield goals.flag("M005", field_name, _year_problem_live(
            value, known, start, end, empty=field_name == "end_year"))
    band = book.indicators
    known, start, end = _goal_kf_period_live(book, band)
    target, year = number_value(band, "target"), number_value(band, "target_year")
    yield band.flag("M005", "target_year",
                    f"(1-{locked_live(band, 'target')})*ISNUMBER({target})"
                    f"*{_year_problem_live(year, known, start, end, empty=True)}")


@check("M005", live=(_m005_live,))
def time_bound(ctx: Context) -> Iterator[Finding]:
    if ctx.follow_up:
        return
    for row in ctx.goal_rows:
        kf = ctx.addressed.get(values.text(row.cells.get("kf_goal_id")) or "")
        what = f"nämndmålet {row_id(row) or f'på rad {row.number}'}"
        start = row.cells.get("start_year")
        if values.read_year(start).ok and (problem := _year_problem(
                ctx, row, "start_year", kf, what)) is not None:
            yield problem
        if (problem := _year_problem(ctx, row, "end_year", kf, what)) is not None:
            yield problem
    for row in ctx.indicator_rows:
        if row_id(row) in ctx.model_indicators or values.number(row.cells.get("target")) is None:
            continue
        kf = _kf_goal_of(ctx, values.text(row.cells.get("goal_id")))
        what = f"indikatorn {row_id(row) or f'på rad {row.number}'}"
        if (problem := _year_problem(ctx, row, "target_year", kf, what)) is not None:
            yield problem


CHECKS = (goal_wording, responsible, realistic_targets, time_bound)
