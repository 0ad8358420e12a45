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
    # The example's history gives every KF indicator a trend (SPEC 9).
    indicators = list(workbook["Indikatorer"].iter_rows(values_only=True))
    trend_at = indicators[0].index("Trend")
    model_ids = {"KF1-I1", "KF2-I1", "KF3-I1", "KF4-I1", "KF5-I1", "KF5-I2", "KF6-I1"}
    kf_trends = {r[1]: r[trend_at] for r in indicators[1:] if r[1] in model_ids}
    assert len(kf_trends) == 7 and set(kf_trends.values()) <= {"▲", "▼", "▶"}
    history = {r[0]: r for r in workbook["Historik"].iter_rows(values_only=True) if r[0]}
    assert "2021: SCB bytte metod 2021" in history["KF2-I1"][-1]
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
