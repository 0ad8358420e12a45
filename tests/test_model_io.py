"""The master goal model: the example loads, and every broken model names sheet and cell."""

from __future__ import annotations

import openpyxl
import pytest

from malark import api
from malark.core.contract import MODEL_INDIKATORVARDEN, MODEL_SHEETS
from malark.core.errors import ModelError, OutputError
from malark.core.example import example_model
from malark.xlsx.model_io import read_model, write_model

from .helpers import edit


def test_init_output_loads_as_the_example_model(model_path):
    assert read_model(model_path) == example_model(2027)


def test_example_meets_the_brief():
    model = example_model()
    assert [c.id for c in model.committees] == ["KS", "BUN", "SN", "KFN", "TN", "MBN"]
    assert 5 <= len(model.kf_goals) <= 7
    assert {g.perspective.value for g in model.kf_goals} == {
        "Medborgare", "Ekonomi", "Process", "Medarbetare"}
    assert any(g.addressed_to_all for g in model.kf_goals)
    assert sum(1 for g in model.kf_goals if not g.addressed_to_all) >= 2
    assert all(g.coordinator in g.addressed for g in model.kf_goals)
    assert any(i.kolada_kpi for i in model.kf_indicators)


def test_model_sheets_and_headers_are_exactly_spec(model_path):
    workbook = openpyxl.load_workbook(model_path)
    assert workbook.sheetnames == ["Kommun", "Nämnder", "KF-mål", "KF-indikatorer", "Inställningar",
                                   "Indikatorvärden"]
    for spec in (*MODEL_SHEETS, MODEL_INDIKATORVARDEN):
        header = [c.value for c in workbook[spec.name][1]]
        assert tuple(header) == spec.headers


def test_write_read_round_trip(tmp_path):
    model = example_model(2031)
    assert read_model(write_model(model, tmp_path / "m.xlsx")) == model


def test_addressed_to_all_expands_to_every_committee(model_path):
    model = read_model(model_path)
    assert model.kf_goal("KF1").addressed == model.committee_ids
    assert model.kf_goal("KF4").addressed == ("KS", "TN")


def test_swedish_typed_values_are_read(model_path):
    edit(model_path, {"Inställningar!B2": "0,6", "KF-indikatorer!F2": "68,5 %"})
    model = read_model(model_path)
    assert model.settings.yellow_threshold == 0.6
    assert model.kf_indicators[0].baseline == 68.5


def test_kommunkod_typed_as_number_keeps_leading_zero(model_path):
    edit(model_path, {"Kommun!B3": 662})
    assert read_model(model_path).municipality_code == "0662"


# Each broken model: the changes, then the sheet and cell the message must name.
BROKEN = {
    "duplicate_kf_goal_id": ({"KF-mål!A3": "KF1"}, "bladet KF-mål, cell A3"),
    "duplicate_committee_id": ({"Nämnder!A3": "KS"}, "bladet Nämnder, cell A3"),
    "duplicate_indicator_id": ({"KF-indikatorer!A3": "KF1-I1"}, "bladet KF-indikatorer, cell A3"),
    "unknown_coordinator": ({"KF-mål!F2": "XYZ"}, "bladet KF-mål, cell F2"),
    "unknown_addressed": ({"KF-mål!G3": "KS, BUN, ABC"}, "bladet KF-mål, cell G3"),
    "coordinator_not_addressed": ({"KF-mål!G5": "TN"}, "bladet KF-mål, cell F5"),
    "unknown_perspective": ({"KF-mål!B2": "Trygghet"}, "bladet KF-mål, cell B2"),
    "end_before_start": ({"KF-mål!E2": 2020}, "bladet KF-mål, cell E2"),
    "indicator_on_unknown_goal": ({"KF-indikatorer!B2": "KF9"}, "bladet KF-indikatorer, cell B2"),
    "missing_header": ({"KF-mål!C1": "Mål"}, "bladet KF-mål"),
    "year_not_a_number": ({"KF-mål!D2": "nästa år"}, "bladet KF-mål, cell D2"),
    "threshold_out_of_range": ({"Inställningar!B2": 1.5}, "bladet Inställningar, cell B2"),
    "bad_deadline": ({"Kommun!B6": "snart"}, "bladet Kommun, cell B6"),
    "kf_goal_id_shape": ({"KF-mål!A7": "Mål 6", "KF-indikatorer!B8": "Mål 6"},
                         "bladet KF-mål, cell A7"),
    "committee_id_shape": ({"Nämnder!A7": "M-B N"}, "bladet Nämnder, cell A7"),
    "indicator_id_shape": ({"KF-indikatorer!A2": "Trygghet"}, "bladet KF-indikatorer, cell A2"),
    "indicator_id_other_goal": ({"KF-indikatorer!A2": "KF2-I9"}, "bladet KF-indikatorer, cell A2"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_model_names_sheet_and_cell(model_path, case):
    changes, where = BROKEN[case]
    edit(model_path, changes)
    with pytest.raises(ModelError) as raised:
        read_model(model_path)
    assert where in str(raised.value)


def test_missing_sheet_is_named(model_path):
    workbook = openpyxl.load_workbook(model_path)
    del workbook["KF-indikatorer"]
    workbook.save(model_path)
    with pytest.raises(ModelError, match="bladet KF-indikatorer: bladet saknas"):
        read_model(model_path)


def test_every_problem_is_listed_at_once(model_path):
    edit(model_path, {"KF-mål!B2": "Trygghet", "KF-mål!F3": "XYZ"})
    with pytest.raises(ModelError) as raised:
        read_model(model_path)
    assert len(raised.value.problems) == 2


def test_not_an_xlsx_is_a_model_error(tmp_path):
    bad = tmp_path / "malmodell.xlsx"
    bad.write_bytes(b"%PDF-1.4 not a workbook")
    with pytest.raises(ModelError, match="kan inte läsas"):
        read_model(bad)


def test_init_refuses_to_overwrite_a_model(tmp_path):
    api.init_project(tmp_path)
    with pytest.raises(OutputError):
        api.init_project(tmp_path)
    api.init_project(tmp_path, force=True)
    assert (tmp_path / "README.md").read_text(encoding="utf-8").startswith("# Målstyrning 2027")


def test_encrypted_or_unsafe_model_is_refused_before_parsing(tmp_path):
    from tests.hostile import CORPUS

    for name in ("zip_bomb", "xml_bomb_shared_strings", "encrypted", "legacy_xls_renamed"):
        build, suffix, _ = CORPUS[name]
        path = build(tmp_path / f"{name}{suffix}")
        with pytest.raises(ModelError) as raised:
            read_model(path)
        assert "kan inte användas" in str(raised.value), name


def test_a_committee_workbook_given_as_model_is_named_as_such(model_path, tmp_path):
    [workbook] = api.generate(model_path, tmp_path / "ut", committees=["BUN"])
    with pytest.raises(ModelError, match="inte målmodellen"):
        read_model(workbook)


def test_year_message_shows_the_year_as_typed(model_path):
    edit(model_path, {"KF-mål!D2": 7})
    with pytest.raises(ModelError, match=r"men är 7\."):
        read_model(model_path)
