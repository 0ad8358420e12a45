"""`malark demo`: the whole round trip on the built-in example, answers simulated.

Plan: generate → every controller fills in (two make mistakes) → validate → they fix
what Validera showed → merge. T1: generate with --previous → outcomes and assessments
(mistakes again) → validate → fix → merge. Last, the report for KS and KF (Word and web
page) next to the T1 consolidation. Every step calls the same `malark.api` functions as
the user's commands.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from malark import api
from malark.core.contract import Period
from malark.core.errors import MalarkError, OutputError
from malark.core.model import GoalModel
from malark.demo.answers import Mistake, correct_mistakes, fill_follow_up, fill_plan

__all__ = ["DemoResult", "run_demo"]

Report = Callable[[str], None]
_MISTAKES = {Period.PLAN: ("SN", "KFN"), Period.T1: ("BUN", "TN")}


@dataclass(frozen=True, slots=True)
class DemoResult:
    paths: api.ProjectPaths
    consolidated: tuple[Path, ...]
    reports: tuple[Path, ...] = ()
    """The T1 report as .docx and .html, next to the consolidated workbook."""

    @property
    def final_output(self) -> Path:
        return self.consolidated[-1]


def _summarise(reports, report: Report) -> None:
    for r in reports:
        status = "inga fel" if r.errors == 0 else f"{r.errors} fel"
        report(f"   {Path(r.file).name}: {status}, {r.warnings} varningar")
        for finding in r.findings:
            if finding.severity.value == "error":
                where = f"{finding.sheet}!{finding.cell}" if finding.cell else finding.sheet or ""
                report(f"      {finding.code} {where}: {finding.message}")


def _round(paths: api.ProjectPaths, model: GoalModel, period: Period, previous: Path | None,
           rng: random.Random, report: Report, step: int) -> Path:
    sent = paths.sent / period.value
    returned = paths.returned / period.value
    files = api.generate(paths.model, sent, period=period.value, previous=previous)
    report(f"{step}. {period.value}: {len(files)} arbetsböcker skapade i {sent}")
    returned.mkdir(parents=True, exist_ok=True)
    corrections: dict[Path, list[Mistake]] = {}
    for file in files:
        target = returned / file.name
        shutil.copy(file, target)
        committee = file.stem.rsplit("_", 1)[-1]
        with_mistakes = committee in _MISTAKES[period]
        if period is Period.PLAN:
            corrections[target] = fill_plan(target, model, committee, rng, mistakes=with_mistakes)
        else:
            corrections[target] = fill_follow_up(target, model, committee, period, rng,
                                                 mistakes=with_mistakes)
    report(f"   Nämnderna har fyllt i och skickat tillbaka {len(files)} filer till {returned}")
    report("   Kontroll (malark validate):")
    _summarise(api.validate_files([returned], model_path=paths.model, period=period.value), report)
    fixed = [path for path, mistakes in corrections.items() if mistakes]
    if fixed:
        for path in fixed:
            correct_mistakes(path, corrections[path])
        report("   Nämnderna rättar det som Validera visade och skickar in igen:")
        _summarise(api.validate_files(fixed, model_path=paths.model, period=period.value), report)
    out = paths.consolidated / f"sammanstallning_{model.budget_year}_{period.value}.xlsx"
    result = api.merge([returned], model_path=paths.model, out=out, period=period.value,
                       previous=previous)
    if result.output is None:  # the simulated controllers left an error: say so, never "Klart"
        raise MalarkError(f"Demon stannade: sammanställningen för {period.value} skrevs inte, "
                          f"{result.errors} fel finns kvar i de inskickade filerna i {returned}.")
    report(f"   Sammanställning (malark merge): {out} – {len(result.merged)} nämnder")
    return out


DEMO_MARKER = ".malark-demo"
"""Written into every demo folder; only a folder carrying it is ever emptied."""


def _prepare_folder(root: Path) -> None:
    """Empty an earlier demo's folder; refuse any other non-empty folder, so that
    `malark demo .` in a real project can never delete a goal model or a returned file."""
    if root.exists() and not root.is_dir():
        raise OutputError(f"{root} är en fil, inte en mapp. Ange en ny mapp för demon.")
    if root.exists() and (root / DEMO_MARKER).is_file():
        shutil.rmtree(root)
    elif root.exists() and any(root.iterdir()):
        raise OutputError(
            f"Mappen {root} finns redan och är inte en tidigare demomapp. Demon ersätter allt i "
            "sin mapp, så den körs bara i en ny eller tom mapp eller i en tidigare demos mapp. "
            "Ange en ny mapp, till exempel: malark demo malark-demo")
    root.mkdir(parents=True, exist_ok=True)
    (root / DEMO_MARKER).write_text(
        "Den här mappen skapades av `malark demo` och töms nästa gång demon körs här.\n",
        encoding="utf-8")


def run_demo(directory: Path | str, *, report: Report = lambda _: None, seed: int = 2027) -> DemoResult:
    """Run the round trip in `directory`: a new or empty folder, or an earlier demo's
    folder (which is emptied first). Raises `OutputError` for any other folder."""
    root = Path(directory)
    _prepare_folder(root)
    paths = api.init_project(root)
    model = api.load_model(paths.model)
    report(f"1. Målmodell: {paths.model}")
    report(f"   {model.municipality} kommun, budgetår {model.budget_year}: "
           f"{len(model.kf_goals)} KF-mål, {len(model.committees)} nämnder, "
           f"{len(model.kf_indicators)} KF-indikatorer.")
    rng = random.Random(seed)
    plan = _round(paths, model, Period.PLAN, None, rng, report, 2)
    t1 = _round(paths, model, Period.T1, plan, rng, report, 3)
    reports = tuple(api.report(t1, t1.with_name(f"rapport_{model.budget_year}_T1{suffix}"),
                               previous=[plan]) for suffix in (".docx", ".html"))
    report(f"4. Rapport till KS och KF (malark report): {reports[0]}")
    report(f"   Samma rapport som webbsida: {reports[1]}")
    return DemoResult(paths=paths, consolidated=(plan, t1), reports=reports)
