"""The consolidated workbook: lossless values, text never a formula, atomic and
deterministic writing, light rules, the Översikt roll-up and Avvikelser."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from malark import api
from malark.core.contract import CONSOLIDATED_DATA_SHEETS, Period
from malark.core.example import example_model
from malark.merge import prepare as merge_prepare
from malark.merge.consolidated import Consolidation, write_consolidated
from malark.merge.merge import merge_files
from malark.merge.rollup import NOT_ADDRESSED, deviation_rows, goal_lights
from tests.helpers import edit, edit_text


def _bun(inbox: Path) -> Path:
    return next(inbox.glob("*_BUN.xlsx"))


def all_cells(path: Path) -> dict[str, list[tuple]]:
    """Every cell value of every sheet, `_malark` (with generated_at) included."""
    workbook = openpyxl.load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()]
            for ws in workbook.worksheets}


def test_values_land_unchanged_and_text_is_never_a_formula(plan_set, inbox, tmp_path):
    edit(_bun(inbox), {"Aktiviteter!D2": "  två mellanslag  ", "Indikatorer!M2": "0123",
                       "Aktiviteter!E2": date(2027, 2, 28)})
    edit_text(_bun(inbox), {"Aktiviteter!H2": '=HYPERLINK("http://x")', "Nämndmål!E2": "=1+1"})
    out = tmp_path / "samman.xlsx"
    result = api.merge([inbox], model_path=plan_set[0], out=out)
    assert result.errors == 0
    workbook = openpyxl.load_workbook(out)
    activity = next(r for r in workbook["Aktiviteter"].iter_rows(min_row=2) if r[0].value == "BUN")
    comment, responsible, start = activity[8], activity[4], activity[5]
    assert comment.value == '=HYPERLINK("http://x")' and comment.data_type == "s"
    assert responsible.value == "  två mellanslag  "
    assert isinstance(start.value, datetime) and start.value.date() == date(2027, 2, 28)
    assert start.number_format == "yyyy-mm-dd"
    goal = next(r for r in workbook["Nämndmål"].iter_rows(min_row=2) if r[0].value == "BUN")
    assert goal[5].value == "=1+1" and goal[5].data_type == "s"
    assert isinstance(goal[6].value, int) and goal[6].value == 2027
    indicator = next(r for r in workbook["Indikatorer"].iter_rows(min_row=2) if r[0].value == "BUN")
    assert indicator[13].value == "0123" and indicator[13].data_type == "s"
    assert indicator[6].value == 80 and indicator[6].data_type == "n"


def test_same_inputs_give_the_same_cells(plan_set, inbox, tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    api.merge([inbox], model_path=plan_set[0], out=first)
    api.merge([inbox], model_path=plan_set[0], out=second)
    assert all_cells(first) == all_cells(second)
    assert len(all_cells(first)["Indikatorer"]) > 30


def test_worker_processes_give_the_same_cells(plan_set, inbox, tmp_path, monkeypatch):
    model = api.load_model(plan_set[0])
    files = sorted(inbox.glob("*.xlsx"))
    serial = merge_files(files, model=model, out=tmp_path / "serial.xlsx", workers=1)
    monkeypatch.setattr(merge_prepare, "PARALLEL_MIN_FILES", 2)
    parallel = merge_files(files, model=model, out=tmp_path / "parallel.xlsx", workers=2)
    assert parallel.merged == serial.merged and parallel.row_counts == serial.row_counts
    assert all_cells(tmp_path / "serial.xlsx") == all_cells(tmp_path / "parallel.xlsx")


def _small_consolidation() -> Consolidation:
    model = example_model()
    rows = {s.name: [] for s in CONSOLIDATED_DATA_SHEETS}
    rows["Nämndmål"] = [["BUN", "BUN-1", "KF1", "Medborgare", "Text", None, 2027, 2028, "Röd",
                         "Analys", "Åtgärd"]]
    rows["Indikatorer"] = [["BUN", "BUN-1-I1", "BUN-1", "Andel", "%", "Högre är bättre", 80, 2026,
                            90, 2028, None, 70, 1, None, None]]
    rows["KF-mål"] = [["KS", "KF1", "Medborgare", "Trygghet", "KS", "Gul", "Analys", None, None]]
    return Consolidation(model=model, period=Period.T1, rows=rows, submissions=[])


@pytest.mark.parametrize("failure", [RuntimeError("disk"), KeyboardInterrupt()])
def test_a_crash_midway_leaves_the_earlier_file_and_no_half_file(tmp_path, failure):
    out = tmp_path / "samman.xlsx"
    write_consolidated(_small_consolidation(), out)
    before = out.read_bytes()

    def fail_at(name: str) -> None:
        if name == "Indikatorer":
            raise failure

    with pytest.raises(type(failure)):
        write_consolidated(_small_consolidation(), out, after_sheet=fail_at)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["samman.xlsx"]


def test_light_rules_are_icon_sets_on_codes_and_fills_on_assessments(tmp_path):
    out = tmp_path / "samman.xlsx"
    write_consolidated(_small_consolidation(), out)
    workbook = openpyxl.load_workbook(out)
    rules = {}
    for ws_name in ("Indikatorer", "Nämndmål", "KF-mål", "Översikt", "Avvikelser"):
        ws = workbook[ws_name]
        rules[ws_name] = {(str(cf.sqref), r.type) for cf in ws.conditional_formatting for r in cf.rules}
    assert ("M2", "iconSet") in rules["Indikatorer"]
    assert ("I2", "cellIs") in rules["Nämndmål"] and not any(t == "iconSet" for _, t in rules["Nämndmål"])
    assert ("F2", "cellIs") in rules["KF-mål"]
    icon_ranges = {s for s, t in rules["Översikt"] if t == "iconSet"}
    fill_ranges = {s for s, t in rules["Översikt"] if t == "cellIs"}
    assert icon_ranges and fill_ranges and not icon_ranges & fill_ranges
    deviation = next(r for r in workbook["Avvikelser"].iter_rows(min_row=2, values_only=True))
    assert deviation[:3] == ("BUN", "Nämndmål", "BUN-1") and deviation[5] == "Röd"


def _rows(**sheets) -> dict[str, list[list]]:
    rows = {s.name: [] for s in CONSOLIDATED_DATA_SHEETS}
    rows.update(sheets)
    return rows


def _goal(committee, goal_id, kf, assessment, analysis=None, actions=None):
    return [committee, goal_id, kf, "Medborgare", "Text", None, 2027, 2028, assessment, analysis, actions]


def _indicator(committee, ind_id, goal, light):
    return [committee, ind_id, goal, "Namn", "%", "Högre är bättre", 1, 2025, 2, 2028, None, 1,
            light, None, None]


def test_roll_up_worst_assessment_then_indicator_lights_then_blank():
    model = example_model()
    rows = _rows(**{
        "Nämndmål": [_goal("BUN", "BUN-1", "KF1", "Grön"), _goal("BUN", "BUN-2", "KF1", "Gul"),
                     _goal("BUN", "BUN-3", "KF1", "Ej bedömd"), _goal("BUN", "BUN-4", "KF2", None),
                     _goal("SN", "SN-1", "KF1", "Röd")],
        "Indikatorer": [_indicator("BUN", "BUN-4-I1", "BUN-4", 3),
                        _indicator("BUN", "BUN-4-I2", "BUN-4", 1),
                        _indicator("BUN", "KF3-I2", "KF3", 2)],
    })
    lights = goal_lights(model, rows)
    assert lights[("KF1", "BUN")] == 2  # worst assessed goal
    assert lights[("KF1", "SN")] == 1
    assert lights[("KF2", "BUN")] == 1  # no assessment: worst indicator light
    assert lights[("KF3", "BUN")] == 2  # indicator directly on the KF goal
    assert lights[("KF5", "BUN")] is None  # addressed, nothing reported
    assert lights[("KF2", "SN")] == NOT_ADDRESSED
    assert lights[("KF4", "BUN")] == NOT_ADDRESSED


def test_deviations_are_every_red_and_yellow_goal_worst_first():
    model = example_model()
    rows = _rows(**{
        "KF-mål": [["KS", "KF1", "Medborgare", "Trygghet", "KS", "Gul", "Analys KS", None, None],
                   ["BUN", "KF1", "Medborgare", "Trygghet", "KS", None, None, None, "Bidrag"]],
        "Nämndmål": [_goal("SN", "SN-1", "KF1", "Gul", "a"), _goal("BUN", "BUN-1", "KF1", "Grön"),
                     _goal("BUN", "BUN-2", "KF1", "Röd", "b", "c"),
                     _goal("KS", "KS-1", "KF3", "Röd", "d", "e")],
    })
    found = [(r[0], r[2], r[5]) for r in deviation_rows(model, rows)]
    assert found == [("KS", "KS-1", "Röd"), ("BUN", "BUN-2", "Röd"), ("KS", "KF1", "Gul"),
                     ("SN", "SN-1", "Gul")]


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice saknas")
def test_libreoffice_opens_the_workbook_with_the_same_overview(plan_set, inbox, tmp_path):
    out = tmp_path / "samman.xlsx"
    api.merge([inbox], model_path=plan_set[0], out=out)
    converted = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo_profile", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(converted), str(out)],
                   check=True, capture_output=True, timeout=120)
    ours, theirs = all_cells(out), all_cells(converted / out.name)
    for sheet in ("Översikt", "Nämndmål", "Inlämningar", "Historik"):
        assert [r for r in theirs[sheet] if any(v is not None for v in r)][:12] == \
               [r for r in ours[sheet] if any(v is not None for v in r)][:12]


def test_files_named_out_of_committee_order_give_the_same_cells(plan_set, inbox, tmp_path):
    api.merge([inbox], model_path=plan_set[0], out=tmp_path / "normal.xlsx")
    _bun(inbox).rename(inbox / "a_MBN.xlsx")  # the name suggests another committee
    next(inbox.glob("*_KS.xlsx")).rename(inbox / "z_KS.xlsx")
    result = api.merge([inbox], model_path=plan_set[0], out=tmp_path / "renamed.xlsx")
    assert result.merged == ["KS", "BUN", "SN", "KFN", "TN", "MBN"]
    normal, renamed = all_cells(tmp_path / "normal.xlsx"), all_cells(tmp_path / "renamed.xlsx")
    for sheet in normal:
        if sheet not in ("Inlämningar", "Valideringsfynd"):
            assert renamed[sheet] == normal[sheet], sheet
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inkommet", "normal.xlsx", "renamed.xlsx"]


def test_the_workbook_gets_normal_file_permissions(tmp_path):
    out = tmp_path / "samman.xlsx"
    write_consolidated(_small_consolidation(), out)
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_values_typed_as_text_are_written_as_what_d011_read(plan_set, inbox, tmp_path):
    bun = _bun(inbox)
    edit(bun, {"Indikatorer!F2": "62 %", "Aktiviteter!E2": "1 mars 2027", "Aktiviteter!F2": "2029/3/1",
               "Nämndmål!G2": "2029", "Nämndmål!H2": "Grön ", "Aktiviteter!G2": " Pågår"})
    before = bun.read_bytes()
    out = tmp_path / "samman.xlsx"
    result = api.merge([inbox], model_path=plan_set[0], out=out)
    report = next(r for r in result.reports if r.committee_id == "BUN")
    assert {("D011", "Indikatorer", "F2"), ("D011", "Aktiviteter", "E2"), ("D011", "Aktiviteter", "F2"),
            ("D011", "Nämndmål", "G2")} <= {f.key() for f in report.findings}
    workbook = openpyxl.load_workbook(out)
    goal = next(r for r in workbook["Nämndmål"].iter_rows(min_row=2, values_only=True) if r[0] == "BUN")
    indicator = next(r for r in workbook["Indikatorer"].iter_rows(min_row=2, values_only=True)
                     if r[0] == "BUN")
    activity = next(r for r in workbook["Aktiviteter"].iter_rows(min_row=2, values_only=True)
                    if r[0] == "BUN")
    assert (goal[7], goal[8]) == (2029, "Grön")
    assert indicator[6] == 62
    assert (activity[5], activity[6], activity[7]) == (datetime(2027, 3, 1), datetime(2029, 3, 1), "Pågår")
    assert bun.read_bytes() == before  # the committee's own file is untouched


def test_table_cells_are_bordered_top_aligned_and_lights_show_the_icon_alone(tmp_path):
    out = tmp_path / "samman.xlsx"
    write_consolidated(_small_consolidation(), out)
    workbook = openpyxl.load_workbook(out)
    for sheet in ("KF-mål", "Nämndmål", "Indikatorer", "Avvikelser"):
        for cell in workbook[sheet][2]:
            assert cell.border.top.style == "thin", (sheet, cell.coordinate)
            if cell.column_letter != "M" or sheet != "Indikatorer":
                assert cell.alignment.vertical == "top", (sheet, cell.coordinate)
    icon_sets = [r.iconSet for ws in workbook for cf in ws.conditional_formatting for r in cf.rules
                 if r.type == "iconSet"]
    assert icon_sets and all(s.showValue is False for s in icon_sets)
    light = workbook["Indikatorer"]
    assert light.column_dimensions["M"].width >= 12  # "Trafikljus" on one line, not "Trafiklju/s"
    assert workbook["KF-mål"].row_dimensions[1].height >= 30  # "Samordnande nämnd" needs two lines
    assert workbook["Nämndmål"].print_area == "'Nämndmål'!$A$1:$L$2"


def test_kf_goals_actions_reach_avvikelser_and_the_overview(tmp_path):
    consolidation = _small_consolidation()
    consolidation.rows["KF-mål"] = [["KS", "KF1", "Medborgare", "Trygghet", "KS", "Röd", "Analys KS",
                                     "Fler trygghetsvandringar", None]]
    out = tmp_path / "samman.xlsx"
    write_consolidated(consolidation, out)
    workbook = openpyxl.load_workbook(out)
    kf = next(r for r in workbook["Avvikelser"].iter_rows(min_row=2, values_only=True) if r[1] == "KF-mål")
    assert kf[2] == "KF1" and kf[7] == "Fler trygghetsvandringar"
    overview = [c for row in workbook["Översikt"].iter_rows(values_only=True) for c in row if c]
    assert "Fler trygghetsvandringar" in overview and "Analys KS" in overview
