"""Benchmark (not a test): `generate --previous` for 60 committees, each carrying 30
committee goals, 120 indicators and 300 activities from a consolidated workbook.

`bench_generate(tmp_dir)` returns the figures as a dict; `make bench` prints them.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import Workbook

from malark import api
from malark.core.contract import (
    CONSOLIDATED_DATA_SHEETS,
    FIELD_HEADER,
    FORMAT_VERSION,
    SHEET_META,
    VALUE_HEADER,
)
from malark.core.example import example_model
from malark.core.model import Committee, GoalModel, KfGoal
from malark.xlsx.meta import WorkbookMeta, meta_rows, snapshot_for
from malark.xlsx.model_io import write_model

COMMITTEES, GOALS, INDICATORS, ACTIVITIES = 60, 30, 120, 300


def _model() -> GoalModel:
    base = example_model(2027)
    committees = tuple(Committee(id=f"N{n:02d}", name=f"Nämnd {n}", contact=f"Controller {n}")
                       for n in range(1, COMMITTEES + 1))
    ids = tuple(c.id for c in committees)
    goals = tuple(KfGoal(**{**g.model_dump(), "coordinator": ids[i], "addressed": ids,
                            "addressed_to_all": True})
                  for i, g in enumerate(base.kf_goals))
    return base.model_copy(update={"committees": committees, "kf_goals": goals})


def _committee_rows(committee: str, kf_ids: list[str]) -> dict[str, list[list]]:
    goals = [[committee, f"{committee}-{g}", kf_ids[g % len(kf_ids)], "Medborgare",
              f"Nämndmål {g} för {committee}: andelen nöjda brukare ska vara minst 85 % år 2028.",
              "Förvaltningschef", 2027, 2028, "Gul", "Analys av målet.", None]
             for g in range(1, GOALS + 1)]
    indicators = [[committee, f"{committee}-{1 + i % GOALS}-I{i}", f"{committee}-{1 + i % GOALS}",
                   f"Indikator {i}", "%", "Högre är bättre", 60.0, 2025, 70.0, 2028, None,
                   60.0 + i % 12, None, None, None]
                  for i in range(1, INDICATORS + 1)]
    activities = [[committee, f"{committee}-{1 + a % GOALS}-A{a}", f"{committee}-{1 + a % GOALS}",
                   f"Aktivitet {a}: genomför insatsen enligt plan.", "Enhetschef",
                   date(2027, 1, 15), date(2027, 12, 15), "Pågår", None]
                  for a in range(1, ACTIVITIES + 1)]
    return {"Nämndmål": goals, "Indikatorer": indicators, "Aktiviteter": activities}


def _consolidated(model: GoalModel, path: Path) -> Path:
    workbook = Workbook(write_only=True)
    sheets = {spec.name: workbook.create_sheet(spec.name) for spec in CONSOLIDATED_DATA_SHEETS}
    for spec in CONSOLIDATED_DATA_SHEETS:
        sheets[spec.name].append(list(spec.headers))
    kf_ids = [g.id for g in model.kf_goals]
    for committee in model.committee_ids:
        for sheet, rows in _committee_rows(committee, kf_ids).items():
            for row in rows:
                sheets[sheet].append(row)
    snapshot = snapshot_for(model, None)
    meta = WorkbookMeta(
        format_version=FORMAT_VERSION, kommun=model.municipality, kommunkod=model.municipality_code,
        budgetår=model.budget_year, period="T1", nämnd=None, generated_at=datetime.now(UTC),
        model_fingerprint=model.fingerprint(), malark_version="bench", kind="consolidated",
        gul_grans=model.settings.yellow_threshold, snapshot=snapshot, snapshot_sha256=snapshot.sha256())
    ws = workbook.create_sheet(SHEET_META)
    ws.append([FIELD_HEADER, VALUE_HEADER])
    for row in meta_rows(meta):
        ws.append(list(row))
    workbook.save(path)
    return path


def bench_generate(tmp_dir: Path | str) -> dict:
    """Generate T2 for 60 committees from a consolidated T1; seconds per workbook."""
    root = Path(tmp_dir)
    root.mkdir(parents=True, exist_ok=True)
    model = _model()
    model_path = write_model(model, root / "malmodell.xlsx")
    previous = _consolidated(model, root / "sammanstallning_T1.xlsx")
    start = time.perf_counter()
    paths = api.generate(model_path, root / "ut", period="T2", previous=previous, force=True)
    seconds = time.perf_counter() - start
    return {
        "benchmark": "generate",
        "committees": len(paths),
        "goals_per_committee": GOALS,
        "indicators_per_committee": INDICATORS,
        "activities_per_committee": ACTIVITIES,
        "seconds_total": round(seconds, 2),
        "seconds_per_workbook": round(seconds / len(paths), 3),
        "mean_file_kb": round(sum(p.stat().st_size for p in paths) / len(paths) / 1024, 1),
    }


if __name__ == "__main__":  # pragma: no cover
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        print(bench_generate(folder))
