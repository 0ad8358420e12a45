"""`malark generate`: file names, refusing to overwrite, errors, the CLI, and a generated
workbook read back the way `validate` and `merge` read it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from malark import api
from malark.cli import cli
from malark.core.contract import COMMITTEE_DATA_SHEETS, Period
from malark.core.errors import InputError, ModelError, OutputError
from malark.core.example import example_model
from malark.generate.committee_workbook import safe_filename_part, workbook_filename
from malark.validate.submission import parse_submission
from malark.xlsx.reader import read_workbook
from tests.helpers import edit


def test_one_workbook_per_committee_named_by_kommun_year_period(model_path, tmp_path):
    out = tmp_path / "ut"
    paths = api.generate(model_path, out, period="T2")
    assert [p.name for p in paths] == [f"Sjöberga_2027_T2_{c}.xlsx"
                                       for c in ("KS", "BUN", "SN", "KFN", "TN", "MBN")]
    assert sorted(out.iterdir()) == sorted(paths)  # no temporary files left behind


def test_file_names_keep_swedish_letters_and_replace_only_unsafe_characters():
    assert safe_filename_part("Upplands Väsby") == "Upplands Väsby"
    assert safe_filename_part('Å/Ä:Ö*?"<>|') == "Å-Ä-Ö------"
    model = example_model().model_copy(update={"municipality": "Sjö/berga"})
    assert workbook_filename(model, Period.HELAR, "BUN") == "Sjö-berga_2027_Helår_BUN.xlsx"


def test_refuses_to_overwrite_without_force(model_path, tmp_path):
    out = tmp_path / "ut"
    [path] = api.generate(model_path, out, committees=["BUN"])
    edit(path, {"Nämndmål!D2": "Returnerat av nämnden"})
    with pytest.raises(OutputError):
        api.generate(model_path, out)  # BUN exists: nothing at all is written
    assert [p.name for p in out.iterdir()] == [path.name]
    assert read_workbook(path).rows["Nämndmål"][1][3] == "Returnerat av nämnden"
    api.generate(model_path, out, committees=["BUN"], force=True)
    assert parse_submission(read_workbook(path)).tables["Nämndmål"].rows == []


def test_unknown_committee_and_period_are_input_errors(model_path, tmp_path):
    with pytest.raises(InputError):
        api.generate(model_path, tmp_path / "ut", committees=["BUN", "XYZ"])
    with pytest.raises(InputError):
        api.generate(model_path, tmp_path / "ut", period="T3")
    assert not (tmp_path / "ut").exists()


def test_broken_model_raises_model_error(model_path, tmp_path):
    edit(model_path, {"KF-mål!B2": "Okänt"})
    with pytest.raises(ModelError):
        api.generate(model_path, tmp_path / "ut")


def test_generated_workbook_reads_back_with_prefilled_rows_only(model_path, tmp_path):
    [path] = api.generate(model_path, tmp_path, period="T1", committees=["KS"])
    submission = parse_submission(read_workbook(path))
    assert submission.meta is not None and submission.meta_problem is None
    assert submission.meta.nämnd == "KS" and submission.meta.kind == "committee"
    assert submission.meta.period is Period.T1 and submission.meta.snapshot_intact
    model = api.load_model(model_path)
    assert submission.meta.model_fingerprint == model.fingerprint()
    assert submission.meta.gul_grans == model.settings.yellow_threshold
    assert set(submission.tables) == {s.name for s in COMMITTEE_DATA_SHEETS}
    kf = [r.text("id") for r in submission.tables["KF-mål"]]
    assert kf == [g.id for g in model.goals_addressed_to("KS")]
    indicators = [r.text("id") for r in submission.tables["Indikatorer"]]
    coordinated = {g.id for g in model.goals_coordinated_by("KS")}
    assert indicators == [i.id for i in model.kf_indicators if i.goal_id in coordinated]
    # prepared rows (with validation, styles and the light formula) read as empty
    assert submission.tables["Nämndmål"].rows == []
    assert submission.tables["Aktiviteter"].rows == []


def test_a_row_typed_into_a_prepared_row_is_read_where_it_was_typed(model_path, tmp_path):
    [path] = api.generate(model_path, tmp_path, committees=["BUN"])
    edit(path, {"Aktiviteter!C12": "Öppna en fritidsgård", "Aktiviteter!B12": "KF1"})
    [row] = parse_submission(read_workbook(path)).tables["Aktiviteter"].rows
    assert (row.number, row.text("text"), row.cell("id").address, row.text("id")) == (
        12, "Öppna en fritidsgård", "A12", None)


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------
def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_cli_prints_one_line_per_file_and_a_summary(model_path, tmp_path):
    result = _run("generate", str(model_path), "-o", str(tmp_path), "--period", "T1",
                  "--namnd", "bun,KS")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].endswith("Sjöberga_2027_T1_BUN.xlsx") and lines[1].endswith("Sjöberga_2027_T1_KS.xlsx")
    assert lines[2].startswith("2 arbetsböcker skrivna")
    assert (tmp_path / "Sjöberga_2027_T1_KS.xlsx").is_file()


def test_cli_refuses_existing_files_with_exit_2(model_path, tmp_path):
    assert _run("generate", str(model_path), "-o", str(tmp_path), "--namnd", "SN").exit_code == 0
    again = _run("generate", str(model_path), "-o", str(tmp_path), "--namnd", "SN")
    assert again.exit_code == 2 and "--force" in again.stderr
    forced = _run("generate", str(model_path), "-o", str(tmp_path), "--namnd", "SN", "--force")
    assert forced.exit_code == 0


def test_cli_unknown_committee_and_period(model_path, tmp_path):
    unknown = _run("generate", str(model_path), "-o", str(tmp_path), "--namnd", "XYZ")
    assert unknown.exit_code == 2 and "XYZ" in unknown.stderr
    period = _run("generate", str(model_path), "-o", str(tmp_path), "--period", "T3")
    assert period.exit_code == 2


@pytest.mark.parametrize(("changes", "sheet", "cell"), [
    ({"KF-mål!B3": "Okänt perspektiv"}, "KF-mål", "B3"),
    ({"Kommun!B4": "tjugotjugosju"}, "Kommun", "B4"),
    ({"KF-indikatorer!H2": "många"}, "KF-indikatorer", "H2"),
])
def test_cli_broken_model_exit_2_names_sheet_and_cell(model_path, tmp_path, changes, sheet, cell):
    edit(model_path, changes)
    result = _run("generate", str(model_path), "-o", str(tmp_path / "ut"))
    assert result.exit_code == 2
    assert f"bladet {sheet}, cell {cell}" in result.stderr
    assert not (tmp_path / "ut").exists() or not list((tmp_path / "ut").iterdir())


def test_cli_missing_model_exit_2(tmp_path):
    result = _run("generate", str(tmp_path / "finns-inte.xlsx"), "-o", str(tmp_path))
    assert result.exit_code == 2


def test_generated_files_are_complete_files(model_path, tmp_path):
    paths = api.generate(model_path, tmp_path, committees=["TN"])
    assert all(Path(p).stat().st_size > 10_000 for p in paths)


def test_carried_text_is_written_as_text_never_as_a_formula(tmp_path):
    from malark.generate.committee_workbook import build_committee_workbook, write_committee_workbook
    from malark.generate.previous import Carried

    carried = Carried(goals=[{"id": "BUN-1", "kf_goal_id": "KF1", "text": "=HYPERLINK(\"x\")\x0b"}])
    workbook = build_committee_workbook(example_model(), "BUN", Period.T1, carried=carried)
    path = write_committee_workbook(workbook, tmp_path / "bok.xlsx")
    [row] = parse_submission(read_workbook(path)).tables["Nämndmål"].rows
    assert (row.value("text"), row.cell("text").formula) == ("=HYPERLINK(\"x\")", None)


def test_committee_without_kf_goals_gets_an_empty_kf_goal_list():
    from malark.generate.committee_workbook import build_committee_workbook

    model = example_model()
    goals = tuple(g for g in model.kf_goals if "SN" not in g.addressed)
    model = model.model_copy(update={"kf_goals": goals, "kf_indicators": ()})
    workbook = build_committee_workbook(model, "SN", Period.PLAN)
    assert workbook.defined_names["KFMalId"].attr_text == "'_malark'!$D$2:$D$2"
    assert workbook["_malark"]["D2"].value is None
    assert workbook["_malark"]["D3"].value == "=T(INDEX('Nämndmål'!$A:$A,2))"
    assert workbook["KF-mål"].max_row == 1
