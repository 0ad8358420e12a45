"""`malark demo`: the whole round trip on the example, as a new user runs it."""

from __future__ import annotations

import openpyxl
from click.testing import CliRunner

from malark.cli import cli
from malark.core.contract import CONSOLIDATED_SHEET_ORDER


def test_demo_runs_the_round_trip_and_names_the_consolidated_workbook(tmp_path):
    target = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", str(target)])
    assert result.exit_code == 0, result.output
    last_line = result.output.strip().splitlines()[-1]
    assert last_line.startswith("Klart. Sammanställningen finns i: ")
    final = last_line.split(": ", 1)[1]
    assert final.endswith("_T1.xlsx")
    workbook = openpyxl.load_workbook(final, read_only=True)
    assert workbook.sheetnames == list(CONSOLIDATED_SHEET_ORDER)
    # The deliberate mistakes were caught before the controllers fixed them.
    assert "K003" in result.output and "D007" in result.output
    assert (target / "1_utskick" / "T1").is_dir()
    # The report for KS and KF is written next to the consolidated workbook, and named.
    for suffix in (".docx", ".html"):
        report = target / "3_sammanstallning" / f"rapport_2027_T1{suffix}"
        assert report.is_file() and report.name in result.output


def test_init_then_init_again_exits_2_with_a_swedish_message(tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path)]).exit_code == 0
    again = runner.invoke(cli, ["init", str(tmp_path)])
    assert again.exit_code == 2
    assert "finns redan" in again.output
