"""The Trafikljus Excel formula agrees with `lights.indicator_light` (SPEC 5).

The cases are typed into a generated workbook's `Indikatorer` rows as a user would, one
LibreOffice run recalculates every workbook, and the computed codes are read back."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import openpyxl
import pytest

from malark import api
from malark.core.contract import COMMITTEE_INDIKATORER, Direction, Period
from malark.core.example import example_model
from malark.core.lights import indicator_light, light_formula
from malark.core.model import Settings
from malark.generate.committee_workbook import (
    PreparedRows,
    build_committee_workbook,
    workbook_filename,
    write_committee_workbook,
)
from malark.xlsx.model_io import write_model
from tests.helpers import edit

HIGHER, LOWER = Direction.HIGHER.value, Direction.LOWER.value

# (Riktning, Utgångsvärde, Målvärde, Utfall); a text value stands for what a user typed.
CASES = [
    (HIGHER, 60, 70, 70),          # exactly the target → Grön
    (HIGHER, 60, 70, 75),
    (HIGHER, 60, 70, 65),          # exactly the Gul-gräns (0.5) → Gul
    (HIGHER, 60, 70, 64.99),       # just below → Röd
    (HIGHER, 60, 70, 60),
    (HIGHER, 60, 70, 55),          # worse than the baseline
    (HIGHER, 60, 70, 0),
    (HIGHER, 60, 70, None),        # no outcome → Ej bedömd
    (HIGHER, 60, 70, "85 %"),      # text outcome → Ej bedömd
    (HIGHER, 60, None, 65),        # no target → Ej bedömd
    (HIGHER, 60, "70", 65),        # target typed as text → Ej bedömd
    (HIGHER, None, 80, 72),        # no baseline, exactly −10 % → Gul
    (HIGHER, None, 80, 71.99),
    (HIGHER, None, 80, 80),
    (HIGHER, None, 80, 79),
    (HIGHER, "okänt", 80, 73),     # baseline as text counts as missing
    (HIGHER, 70, 70, 69),          # target equal to baseline
    (HIGHER, 70, 70, 70),
    (HIGHER, 70, 70, 71),
    (HIGHER, None, 0, 0),          # zero target
    (HIGHER, None, 0, -0.5),
    (HIGHER, -10, 0, -5),
    (HIGHER, -20, -10, -15),       # negative numbers
    (HIGHER, None, -10, -11),      # −10 % of a negative target
    (HIGHER, None, -10, -11.5),
    (HIGHER, 100, 0, 50),          # target below baseline although higher is better
    (HIGHER, 0, 100, 50),
    (HIGHER, 0, 100, 49.9),
    (HIGHER, 0.1, 0.3, 0.2),       # a ratio that is not exact in binary
    (HIGHER, 1e6, 2e6, 1.5e6),
    (None, 60, 70, 65),            # empty Riktning counts as Högre är bättre
    (LOWER, 7.9, 6.5, 6.5),
    (LOWER, 7.9, 6.5, 6.0),
    (LOWER, 8, 6, 7),              # exactly the Gul-gräns
    (LOWER, 8, 6, 7.5),
    (LOWER, 8, 6, 9),
    (LOWER, None, 50, 55),         # exactly −10 %
    (LOWER, None, 50, 55.5),
    (LOWER, None, 50, None),
    (LOWER, 8, 6, "ej klart"),
    (LOWER, 6, 6, 6),
    (LOWER, 6, 6, 6.1),
    (LOWER, -27, -40, -35),
    (LOWER, -27, -40, -41),
    (LOWER, -27, -40, -28),
    (LOWER, None, 0, 0.1),
    (LOWER, None, 0, 0),
    (LOWER, None, -10, -9),        # lower is better with a negative target
]
# With Gul-gräns 0.8 (a second workbook, so the defined name is really read).
STRICT_CASES = [
    (HIGHER, 60, 70, 68),          # exactly 0.8 → Gul
    (HIGHER, 60, 70, 67.9),
    (HIGHER, 60, 70, 65),          # Gul at 0.5, Röd at 0.8
    (LOWER, 10, 5, 6),
    (LOWER, 10, 5, 6.5),
]


def _number(value):
    return value if isinstance(value, int | float) else None


def _expected(case, threshold):
    direction, baseline, target, outcome = case
    return indicator_light(_number(baseline), _number(target), _number(outcome),
                           direction or HIGHER, threshold)


def _fill(path: Path, cases) -> None:
    spec = COMMITTEE_INDIKATORER
    changes = {}
    for row, (direction, baseline, target, outcome) in enumerate(cases, start=2):
        for field, value in (("direction", direction), ("baseline", baseline),
                             ("target", target), ("outcome", outcome)):
            changes[f"{spec.name}!{spec.letter(field)}{row}"] = value
    edit(path, changes)


def _recalculate(paths: list[Path], outdir: Path) -> None:
    profile = (outdir.parent / f"lo_profile_{uuid.uuid4().hex}").as_uri()  # private, removed with tmp
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--calc", "--convert-to",
         "xlsx", "--outdir", str(outdir), *map(str, paths)],
        check=True, capture_output=True, timeout=180,
    )


def test_formula_reads_the_contract_columns():
    spec = COMMITTEE_INDIKATORER
    formula = light_formula(7)
    cells = set(re.findall(r"\b([A-Z]+)7\b", formula))
    assert cells == {spec.letter(f) for f in ("direction", "baseline", "target", "outcome")}
    assert "GulGrans" in formula and formula.startswith("=IF(")


def _decimal_cases(count: int, seed: int = 2027) -> list[tuple]:
    """Values as people type them (one or two decimals), many on exact boundaries."""
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        direction = rng.choice([HIGHER, LOWER])
        target = round(rng.uniform(-100, 100), 1)
        baseline = round(target + rng.uniform(-30, 30), 1) if rng.random() < 0.7 else None
        if baseline is not None and rng.random() < 0.4:
            outcome = round(baseline + (target - baseline) / 2, 2)  # exactly halfway
        elif baseline is None and rng.random() < 0.4:
            outcome = round(target - 0.1 * abs(target) if direction == HIGHER
                            else target + 0.1 * abs(target), 2)  # exactly −10 %
        else:
            outcome = round(target + rng.uniform(-20, 20), 1)
        cases.append((direction, baseline, target, outcome))
    return cases


DECIMAL_CASES = _decimal_cases(300)
LIBREOFFICE = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) saknas")


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Every case set typed into its own generated workbook; ONE LibreOffice run
    recalculates them all. Returns {name: (cases, threshold, computed codes)}."""
    root = tmp_path_factory.mktemp("ljus")
    sets = {"fasta": (CASES, 0.5), "strikt": (STRICT_CASES, 0.8), "decimaler": (DECIMAL_CASES, 0.5)}
    paths = []
    for name, (cases, threshold) in sets.items():
        model = example_model().model_copy(update={"settings": Settings(yellow_threshold=threshold)})
        folder = root / name
        model_path = write_model(model, folder / "malmodell.xlsx")
        # BUN coordinates no KF goal: its Indikatorer rows are all prepared rows.
        path = folder / workbook_filename(model, Period.T1, "BUN")
        workbook = build_committee_workbook(model, "BUN", Period.T1,
                                            prepared=PreparedRows(indicators=len(cases) + 10))
        write_committee_workbook(workbook, path)
        assert api.load_model(model_path) == model
        _fill(path, cases)
        paths.append(path.rename(root / f"{name}.xlsx"))
    outdir = root / "recalculated"
    _recalculate(paths, outdir)
    light = COMMITTEE_INDIKATORER.letter("light")
    result = {}
    for name, (cases, threshold) in sets.items():
        ws = openpyxl.load_workbook(outdir / f"{name}.xlsx", data_only=True)[COMMITTEE_INDIKATORER.name]
        codes = [ws[f"{light}{row}"].value for row in range(2, len(cases) + 7)]
        result[name] = (cases, threshold, [None if c in ("", None) else int(c) for c in codes])
    return result


def _mismatches(cases, threshold, codes):
    return [(case, got, _expected(case, threshold))
            for case, got in zip(cases, codes, strict=False) if got != _expected(case, threshold)]


@pytest.mark.libreoffice
@LIBREOFFICE
@pytest.mark.parametrize("name", ["fasta", "strikt"])
def test_formula_agrees_with_python(recalculated, name):
    assert len(CASES) + len(STRICT_CASES) >= 40
    cases, threshold, codes = recalculated[name]
    assert _mismatches(cases, threshold, codes) == []
    assert codes[len(cases):] == [None] * 5  # untouched prepared rows stay Ej bedömd


@pytest.mark.libreoffice
@LIBREOFFICE
def test_formula_agrees_with_python_on_typed_decimal_boundaries(recalculated):
    cases, threshold, codes = recalculated["decimaler"]
    assert _mismatches(cases, threshold, codes) == []
