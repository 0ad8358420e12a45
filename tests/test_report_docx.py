"""`malark report -o X.docx`: the chapter read back with python-docx and checked against the
consolidated workbook it was made from (SPEC 8)."""

from __future__ import annotations

from collections import Counter

import docx
import openpyxl
import pytest

from malark import api
from malark.core.contract import PERSPECTIVES
from malark.core.swedish import format_readable
from tests.report_support import HOSTILE, MISSING_COMMITTEE, read_docx, sheet_rows, tables_by_caption

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def report(report_inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("docx") / "rapport.docx"
    assert api.report(report_inputs.t1, out, previous=[report_inputs.plan]) == out
    model = api.load_model(report_inputs.model)
    return {"path": out, "items": read_docx(out), "model": model, "t1": report_inputs.t1}


def _read(workbook):
    statuses = {r["Nämnd"]: r["Status"] for r in sheet_rows(workbook, "Inlämningar")}
    return {"kf": sheet_rows(workbook, "KF-mål"), "goals": sheet_rows(workbook, "Nämndmål"),
            "indicators": sheet_rows(workbook, "Indikatorer"), "statuses": statuses}


def _paragraphs(items):
    return [i.text for i in items if i.kind == "p"]


def test_headings_follow_spec_8(report):
    items, model = report["items"], report["model"]
    assert items[0].style == "Title" and items[0].text == "Måluppföljning Sjöberga 2027 – T1"
    assert items[1].text == f"Vision: {model.vision}"
    level1 = [i.text for i in items if i.style == "Heading 1"]
    assert level1 == ["Sammanfattning", *(f"{g.id} {g.text}" for g in model.kf_goals),
                      "God ekonomisk hushållning", "Avvikelser"]
    for goal in model.kf_goals:
        start = next(n for n, i in enumerate(items) if i.text == f"{goal.id} {goal.text}")
        end = next(n for n, i in enumerate(items) if n > start and i.style == "Heading 1")
        committees = [i.text.split(" ", 1)[0] for i in items[start:end] if i.style == "Heading 2"]
        assert committees == [c for c in model.committee_ids if c in goal.addressed]


def test_every_kf_indicator_outcome_is_in_its_table(report):
    model, tables = report["model"], tables_by_caption(report["items"])
    indicators = _read(report["t1"])["indicators"]
    coordinator = {g.id: g.coordinator for g in model.kf_goals}
    for indicator in model.kf_indicators:
        reported = next(r for r in indicators
                        if r["Id"] == indicator.id and r["Nämnd"] == coordinator[indicator.goal_id])
        table = tables[f"KF-indikatorer för {indicator.goal_id}"]
        column = table[0].index("Utfall T1")
        row = next(r for r in table if r[0] == indicator.name)
        assert row[column] == f"{format_readable(reported['Utfall'])}{NBSP}{indicator.unit}"


def test_every_committee_text_appears_verbatim(report):
    paragraphs, rows = _paragraphs(report["items"]), _read(report["t1"])
    expected = []
    for row in rows["kf"]:
        if row["Nämnd"] == next(g.coordinator for g in report["model"].kf_goals if g.id == row["Id"]):
            expected += [f"Analys: {row['Analys']}"] if row["Analys"] else []
            expected += [f"Åtgärder: {row['Åtgärder']}"] if row["Åtgärder"] else []
        expected.append(f"Bidrag: {row['Bidrag']}")
    for row in rows["goals"]:
        expected.append(f"{row['Id']} {row['Målformulering']}")
        expected += [f"{label}: {row[label]}" for label in ("Analys", "Åtgärder") if row[label]]
    for row in rows["indicators"]:
        if row["Kommentar"]:
            expected.append(f"Kommentar till ”{row['Indikator']}”: {row['Kommentar']}")
    assert len(expected) > 60
    assert [text for text in expected if text not in paragraphs] == []
    for hostile in HOSTILE.values():  # each was typed by some controller and survives exactly
        assert any(p.endswith(hostile) for p in paragraphs), hostile


def _counts(values):
    count = Counter(v if v in ("Grön", "Gul", "Röd") else "Ej bedömd" for v in values)
    return [str(count[k]) for k in ("Grön", "Gul", "Röd", "Ej bedömd")] + [str(sum(count.values()))]


def test_summary_counts_match_the_workbook(report):
    model, rows, items = report["model"], _read(report["t1"]), report["items"]
    kf_assessment = {g.id: next(r["Bedömning"] for r in rows["kf"]
                                if r["Id"] == g.id and r["Nämnd"] == g.coordinator)
                     for g in model.kf_goals}
    read = [r for r in rows["goals"] if rows["statuses"].get(r["Nämnd"]) == "Inläst"]
    table = tables_by_caption(items)["KF-mål och nämndmål per perspektiv"]
    assert table[-2][2:] == tuple(_counts(kf_assessment.values()))
    assert table[-1][2:] == tuple(_counts(r["Bedömning"] for r in read))
    for n, perspective in enumerate(PERSPECTIVES):
        goals = [g.id for g in model.kf_goals if g.perspective.value == perspective]
        assert table[1 + 2 * n][2:] == tuple(_counts(kf_assessment[g] for g in goals))
    per_committee = tables_by_caption(items)["Nämndmålen per nämnd"]
    for row in per_committee[1:]:
        committee = row[0].split(" ")[0]
        assert row[1] == rows["statuses"][committee]
        assert row[2:] == tuple(_counts(r["Bedömning"] for r in read if r["Nämnd"] == committee))
    total, green, yellow, red = (len(read), *(int(x) for x in _counts(r["Bedömning"] for r in read)[:3]))
    assert f"Av {total} nämndmål bedöms {green} uppfyllda, {yellow} delvis uppfyllda och {red} inte " \
           "uppfyllda." in _paragraphs(items)


def test_a_committee_that_did_not_submit_is_said_plainly(report):
    paragraphs = _paragraphs(report["items"])
    assert any("Har inte lämnat in: SN Socialnämnden." in p for p in paragraphs)
    items = report["items"]
    headings = [n for n, i in enumerate(items)
                if i.style == "Heading 2" and i.text.startswith(MISSING_COMMITTEE)]
    assert headings and all(items[n + 1].text == "SN har inte lämnat in sin arbetsbok för T1 (Saknas)."
                            for n in headings)


def test_deviations_list_every_red_and_yellow_worst_first(report):
    rows = _read(report["t1"])
    table = tables_by_caption(report["items"])["Mål som bedömts Röd eller Gul"]
    assert table[0] == ("Mål", "Nämnd", "Bedömning", "Analys", "Åtgärder")
    marks = [r[2] for r in table[1:]]
    assert marks == sorted(marks, key=lambda m: "Gul" in m)  # every Röd before every Gul
    goals = {r["Id"] for r in rows["goals"] if r["Bedömning"] in ("Röd", "Gul")}
    kf = {r["Id"] for r in rows["kf"] if r["Bedömning"] in ("Röd", "Gul")}
    assert {r[0].split(" ")[0] for r in table[1:]} == goals | kf
    bun = next(r for r in table if r[0].startswith("BUN-1 "))
    assert bun[2] == f"●{NBSP}Röd" and bun[3] == HOSTILE["script"]


def test_good_economic_management_sets_financial_goals_beside_the_rest(report):
    model = report["model"]
    table = tables_by_caption(report["items"])["Finansiella mål och verksamhetsmål"]
    financial = sum(g.perspective.value == "Ekonomi" for g in model.kf_goals)
    assert table[0] == ("Bedömning", "Finansiella mål", "Verksamhetsmål")
    assert table[-1] == ("Totalt", str(financial), str(len(model.kf_goals) - financial))


def test_assessments_are_a_coloured_symbol_and_the_word(report):
    document = docx.Document(str(report["path"]))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    symbols = [r for r in document.element.body.iter(f"{w}r") if (r.findtext(f"{w}t") or "").startswith("●")]
    assert symbols
    for run in symbols:
        assert run.find(f"{w}rPr/{w}color") is not None
        word = run.getnext()
        assert word.findtext(f"{w}t") in ("Grön", "Gul", "Röd")


def test_the_chart_is_one_picture_with_a_text_description(report):
    document = docx.Document(str(report["path"]))
    [shape] = document.inline_shapes
    description = shape._inline.docPr.get("descr")
    assert description.startswith("KF-mål: ") and "BUN nämndmål: 0 Grön, 0 Gul, 4 Röd" in description


def test_the_document_is_a4_in_built_in_styles_and_marked_as_malarks(report):
    document = docx.Document(str(report["path"]))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    styles = {i.style for i in report["items"]}
    assert styles <= {"Title", "Normal", "Heading 1", "Heading 2", "Caption", "Table Grid"}
    assert document.core_properties.keywords == "malark-rapport"
    assert document.core_properties.title == "Måluppföljning Sjöberga 2027 – T1"


def _as_t2(t1, out, outcomes, column="Utfall"):
    """The T1 consolidation relabelled as T2 with some outcomes changed (a later period)."""
    workbook = openpyxl.load_workbook(t1)
    meta = workbook["_malark"]
    next(r for r in meta.iter_rows() if r[0].value == "period")[1].value = "T2"
    sheet = workbook["Indikatorer"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        key = (row[0].value, row[header.index("Id")].value)
        if key in outcomes:
            row[header.index(column)].value = outcomes[key]
    workbook.save(out)
    return out


def test_previous_gives_earlier_outcomes_and_a_trend_arrow(report_inputs, tmp_path):
    t2 = _as_t2(report_inputs.t1, tmp_path / "t2.xlsx", {("KS", "KF1-I1"): 95, ("BUN", "BUN-1-I1"): 60})
    out = api.report(t2, tmp_path / "t2.docx", previous=[report_inputs.t1, report_inputs.plan])
    tables = tables_by_caption(read_docx(out))
    kf1 = tables["KF-indikatorer för KF1"]  # the years from Historik, then T1 from --previous
    assert kf1[0][3:] == ("2025", "2026", "T1 2027", "Utfall T2", "Trend", "Trafik\u00adljus")
    assert kf1[1][3:8] == (f"68{NBSP}%", f"69{NBSP}%", f"92{NBSP}%", f"95{NBSP}%", "▲\u00a0bättre")
    bun = tables["Indikatorer under KF1 – BUN Barn- och utbildningsnämnden"]
    assert bun[0][3:6] == ("T1 2027", "Utfall T2", "Trend")
    assert bun[1][3:6] == (f"70{NBSP}%", f"60{NBSP}%", "▼\u00a0sämre")
    sickness = next(r for r in tables["KF-indikatorer för KF5"] if r[0].startswith("Sjukfrånvaro"))
    assert sickness[5:8] == (f"92{NBSP}%", f"92{NBSP}%", "▶\u00a0oförändrat")


def test_without_previous_the_carried_previous_outcome_gives_the_trend(report_inputs, tmp_path):
    t2 = _as_t2(report_inputs.t1, tmp_path / "t2.xlsx", {("BUN", "BUN-1-I1"): 93.5},
                column="Föregående utfall")
    tables = tables_by_caption(read_docx(api.report(t2, tmp_path / "t2.docx")))
    table = tables["Indikatorer under KF1 – BUN Barn- och utbildningsnämnden"]
    assert table[0][3:6] == ("Föregående", "Utfall T2", "Trend")
    assert table[1][3:6] == (f"93,5{NBSP}%", f"70{NBSP}%", "▼\u00a0sämre")


def test_the_workbooks_historik_gives_earlier_years_sources_and_notes(report, report_inputs, tmp_path):
    tables = tables_by_caption(report["items"])
    kf2 = tables["KF-indikatorer för KF2"]  # KFN's outcome 86 against Historik's 2024–2026
    assert kf2[0][3:7] == ("2024", "2025", "2026", "Utfall T1")
    assert kf2[1][3:8] == (f"60{NBSP}%", f"61{NBSP}%", f"63{NBSP}%", f"86{NBSP}%", "▲\u00a0bättre")
    assert ("Anmärkning till ”Andel invånare som kan rekommendera kommunen som boendeort”: 2021: "
            "SCB bytte metod 2021 – inte jämförbart med åren före") in _paragraphs(report["items"])
    workbook = openpyxl.load_workbook(report_inputs.t1)
    history = workbook["Historik"]
    header = [c.value for c in history[1]]
    row = next(r for r in history.iter_rows(min_row=2) if r[0].value == "KF2-I1")
    row[header.index("Källa")].value = "Kolada 2019–2025; SCB:s medborgarundersökning 2026; Nämnd T1 2027"
    workbook.save(tmp_path / "kolada.xlsx")
    kf2 = tables_by_caption(read_docx(api.report(tmp_path / "kolada.xlsx", tmp_path / "k.docx")))[
        "KF-indikatorer för KF2"]
    assert kf2[1][3:6] == (f"60{NBSP}% (Källa: Kolada)", f"61{NBSP}% (Källa: Kolada)", f"63{NBSP}%")


def test_history_seam_marks_values_fetched_from_kolada(report_inputs, tmp_path):
    history = {"BUN-1-I1": [(2025, None, 60.0, "Kolada"), (2026, None, 65.0, "Kolada")]}
    out = api.report(report_inputs.t1, tmp_path / "kolada.docx", history=history)
    table = tables_by_caption(read_docx(out))["Indikatorer under KF1 – BUN Barn- och utbildningsnämnden"]
    assert table[0][3:5] == ("2025", "2026")
    assert table[1][3:7] == (f"60{NBSP}% (Källa: Kolada)", f"65{NBSP}% (Källa: Kolada)", f"70{NBSP}%",
                             "▲\u00a0bättre")


def test_a_version_1_consolidated_workbook_still_works(report_inputs, tmp_path):
    workbook = openpyxl.load_workbook(report_inputs.t1)
    kf = workbook["KF-mål"]
    kf.delete_cols([c.value for c in kf[1]].index("Åtgärder") + 1)
    next(r for r in workbook["_malark"].iter_rows() if r[0].value == "format_version")[1].value = 1
    workbook.save(tmp_path / "v1.xlsx")
    items = read_docx(api.report(tmp_path / "v1.xlsx", tmp_path / "v1.docx"))
    paragraphs = _paragraphs(items)
    assert f"Analys: {HOSTILE['lines']}" in paragraphs
    assert [i.text for i in items if i.style == "Heading 1"][1].startswith("KF1 ")
