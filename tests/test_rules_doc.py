"""The rule catalogue: SPEC 4's codes with SPEC's severities, `malark rules`, and the
generated `docs/rules.md` kept current."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from malark.cli import cli
from malark.core.findings import AT_SUBMISSION_SV, CATALOGUE, LIVE_SV, catalogue_markdown
from malark.validate.checks import CHECKS, FILE_CODES, checked_codes, live_builders

DOCS = Path(__file__).resolve().parent.parent / "docs"

# SPEC section 4, table "Rule codes": code → severity.
SPEC_CODES = {
    **{f"S00{i}": "error" for i in range(1, 10)}, "S010": "warning",
    "K001": "error", "K002": "error", "K003": "error", "K004": "warning",
    **{f"M00{i}": "warning" for i in range(1, 7)},
    **{f"D00{i}": "error" for i in range(1, 8)}, "D008": "warning", "D009": "warning",
    "D010": "warning",
}


def test_every_spec_code_is_in_the_catalogue_with_its_severity():
    assert {code: CATALOGUE[code].severity.value for code in SPEC_CODES} == SPEC_CODES


def test_every_spec_code_is_emitted_by_a_check_or_the_reader():
    assert set(SPEC_CODES) <= checked_codes() | set(FILE_CODES)
    assert checked_codes() <= set(CATALOGUE)
    assert all(c.codes for c in CHECKS)


def test_validation_info_codes():
    assert CATALOGUE["D011"].severity.value == "info"
    assert CATALOGUE["K005"].severity.value == "info"


def test_rules_doc_is_current():
    actual = (DOCS / "rules.md").read_text(encoding="utf-8") if (DOCS / "rules.md").exists() else ""
    assert actual == catalogue_markdown(live_builders()), "docs/rules.md är inaktuell: kör `make docs`"


def test_rules_doc_lists_every_code_and_says_which_are_live():
    text = catalogue_markdown(live_builders())
    assert all(f"### {code}" in text for code in CATALOGUE)
    for code in CATALOGUE:
        where = LIVE_SV if code in live_builders() else AT_SUBMISSION_SV
        assert f"| {where} |" in next(line for line in text.splitlines()
                                     if line.startswith(f"| [{code}]"))


def test_the_required_rules_are_live():
    """Issue 9: at least these rules are checked live on the Kontroll sheet."""
    required = {"D001", "D002", "D003", "D004", "D005", "D006", "D007", "D008", "K001", "K002",
                "K003", "K004", "S008", "M003", "M005"}
    assert required <= set(live_builders())
    for check in CHECKS:
        assert {b.live_code for b in check.live} <= set(check.codes)


def test_rules_command_lists_the_catalogue():
    result = CliRunner().invoke(cli, ["rules"])
    assert result.exit_code == 0
    assert all(code in result.stdout for code in CATALOGUE)
    result = CliRunner().invoke(cli, ["rules", "--format", "json"])
    rules = json.loads(result.stdout)
    assert [r["code"] for r in rules] == list(CATALOGUE)
    assert {r["code"] for r in rules if r["live"]} == set(live_builders())
    assert {r["code"]: r["severity"] for r in rules if r["code"] in SPEC_CODES} == SPEC_CODES
