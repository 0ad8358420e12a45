"""A generated committee workbook, normalised, against the facts of SPEC 3 and 5.

The expectations are written from the SPEC (sheet order, headers, dropdown values), not
from a golden file; only positions are looked up from the workbook's own header row."""

from __future__ import annotations

import openpyxl
import pytest

from malark import api
from malark.core.contract import COMMITTEE_DATA_SHEETS
from malark.core.lights import light_formula
from malark.xlsx.meta import meta_from_rows

SPEC_HEADERS = {
    "KF-mål": ["Id", "Perspektiv", "Målformulering", "Samordnande nämnd", "Bedömning", "Analys",
               "Åtgärder", "Bidrag"],
    "Nämndmål": ["Id", "KF-mål", "Perspektiv", "Målformulering", "Ansvarig", "Startår", "Slutår",
                 "Bedömning", "Analys", "Åtgärder"],
    "Indikatorer": ["Id", "Mål", "Indikator", "Enhet", "Riktning", "Utgångsvärde", "Utgångsår",
                    "Målvärde", "Målår", "Föregående utfall", "Utfall", "Trafikljus", "Kommentar",
                    "Kolada-KPI"],
    "Aktiviteter": ["Id", "Mål", "Aktivitet", "Ansvarig", "Startdatum", "Slutdatum", "Status",
                    "Kommentar"],
}
PERSPEKTIV = '"Medborgare,Ekonomi,Process,Medarbetare"'
BEDOMNING = '"Grön,Gul,Röd,Ej bedömd"'
RIKTNING = '"Högre är bättre,Lägre är bättre"'
STATUS = '"Ej påbörjad,Pågår,Klar,Försenad,Avbruten"'
# (sheet, header) → (validation type, formula1); the list of goal ids is a defined name.
SPEC_VALIDATIONS = {
    ("KF-mål", "Perspektiv"): ("list", PERSPEKTIV),
    ("KF-mål", "Bedömning"): ("list", BEDOMNING),
    ("Nämndmål", "KF-mål"): ("list", "KFMalId"),
    ("Nämndmål", "Perspektiv"): ("list", PERSPEKTIV),
    ("Nämndmål", "Startår"): ("whole", "2000"),
    ("Nämndmål", "Slutår"): ("whole", "2000"),
    ("Nämndmål", "Bedömning"): ("list", BEDOMNING),
    ("Indikatorer", "Mål"): ("list", "MalId"),
    ("Indikatorer", "Riktning"): ("list", RIKTNING),
    ("Indikatorer", "Utgångsvärde"): ("decimal", "-1000000000000"),
    ("Indikatorer", "Utgångsår"): ("whole", "2000"),
    ("Indikatorer", "Målvärde"): ("decimal", "-1000000000000"),
    ("Indikatorer", "Målår"): ("whole", "2000"),
    ("Indikatorer", "Föregående utfall"): ("decimal", "-1000000000000"),
    ("Indikatorer", "Utfall"): ("decimal", "-1000000000000"),
    ("Aktiviteter", "Mål"): ("list", "MalId"),
    ("Aktiviteter", "Startdatum"): ("date", "36526"),
    ("Aktiviteter", "Slutdatum"): ("date", "36526"),
    ("Aktiviteter", "Status"): ("list", STATUS),
}
PROTECTION_FLAGS = ("sheet", "password", "insertRows", "deleteRows", "formatColumns", "formatRows",
                    "autoFilter", "sort")


def _live_mark(rule) -> bool:
    """A conditional format of the Kontroll sheet's live checks (tested in test_kontroll.py)."""
    return rule.type == "expression" and "Kontroll!" in rule.formula[0]


def normalise(path) -> dict:
    """Everything a user or a reader depends on, in plain Python values."""
    wb = openpyxl.load_workbook(path)
    result = {
        "sheets": [(ws.title, ws.sheet_state) for ws in wb.worksheets],
        "defined_names": {name: dn.attr_text for name, dn in wb.defined_names.items()},
    }
    for ws in wb.worksheets:
        result[ws.title] = {
            "headers": [c.value for c in ws[1]],
            "freeze": ws.freeze_panes,
            "protection": {flag: getattr(ws.protection, flag) for flag in PROTECTION_FLAGS},
            "validations": sorted((dv.type, dv.formula1, dv.formula2, str(dv.sqref),
                                   bool(dv.prompt), bool(dv.error), dv.errorStyle)
                                  for dv in ws.data_validations.dataValidation if dv.type),
            "input_messages": sorted((str(dv.sqref), dv.promptTitle)
                                     for dv in ws.data_validations.dataValidation
                                     if not dv.type and dv.prompt and dv.showInputMessage),
            "conditional": sorted((str(cf.sqref), rule.type, rule.operator, tuple(rule.formula),
                                   rule.iconSet.iconSet if rule.iconSet else None)
                                  for cf in ws.conditional_formatting for rule in cf.rules
                                  if not _live_mark(rule)),
            "live_marks": sorted((str(cf.sqref), rule.formula[0]) for cf in ws.conditional_formatting
                                 for rule in cf.rules if _live_mark(rule)),
            "cells": {c.coordinate: (c.value, c.data_type, c.number_format, c.protection.locked)
                      for row in ws.iter_rows() for c in row if c.value is not None},
            "locked": {c.coordinate: c.protection.locked for row in ws.iter_rows() for c in row},
            "formats": {c.coordinate: c.number_format for row in ws.iter_rows() for c in row},
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "landscape": ws.page_setup.orientation == "landscape",
            "fit_width": ws.page_setup.fitToWidth,
            "max_row": ws.max_row,
        }
    return result


@pytest.fixture(scope="module")
def ks(tmp_path_factory):
    """The KS workbook for T1 (KS coordinates KF1, KF3, KF4 and KF5)."""
    root = tmp_path_factory.mktemp("snapshot")
    project = api.init_project(root / "projekt")
    [path] = api.generate(project.model, root / "ut", period="T1", committees=["KS"])
    return normalise(path), api.load_model(project.model)


def _letter(snap, sheet, header):
    return openpyxl.utils.get_column_letter(snap[sheet]["headers"].index(header) + 1)


def test_sheets_order_states_and_headers(ks):
    snap, _ = ks
    assert snap["sheets"] == [("Instruktioner", "visible"), ("Kontroll", "visible"),
                              ("KF-mål", "visible"), ("Nämndmål", "visible"),
                              ("Indikatorer", "visible"), ("Aktiviteter", "visible"),
                              ("_malark", "veryHidden")]
    for sheet, headers in SPEC_HEADERS.items():
        assert snap[sheet]["headers"] == headers
        assert snap[sheet]["freeze"] == "A2"
        assert snap[sheet]["landscape"] and snap[sheet]["fit_width"] == 1
        assert snap[sheet]["protection"] == {
            "sheet": True, "password": None, "insertRows": False, "deleteRows": False,
            "formatColumns": False, "formatRows": False, "autoFilter": False, "sort": False}
    assert snap["Instruktioner"]["protection"]["sheet"] is True
    assert snap["_malark"]["protection"]["sheet"] is True


def test_column_widths_follow_the_contract(ks):
    snap, _ = ks
    for spec in COMMITTEE_DATA_SHEETS:
        assert {spec.letter(c.field): c.width for c in spec.columns} == snap[spec.name]["widths"]


def test_dropdowns_and_validations_exactly_as_spec(ks):
    snap, _ = ks
    for sheet in SPEC_HEADERS:
        last = snap[sheet]["max_row"]
        expected = sorted(
            (kind, formula, None if kind == "list" else snap_formula2(kind),
             f"{_letter(snap, sheet, h)}2:{_letter(snap, sheet, h)}{last}", True, True, "stop")
            for (s, h), (kind, formula) in SPEC_VALIDATIONS.items() if s == sheet
        )
        assert snap[sheet]["validations"] == expected, sheet


def test_free_text_columns_carry_an_input_message(ks):
    snap, _ = ks
    expected = {"KF-mål": ["Analys", "Åtgärder", "Bidrag"],
                "Nämndmål": ["Id", "Målformulering", "Ansvarig", "Analys", "Åtgärder"],
                "Indikatorer": ["Id", "Kommentar"],
                "Aktiviteter": ["Id", "Aktivitet", "Ansvarig", "Kommentar"]}
    for sheet, headers in expected.items():
        last = snap[sheet]["max_row"]
        assert snap[sheet]["input_messages"] == sorted(
            (f"{_letter(snap, sheet, h)}2:{_letter(snap, sheet, h)}{last}", h) for h in headers)


def snap_formula2(kind):
    return {"whole": "2100", "decimal": "1000000000000", "date": "73415"}[kind]


def test_goal_id_lists_cover_kf_goals_and_every_namndmal_row(ks):
    snap, model = ks
    names = snap["defined_names"]
    meta = snap["_malark"]["cells"]
    kf_ids = [g.id for g in model.goals_addressed_to("KS")]
    assert names["KFMalId"] == f"'_malark'!$D$2:$D${1 + len(kf_ids)}"
    assert [meta[f"D{r}"][0] for r in range(2, 2 + len(kf_ids))] == kf_ids
    start, end = names["MalId"].split("!")[1].replace("$", "").split(":")
    assert start == "D2"
    goal_rows = snap["Nämndmål"]["max_row"]
    formulas = [meta[f"D{r}"][0] for r in range(2 + len(kf_ids), int(end[1:]) + 1)]
    assert formulas == [f"=T(INDEX('Nämndmål'!$A:$A,{r}))" for r in range(2, len(formulas) + 2)]
    assert len(formulas) >= goal_rows  # rows a controller inserts are covered too


def test_gul_grans_name_and_meta(ks):
    snap, model = ks
    ref = snap["defined_names"]["GulGrans"]
    row = int(ref.rsplit("$", 1)[1])
    assert ref == f"'_malark'!$B${row}"
    cells = snap["_malark"]["cells"]
    assert cells[f"A{row}"][0] == "gul_grans" and cells[f"B{row}"][0] == 0.5
    rows = [[cells.get(f"A{r}", (None,))[0], cells.get(f"B{r}", (None,))[0]]
            for r in range(1, snap["_malark"]["max_row"] + 1)]
    meta = meta_from_rows(rows)
    assert (meta.kind, meta.nämnd, meta.period.value, meta.budgetår) == ("committee", "KS", "T1", 2027)
    assert meta.snapshot_intact and meta.model_fingerprint == model.fingerprint()
    assert [g.id for g in meta.snapshot.kf_goals] == [g.id for g in model.goals_addressed_to("KS")]


def test_traffic_light_formula_and_conditional_formatting_on_every_row(ks):
    snap, _ = ks
    sheet = snap["Indikatorer"]
    light = _letter(snap, "Indikatorer", "Trafikljus")
    last = sheet["max_row"]
    assert last >= 100 + 2
    for row in range(2, last + 1):
        value, data_type, _, locked = sheet["cells"][f"{light}{row}"]
        assert (value, data_type, locked) == (light_formula(row), "f", True)
    target = f"{light}2:{light}{last}"
    assert sheet["conditional"] == sorted([
        (target, "iconSet", None, (), "3TrafficLights1"),
        (target, "cellIs", "equal", ("3",), None),
        (target, "cellIs", "equal", ("2",), None),
        (target, "cellIs", "equal", ("1",), None),
    ])


def test_assessment_cells_take_the_colour_chosen(ks):
    snap, _ = ks
    for sheet in ("KF-mål", "Nämndmål"):
        letter = _letter(snap, sheet, "Bedömning")
        target = f"{letter}2:{letter}{snap[sheet]['max_row']}"
        assert snap[sheet]["conditional"] == sorted(
            (target, "cellIs", "equal", (f'"{name}"',), None) for name in ("Grön", "Gul", "Röd"))


def test_kf_goals_only_addressed_and_coordinated_marked(ks):
    snap, model = ks
    sheet = snap["KF-mål"]
    goals = model.goals_addressed_to("KS")
    for row, goal in enumerate(goals, start=2):
        assert [sheet["cells"][f"{c}{row}"][0] for c in "ABCD"] == [
            goal.id, goal.perspective.value, goal.text, goal.coordinator]
        coordinated = goal.coordinator == "KS"
        assert sheet["locked"][f"E{row}"] is (not coordinated)  # Bedömning
        assert sheet["locked"][f"F{row}"] is (not coordinated)  # Analys
        assert sheet["locked"][f"G{row}"] is (not coordinated)  # Åtgärder
        assert sheet["locked"][f"H{row}"] is False              # Bidrag
        assert all(sheet["locked"][f"{c}{row}"] for c in "ABCD")
    assert sheet["max_row"] == 1 + len(goals)


def test_kf_indicators_prefilled_locked_except_outcome(ks):
    snap, model = ks
    sheet = snap["Indikatorer"]
    coordinated = {g.id for g in model.goals_coordinated_by("KS")}
    indicators = [i for i in model.kf_indicators if i.goal_id in coordinated]
    headers = sheet["headers"]
    for row, indicator in enumerate(indicators, start=2):
        assert sheet["cells"][f"A{row}"][0] == indicator.id
        assert sheet["cells"][f"{_letter(snap, 'Indikatorer', 'Målvärde')}{row}"][0] == indicator.target
        unlocked = {h for i, h in enumerate(headers, start=1)
                    if not sheet["locked"][f"{openpyxl.utils.get_column_letter(i)}{row}"]}
        assert unlocked == {"Utfall", "Kommentar"}


def test_prepared_rows_are_empty_unlocked_and_formatted(ks):
    snap, _ = ks
    for sheet, minimum in (("Nämndmål", 30), ("Indikatorer", 100), ("Aktiviteter", 150)):
        data = snap[sheet]
        first = 2 if sheet != "Indikatorer" else 2 + 5  # after KS's five KF indicators
        rows = range(first, data["max_row"] + 1)
        assert len(rows) >= minimum
        light = _letter(snap, "Indikatorer", "Trafikljus")
        values = {a for a in data["cells"] for r in rows if a.endswith(str(r)) and a[:-len(str(r))].isalpha()}
        assert values <= {f"{light}{r}" for r in rows}  # only the light formula
        assert all(not data["locked"][f"A{r}"] for r in rows)  # Id may be typed
    formats = snap["Indikatorer"]["formats"]
    assert formats[f"{_letter(snap, 'Indikatorer', 'Utfall')}50"] == "#,##0.0##"
    assert formats[f"{_letter(snap, 'Indikatorer', 'Målår')}50"] == "0"
    assert formats[f"{_letter(snap, 'Indikatorer', 'Föregående utfall')}50"] == "#,##0.0##"
    assert snap["Indikatorer"]["locked"][f"{_letter(snap, 'Indikatorer', 'Föregående utfall')}50"]
    assert snap["Aktiviteter"]["formats"]["E40"] == "yyyy-mm-dd"
    assert snap["Aktiviteter"]["formats"]["F40"] == "yyyy-mm-dd"


def test_instructions_say_what_when_who_colours_and_validera(ks):
    snap, _ = ks
    text = " ".join(str(v[0]) for v in snap["Instruktioner"]["cells"].values())
    for fact in ("15 maj 2027", "Anna Lindqvist", "T1", "Utfall", "Validera", "Målark",
                 "Stor avvikelse utifrån målet, ange åtgärder.",
                 "Under kontroll, följ utvecklingen.", "Målet uppnått.", "Sista inlämningsdag"):
        assert fact in text, fact


def test_plan_instructions_differ_from_follow_up(tmp_path, model_path):
    [path] = api.generate(model_path, tmp_path / "ut", period="Plan", committees=["BUN"])
    snap = normalise(path)
    text = " ".join(str(v[0]) for v in snap["Instruktioner"]["cells"].values())
    assert "SMARTA" in text and "Erik Johansson" in text
    assert "Utfall för varje indikator" not in text
    # BUN coordinates no KF goal: nothing pre-filled on Indikatorer, no Bedömning to give
    assert all(snap["KF-mål"]["locked"][f"E{r}"] for r in range(2, snap["KF-mål"]["max_row"] + 1))
    assert "A2" not in snap["Indikatorer"]["cells"]
