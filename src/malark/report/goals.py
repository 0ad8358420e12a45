"""One section per KF goal (seed 000, Kungsbacka's "Måluppföljning i årsredovisningen"):
first the municipality as a whole – the coordinating committee's assessment, analysis and
actions, and the KF indicators – then every addressed committee: how it contributed
(`Bidrag`), its nämndmål with assessment, analysis and actions, their indicators and a
count of its activities.
"""

from __future__ import annotations

from collections import Counter

from malark.core.contract import SUBMISSION_STATUS_MISSING, SUBMISSION_STATUS_NOT_READ
from malark.core.model import KfGoal
from malark.report.blocks import Badge, Blocks, Span, badge, shown
from malark.report.history import History
from malark.report.indicators import IndicatorLine, indicator_table, line_from_row
from malark.report.source import ReportSource
from malark.xlsx.table import Row

__all__ = ["committee_label", "goal_section", "kf_goal_badge", "status_note"]

NOT_READ_KEPT = ("Uppgifterna nedan kommer från en tidigare period och räknas inte med i "
                 "sammanfattningen.")


def committee_label(source: ReportSource, committee_id: str) -> str:
    name = source.committee_name(committee_id)
    return f"{committee_id} {name}" if name else committee_id


def status_note(source: ReportSource, committee_id: str) -> str | None:
    """Why the committee's part is missing this period, or None when it was read."""
    period = source.meta.period.value
    status = source.status(committee_id)
    if status == SUBMISSION_STATUS_MISSING:
        return f"{committee_id} har inte lämnat in sin arbetsbok för {period} (Saknas)."
    if status == SUBMISSION_STATUS_NOT_READ:
        return (f"{committee_id} lämnade in en arbetsbok för {period} som inte lästes in eftersom "
                "den hade fel (Ej inläst).")
    return None


def kf_goal_badge(source: ReportSource, goal: KfGoal) -> tuple[Badge, Row | None]:
    """The coordinating committee's assessment of the goal this period (Ej bedömd when the
    committee's workbook was not read), and its `KF-mål` row."""
    row = source.kf_report(goal.id, goal.coordinator)
    if not source.was_read(goal.coordinator):
        return Badge(None, source.scale.not_assessed), None
    return badge(row.value("assessment") if row else None, source.scale), row


def _addressed(goal: KfGoal) -> str:
    if goal.addressed_to_all:
        return "alla nämnder"
    return ", ".join(goal.addressed) or "–"


def _labelled(blocks: Blocks, label: str, value) -> None:
    text = shown(value)
    if text is not None:
        blocks.paragraph(Span(f"{label}: ", bold=True), text)


def goal_section(blocks: Blocks, source: ReportSource, goal: KfGoal, history: History) -> None:
    meta = source.meta
    blocks.heading(1, f"{goal.id} {goal.text}", goal.id.lower())
    blocks.paragraph(f"Perspektiv: {goal.perspective.value}. Samordnande nämnd: "
                     f"{committee_label(source, goal.coordinator)}. Adresserat till: "
                     f"{_addressed(goal)}.", kind="note")
    assessment, row = kf_goal_badge(source, goal)
    note = status_note(source, goal.coordinator)
    blocks.paragraph(Span("Samordnande nämndens bedömning: ", bold=True), assessment,
                     *([f" – {note}"] if note else []))
    if row is not None:
        _labelled(blocks, "Analys", row.value("analysis"))
        _labelled(blocks, "Åtgärder", row.value("actions"))
    lines = [line_from_row(r, history, meta.budgetår, meta.period.value)
             for i in source.kf_indicators if i.goal_id == goal.id
             if (r := source.kf_indicator_row(i, goal.coordinator)) is not None]
    if lines:
        blocks.add(indicator_table(f"KF-indikatorer för {goal.id}", lines, meta.period.value,
                                   source.scale))
    for committee in source.committees_under(goal):
        _committee_part(blocks, source, goal, committee, history)


def _committee_part(blocks: Blocks, source: ReportSource, goal: KfGoal, committee: str,
                    history: History) -> None:
    meta = source.meta
    blocks.heading(2, committee_label(source, committee))
    goals = source.goals_under(goal.id, committee)
    indicators = source.indicators_under(goal.id, committee)
    activities = source.activities_under(goal.id, committee)
    kf_row = source.kf_report(goal.id, committee)
    note = status_note(source, committee)
    if note:
        kept = goals or indicators or activities or kf_row is not None
        blocks.paragraph(note + (" " + NOT_READ_KEPT if kept else ""), kind="note")
        if not kept:
            return
    contribution = shown(kf_row.value("contribution")) if kf_row is not None else None
    if contribution is not None:
        blocks.paragraph(Span("Bidrag: ", bold=True), contribution)
    else:
        blocks.paragraph(Span("Bidrag: ", bold=True), Span("Nämnden har inte beskrivit sitt bidrag.",
                                                             italic=True))
    for row in goals:
        title = shown(row.value("text")) or ""
        blocks.paragraph(Span(f"{row.text('id') or ''} ", bold=True), Span(title, bold=True), kind="goal")
        blocks.paragraph(Span("Bedömning: ", bold=True), badge(row.value("assessment"), source.scale))
        _labelled(blocks, "Analys", row.value("analysis"))
        _labelled(blocks, "Åtgärder", row.value("actions"))
    if not goals:
        blocks.paragraph("Nämnden har inga nämndmål under KF-målet.", kind="note")
    if indicators:
        lines: list[IndicatorLine] = [line_from_row(r, history, meta.budgetår, meta.period.value)
                                      for r in indicators]
        blocks.add(indicator_table(f"Indikatorer under {goal.id} – {committee_label(source, committee)}",
                                   lines, meta.period.value,
                                   source.scale))
    if activities:
        statuses = Counter(shown(r.value("status")) or "utan status" for r in activities)
        parts = ", ".join(f"{n} {status}" for status, n in statuses.items())
        blocks.paragraph(f"Aktiviteter: {len(activities)} ({parts}).", kind="note")
