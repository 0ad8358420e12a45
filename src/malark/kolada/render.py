"""`malark kolada` as Swedish text on a `rich` console (nothing here decides anything)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from malark.core.swedish import format_number
from malark.kolada.run import KoladaResult

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["kolada_lines", "render_kolada"]

CREDIT = "Källa: Kolada (RKA)"


def _years(years: list[int] | tuple[int, ...]) -> str:
    if not years:
        return "–"
    ranges: list[str] = []
    start = previous = years[0]
    for year in [*years[1:], None]:
        if year is not None and year == previous + 1:
            previous = year
            continue
        ranges.append(str(start) if start == previous else f"{start}–{previous}")
        if year is not None:
            start = previous = year
    return ", ".join(ranges)


def kolada_lines(result: KoladaResult) -> list[tuple[str, str]]:
    """(style, text) lines of the report."""
    lines: list[tuple[str, str]] = []
    place = f"{result.municipality} ({result.municipality_code})"
    if result.offline:
        lines.append(("bold", f"Indikatorvärden i {result.model.name} för {place} (--offline: inget "
                              "hämtades från Kolada)"))
        for line in result.summary:
            sources = ", ".join(line.sources) if line.years else "inga värden"
            lines.append(("", f"  {line.indicator_id}  {line.kpi}  {line.series}: år "
                              f"{_years(line.years)} ({sources})"))
    else:
        compared = ", ".join(f"{s.name} ({s.id})" if s.name else s.id
                             for s in result.series if s.comparison) or "ingen"
        lines.append(("bold", f"Kolada → {place}, år {_years(result.years)}, jämförelse: {compared}"))
        for target in result.targets:
            title = result.titles.get(target.kpi)
            lines.append(("", f"  {target.indicator_id}  {target.kpi}  "
                              + (f"«{title}»" if title else "okänt i Kolada")))
    for warning in result.warnings:
        lines.append(("yellow", f"Varning: {warning}"))
    plan = result.plan
    if plan is None:
        return lines
    lines.append(("", f"Nya värden: {plan.added} · ändrade: {plan.updated} · oförändrade: "
                      f"{plan.unchanged} · borttagna ur Kolada: {plan.removed}"))
    for indicator_id, years in plan.missing.items():
        lines.append(("", f"Inget värde i Kolada för {indicator_id} {_years(years)}."))
    if plan.differences:
        lines.append(("yellow", "Skillnader mot värden som skrivits in för hand (målmodellens värde "
                                "behålls):"))
    for d in plan.differences:
        lines.append(("yellow", f"  Indikatorvärden!{d.cell}  {d.indicator_id} {d.year} {d.series}: "
                                f"{format_number(d.model_value)} ({d.source or 'ingen källa'}), "
                                f"Kolada {format_number(d.kolada_value)}"))
    if result.written:
        lines.append(("green", f"Målmodellen uppdaterad: {result.model} (bladet Indikatorvärden)."))
    else:
        lines.append(("", "Inget att ändra – målmodellen är orörd."))
    lines.append(("", CREDIT))
    return lines


def render_kolada(result: KoladaResult, console: Console) -> None:
    for style, text in kolada_lines(result):
        console.print(text, style=style or None, markup=False)
