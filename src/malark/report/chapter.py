"""The goal follow-up chapter for KS and KF, decided once as blocks (SPEC 8):

1. the title `Måluppföljning <Kommun> <Budgetår> – <period>` and the vision;
2. `Sammanfattning`;
3. one section per KF goal (heading `KF3 …`), under it one per committee (`BUN …`);
4. `God ekonomisk hushållning`;
5. `Avvikelser`.
"""

from __future__ import annotations

from dataclasses import dataclass

from malark.core.contract import Period
from malark.core.swedish import format_date
from malark.report.blocks import Block, Blocks, Title
from malark.report.goals import goal_section
from malark.report.history import History
from malark.report.source import ReportSource
from malark.report.summary import deviations_section, economy_section, summary_section, tally

__all__ = ["Chapter", "build_chapter"]


@dataclass(frozen=True, slots=True)
class Chapter:
    title: str
    blocks: tuple[Block, ...]
    source_name: str


def chapter_title(source: ReportSource) -> str:
    meta = source.meta
    return f"Måluppföljning {meta.kommun} {meta.budgetår} – {meta.period.value}"


def _period_line(source: ReportSource) -> str:
    meta = source.meta
    if meta.period is Period.PLAN:
        return f"Plan för {meta.budgetår}: nämndernas mål inför året, ännu utan bedömningar."
    return f"Uppföljning per {format_date(meta.period.reference_date(meta.budgetår))}."


def build_chapter(source: ReportSource, history: History | None = None) -> Chapter:
    history = history or History()
    title = chapter_title(source)
    blocks = Blocks()
    blocks.add(Title(title, source.meta.snapshot.vision,
                     (_period_line(source), f"Underlag: sammanställningen {source.path.name}.")))
    counts = tally(source)
    summary_section(blocks, source, counts)
    for goal in source.kf_goals:
        goal_section(blocks, source, goal, history)
    economy_section(blocks, source, counts)
    deviations_section(blocks, source)
    return Chapter(title, tuple(blocks.items), source.path.name)
