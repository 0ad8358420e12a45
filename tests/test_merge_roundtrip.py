"""The round trip: Plan → fill → merge → generate T1 --previous → fill → merge → generate
T2 --previous. The consolidated workbook is the next period's `--previous` input."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from malark import api
from tests.helpers import edit
from tests.merge_support import (
    committee_of,
    fill_plan_round,
    follow_up_changes,
    generated,
    read_tables,
    returned_copies,
)


def _rows(path: Path, sheet: str) -> list[tuple]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in workbook[sheet].iter_rows(min_row=2, values_only=True)]
    finally:
        workbook.close()


def test_plan_merge_t1_merge_carries_goals_ids_and_outcomes(tmp_path):
    paths = api.init_project(tmp_path)
    model = api.load_model(paths.model)
    fill_plan_round(paths.model, tmp_path, with_ids=False)
    plan = tmp_path / "plan.xlsx"
    plan_result = api.merge([tmp_path / "ret"], model_path=paths.model, out=plan)
    assert plan_result.errors == 0 and plan_result.output == plan
    plan_goals = {(r[0], r[1], r[4]) for r in _rows(plan, "Nämndmål")}
    assert ("BUN", "BUN-1", "Andelen nöjda brukare inom KF1 ska vara minst 90 % år 2029.") in plan_goals

    t1_files = returned_copies(generated(paths.model, tmp_path / "sent_t1", "T1", plan), tmp_path / "ret_t1")
    for file in t1_files:
        tables = read_tables(file)
        carried = {r.text("id") for r in tables["Nämndmål"].rows}
        assert carried == {g for c, g, _ in plan_goals if c == committee_of(file)}
    outcomes = {"KF1-I2": 70, "KF2-I2": 88}  # BUN's; KF1-I1 is the model's own indicator
    for file in t1_files:
        edit(file, follow_up_changes(file, model, outcomes if committee_of(file) == "BUN" else {}))
    t1 = tmp_path / "t1.xlsx"
    t1_result = api.merge([tmp_path / "ret_t1"], model_path=paths.model, out=t1)
    assert t1_result.errors == 0, [f.key() for r in t1_result.reports for f in r.findings]
    assert {(r[0], r[1], r[4]) for r in _rows(t1, "Nämndmål")} == plan_goals
    t1_outcomes = {(r[0], r[1]): r[11] for r in _rows(t1, "Indikatorer")}
    assert t1_outcomes[("BUN", "KF1-I2")] == 70 and t1_outcomes[("BUN", "KF3-I2")] == 91
    assert t1_outcomes[("KS", "KF1-I1")] == 91  # the model's KF indicator, reported by KS
    overview = _rows(t1, "Översikt")
    header = next(r for r in overview if r[0] == "Id")
    kf1 = next(r for r in overview if r[0] == "KF1")
    assert kf1[header.index("BUN")] == 1  # BUN's KF1 goal assessed Röd from its outcome 70
    assert kf1[header.index("TN")] == 3

    t2_files = generated(paths.model, tmp_path / "sent_t2", "T2", t1)
    bun = next(f for f in t2_files if committee_of(f) == "BUN")
    previous = {r.text("id"): r.value("previous_outcome") for r in read_tables(bun)["Indikatorer"].rows}
    assert previous["KF1-I2"] == 70 and previous["KF3-I2"] == 91
