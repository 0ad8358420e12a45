"""The `Kontroll` sheet agrees with `malark validate` (SPEC 3b): for every rule it checks
live, after LibreOffice has recalculated the workbook, `Antal` equals the number of
findings with that code, the link goes to the first of them, the status and the defined
names count the same errors and warnings, and the cells its conditional formats fill are
exactly the cells of those findings (errors red over warnings yellow).

Every workbook (a failing one per live rule, near misses that must pass, every typed text
of `kontroll_cases`, inserted rows) is recalculated in ONE LibreOffice run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from malark.core.contract import (
    COMMITTEE_DATA_SHEETS,
    KONTROLL_AT_SUBMISSION,
    KONTROLL_STATUS_READY,
    SHEET_KONTROLL,
)
from malark.core.findings import Severity
from malark.generate.committee_workbook import (
    PreparedRows,
    build_committee_workbook,
    write_committee_workbook,
)
from malark.validate.checks import live_builders
from malark.validate.validation import validate_workbook_data
from malark.xlsx.reader import read_workbook
from tests.filled_workbooks import T1_KS
from tests.helpers import edit
from tests.kontroll_cases import (
    DATE_TEXTS,
    FAILING,
    INSERTED,
    NUMBER_TEXTS,
    PASSING,
    insert_row,
    typed_texts,
)

LIBREOFFICE = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) saknas")
pytestmark = [pytest.mark.libreoffice, LIBREOFFICE]
_MARK = re.compile(r"MOD\((?:INT\()?Kontroll!\$([A-Z]+)(\d+)(?:/(\d+)\))?,2\)=1")
_RANGE = re.compile(r"([A-Z]+)(\d+):([A-Z]+)(\d+)")


def _typed_workbook(folder: Path) -> Path:
    """KS's T1 workbook with enough prepared rows for every typed text."""
    from malark.core.contract import Period
    from malark.core.example import example_model

    rows = max(len(NUMBER_TEXTS), len(DATE_TEXTS)) + 10
    workbook = build_committee_workbook(example_model(), "KS", Period.T1,
                                        prepared=PreparedRows(indicators=rows, activities=rows))
    path = write_committee_workbook(workbook, folder / "typed.xlsx")
    edit(path, T1_KS)
    return edit(path, typed_texts())


def _template_workbook(folder: Path, model: Path) -> Path:
    """KS's T1 workbook made with a municipality's template (other words for the
    assessments, SPEC 3c), filled in those words, with mistakes in them: the live checks
    must judge by the workbook's words as validate does."""
    from malark import api
    from tests.template_support import in_words, vansbro_vargarda

    [path] = api.generate(model, folder / "mall_ut", period="T1", committees=["KS"],
                          template=vansbro_vargarda(folder / "mall"))
    edit(path, in_words(T1_KS))
    return edit(path, {"KF-mål!E2": "Grön", "KF-mål!E4": "Ej uppfyllt", "KF-mål!F4": None,
                       "Nämndmål!H2": "Delvis uppfyllt", "Nämndmål!I2": None},
                out=folder / "mall.xlsx")


@pytest.fixture(scope="module")
def recalculated(filled_files, _example_project, tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """name → (the workbook as the controller saves it, LibreOffice's recalculated copy)."""
    root = tmp_path_factory.mktemp("kontroll")
    files: dict[str, Path] = {}
    for name, (base, changes) in {**FAILING, **{f"pass-{k}": v for k, v in PASSING.items()}}.items():
        files[name] = edit(filled_files[base], changes, out=root / f"{name}.xlsx")
    files["typed"] = _typed_workbook(root)
    files["mall"] = _template_workbook(root, _example_project.model)
    inserted = shutil.copy(filled_files["t1"], root / "inserted.xlsx")
    insert_row(inserted, "Aktiviteter", 3)
    insert_row(inserted, "Indikatorer", 5)
    files["inserted"] = edit(inserted, INSERTED)
    outdir = root / "recalculated"
    profile = (root / f"lo_profile_{uuid.uuid4().hex}").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--calc",
                    "--convert-to", "xlsx", "--outdir", str(outdir), *map(str, files.values())],
                   check=True, capture_output=True, timeout=600)
    return {name: (path, outdir / path.name) for name, path in files.items()}


@pytest.fixture(scope="module")
def kontroll_sheets(recalculated) -> dict:
    """name → the recalculated Kontroll sheet (values), loaded once."""
    return {name: openpyxl.load_workbook(copy, data_only=True)[SHEET_KONTROLL]
            for name, (_, copy) in recalculated.items()}


def _live_table(kontroll) -> dict[str, tuple[int, str | None]]:
    table, row = {}, 4
    while kontroll.cell(row, 1).value not in (None, KONTROLL_AT_SUBMISSION):
        table[kontroll.cell(row, 1).value] = (kontroll.cell(row, 3).value, kontroll.cell(row, 4).value)
        row += 1
    return table


def _marked_cells(original: Path, kontroll) -> dict[tuple[str, str], str]:
    """(sheet, cell) → the fill the live conditional formats give it after recalculation
    (the first true rule in priority order wins, as in Excel and LibreOffice)."""
    marks: dict[tuple[str, str], tuple[int, str]] = {}
    workbook = openpyxl.load_workbook(original)
    for spec in COMMITTEE_DATA_SHEETS:
        for formatting in workbook[spec.name].conditional_formatting:
            for rule in formatting.rules:
                match = _MARK.fullmatch(rule.formula[0] if rule.formula else "")
                if not match:
                    continue
                column, top, divisor = match.group(1), int(match.group(2)), int(match.group(3) or 1)
                letter, first, _, last = _RANGE.fullmatch(str(formatting.sqref)).groups()
                for row in range(int(first), int(last) + 1):
                    value = kontroll[f"{column}{top + row - int(first)}"].value
                    if isinstance(value, int | float) and int(value // divisor) % 2:
                        key = (spec.name, f"{letter}{row}")
                        fill = rule.dxf.fill.fgColor.rgb[-6:]
                        if key not in marks or rule.priority < marks[key][0]:
                            marks[key] = (rule.priority, fill)
    return {key: fill for key, (_, fill) in marks.items()}


def _status(errors: int, warnings: int) -> str:
    warning_text = "1 varning" if warnings == 1 else f"{warnings} varningar"
    if errors + warnings == 0:
        return KONTROLL_STATUS_READY
    if errors:
        return f"{errors} fel" + (f" och {warning_text}" if warnings else "") + " att rätta"
    return f"{warning_text} att se över – filen kan skickas in"


CASES = [*FAILING, *(f"pass-{k}" for k in PASSING), "typed", "inserted", "mall"]


@pytest.mark.parametrize("name", CASES)
def test_kontroll_counts_links_and_marks_what_validate_finds(recalculated, kontroll_sheets, name):
    original = recalculated[name][0]
    findings = validate_workbook_data(read_workbook(original)).findings
    kontroll = kontroll_sheets[name]
    table = _live_table(kontroll)
    assert table, "Kontroll lists no rule"
    python = Counter(f.code for f in findings)
    assert {code: count for code, (count, _) in table.items()} == {code: python[code] for code in table}
    for code, (_, first) in table.items():
        of_code = [f for f in findings if f.code == code]  # validate sorts them
        assert first == (f"{of_code[0].sheet}!{of_code[0].cell}" if of_code else None), code
    live = [f for f in findings if f.code in table]
    errors = sum(1 for f in live if f.severity is Severity.ERROR)
    warnings = sum(1 for f in live if f.severity is Severity.WARNING)
    assert (kontroll["E1"].value, kontroll["E2"].value) == (errors, warnings)
    assert kontroll["A1"].value == _status(errors, warnings)
    expected: dict[tuple[str, str], str] = {}
    for finding in live:
        fill = "FFC7CE" if finding.severity is Severity.ERROR else "FFD966"
        key = (finding.sheet, finding.cell)
        expected[key] = "FFC7CE" if "FFC7CE" in (fill, expected.get(key)) else fill
    assert _marked_cells(original, kontroll) == expected


def test_every_live_rule_fails_somewhere_and_passes_somewhere(kontroll_sheets):
    """Each live rule has a workbook where it fires and workbooks where it shows 0."""
    fired, passed = set(), set()
    for name in CASES:
        for code, (count, _) in _live_table(kontroll_sheets[name]).items():
            (fired if count else passed).add(code)
    assert fired == set(live_builders()) == passed


def test_the_live_checks_use_the_templates_words(kontroll_sheets):
    """In a workbook of a template with other words, `Grön` is not in the list (D004) and
    `Ej uppfyllt`/`Delvis uppfyllt` need analysis and actions (D006, D007), live too."""
    table = _live_table(kontroll_sheets["mall"])
    assert (table["D004"][0], table["D006"][0], table["D007"][0]) == (1, 2, 1)
