"""A large city for the benchmarks: a goal model with many committees and their filled-in
follow-up workbooks, built fast.

The committee workbooks are written directly with xlsxwriter in the committee layout of
SPEC 3 (sheet order, headers from `malark.core.contract`, the `_malark` sheet from
`malark.xlsx.meta.meta_rows`, the Trafikljus formula from `malark.core.lights.light_formula` with
its cached value, as Excel saves it), with every input cell already filled as a
controller would fill it for a follow-up period. Writing them with `malark generate`
and then typing into them with openpyxl gives the same content but takes minutes for
60 committees; `run.py` checks that the built files validate without errors.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import xlsxwriter

from malark import __version__
from malark.core.contract import (
    COMMITTEE_AKTIVITETER,
    COMMITTEE_INDIKATORER,
    COMMITTEE_KF_MAL,
    COMMITTEE_NAMNDMAL,
    FIELD_HEADER,
    FORMAT_VERSION,
    SHEET_INSTRUCTIONS,
    SHEET_META,
    VALUE_HEADER,
    Direction,
    Period,
    Perspective,
    SheetSpec,
)
from malark.core.lights import indicator_light, light_formula
from malark.core.model import Committee, GoalModel, Indicator, KfGoal
from malark.xlsx.meta import GUL_GRANS_NAME, WorkbookMeta, gul_grans_row, meta_rows, snapshot_for
from malark.xlsx.model_io import write_model

PERSPECTIVES = tuple(Perspective)
ASSESSMENT = {3: "Grön", 2: "Gul", 1: "Röd"}


def city_model(committees: int = 60, kf_goals: int = 7, year: int = 2027) -> GoalModel:
    ids = [f"N{n:02d}" for n in range(1, committees + 1)]
    goals = tuple(
        KfGoal(id=f"KF{g}", perspective=PERSPECTIVES[(g - 1) % 4],
               text=f"Kommunfullmäktiges mål {g}: andelen nöjda invånare ska vara minst 80 % år "
                    f"{year + 3}.",
               start_year=year, end_year=year + 3, coordinator=ids[(g - 1) % committees],
               addressed=tuple(ids), addressed_to_all=True)
        for g in range(1, kf_goals + 1))
    indicators = tuple(
        Indicator(id=f"KF{g}-I{k}", goal_id=f"KF{g}", name=f"KF-indikator {k} för mål {g}",
                  unit="%", baseline=60.0, baseline_year=year - 2, target=80.0, target_year=year + 3)
        for g in range(1, kf_goals + 1) for k in (1, 2))
    return GoalModel(
        municipality="Storstad", municipality_code="9998", budget_year=year,
        vision="Storstad – en stad för alla.", deadline=date(year, 5, 15),
        committees=tuple(Committee(id=c, name=f"Nämnd {c}", contact=f"Controller {c}",
                                   email=f"{c.lower()}@storstad.se") for c in ids),
        kf_goals=goals, kf_indicators=indicators)


def _write_rows(ws, spec: SheetSpec, rows: list[dict], header, date_format) -> None:
    for col, column in enumerate(spec.columns):
        ws.write_string(0, col, column.header, header)
    light = spec.index("light") if spec is COMMITTEE_INDIKATORER else -1
    for r, values in enumerate(rows, start=1):
        for col, column in enumerate(spec.columns):
            value = values.get(column.field)
            if col == light:
                ws.write_formula(r, col, light_formula(r + 1), None, "" if value is None else value)
            elif value is None:
                continue
            elif isinstance(value, str):
                ws.write_string(r, col, value)
            elif isinstance(value, date):
                ws.write_datetime(r, col, value, date_format)
            else:
                ws.write_number(r, col, value)


def _outcome(n: int) -> float:
    return (92.0, 84.5, 70.0, 95.0, 88.0)[n % 5]


def committee_rows(model: GoalModel, committee: str, goals: int, indicators_per_goal: int,
                   activities_per_goal: int) -> dict[str, list[dict]]:
    year = model.budget_year
    addressed = model.goals_addressed_to(committee)
    kf_rows = []
    for goal in addressed:
        row = {"id": goal.id, "perspective": goal.perspective.value, "text": goal.text,
               "coordinator": goal.coordinator, "contribution": f"{committee} bidrar genom sina mål."}
        if goal.coordinator == committee:
            row.update(assessment="Gul", analysis="Delvis på väg mot målet.")
        kf_rows.append(row)
    coordinated = {g.id for g in model.goals_coordinated_by(committee)}
    ind_rows = [dict(i.model_dump(), direction=i.direction.value, outcome=75.0,
                     light=indicator_light(i.baseline, i.target, 75.0))
                for i in model.kf_indicators if i.goal_id in coordinated]
    goal_rows, act_rows = [], []
    for n in range(1, goals + 1):
        kf = addressed[(n - 1) % len(addressed)]
        goal_id = f"{committee}-{n}"
        lights = []
        for k in range(1, indicators_per_goal + 1):
            outcome = _outcome(n + k)
            light = indicator_light(70.0, 90.0, outcome)
            lights.append(light)
            ind_rows.append({"id": f"{goal_id}-I{k}", "goal_id": goal_id, "unit": "%",
                             "name": f"Andel nöjda brukare, mått {k} för mål {n}",
                             "direction": Direction.HIGHER.value, "baseline": 70.0,
                             "baseline_year": year - 1, "target": 90.0, "target_year": year + 1,
                             "previous_outcome": 75.0, "outcome": outcome, "light": light,
                             "comment": f"Kommentar till {goal_id}-I{k}."})
        worst = min(lights)
        goal_rows.append({"id": goal_id, "kf_goal_id": kf.id, "perspective": kf.perspective.value,
                          "text": f"Andelen nöjda brukare i verksamhet {n} ska vara minst 90 % år "
                                  f"{year + 1}.", "responsible": "Verksamhetschef",
                          "start_year": year, "end_year": year + 1, "assessment": ASSESSMENT[worst],
                          "analysis": None if worst == 3 else "Utfallet ligger under målvärdet.",
                          "actions": "Riktade insatser under hösten." if worst == 1 else None})
        for k in range(1, activities_per_goal + 1):
            act_rows.append({"id": f"{goal_id}-A{k}", "goal_id": goal_id,
                             "text": f"Aktivitet {k} för mål {n}", "responsible": "Enhetschef",
                             "start_date": date(year, 1, 10), "end_date": date(year + 1, 12, 31),
                             "status": "Pågår", "comment": "Enligt plan."})
    return {COMMITTEE_KF_MAL.name: kf_rows, COMMITTEE_NAMNDMAL.name: goal_rows,
            COMMITTEE_INDIKATORER.name: ind_rows, COMMITTEE_AKTIVITETER.name: act_rows}


def write_committee(path: Path, model: GoalModel, committee: str, period: Period,
                    rows: dict[str, list[dict]]) -> Path:
    snapshot = snapshot_for(model, committee)
    meta = WorkbookMeta(
        format_version=FORMAT_VERSION, kommun=model.municipality, kommunkod=model.municipality_code,
        budgetår=model.budget_year, period=period, nämnd=committee,
        generated_at=datetime(model.budget_year, 1, 2, tzinfo=UTC), model_fingerprint=model.fingerprint(),
        malark_version=__version__, kind="committee", gul_grans=model.settings.yellow_threshold,
        snapshot=snapshot, snapshot_sha256=snapshot.sha256())
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    header = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    workbook.add_worksheet(SHEET_INSTRUCTIONS).write_string(0, 0, f"Målarbete {committee}")
    for spec in (COMMITTEE_KF_MAL, COMMITTEE_NAMNDMAL, COMMITTEE_INDIKATORER, COMMITTEE_AKTIVITETER):
        _write_rows(workbook.add_worksheet(spec.name), spec, rows[spec.name], header, date_format)
    ws = workbook.add_worksheet(SHEET_META)
    ws.write_string(0, 0, FIELD_HEADER)
    ws.write_string(0, 1, VALUE_HEADER)
    entries = meta_rows(meta)
    for r, (name, value) in enumerate(entries, start=1):
        ws.write_string(r, 0, name)
        if isinstance(value, str):
            ws.write_string(r, 1, value)
        else:
            ws.write_number(r, 1, value)
    workbook.define_name(GUL_GRANS_NAME, f"='{SHEET_META}'!$B${gul_grans_row(entries)}")
    ws.very_hidden()
    workbook.close()
    return path


def build_city(root: Path, *, committees: int = 60, goals: int = 28, indicators: int = 112,
               activities: int = 280, period: Period = Period.T1) -> tuple[Path, list[Path]]:
    """Write the model and one filled workbook per committee under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    model = city_model(committees)
    model_path = root / "malmodell.xlsx"
    write_model(model, model_path)
    inbox = root / "inkommet"
    inbox.mkdir(exist_ok=True)
    files = []
    for committee in model.committee_ids:
        rows = committee_rows(model, committee, goals, indicators // goals, activities // goals)
        path = inbox / f"{model.municipality}_{model.budget_year}_{period.value}_{committee}.xlsx"
        files.append(write_committee(path, model, committee, period, rows))
    return model_path, files
