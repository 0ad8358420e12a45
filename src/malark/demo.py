"""`malark demo`: the whole round trip on the built-in example, answers simulated.

Grows as the commands land; every step uses the same `malark.api` functions a user's
commands use.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from malark import api

__all__ = ["DemoResult", "run_demo"]


@dataclass(frozen=True, slots=True)
class DemoResult:
    paths: api.ProjectPaths
    final_output: Path


def run_demo(directory: Path | str, *, report: Callable[[str], None] = lambda _: None) -> DemoResult:
    """Run the round trip in `directory` (emptied of earlier demo output first)."""
    root = Path(directory)
    if root.exists() and (root / api.MODEL_FILENAME).exists():
        shutil.rmtree(root)
    paths = api.init_project(root)
    model = api.load_model(paths.model)
    report(f"1. Målmodell skapad: {paths.model}")
    report(f"   {model.municipality} kommun, budgetår {model.budget_year}: "
           f"{len(model.kf_goals)} KF-mål, {len(model.committees)} nämnder, "
           f"{len(model.kf_indicators)} KF-indikatorer.")
    for committee in model.committees:
        addressed = ", ".join(g.id for g in model.goals_addressed_to(committee.id))
        report(f"   {committee.id:4} {committee.name}: {addressed}")
    return DemoResult(paths=paths, final_output=paths.model)
