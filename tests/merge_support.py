"""Support for the merge tests (no tests here): committee workbooks filled in the way a
controller would fill them, through `tests.helpers.edit` on generated workbooks."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from malark import api
from malark.core.contract import (
    COMMITTEE_AKTIVITETER,
    COMMITTEE_INDIKATORER,
    COMMITTEE_KF_MAL,
    COMMITTEE_NAMNDMAL,
    SheetSpec,
)
from malark.core.model import GoalModel
from malark.xlsx.sheets import read_raw_workbook
from malark.xlsx.table import build_table
from tests.helpers import edit

DATA_SPECS = (COMMITTEE_KF_MAL, COMMITTEE_NAMNDMAL, COMMITTEE_INDIKATORER, COMMITTEE_AKTIVITETER)


def committee_of(path: Path) -> str:
    return path.stem.rsplit("_", 1)[-1]


def read_tables(path: Path) -> dict[str, Any]:
    raw = read_raw_workbook(path)
    try:
        return {s.name: build_table(s, raw.rows(s.name)) for s in DATA_SPECS}
    finally:
        raw.close()


def _free_row(table) -> int:
    used = [r.number for r in table.rows if r.text("id") or r.text("text") or r.text("name")]
    return max(used, default=1) + 1


def _put(changes: dict[str, Any], spec: SheetSpec, row: int, **values: Any) -> None:
    for field, value in values.items():
        changes[f"{spec.name}!{spec.letter(field)}{row}"] = value


def plan_changes(path: Path, model: GoalModel, *, with_ids: bool = True) -> dict[str, Any]:
    """One nämndmål with one indicator and one activity per addressed KF goal. Without
    `with_ids` the rows a controller adds have an empty Id (merge assigns them)."""
    committee = committee_of(path)
    tables = read_tables(path)
    changes: dict[str, Any] = {}
    g_row = _free_row(tables[COMMITTEE_NAMNDMAL.name])
    i_row = _free_row(tables[COMMITTEE_INDIKATORER.name])
    a_row = _free_row(tables[COMMITTEE_AKTIVITETER.name])
    end = model.budget_year + 2
    for n, goal in enumerate(model.goals_addressed_to(committee), start=1):
        goal_id = f"{committee}-{n}"
        _put(changes, COMMITTEE_NAMNDMAL, g_row, id=goal_id if with_ids else None,
             kf_goal_id=goal.id, perspective=goal.perspective.value,
             text=f"Andelen nöjda brukare inom {goal.id} ska vara minst 90 % år {end}.",
             responsible="Förvaltningschef", start_year=model.budget_year, end_year=end)
        _put(changes, COMMITTEE_INDIKATORER, i_row, id=f"{goal_id}-I1" if with_ids else None,
             goal_id=goal_id if with_ids else goal.id, name=f"Andel nöjda brukare ({goal.id})",
             unit="%", direction="Högre är bättre", baseline=80, baseline_year=model.budget_year - 1,
             target=90, target_year=end)
        _put(changes, COMMITTEE_AKTIVITETER, a_row, id=f"{goal_id}-A1" if with_ids else None,
             goal_id=goal_id if with_ids else goal.id, text=f"Brukarenkät och dialog ({goal.id})",
             responsible="Kvalitetsstrateg", start_date=date(model.budget_year, 1, 15),
             end_date=date(end, 12, 31), status="Pågår")
        g_row, i_row, a_row = g_row + 1, i_row + 1, a_row + 1
    return changes


ASSESSMENT_BY_OUTCOME = ((90, "Grön"), (85, "Gul"), (0, "Röd"))


def follow_up_changes(path: Path, model: GoalModel, outcomes: dict[str, float]) -> dict[str, Any]:
    """A follow-up: every indicator gets an outcome (`outcomes[id]`, default 91), every
    nämndmål the assessment its indicator implies (with analysis and actions), every
    activity a status, every addressed KF goal a Bidrag, coordinated goals an assessment."""
    committee = committee_of(path)
    tables = read_tables(path)
    changes: dict[str, Any] = {}
    goal_outcome: dict[str, float] = {}
    for row in tables[COMMITTEE_INDIKATORER.name].rows:
        value = outcomes.get(row.text("id"), 91)
        _put(changes, COMMITTEE_INDIKATORER, row.number, outcome=value)
        goal_outcome[row.text("goal_id")] = value
    for row in tables[COMMITTEE_NAMNDMAL.name].rows:
        value = goal_outcome.get(row.text("id"), goal_outcome.get(row.text("kf_goal_id"), 91))
        assessment = next(a for limit, a in ASSESSMENT_BY_OUTCOME if value >= limit)
        _put(changes, COMMITTEE_NAMNDMAL, row.number, assessment=assessment,
             analysis=f"Utfallet {value} jämfört med målvärdet 90.",
             actions="Riktade insatser i verksamheten." if assessment != "Grön" else None)
    for row in tables[COMMITTEE_AKTIVITETER.name].rows:
        _put(changes, COMMITTEE_AKTIVITETER, row.number, status="Pågår")
    for row in tables[COMMITTEE_KF_MAL.name].rows:
        values: dict[str, Any] = {"contribution": f"{committee} bidrar med sina nämndmål."}
        if row.text("coordinator") == committee:
            values.update(assessment="Gul", analysis="Delvis på väg mot målet.")
        _put(changes, COMMITTEE_KF_MAL, row.number, **values)
    return changes


def generated(model_path: Path, folder: Path, period: str = "Plan",
              previous: Path | None = None) -> list[Path]:
    return api.generate(model_path, folder, period=period, previous=previous)


def returned_copies(files: list[Path], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    result = []
    for file in files:
        target = folder / file.name
        shutil.copy(file, target)
        result.append(target)
    return result


def fill_plan_round(model_path: Path, root: Path, *, with_ids: bool = True) -> list[Path]:
    """Generate the Plan workbooks, copy them to `root/ret` and fill them in."""
    model = api.load_model(model_path)
    files = returned_copies(generated(model_path, root / "sent"), root / "ret")
    for file in files:
        edit(file, plan_changes(file, model, with_ids=with_ids))
    return files
