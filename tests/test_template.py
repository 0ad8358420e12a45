"""Workbook templates (SPEC 3c): the standard template loads, a copy can be edited, and a
broken template names every problem's file and key."""

from __future__ import annotations

import shutil

import pytest

from malark.core.contract import Period
from malark.core.errors import OutputError, TemplateError
from malark.core.instruction_text import fill, parse_instructions
from malark.core.lights import LightRule
from malark.core.scale import AssessmentScale
from malark.core.template import (
    copy_standard,
    load_template,
    standard_folder,
    standard_template,
)


def test_standard_template_is_spec_default():
    template = standard_template()
    assert template.scale.choices == ("Grön", "Gul", "Röd", "Ej bedömd")
    assert template.light_rule is LightRule.SHARE_OF_WAY and template.light_parameter is None
    assert template.logo is None and len(template.fingerprint) == 64
    assert template.instructions[0].kind == "title"


def test_the_template_lives_at_the_repository_top_and_is_installed_in_the_package():
    from pathlib import Path

    top = Path(__file__).resolve().parents[1] / "workbook_templates" / "standard"
    assert (top / "mall.toml").is_file() and (top / "instruktioner.md").is_file()
    assert (standard_folder() / "mall.toml").read_bytes() == (top / "mall.toml").read_bytes()


def test_copy_then_edit_gives_another_template(tmp_path):
    folder = copy_standard(tmp_path / "vargarda")
    toml = folder / "mall.toml"
    text = toml.read_text(encoding="utf-8")
    for old, new in (('gron = "Grön"', 'gron = "Uppfyllt"'), ('gul = "Gul"', 'gul = "Delvis uppfyllt"'),
                     ('rod = "Röd"', 'rod = "Ej uppfyllt"'),
                     ('ej_bedomd = "Ej bedömd"', 'ej_bedomd = "Kan ej bedömas"')):
        text = text.replace(old, new)
    text = text.replace('regel = "andel_av_vagen"', 'regel = "andel_av_malvarde"')
    toml.write_text(text, encoding="utf-8")
    template = load_template(folder)
    assert template.scale == AssessmentScale("Uppfyllt", "Delvis uppfyllt", "Ej uppfyllt", "Kan ej bedömas")
    assert template.light_rule is LightRule.SHARE_OF_TARGET and template.light_parameter == 0.8
    assert template.fingerprint != standard_template().fingerprint


def test_copy_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "min.txt").write_text("x")
    with pytest.raises(OutputError, match="inte en tom mapp"):
        copy_standard(tmp_path)
    assert (tmp_path / "min.txt").read_text() == "x"


def _broken(tmp_path, replacements: dict[str, str], instructions: str | None = None):
    folder = copy_standard(tmp_path / "mall")
    toml = folder / "mall.toml"
    text = toml.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    toml.write_text(text, encoding="utf-8")
    if instructions is not None:
        (folder / "instruktioner.md").write_text(instructions, encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        load_template(folder)
    return caught.value.problems


def test_every_problem_names_file_and_key(tmp_path):
    problems = _broken(tmp_path, {
        'regel = "andel_av_vagen"': 'regel = "pil"',
        'rod = "FFC7CE"': 'rod = "röd"',
        'gul = "Gul"': 'gul = "Gul, ibland"',
        '"Aktiviteter.Aktivitet" = 55': '"Aktiviteter.Saknas" = 55',
        'orientering = "liggande"': 'orientering = "snett"',
        'storlek = 11': 'storlek = "stor"',
    })
    joined = "\n".join(problems)
    for expected in ("[trafikljus] regel", "[farger] rod", "[bedomning] gul",
                     '[kolumnbredder] "Aktiviteter.Saknas"', "[utskrift] orientering",
                     "[typsnitt] storlek"):
        assert expected in joined
    assert all(p.startswith("mall.toml") for p in problems)


def test_a_threshold_outside_its_range_is_named(tmp_path):
    problems = _broken(tmp_path, {"andel = 0.8": "andel = 80"})
    assert problems == ["mall.toml, [trafikljus] andel: 80 – skriv ett tal större än 0 och "
                        "mindre än 1 (decimaltal med punkt, t.ex. 0.8)"]
    problems = _broken(tmp_path / "b", {"tolerans = 0.0": "tolerans = 0.0\ngul_grans = 0.6"})
    assert len(problems) == 1 and "Inställningar" in problems[0]


def test_same_labels_twice_and_a_formula_label_are_refused(tmp_path):
    problems = _broken(tmp_path, {'rod = "Röd"': 'rod = "grön"',
                                  'ej_bedomd = "Ej bedömd"': 'ej_bedomd = "=1+1"'})
    assert any("måste vara olika" in p for p in problems)
    assert any("[bedomning] ej_bedomd" in p and "formel" in p for p in problems)


def test_broken_toml_and_unknown_sections(tmp_path):
    assert "felaktig TOML" in _broken(tmp_path, {'namn = "Standard"': 'namn = "Standard'})[0]
    problems = _broken(tmp_path / "b", {"[farger]": "[farg]"})
    assert any("okänd nyckel [farg]" in p for p in problems)


def test_instruction_placeholders_and_periods_are_checked(tmp_path):
    problems = _broken(tmp_path, {}, "# Rubrik\n\n## Avsnitt [T3]\n\nSkriv {kommunen} här.\n")
    assert any("rad 3" in p and "okänd period \"T3\"" in p for p in problems)
    assert any("rad 5" in p and "{kommunen}" in p for p in problems)
    assert all(p.startswith("instruktioner.md") for p in problems)


def test_a_logo_must_be_a_small_png(tmp_path):
    folder = copy_standard(tmp_path / "mall")
    (folder / "logo.png").write_bytes(b"GIF89a" + b"\0" * 10)
    with pytest.raises(TemplateError, match="PNG"):
        load_template(folder)


def test_missing_folder_and_file(tmp_path):
    with pytest.raises(TemplateError, match="finns inte"):
        load_template(tmp_path / "ingen")
    folder = copy_standard(tmp_path / "mall")
    (folder / "instruktioner.md").unlink()
    with pytest.raises(TemplateError, match="instruktioner.md: filen saknas"):
        load_template(folder)


def test_instruction_blocks_per_period_and_filling():
    blocks, problems = parse_instructions(
        "# T {kommun}\n\n## A [Plan]\n\n- **Blad:** text {gul}\n\n## B [uppföljning]\n\n1. steg\n"
        "2. steg två\n\n{farger}\n\n## C\n\nallt {okänd-klammer}\n")
    assert problems == []
    plan = [b for b in blocks if b.shown_in(Period.PLAN)]
    t1 = [b for b in blocks if b.shown_in(Period.T1)]
    assert [b.text for b in plan if b.kind == "heading"] == ["A", "C"]
    assert [(b.label, b.text) for b in t1 if b.kind == "row"] == [("1.", "steg"), ("2.", "steg två"),
                                                                  ("", "allt {okänd-klammer}")]
    assert [b.kind for b in t1].count("legend") == 1
    assert fill("Hej {kommun}, {gul} {x}", {"kommun": "Vansbro", "gul": "Gul"}) == "Hej Vansbro, Gul {x}"


def test_scale_maps_labels_to_the_fixed_codes():
    scale = AssessmentScale("Uppfyllt", "Delvis uppfyllt", "Ej uppfyllt", "Kan ej bedömas")
    assert [scale.code(x) for x in ("Uppfyllt", " Delvis uppfyllt ", "Ej uppfyllt", "Kan ej bedömas", None)] \
        == [3, 2, 1, None, None]
    assert scale.label(2) == "Delvis uppfyllt" and scale.label(None) == "Kan ej bedömas"
    assert scale.standard_name("Ej uppfyllt").value == "Röd"


def test_the_standard_template_folder_is_not_changed_by_copying(tmp_path):
    before = {p.name: p.read_bytes() for p in standard_folder().iterdir() if p.is_file()}
    copy = copy_standard(tmp_path / "kopia")
    (copy / "mall.toml").write_text("ändrad", encoding="utf-8")
    assert {p.name: p.read_bytes() for p in standard_folder().iterdir() if p.is_file()} == before
    shutil.rmtree(copy)
