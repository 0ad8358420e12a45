"""A municipality's own template (SPEC 3c) reaches everything: the generated workbook
(words, colours, font, rule, Instruktioner text and logo, `_malark`), its validation,
the consolidated workbook and the report (issue 14's "done when")."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from malark import api
from malark.core.contract import COMMITTEE_INDIKATORER, SHEET_META
from malark.core.errors import TemplateError
from malark.core.template import standard_template
from malark.validate.validation import validate_workbook_data
from malark.xlsx.meta import meta_from_rows
from malark.xlsx.reader import read_workbook
from tests.filled_workbooks import T1_KS
from tests.helpers import edit
from tests.template_support import GREEN_COLOUR, HEADER_COLOUR, WORDS, in_words, vansbro_vargarda

VARGARDA = tuple(WORDS.values())


@pytest.fixture(scope="module")
def made(_example_project, tmp_path_factory):
    """KS's T1 workbook generated with the template, and the template folder."""
    root = tmp_path_factory.mktemp("mall")
    folder = vansbro_vargarda(root / "mall_vansbro")
    [path] = api.generate(_example_project.model, root / "ut", period="T1", committees=["KS"],
                          template=folder)
    return path, folder


def _list_values(ws, header: str) -> set[str]:
    column = [c.value for c in ws[1]].index(header) + 1
    letter = openpyxl.utils.get_column_letter(column)
    return {dv.formula1 for dv in ws.data_validations.dataValidation
            if str(dv.sqref).startswith(f"{letter}2")}


def test_the_workbook_speaks_the_templates_words_and_colours(made):
    path, _ = made
    workbook = openpyxl.load_workbook(path)
    for sheet in ("KF-mål", "Nämndmål"):
        assert _list_values(workbook[sheet], "Bedömning") == {'"' + ",".join(VARGARDA) + '"'}
        rules = [r for cf in workbook[sheet].conditional_formatting for r in cf.rules
                 if r.type == "cellIs"]
        assert {r.formula[0] for r in rules} >= {'"Uppfyllt"', '"Delvis uppfyllt"', '"Ej uppfyllt"'}
        green = next(r for r in rules if r.formula[0] == '"Uppfyllt"')
        assert green.dxf.fill.fgColor.rgb.endswith(GREEN_COLOUR)
        assert workbook[sheet]["A1"].fill.fgColor.rgb.endswith(HEADER_COLOUR)
    indicators = workbook[COMMITTEE_INDIKATORER.name]
    light = indicators[f"{COMMITTEE_INDIKATORER.letter('light')}2"]
    assert "GulGrans*" in light.value and "ABS(" not in light.value  # andel_av_malvarde
    assert light.number_format == '[=3]"Uppfyllt";[=2]"Delvis uppfyllt";"Ej uppfyllt"'
    assert indicators["C2"].font.name == "Arial"


def test_instruktioner_has_the_templates_text_rule_and_logo(made):
    path, _ = made
    ws = openpyxl.load_workbook(path)["Instruktioner"]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "Målet är uppfyllt för perioden." in text
    assert "Uppfyllt när utfallet når målvärdet; Delvis uppfyllt när utfallet når minst 80 %" in text
    assert "Ej uppfyllt" in text and "Grön" not in text
    assert len(ws._images) == 1
    labels = [row[0] for row in ws.iter_rows(values_only=True)]
    assert labels[:2] == ["Målarbete 2027 – Kommunstyrelsen", "Kontroll"]
    assert {"Fyll i", "Låst", "Samordnas", *VARGARDA} <= set(labels)


def test_malark_records_the_template_sealed(made):
    path, folder = made
    meta = meta_from_rows(read_workbook(path).rows[SHEET_META])
    assert (meta.mall, meta.ljusregel.value, meta.gul_grans) == ("Vår kommun", "andel_av_malvarde", 0.8)
    assert meta.scale.choices == VARGARDA
    from malark.core.template import load_template

    assert meta.mall_fingerprint == load_template(folder).fingerprint
    assert meta.snapshot.sealed["mall_fingerprint"] == meta.mall_fingerprint
    assert meta.mall_fingerprint != standard_template().fingerprint


def test_validation_judges_by_the_templates_words(made, tmp_path):
    path, _ = made
    filled = edit(path, in_words(T1_KS), out=tmp_path / "ks.xlsx")
    assert validate_workbook_data(read_workbook(filled)).findings == []
    wrong = edit(filled, {"KF-mål!E2": "Grön", "KF-mål!E4": "Ej uppfyllt", "KF-mål!F4": None,
                          "Nämndmål!H2": "Delvis uppfyllt", "Nämndmål!I2": None},
                 out=tmp_path / "fel.xlsx")
    findings = validate_workbook_data(read_workbook(wrong)).findings
    keys = {f.key() for f in findings}
    assert {("D004", "KF-mål", "E2"), ("D006", "KF-mål", "F4"), ("D007", "KF-mål", "G4"),
            ("D006", "Nämndmål", "I2")} <= keys
    d004 = next(f for f in findings if f.code == "D004")
    assert "Uppfyllt, Delvis uppfyllt, Ej uppfyllt, Kan ej bedömas" in d004.message


def test_a_standard_workbook_still_checks_by_spec_words(filled_data):
    assert validate_workbook_data(filled_data["t1"]).findings == []


def test_merge_and_report_use_the_templates_words(made, plan_set, tmp_path, _example_project):
    path, folder = made
    inbox = tmp_path / "in"
    inbox.mkdir()
    ks = edit(path, in_words({**T1_KS, "KF-mål!E4": "Ej uppfyllt",
                              "KF-mål!G4": "Extra genomgång av budgeten."}), out=inbox / path.name)
    model = _example_project.model
    # a standard-template workbook of another committee, merged into the same consolidation
    [sn] = api.generate(model, tmp_path / "sn", period="T1", committees=["SN"])
    shutil.copy(sn, inbox / sn.name)
    out = tmp_path / "samman.xlsx"
    result = api.merge([inbox / ks.name], model_path=model, out=out, template=folder, skip_invalid=True)
    assert result.output == out and "KS" in result.merged
    workbook = openpyxl.load_workbook(out)
    kf = list(workbook["KF-mål"].iter_rows(values_only=True))
    assessment = kf[0].index("Bedömning")
    assert {r[assessment] for r in kf[1:] if r[assessment]} <= set(VARGARDA)
    deviations = list(workbook["Avvikelser"].iter_rows(values_only=True))
    assert any("Ej uppfyllt" in r for r in deviations[1:])
    overview = " ".join(str(c) for row in workbook["Översikt"].iter_rows(values_only=True) for c in row if c)
    assert "Uppfyllt – målet uppnått" in overview and "Ej uppfyllt – stor avvikelse" in overview
    meta = meta_from_rows(list(workbook[SHEET_META].iter_rows(values_only=True)))
    assert meta.scale.choices == VARGARDA
    report = api.report(out, tmp_path / "rapport.docx")
    from docx import Document

    text = "\n".join(p.text for p in Document(report).paragraphs)
    assert "Ej uppfyllt" in text and "Röd" not in text


def test_a_workbook_of_the_standard_template_merges_in_the_consolidations_words(
        filled_files, tmp_path, _example_project):
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(filled_files["t1"], inbox / filled_files["t1"].name)  # KS, standard words
    folder = vansbro_vargarda(tmp_path / "mall")
    out = tmp_path / "samman.xlsx"
    api.merge([inbox], model_path=_example_project.model, out=out, template=folder)
    rows = list(openpyxl.load_workbook(out)["KF-mål"].iter_rows(values_only=True))
    column = rows[0].index("Bedömning")
    assert [r[column] for r in rows[1:] if r[column]] == ["Uppfyllt", "Delvis uppfyllt", "Uppfyllt",
                                                          "Uppfyllt"]
    original = list(openpyxl.load_workbook(filled_files["t1"])["KF-mål"].iter_rows(values_only=True))
    assert original[1][4] == "Grön"  # the committee's own file is untouched


def test_the_models_mall_setting_is_used_and_a_broken_template_stops_generate(model_path, tmp_path):
    folder = vansbro_vargarda(model_path.parent / "kommunens_mall")
    edit(model_path, {"Inställningar!A3": "Mall", "Inställningar!B3": "kommunens_mall"})
    assert api.load_model(model_path).settings.template == "kommunens_mall"
    [path] = api.generate(model_path, tmp_path / "ut", period="T1", committees=["SN"])
    assert meta_from_rows(read_workbook(path).rows[SHEET_META]).mall == "Vår kommun"
    toml = folder / "mall.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('andel = 0.8', 'andel = "80 %"'),
                    encoding="utf-8")
    with pytest.raises(TemplateError, match=r"mall.toml, \[trafikljus\] andel"):
        api.generate(model_path, tmp_path / "ut2", period="T1", committees=["SN"])
    assert not (tmp_path / "ut2").exists()
