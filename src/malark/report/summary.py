"""The chapter's overview sections: `Sammanfattning` (counts per perspective and per
committee, the chart, the annual report's sentence, who did not submit), `God ekonomisk
hushållning` (financial goals beside the rest) and `Avvikelser` (every Röd and Gul, worst
first).

What counts: a KF goal by its coordinating committee's assessment; a nämndmål by its
own. Only this period's submissions count (`Inlämningar` = `Inläst`); a KF goal whose
coordinating committee was not read counts as Ej bedömd.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from malark.core.contract import PERSPECTIVES, Assessment, Perspective
from malark.report.blocks import Badge, Blocks, Cell, ChartData, Figure, Span, Table, badge, shown
from malark.report.counts import ORDER, Counts, count_text, sentence
from malark.report.goals import committee_label, kf_goal_badge
from malark.report.source import ReportSource

__all__ = ["Tally", "deviations_section", "economy_section", "summary_section", "tally"]


def legend(source: ReportSource) -> tuple[Badge, ...]:
    """The four assessments in the consolidation's words, Grön first."""
    return tuple(Badge(a, source.scale.label_of(a)) for a in ORDER)

FINANCIAL = Perspective.EKONOMI.value
LAW_TEXT = (
    "Kommunen ska ha en god ekonomisk hushållning (kommunallagen 11 kap. 1 §), och "
    "förvaltningsberättelsen ska innehålla en utvärdering av om målen för god ekonomisk "
    "hushållning har uppnåtts (lagen om kommunal bokföring och redovisning 11 kap. 12 §). "
    "Här redovisas de finansiella målen (KF-målen i perspektivet Ekonomi) och "
    "verksamhetsmålen (KF-målen i övriga perspektiv) sida vid sida, med den samordnande "
    "nämndens bedömning."
)


@dataclass(slots=True)
class Tally:
    kf: Counts = field(default_factory=Counts)
    goals: Counts = field(default_factory=Counts)
    kf_by_perspective: dict[str, Counts] = field(default_factory=dict)
    goals_by_perspective: dict[str, Counts] = field(default_factory=dict)
    goals_by_committee: dict[str, Counts] = field(default_factory=dict)
    financial: Counts = field(default_factory=Counts)
    operational: Counts = field(default_factory=Counts)


def tally(source: ReportSource) -> Tally:
    result = Tally(kf_by_perspective={p: Counts() for p in PERSPECTIVES},
                   goals_by_perspective={p: Counts() for p in PERSPECTIVES},
                   goals_by_committee={c.id: Counts() for c in source.committees})
    perspective_of = {}
    for goal in source.kf_goals:
        assessment = kf_goal_badge(source, goal)[0].assessment
        perspective = goal.perspective.value
        perspective_of[goal.id] = perspective
        result.kf.add(assessment)
        result.kf_by_perspective[perspective].add(assessment)
        (result.financial if perspective == FINANCIAL else result.operational).add(assessment)
    for row in source.goal_rows:
        committee = row.text("committee") or ""
        if not source.was_read(committee):
            continue
        assessment = badge(row.value("assessment"), source.scale).assessment
        perspective = row.text("perspective")
        if perspective not in result.goals_by_perspective:
            perspective = perspective_of.get(row.text("kf_goal_id") or "")
        result.goals.add(assessment)
        if perspective in result.goals_by_perspective:
            result.goals_by_perspective[perspective].add(assessment)
        result.goals_by_committee.setdefault(committee, Counts()).add(assessment)
    return result


def _count_cells(counts: Counts) -> tuple[Cell, ...]:
    return (*((Span(count_text(n)),) for n in counts.values), (Span(count_text(counts.total), bold=True),))



def _count_headers(source: ReportSource) -> tuple[Cell, ...]:
    return (*((b,) for b in legend(source)), (Span("Totalt"),))



def summary_section(blocks: Blocks, source: ReportSource, counts: Tally) -> None:
    blocks.heading(1, "Sammanfattning", "sammanfattning")
    blocks.paragraph(sentence("KF-mål", counts.kf) + " Bedömningen är den samordnande nämndens.")
    blocks.paragraph(sentence("nämndmål", counts.goals))
    _submissions(blocks, source)
    rows = []
    for perspective in PERSPECTIVES:
        kf = counts.kf_by_perspective[perspective]
        rows.append(((Span(perspective),), (Span("KF-mål"),), *_count_cells(kf)))
        rows.append(((), (Span("Nämndmål"),), *_count_cells(counts.goals_by_perspective[perspective])))
    rows.append(((Span("Totalt", bold=True),), (Span("KF-mål"),), *_count_cells(counts.kf)))
    rows.append(((), (Span("Nämndmål"),), *_count_cells(counts.goals)))
    blocks.add(Table("KF-mål och nämndmål per perspektiv",
                     ((Span("Perspektiv"),), (Span("Mål"),), *_count_headers(source)), tuple(rows),
                     (2.8, 2.2, 1.6, 1.6, 1.6, 2.0, 1.6), frozenset(range(2, 7))))
    committee_rows = []
    for committee, n in counts.goals_by_committee.items():
        committee_rows.append(((Span(committee_label(source, committee)),),
                               (Span(source.status(committee)),), *_count_cells(n)))
    blocks.add(Table("Nämndmålen per nämnd",
                     ((Span("Nämnd"),), (Span("Inlämning"),), *_count_headers(source)), tuple(committee_rows),
                     (5.0, 2.0, 1.5, 1.5, 1.5, 2.0, 1.6), frozenset(range(2, 7))))
    categories = ("KF-mål", *(f"{c} nämndmål" + ("" if source.was_read(c) else f" ({source.status(c)})")
                              for c in counts.goals_by_committee))
    columns = [counts.kf.values, *(n.values for n in counts.goals_by_committee.values())]
    words = legend(source)
    chart = ChartData(categories, tuple((words[i], tuple(c[i] for c in columns)) for i in range(4)))
    description = "; ".join(
        f"{category}: " + ", ".join(f"{n} {b.word}" for b, n in zip(words, values, strict=True))
        for category, values in zip(categories, columns, strict=True))
    blocks.add(Figure("Bedömningen av KF-målen och av nämndmålen per nämnd (antal mål)", chart,
                      description))


def _submissions(blocks: Blocks, source: ReportSource) -> None:
    committees = [c.id for c in source.committees]
    read = [c for c in committees if source.was_read(c)]
    if len(read) == len(committees):
        blocks.paragraph(Span("Inlämningar: ", bold=True),
                         f"alla {len(committees)} nämnder har lämnat in och ingår i rapporten.")
        return
    parts = [f"{len(read)} av {len(committees)} nämnder ingår i rapporten."]
    for status, text in (("Saknas", "Har inte lämnat in"),
                         ("Ej inläst", "Lämnade in men lästes inte in (filen hade fel)")):
        names = [committee_label(source, c) for c in committees if source.status(c) == status]
        if names:
            parts.append(f"{text}: {', '.join(names)}.")
    blocks.paragraph(Span("Inlämningar: ", bold=True), " ".join(parts))


def economy_section(blocks: Blocks, source: ReportSource, counts: Tally) -> None:
    blocks.heading(1, "God ekonomisk hushållning", "god-ekonomisk-hushallning")
    blocks.paragraph(LAW_TEXT)
    rows = tuple(((b,), (Span(count_text(counts.financial.of(b.assessment))),),
                  (Span(count_text(counts.operational.of(b.assessment))),)) for b in legend(source))
    rows += (((Span("Totalt", bold=True),), (Span(count_text(counts.financial.total), bold=True),),
              (Span(count_text(counts.operational.total), bold=True),)),)
    blocks.add(Table("Finansiella mål och verksamhetsmål",
                     ((Span("Bedömning"),), (Span("Finansiella mål"),), (Span("Verksamhetsmål"),)),
                     rows, (3.0, 3.0, 3.0), frozenset({1, 2})))
    blocks.paragraph(sentence("finansiella mål", counts.financial))
    blocks.paragraph(sentence("verksamhetsmål", counts.operational))
    goals = sorted(source.kf_goals, key=lambda g: g.perspective.value != FINANCIAL)
    blocks.add(Table("KF-målen för god ekonomisk hushållning",
                     ((Span("KF-mål"),), (Span("Slag"),), (Span("Bedömning"),)),
                     tuple(((Span(f"{g.id} {g.text}"),),
                            (Span("Finansiellt mål" if g.perspective.value == FINANCIAL
                                  else "Verksamhetsmål"),),
                            (kf_goal_badge(source, g)[0],)) for g in goals),
                     (9.0, 2.6, 2.4)))


_SEVERITY = {Assessment.ROD: 0, Assessment.GUL: 1}


def deviations_section(blocks: Blocks, source: ReportSource) -> None:
    blocks.heading(1, "Avvikelser", "avvikelser")
    order = {c.id: i for i, c in enumerate(source.committees)}
    found = []
    for n, goal in enumerate(source.kf_goals):
        mark, row = kf_goal_badge(source, goal)
        if mark.assessment in _SEVERITY and row is not None:
            found.append(((_SEVERITY[mark.assessment], 0, order.get(goal.coordinator, len(order)), n),
                          f"{goal.id} {goal.text}", f"{goal.coordinator} (samordnande)", mark, row))
    for n, row in enumerate(source.goal_rows):
        committee = row.text("committee") or ""
        mark = badge(row.value("assessment"), source.scale)
        if mark.assessment in _SEVERITY and source.was_read(committee):
            title = f"{row.text('id') or ''} {shown(row.value('text')) or ''}".strip()
            found.append(((_SEVERITY[mark.assessment], 1, order.get(committee, len(order)), n),
                          title, committee, mark, row))
    red, yellow = source.scale.red, source.scale.yellow
    if not found:
        blocks.paragraph(f"Inga mål är bedömda {red} eller {yellow} den här perioden.")
        return
    blocks.paragraph(f"Alla mål som bedömts {red} eller {yellow}, med analys och åtgärder. {red} "
                     f"står före {yellow} och KF-målen före nämndmålen.")
    rows = tuple(((Span(title),), (Span(committee),), (mark,),
                  (Span(shown(row.value("analysis")) or ""),), (Span(shown(row.value("actions")) or ""),))
                 for _key, title, committee, mark, row in sorted(found, key=lambda item: item[0]))
    blocks.add(Table(f"Mål som bedömts {red} eller {yellow}",
                     tuple((Span(h),) for h in ("Mål", "Nämnd", "Bedömning", "Analys", "Åtgärder")),
                     rows, (3.6, 1.6, 2.1, 4.1, 4.1)))

