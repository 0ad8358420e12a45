"""Every indicator light rule (SPEC 3c) exists once in Python and once as an Excel formula,
and the two agree on every edge case after LibreOffice recalculation.

The formulas are written into plain workbooks laid out as the committee `Indikatorer` sheet
(headers from the contract, the parameter behind the defined name `GulGrans`), so the rules
are tested on their own; tests of generated workbooks check that `generate` writes them."""

from __future__ import annotations

import random
import shutil
import subprocess
import uuid
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from malark.core.contract import COMMITTEE_INDIKATORER, GUL_GRANS_NAME, Direction
from malark.core.lights import (
    LightRule,
    light_formula,
    rule_light,
    share_of_target_light,
    trend_light,
)

HIGHER, LOWER = Direction.HIGHER.value, Direction.LOWER.value
LIBREOFFICE = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) saknas")

# (Riktning, Utgångsvärde, Målvärde, Föregående utfall, Utfall); text = what a user typed
SHARE_OF_TARGET_CASES = [
    (HIGHER, None, 100, None, 100), (HIGHER, None, 100, None, 80), (HIGHER, None, 100, None, 79.99),
    (HIGHER, None, 100, None, 120), (HIGHER, None, 100, None, 0), (HIGHER, 50, 100, None, 85),
    (HIGHER, None, 0, None, 0), (HIGHER, None, 0, None, -1), (HIGHER, None, -10, None, -12),
    (HIGHER, None, 92, None, 73.6), (HIGHER, None, 0.3, None, 0.24), (HIGHER, None, 100, None, None),
    (HIGHER, None, 100, None, "85 %"), (HIGHER, None, None, None, 85), (None, None, 100, None, 80),
    (LOWER, None, 6.5, None, 6.5), (LOWER, None, 6.5, None, 6), (LOWER, None, 8, None, 10),
    (LOWER, None, 8, None, 10.01), (LOWER, None, 8, None, 9), (LOWER, None, 0, None, 1),
    (LOWER, None, -5, None, -4), (LOWER, None, 150, None, 187.5), (LOWER, None, 150, None, 200),
]
TREND_CASES = [
    (HIGHER, None, None, 70, 72), (HIGHER, None, None, 70, 70), (HIGHER, None, None, 70, 68),
    (HIGHER, None, None, 70, None), (HIGHER, None, None, None, 72), (HIGHER, None, None, "70", 72),
    (HIGHER, None, None, 0.1, 0.3 - 0.2), (HIGHER, None, None, 0, 0), (HIGHER, None, None, 0, -1),
    (HIGHER, None, None, -5, -4), (HIGHER, None, 80, 70, 72), (None, None, None, 70, 69),
    (LOWER, None, None, 8.1, 7.9), (LOWER, None, None, 8.1, 8.1), (LOWER, None, None, 8.1, 8.3),
    (LOWER, None, None, -3, -4), (HIGHER, None, None, 100, 102), (HIGHER, None, None, 100, 98),
    (HIGHER, None, None, 100, 101.99), (HIGHER, None, None, 100, 98.01), (LOWER, None, None, 50, 51),
]


def _number(value):
    return value if isinstance(value, int | float) else None


def _expected(rule: LightRule, case, parameter: float):
    direction, baseline, target, previous, outcome = case
    return rule_light(rule, baseline=_number(baseline), target=_number(target),
                      outcome=_number(outcome), previous=_number(previous),
                      direction=direction or HIGHER, parameter=parameter)


def _random_cases(rule: LightRule, count: int, seed: int) -> list[tuple]:
    """Values as people type them, many on the rule's exact boundaries."""
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        direction = rng.choice([HIGHER, LOWER])
        target = round(rng.uniform(-20, 120), 1)
        previous = round(rng.uniform(0, 100), 1)
        outcome = round(target + rng.uniform(-30, 30), 1)
        if rule is LightRule.SHARE_OF_TARGET and rng.random() < 0.4:
            outcome = round(target * 0.8 if direction == HIGHER else target / 0.8, 2)
        if rule is LightRule.TREND and rng.random() < 0.4:
            outcome = round(previous * rng.choice([1.02, 0.98, 1.0]), 2)
        cases.append((direction, None, target, previous, outcome))
    return cases


SETS = {
    "malvarde_80": (LightRule.SHARE_OF_TARGET, 0.8, SHARE_OF_TARGET_CASES),
    "malvarde_90": (LightRule.SHARE_OF_TARGET, 0.9, SHARE_OF_TARGET_CASES),
    "malvarde_slump": (LightRule.SHARE_OF_TARGET, 0.8, _random_cases(LightRule.SHARE_OF_TARGET, 150, 1)),
    "trend_0": (LightRule.TREND, 0.0, TREND_CASES),
    "trend_2": (LightRule.TREND, 0.02, TREND_CASES),
    "trend_slump": (LightRule.TREND, 0.02, _random_cases(LightRule.TREND, 150, 2)),
}


def _workbook(path: Path, rule: LightRule, parameter: float, cases) -> None:
    spec = COMMITTEE_INDIKATORER
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = spec.name
    ws.append(list(spec.headers))
    for row, (direction, baseline, target, previous, outcome) in enumerate(cases, start=2):
        for field, value in (("direction", direction), ("baseline", baseline), ("target", target),
                             ("previous_outcome", previous), ("outcome", outcome)):
            ws[f"{spec.letter(field)}{row}"] = value
        ws[f"{spec.letter('light')}{row}"] = light_formula(row, rule=rule)
    params = workbook.create_sheet("_malark")
    params["B2"] = parameter
    workbook.defined_names[GUL_GRANS_NAME] = DefinedName(GUL_GRANS_NAME, attr_text="'_malark'!$B$2")
    workbook.save(path)


GENERATED = {"genererad_malvarde": ("andel_av_malvarde", "andel", 0.8),
             "genererad_trend": ("trend", "tolerans", 0.02)}
"""Workbooks `generate` writes with a template of each rule (the formula and its parameter
as a committee gets them)."""


def _generated(root: Path, name: str, rule: str, key: str, value: float, cases) -> Path:
    from malark.core.contract import Period
    from malark.core.example import example_model
    from malark.core.template import copy_standard, load_template
    from malark.generate.committee_workbook import (
        PreparedRows,
        build_committee_workbook,
        write_committee_workbook,
    )

    folder = copy_standard(root / f"mall_{name}")
    toml = folder / "mall.toml"
    text = toml.read_text(encoding="utf-8").replace('regel = "andel_av_vagen"', f'regel = "{rule}"')
    toml.write_text(text.replace(f"{key} = ", f"{key} = {value}\n# ", 1), encoding="utf-8")
    # BUN coordinates no KF goal: its Indikatorer rows are all prepared rows
    workbook = build_committee_workbook(example_model(), "BUN", Period.T1, template=load_template(folder),
                                        prepared=PreparedRows(indicators=len(cases) + 5))
    path = write_committee_workbook(workbook, root / f"{name}.xlsx")
    spec = COMMITTEE_INDIKATORER
    edited = openpyxl.load_workbook(path)
    ws = edited[spec.name]
    for row, (direction, baseline, target, previous, outcome) in enumerate(cases, start=2):
        for field, cell_value in (("direction", direction), ("baseline", baseline), ("target", target),
                                  ("previous_outcome", previous), ("outcome", outcome)):
            ws[f"{spec.letter(field)}{row}"] = cell_value
    edited.save(path)
    return path


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Every set in its own workbook; ONE LibreOffice run recalculates them all."""
    root = tmp_path_factory.mktemp("ljusregler")
    paths = []
    for name, (rule, parameter, cases) in SETS.items():
        path = root / f"{name}.xlsx"
        _workbook(path, rule, parameter, cases)
        paths.append(path)
    for name, (rule, key, value) in GENERATED.items():
        cases = SHARE_OF_TARGET_CASES if rule == "andel_av_malvarde" else TREND_CASES
        paths.append(_generated(root, name, rule, key, value, cases))
    outdir = root / "out"
    profile = (root / f"lo_{uuid.uuid4().hex}").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--calc",
                    "--convert-to", "xlsx", "--outdir", str(outdir), *map(str, paths)],
                   check=True, capture_output=True, timeout=180)
    light = COMMITTEE_INDIKATORER.letter("light")
    result = {}
    every = {**SETS, **{name: (LightRule(rule), value, SHARE_OF_TARGET_CASES
                               if rule == "andel_av_malvarde" else TREND_CASES)
                        for name, (rule, _key, value) in GENERATED.items()}}
    for name, (_rule, _parameter, cases) in every.items():
        ws = openpyxl.load_workbook(outdir / f"{name}.xlsx", data_only=True)[COMMITTEE_INDIKATORER.name]
        codes = [ws[f"{light}{row}"].value for row in range(2, len(cases) + 2)]
        result[name] = [None if c in ("", None) else int(c) for c in codes]
    return result


@pytest.mark.libreoffice
@LIBREOFFICE
@pytest.mark.parametrize("name", [*SETS, *GENERATED])
def test_formula_agrees_with_python(recalculated, name):
    if name in GENERATED:
        rule_name, _key, parameter = GENERATED[name]
        rule = LightRule(rule_name)
        cases = SHARE_OF_TARGET_CASES if rule is LightRule.SHARE_OF_TARGET else TREND_CASES
    else:
        rule, parameter, cases = SETS[name]
    mismatches = [(case, got, _expected(rule, case, parameter))
                  for case, got in zip(cases, recalculated[name], strict=True)
                  if got != _expected(rule, case, parameter)]
    assert mismatches == []


def test_share_of_target_is_vansbros_80_percent():
    assert share_of_target_light(100, 80) == 2 and share_of_target_light(100, 79) == 1
    assert share_of_target_light(100, 100) == 3
    assert share_of_target_light(8, 10, LOWER) == 2  # 8/10 = 80 % goal fulfilment
    assert share_of_target_light(8, 10.5, LOWER) == 1
    assert share_of_target_light(0, -1) == 1  # no share of a zero target
    assert share_of_target_light(100, None) is None


def test_trend_is_better_unchanged_worse():
    assert trend_light(70, 72) == 3 and trend_light(70, 70) == 2 and trend_light(70, 68) == 1
    assert trend_light(8.1, 7.9, LOWER) == 3 and trend_light(8.1, 8.3, LOWER) == 1
    assert trend_light(100, 101.9, tolerance=0.02) == 2 and trend_light(100, 102.1, tolerance=0.02) == 3
    assert trend_light(None, 5) is None and trend_light(0.1, 0.3 - 0.2) == 2


def test_the_default_rule_is_spec_5():
    assert rule_light("andel_av_vagen", baseline=60, target=70, outcome=65, previous=None) == 2
    assert LightRule("andel_av_vagen").default_parameter == 0.5
    assert "GulGrans" in light_formula(5, rule="trend") and "J5" in light_formula(5, rule="trend")
