"""The round trip: Plan → T1 → T2 → Helår → next year's Plan with `--previous`."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from malark import api
from malark.core.contract import COMMITTEE_INDIKATORER as IND
from malark.core.contract import CONSOLIDATED_DATA_SHEETS
from malark.core.errors import InputError
from malark.core.example import example_model
from malark.validate.submission import parse_submission
from malark.xlsx.model_io import write_model
from malark.xlsx.reader import read_workbook
from tests.consolidated_fixture import write_consolidated
from tests.helpers import edit

HIGHER = "Högre är bättre"
PLAN_BUN = {
    "Nämndmål!A2": "BUN-1", "Nämndmål!B2": "KF1", "Nämndmål!C2": "Medborgare",
    "Nämndmål!D2": "Andelen elever som känner sig trygga i skolan ska vara minst 90 % år 2028.",
    "Nämndmål!E2": "Skolchef", "Nämndmål!F2": 2027, "Nämndmål!G2": 2028,
    # a goal the controller added without an id
    "Nämndmål!B3": "KF5", "Nämndmål!C3": "Medarbetare",
    "Nämndmål!D3": "Sjukfrånvaron ska vara högst 6 % år 2027.", "Nämndmål!E3": "HR-chef",
    "Nämndmål!F3": 2027, "Nämndmål!G3": 2027,
    "Indikatorer!A2": "BUN-1-I1", "Indikatorer!B2": "BUN-1", "Indikatorer!C2": "Andel trygga elever",
    "Indikatorer!D2": "%", "Indikatorer!E2": HIGHER, "Indikatorer!F2": 82, "Indikatorer!G2": 2025,
    "Indikatorer!H2": 90, "Indikatorer!I2": 2028,
    "Aktiviteter!A2": "BUN-1-A1", "Aktiviteter!B2": "BUN-1",
    "Aktiviteter!C2": "Trygghetsvandringar på alla skolor", "Aktiviteter!D2": "Rektorerna",
    "Aktiviteter!E2": date(2027, 2, 1), "Aktiviteter!F2": date(2027, 12, 15), "Aktiviteter!G2": "Pågår",
    "Aktiviteter!A3": "BUN-1-A2", "Aktiviteter!B3": "BUN-1", "Aktiviteter!C3": "Enkät till elever",
    "Aktiviteter!G3": "Klar",
}


def _tables(path):
    return parse_submission(read_workbook(path)).tables


def _rows(path, sheet, *fields):
    return [tuple(r.value(f) for f in fields) for r in _tables(path)[sheet]]


def _cycle(project, out, period, previous, fill):
    """Generate BUN and KS for `period`, apply `fill` {committee: changes}, consolidate."""
    paths = api.generate(project.model, out / period, period=period, previous=previous,
                         committees=["BUN", "KS"])
    for path in paths:
        committee = path.stem.rsplit("_", 1)[1]
        if fill.get(committee):
            edit(path, fill[committee])
    model = api.load_model(project.model)
    consolidated = write_consolidated(paths, model, period, out / f"sammanstallning_{period}.xlsx")
    return dict(zip(("BUN", "KS"), paths, strict=True)), consolidated


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    root = tmp_path_factory.mktemp("rundresa")
    project = api.init_project(root / "projekt")
    out = root / "ut"
    plan, c_plan = _cycle(project, out, "Plan", None, {"BUN": PLAN_BUN})
    # KF1-I1 is row 2 of KS's Indikatorer (KS coordinates KF1)
    t1, c_t1 = _cycle(project, out, "T1", c_plan, {"BUN": {"Indikatorer!K2": 85},
                                                     "KS": {"Indikatorer!K2": 70}})
    t2, c_t2 = _cycle(project, out, "T2", c_t1, {"KS": {"Indikatorer!K2": 71.5}})
    helar, c_helar = _cycle(project, out, "Helår", c_t2, {"BUN": {"Indikatorer!K2": 88}})
    return {"project": project, "root": root, "Plan": plan, "T1": t1, "T2": t2, "Helår": helar,
            "c_Helår": c_helar, "c_T1": c_t1}


def test_t1_carries_goals_ids_indicators_and_activities(year):
    bun = year["T1"]["BUN"]
    assert _rows(bun, "Nämndmål", "id", "kf_goal_id", "text", "responsible", "start_year",
                 "end_year", "assessment") == [
        ("BUN-1", "KF1", PLAN_BUN["Nämndmål!D2"], "Skolchef", 2027, 2028, None),
        ("BUN-2", "KF5", PLAN_BUN["Nämndmål!D3"], "HR-chef", 2027, 2027, None),
    ]
    assert _rows(bun, "Indikatorer", "id", "goal_id", "baseline", "target", "target_year",
                 "previous_outcome") == [("BUN-1-I1", "BUN-1", 82, 90, 2028, None)]
    activities = _rows(bun, "Aktiviteter", "id", "text", "start_date", "status")
    assert [(a[0], a[1], a[3]) for a in activities] == [
        ("BUN-1-A1", "Trygghetsvandringar på alla skolor", "Pågår"),
        ("BUN-1-A2", "Enkät till elever", "Klar")]
    assert str(activities[0][2])[:10] == "2027-02-01"


def test_carried_ids_are_locked_and_prepared_rows_follow(year):
    ws = openpyxl.load_workbook(year["T1"]["BUN"])["Nämndmål"]
    assert ws["A2"].protection.locked and ws["A3"].protection.locked
    assert not ws["D2"].protection.locked and not ws["A4"].protection.locked
    assert ws.max_row >= 3 + 30


def test_last_outcome_becomes_previous_outcome_through_the_year(year):
    assert _rows(year["T2"]["BUN"], "Indikatorer", "id", "previous_outcome", "outcome") == [
        ("BUN-1-I1", 85, None)]
    # no outcome in T2: the T1 outcome is still the last one
    assert _rows(year["Helår"]["BUN"], "Indikatorer", "id", "previous_outcome") == [("BUN-1-I1", 85)]
    ks_t2 = dict(_rows(year["T2"]["KS"], "Indikatorer", "id", "previous_outcome"))
    ks_helar = dict(_rows(year["Helår"]["KS"], "Indikatorer", "id", "previous_outcome"))
    assert ks_t2["KF1-I1"] == 70 and ks_helar["KF1-I1"] == 71.5
    # the model's KF indicators are not duplicated by the carry-over
    assert list(ks_helar).count("KF1-I1") == 1


def test_helar_into_next_years_plan_keeps_running_goals(year, tmp_path):
    model_2028 = write_model(example_model(2028), tmp_path / "malmodell_2028.xlsx")
    [path] = api.generate(model_2028, tmp_path / "ut", period="Plan", previous=year["c_Helår"],
                          committees=["BUN"])
    assert path.name == "Sjöberga_2028_Plan_BUN.xlsx"
    assert _rows(path, "Nämndmål", "id", "end_year") == [("BUN-1", 2028)]  # BUN-2 ended 2027
    assert _rows(path, "Indikatorer", "id", "previous_outcome") == [("BUN-1-I1", 88)]
    assert _rows(path, "Aktiviteter", "id", "status") == [("BUN-1-A1", "Pågår")]  # Klar left behind


def test_outcome_typed_as_text_is_read_the_swedish_way(year, tmp_path):
    consolidated = tmp_path / "c.xlsx"
    spec = next(s for s in CONSOLIDATED_DATA_SHEETS if s.name == IND.name)
    edit(year["c_T1"], {f"{IND.name}!{spec.letter('outcome')}2": "85,5"}, out=consolidated)
    [path] = api.generate(year["project"].model, tmp_path / "ut", period="T2",
                          previous=consolidated, committees=["BUN"])
    assert _rows(path, "Indikatorer", "id", "previous_outcome") == [("BUN-1-I1", 85.5)]


def test_previous_must_be_a_consolidated_workbook_of_this_kommun(year, tmp_path):
    model = year["project"].model
    with pytest.raises(InputError):  # a committee workbook, not a consolidation
        api.generate(model, tmp_path / "a", period="T1", previous=year["T1"]["BUN"])
    with pytest.raises(InputError):
        api.generate(model, tmp_path / "b", period="T1", previous=tmp_path / "saknas.xlsx")
    other = example_model().model_copy(update={"municipality": "Annanstad"})
    other_path = write_model(other, tmp_path / "annan.xlsx")
    with pytest.raises(InputError):
        api.generate(other_path, tmp_path / "c", period="T1", previous=year["c_T1"])
    old = write_model(example_model(2030), tmp_path / "2030.xlsx")
    with pytest.raises(InputError):
        api.generate(old, tmp_path / "d", period="Plan", previous=year["c_T1"])
    broken = tmp_path / "trasig.xlsx"
    broken.write_bytes(b"inte en arbetsbok")
    with pytest.raises(InputError):
        api.generate(model, tmp_path / "e", period="T1", previous=broken)


def test_round_trip_through_merge(tmp_path):
    """The same round trip with the real `merge` instead of the hand-built fixture."""
    project = api.init_project(tmp_path / "projekt")
    [plan] = api.generate(project.model, tmp_path / "plan", committees=["BUN"])
    changes = dict(PLAN_BUN)
    for row, kf in ((4, "KF2"), (5, "KF3")):  # every KF goal needs a goal or an activity
        changes |= {f"Aktiviteter!B{row}": kf, f"Aktiviteter!C{row}": f"Arbete med {kf}",
                    f"Aktiviteter!D{row}": "Förvaltningschef", f"Aktiviteter!G{row}": "Pågår"}
    edit(plan, changes)
    consolidated = tmp_path / "sammanstallning_Plan.xlsx"
    result = api.merge([plan], model_path=project.model, out=consolidated)
    assert result.merged == ["BUN"]
    [t1] = api.generate(project.model, tmp_path / "t1", period="T1", previous=consolidated,
                        committees=["BUN"])
    assert [g[0] for g in _rows(t1, "Nämndmål", "id")] == ["BUN-1", "BUN-2"]
    assert _rows(t1, "Indikatorer", "id", "baseline", "target") == [("BUN-1-I1", 82, 90)]
    assert [a[0] for a in _rows(t1, "Aktiviteter", "id")] == ["BUN-1-A1", "BUN-1-A2", "KF2-A1",
                                                             "KF3-A1"]


@pytest.mark.parametrize(("period", "previous", "named"), [
    ("T1", "c_Helår", "Helår 2027"),  # a later period of the same year
    ("T1", "c_T1", "T1 2027"),  # the same period: its outcomes are not "föregående"
])
def test_previous_must_come_before_the_period(year, tmp_path, period, previous, named):
    with pytest.raises(InputError, match=named):
        api.generate(year["project"].model, tmp_path / "ut", period=period, previous=year[previous],
                     committees=["BUN"])
    assert not (tmp_path / "ut").exists()


def test_last_years_consolidation_leads_only_into_the_plan(year, tmp_path):
    model_2028 = write_model(example_model(2028), tmp_path / "malmodell_2028.xlsx")
    with pytest.raises(InputError, match="Helår 2027 \\(förra året\\)"):
        api.generate(model_2028, tmp_path / "ut", period="T1", previous=year["c_Helår"])
    api.generate(model_2028, tmp_path / "ut", period="Plan", previous=year["c_Helår"],
                 committees=["BUN"])


def test_previous_of_another_kommunkod_is_refused(year, tmp_path):
    other = write_model(example_model().model_copy(update={"municipality_code": "0662"}),
                        tmp_path / "annan.xlsx")
    with pytest.raises(InputError, match="kommunkod 9999"):
        api.generate(other, tmp_path / "ut", period="T2", previous=year["c_T1"])


def test_no_warning_when_every_committee_reported(year, tmp_path):
    warnings: list[str] = []
    api.generate(year["project"].model, tmp_path / "ut", period="T2", previous=year["c_T1"],
                 committees=["BUN", "KS"], warn=warnings.append)
    assert warnings == []
