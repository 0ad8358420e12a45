"""`malark kolada MODEL`: fetch the KF indicators' values from Kolada into the model's
`Indikatorvärden` (SPEC 9), or with `offline` only show what the model already holds.

Order of work: read and check the model; refuse when it is open; check that it can be
edited without loss; ask Kolada for the KPIs' titles, the municipality's and the
comparison ids' names and the values; plan the changes (`malark.kolada.plan`); write
them (`malark.kolada.model_edit`) when there are any. Kolada being unreachable or
answering in another shape stops the run before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from malark.core.errors import InputError
from malark.core.history import NATION, History, is_comparison_id
from malark.core.model import GoalModel
from malark.kolada.client import DataPoint, KoladaClient
from malark.kolada.model_edit import (
    apply_plan,
    check_not_open,
    indicator_value_table,
    open_for_edit,
    save_checked,
)
from malark.kolada.plan import Plan, Series, Target, plan_updates
from malark.xlsx.model_io import read_model

__all__ = ["KoladaResult", "SeriesSummary", "parse_comparisons", "parse_years", "run_kolada"]

_KPI_ID = re.compile(r"[A-Z]\d{5}")
_YEARS = re.compile(r"\s*(\d{4})\s*(?:[-–]\s*(\d{4}))?\s*")
DEFAULT_YEARS_BACK = 8
MAX_YEARS = 40


@dataclass(frozen=True, slots=True)
class SeriesSummary:
    """What the model holds for one indicator and series (for `--offline`)."""

    indicator_id: str
    kpi: str
    series: str
    years: tuple[int, ...]
    sources: tuple[str, ...]


@dataclass(slots=True)
class KoladaResult:
    model: Path
    municipality: str
    municipality_code: str
    years: list[int]
    targets: list[Target]
    series: list[Series] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    """KPI id → Kolada's title (for the KPIs Kolada knows)."""
    offline: bool = False
    written: bool = False
    plan: Plan | None = None
    warnings: list[str] = field(default_factory=list)
    summary: list[SeriesSummary] = field(default_factory=list)
    requests: int = 0


def parse_years(text: str | None, budget_year: int) -> list[int]:
    """`2019-2026` (or `2024`) → the years; default the eight years before the budget year."""
    if text is None or not text.strip():
        return list(range(budget_year - DEFAULT_YEARS_BACK, budget_year))
    match = _YEARS.fullmatch(text)
    first, last = (int(match[1]), int(match[2] or match[1])) if match else (0, -1)
    if not match or not 1950 <= first <= last <= budget_year + 1 or last - first >= MAX_YEARS:
        raise InputError(f"--years \"{text}\" går inte att läsa. Skriv ett år eller ett intervall, "
                         f"t.ex. {budget_year - DEFAULT_YEARS_BACK}-{budget_year - 1} (högst "
                         f"{MAX_YEARS} år, inte efter {budget_year + 1}).")
    return list(range(first, last + 1))


def parse_comparisons(values: Sequence[str] | None, own_code: str) -> list[str]:
    """Comparison ids from `--jamfor 0000,G…` (default the nation); the municipality's own
    code is not a comparison."""
    if values is None:
        return [NATION] if own_code != NATION else []
    typed = [p.strip() for v in values for p in v.split(",") if p.strip()]
    ids = [i.upper() for i in typed]
    wrong = [t for t, i in zip(typed, ids, strict=True) if not is_comparison_id(i)]
    if wrong:
        raise InputError(f"--jamfor: {', '.join(wrong)} är inget Kolada-id. Ange kommunkoder med "
                         "fyra siffror (0000 är riket) eller kommungrupper (G…), åtskilda med komma.")
    return [i for i in dict.fromkeys(ids) if i != own_code]


def kolada_targets(model: GoalModel) -> tuple[list[Target], list[str]]:
    targets, warnings = [], []
    for indicator in model.kf_indicators:
        kpi = (indicator.kolada_kpi or "").strip().upper()
        if not kpi:
            continue
        if _KPI_ID.fullmatch(kpi):
            targets.append(Target(indicator.id, kpi))
        else:
            warnings.append(f"{indicator.id}: Kolada-KPI \"{indicator.kolada_kpi}\" har inte formen för "
                            "ett Kolada-id (en bokstav och fem siffror, t.ex. N03102) och hoppas över.")
    return targets, warnings


def run_kolada(path: Path, *, years: str | None = None, comparisons: Sequence[str] | None = None,
               offline: bool = False, today: date | None = None,
               client_factory: Callable[[], KoladaClient] = KoladaClient) -> KoladaResult:
    model = read_model(path)
    targets, warnings = kolada_targets(model)
    result = KoladaResult(model=path, municipality=model.municipality,
                          municipality_code=model.municipality_code,
                          years=parse_years(years, model.budget_year), targets=targets,
                          offline=offline, warnings=warnings)
    wanted = parse_comparisons(comparisons, model.municipality_code)
    if offline:
        result.summary = _summary(model)
        return result
    if not targets:
        result.warnings.append("Ingen KF-indikator har ett Kolada-KPI. Skriv nyckeltalets id "
                               "(t.ex. N03102) i kolumnen Kolada-KPI på bladet KF-indikatorer.")
        return result
    check_not_open(path)
    workbook = open_for_edit(path)
    with client_factory() as client:
        points = _fetch(client, result, wanted)
        result.requests = client.requests
    table = indicator_value_table(workbook)
    plan = plan_updates(table, targets, result.series, result.years, points, result.titles,
                        today or date.today())
    result.plan = plan
    result.warnings += [f"Kolada har bytt titel på {kpi}: från «{old}» till «{result.titles[kpi]}». "
                        "Kontrollera att nyckeltalet fortfarande mäter det indikatorn ska mäta."
                        for kpi, old in plan.title_changes.items()]
    if plan.changes_anything:
        check_not_open(path)  # it may have been opened while Kolada answered
        apply_plan(workbook, plan.cells, plan.new_rows, table)
        save_checked(workbook, path, len(model.indicator_values) + len(plan.new_rows))
        result.written = True
    return result


def _fetch(client: KoladaClient, result: KoladaResult,
           wanted: list[str]) -> dict[tuple[str, str, int], DataPoint]:
    kpis = sorted({t.kpi for t in result.targets})
    result.titles = client.kpi_titles(kpis)
    for kpi in kpis:
        if kpi not in result.titles:
            users = ", ".join(t.indicator_id for t in result.targets if t.kpi == kpi)
            result.warnings.append(f"{users}: Kolada känner inte till nyckeltalet {kpi}. Kontrollera "
                                   "Kolada-KPI på bladet KF-indikatorer.")
    own = result.municipality_code
    names = client.municipality_titles([own, *(i for i in wanted if not i.startswith("G"))])
    if own not in names:
        result.warnings.append(f"Kommunkoden {own} finns inte i Kolada, så inga värden för kommunen "
                               "hämtades. Kontrollera Kommunkod på bladet Kommun.")
    for unknown in (i for i in wanted if not i.startswith("G") and i not in names):
        result.warnings.append(f"Jämförelse-id {unknown} finns inte i Kolada och hoppas över.")
    result.series = [Series(own, names.get(own) or result.municipality, comparison=False)]
    result.series += [Series(i, names.get(i), comparison=True) for i in wanted
                      if i.startswith("G") or i in names]
    known = [k for k in kpis if k in result.titles]
    if not known:
        return {}
    points = client.values(known, [s.id for s in result.series], result.years)
    return {(p.kpi, p.municipality, p.year): p for p in points}


def _summary(model: GoalModel) -> list[SeriesSummary]:
    """Every KF indicator's series as the model holds them."""
    history = History(model.indicator_values)
    lines = []
    for indicator in model.kf_indicators:
        comparisons = history.comparisons(indicator.id)
        for comparison, name in [(None, model.municipality), *comparisons]:
            values = history.series(indicator.id, comparison)
            label = f"{name} ({comparison})" if comparison and name else name or comparison or ""
            lines.append(SeriesSummary(indicator.id, indicator.kolada_kpi or "–", label, tuple(values),
                                       tuple(sorted({v.source or "–" for v in values.values()}))))
    return lines
