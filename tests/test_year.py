"""A whole year as a municipality runs it: Plan → T1 (SN sends nothing) → T2 → Helår → the
next year's Plan, each period generated with `--previous`, filled in, and merged with
`--previous`. At every step every row of every committee is there, and nothing a committee
typed has changed (issue 11)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from malark import api
from malark.core.contract import (
    CARRIED_FROM_COLUMN,
    COMMITTEE_NAMNDMAL,
    CONSOLIDATED_DATA_SHEETS,
    SHEET_SUBMISSIONS,
)
from malark.core.example import example_model
from malark.validate.checks.values import typed_value
from malark.xlsx.model_io import write_model
from malark.xlsx.sheets import read_raw_workbook
from malark.xlsx.table import build_table
from tests.helpers import edit
from tests.merge_support import committee_of, fill_plan_round, follow_up_changes

CHAIN = ("Nämndmål", "Indikatorer", "Aktiviteter")
TYPED = {  # what a committee types in Plan and nobody may change afterwards
    "Nämndmål": ("kf_goal_id", "perspective", "text", "responsible", "start_year", "end_year"),
    "Indikatorer": ("goal_id", "name", "unit", "direction", "baseline", "baseline_year", "target",
                    "target_year"),
    "Aktiviteter": ("goal_id", "text", "responsible", "start_date", "end_date"),
}
SPECS = {s.name: s for s in CONSOLIDATED_DATA_SHEETS}
MISSING_IN_T1 = "SN"
BROKEN_IN_T2 = "KFN"  # its T2 file has an error and is merged with --skip-invalid
TEXT_OUTCOME = "85,5"  # typed as text by TN in T2: D011, written as 85.5


def _rows(path: Path) -> dict[str, dict[tuple[str, str], dict]]:
    """Sheet → (committee, id) → {field: typed value} of a consolidated workbook."""
    raw = read_raw_workbook(path)
    try:
        result = {}
        for sheet in CHAIN:
            spec = SPECS[sheet]
            table = build_table(spec, raw.rows(sheet))
            result[sheet] = {(r.text("committee"), r.text("id")): {
                c.field: typed_value(r.value(c.field), c.kind) for c in spec.columns}
                for r in table}
        return result
    finally:
        raw.close()


def _status(path: Path) -> dict[str, str]:
    raw = read_raw_workbook(path)
    try:
        return {row[0]: row[4] for row in raw.rows(SHEET_SUBMISSIONS)[1:] if row and row[0]}
    finally:
        raw.close()


def _period(root: Path, model: Path, period: str, previous: Path, *, skip: str | None = None,
            broken: str | None = None, text_outcome: str | None = None,
            warnings: list[str] | None = None) -> Path:
    sent = api.generate(model, root / f"sent_{period}", period=period, previous=previous,
                        warn=(warnings if warnings is not None else []).append)
    inbox = root / f"ret_{period}"
    inbox.mkdir()
    loaded = api.load_model(model)
    for path in sent:
        if committee_of(path) == skip:
            continue
        target = Path(shutil.copy(path, inbox / path.name))
        changes = follow_up_changes(target, loaded, {})
        if text_outcome and committee_of(path) == "TN":
            first = next(k for k in changes if k.startswith("Indikatorer!K"))
            changes[first] = text_outcome
        if committee_of(path) == broken:
            changes["Nämndmål!H2"] = "Blå"  # D004: the file is not merged (--skip-invalid)
        edit(target, changes)
    out = root / f"sammanstallning_{period}.xlsx"
    result = api.merge([inbox], model_path=model, out=out, previous=previous,
                       skip_invalid=broken is not None)
    errors = [f.message for r in result.reports for f in r.findings if f.severity.value == "error"
              and r.committee_id != broken]
    assert result.output == out and not errors, errors
    return out


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    root = tmp_path_factory.mktemp("year")
    project = api.init_project(root / "projekt")
    fill_plan_round(project.model, root)
    plan = root / "sammanstallning_Plan.xlsx"
    api.merge([root / "ret"], model_path=project.model, out=plan)
    warnings: dict[str, list[str]] = {"T1": [], "T2": [], "Helår": []}
    t1 = _period(root, project.model, "T1", plan, skip=MISSING_IN_T1, warnings=warnings["T1"])
    t2 = _period(root, project.model, "T2", t1, broken=BROKEN_IN_T2, text_outcome=TEXT_OUTCOME,
                 warnings=warnings["T2"])
    helar = _period(root, project.model, "Helår", t2, warnings=warnings["Helår"])
    model_2028 = write_model(example_model(2028), root / "malmodell_2028.xlsx")
    next_plan = api.generate(model_2028, root / "sent_2028", period="Plan", previous=helar)
    return {"root": root, "model": project.model, "Plan": plan, "T1": t1, "T2": t2, "Helår": helar,
            "warnings": warnings, "next_plan": next_plan}


def test_every_row_of_every_committee_is_there_at_every_step(year):
    planned = _rows(year["Plan"])
    for step in ("T1", "T2", "Helår"):
        found = _rows(year[step])
        for sheet in CHAIN:
            assert set(found[sheet]) == set(planned[sheet]), (step, sheet)


def test_nothing_a_committee_typed_changes_through_the_year(year):
    planned = _rows(year["Plan"])
    for step in ("T1", "T2", "Helår"):
        found = _rows(year[step])
        for sheet in CHAIN:
            for key, values in planned[sheet].items():
                typed = {f: values[f] for f in TYPED[sheet]}
                assert {f: found[sheet][key][f] for f in TYPED[sheet]} == typed, (step, key)


def test_a_committee_missing_in_t1_keeps_its_rows_marked_with_their_period(year):
    t1 = _rows(year["T1"])
    sn = {key: row for sheet in CHAIN for key, row in t1[sheet].items() if key[0] == MISSING_IN_T1}
    assert sn and {row[CARRIED_FROM_COLUMN.field] for row in sn.values()} == {"Plan 2027"}
    others = [row for sheet in CHAIN for key, row in t1[sheet].items() if key[0] != MISSING_IN_T1]
    assert {row[CARRIED_FROM_COLUMN.field] for row in others} == {None}
    assert _status(year["T1"])[MISSING_IN_T1] == "Saknas"
    # T2: SN's workbook has its plan again, with a warning that names the period
    [warning] = year["warnings"]["T2"]
    assert warning.startswith("SN saknas i sammanställningen T1 2027") and "Plan 2027" in warning
    assert year["warnings"]["T1"] == []
    t2 = _rows(year["T2"])
    assert {row[CARRIED_FROM_COLUMN.field] for sheet in CHAIN for key, row in t2[sheet].items()
            if key[0] == MISSING_IN_T1} == {None}


def test_a_committee_not_merged_keeps_its_rows_too(year):
    t2 = _rows(year["T2"])
    kfn = {row[CARRIED_FROM_COLUMN.field] for sheet in CHAIN for key, row in t2[sheet].items()
           if key[0] == BROKEN_IN_T2}
    assert kfn == {"T1 2027"}
    assert _status(year["T2"])[BROKEN_IN_T2] == "Ej inläst"
    [warning] = year["warnings"]["Helår"]
    assert warning.startswith("KFN saknas i sammanställningen T2 2027 (Ej inläst)")


def test_overview_says_saknas_and_ej_inlast_instead_of_blanks(year):
    import openpyxl

    for step, committee, status in (("T1", MISSING_IN_T1, "Saknas"), ("T2", BROKEN_IN_T2, "Ej inläst")):
        ws = openpyxl.load_workbook(year[step])["Översikt"]
        header = [c.value for c in ws[4]]
        column = header.index(committee) + 1
        model = api.load_model(year["model"])
        addressed = [g for g in model.kf_goals if committee in g.addressed]
        cells = [ws.cell(5 + model.kf_goals.index(g), column).value for g in addressed]
        assert cells == [status] * len(addressed), step
        legend = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
        assert {"Saknas", "Ej inläst"} <= set(legend)


def test_outcomes_flow_and_text_outcomes_are_written_as_numbers(year):
    t2 = _rows(year["T2"])
    tn = [row for key, row in t2["Indikatorer"].items() if key[0] == "TN"]
    assert 85.5 in [row["outcome"] for row in tn]
    helar = _rows(year["Helår"])
    assert all(row["outcome"] == 91 for row in helar["Indikatorer"].values())


def test_the_next_years_plan_carries_every_running_goal(year):
    planned = _rows(year["Plan"])
    for path in year["next_plan"]:
        committee = committee_of(path)
        raw = read_raw_workbook(path)
        try:
            ids = {r.text("id") for r in build_table(COMMITTEE_NAMNDMAL, raw.rows(COMMITTEE_NAMNDMAL.name))}
        finally:
            raw.close()
        expected = {key[1] for key in planned["Nämndmål"] if key[0] == committee}
        assert ids == expected, committee


def test_the_cli_warns_and_the_json_names_what_was_carried(year, tmp_path):
    import json

    from click.testing import CliRunner

    from malark.cli import cli

    root, model = year["root"], str(year["model"])
    generated = CliRunner().invoke(cli, ["generate", model, "-o", str(tmp_path / "ut"), "--period",
                                         "T2", "--previous", str(year["T1"]), "--namnd", "SN"])
    assert generated.exit_code == 0
    assert generated.stderr.startswith("Varning: SN saknas i sammanställningen T1 2027 (Saknas)")
    merged = CliRunner().invoke(cli, ["merge", str(root / "ret_T1"), "--model", model, "-o",
                                      str(tmp_path / "T1.xlsx"), "--previous", str(year["Plan"]),
                                      "--format", "json"])
    document = json.loads(merged.stdout)
    assert document["carried"] == {MISSING_IN_T1: "Plan 2027"}
    assert document["row_counts"]["Nämndmål"]["carried"] == 3
    assert all(counts["match"] for counts in document["row_counts"].values())


def test_the_report_leaves_rows_carried_from_earlier_out(year):
    from malark.report.source import read_source

    source = read_source(year["T1"])
    committees = {r.text("committee") for r in [*source.goal_rows, *source.indicator_rows,
                                                 *source.activity_rows]}
    assert MISSING_IN_T1 not in committees and "BUN" in committees
    assert source.statuses[MISSING_IN_T1] == "Saknas"
