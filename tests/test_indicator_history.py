"""Indicator history (SPEC 9): the model's `Indikatorvärden` (read, checked by sheet and
cell), series and trends, `Föregående utfall` from the history, and the consolidated
workbook's `Historik`, trend column and `Trender` charts."""

from __future__ import annotations

import zipfile
from datetime import date

import openpyxl
import pytest

from malark import api
from malark.core.contract import CONSOLIDATED_DATA_SHEETS, Direction, Period
from malark.core.errors import ModelError
from malark.core.example import example_model
from malark.core.history import CommentParts, History, compose_comment, parse_comment, trend
from malark.core.model import IndicatorValue
from malark.generate.history_outcomes import with_history
from malark.generate.previous import Carried
from malark.merge.consolidated import Consolidation, write_consolidated
from tests.helpers import edit

# ---------------------------------------------------------------------------
# The model sheet
# ---------------------------------------------------------------------------


def test_the_example_history_reads_back_with_every_kind_of_row(model_path):
    edit(model_path, {"Indikatorvärden!A31": "BUN-1-I2", "Indikatorvärden!B31": 2026,
                      "Indikatorvärden!C31": "T1", "Indikatorvärden!D31": "68,5",
                      "Indikatorvärden!A32": "KF3-I2", "Indikatorvärden!B32": "2025",
                      "Indikatorvärden!F32": "Ny redovisningsprincip från 2025"})
    values = api.load_model(model_path).indicator_values
    assert len(values) == 31
    assert values[-2] == IndicatorValue(indicator_id="BUN-1-I2", year=2026, period=Period.T1, value=68.5)
    assert values[-1].value is None and values[-1].comment.startswith("Ny redovisningsprincip")


def test_a_malformed_row_is_a_model_error_naming_sheet_and_cell(model_path):
    edit(model_path, {
        "Indikatorvärden!B2": "tjugo", "Indikatorvärden!D3": "mycket",
        "Indikatorvärden!A4": "KF9-I1", "Indikatorvärden!A5": "XYZ-1-I1", "Indikatorvärden!A6": "hej",
        "Indikatorvärden!C7": "Q3", "Indikatorvärden!D8": None, "Indikatorvärden!B9": None,
        "Indikatorvärden!A31": "KF5-I1", "Indikatorvärden!B31": 2026, "Indikatorvärden!D31": 1,
    })
    with pytest.raises(ModelError) as raised:
        api.load_model(model_path)
    cells = {p.split(":")[0] for p in raised.value.problems}
    assert cells == {f"bladet Indikatorvärden, cell {c}" for c in
                     ("B2", "D3", "A4", "A5", "A6", "C7", "D8", "B9", "A31")}
    problems = "\n".join(raised.value.problems)
    assert "målet KF9 finns inte" in problems and "nämnden XYZ finns inte" in problems
    assert "KF5-I1 2026 finns redan på rad" in problems and "okänd period \"Q3\"" in problems


def test_a_sheet_without_its_columns_is_named(model_path):
    edit(model_path, {"Indikatorvärden!D1": "Utfall"})
    with pytest.raises(ModelError, match="Indikatorvärden: kolumnen \"Värde\" saknas"):
        api.load_model(model_path)


def test_the_history_is_not_part_of_the_model_fingerprint():
    model = example_model()
    assert model.model_copy(update={"indicator_values": ()}).fingerprint() == model.fingerprint()


# ---------------------------------------------------------------------------
# Series, comments and trends
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("previous", "current", "direction", "arrow"), [
    (68, 70, Direction.HIGHER, "▲"), (68, 66, Direction.HIGHER, "▼"),
    (7.9, 7.6, Direction.LOWER, "▲"), (7.9, 8.3, Direction.LOWER, "▼"),
    (68, 68.2, Direction.HIGHER, "▶"), (0, 0, Direction.HIGHER, "▶"), (0, 0.1, Direction.LOWER, "▼"),
    (None, 70, Direction.HIGHER, None), (68, None, Direction.HIGHER, None),
])
def test_trend_in_the_direction_of_riktning(previous, current, direction, arrow):
    assert trend(previous, current, direction) == arrow


def test_comment_parts_round_trip_and_keep_a_persons_note():
    parts = CommentParts(comparison_id="0000", comparison_name="Riket", kpi="N03102",
                         kpi_title="Årets resultat", fetched=date(2027, 3, 1), note="SCB bytte metod 2021")
    text = compose_comment(parts)
    assert text == ("Jämförelse 0000 Riket · N03102 «Årets resultat» · hämtad 2027-03-01 · "
                    "SCB bytte metod 2021")
    assert parse_comment(text) == parts
    assert parse_comment("Jämförelse med riket saknas").comparison_id is None
    assert parse_comment("hämtad 2027-02-30").note == "hämtad 2027-02-30"


def test_a_year_is_its_latest_period_and_a_typed_value_beats_kolada():
    history = History([
        IndicatorValue(indicator_id="KF3-I1", year=2025, value=1.38, source="Kolada"),
        IndicatorValue(indicator_id="KF3-I1", year=2025, value=1.4, source="Årsredovisning"),
        IndicatorValue(indicator_id="KF3-I1", year=2026, period=Period.T2, value=1.1),
        IndicatorValue(indicator_id="KF3-I1", year=2026, period=Period.T1, value=0.8),
        IndicatorValue(indicator_id="KF3-I1", year=2026, value=None, comment="Ny metod"),
        IndicatorValue(indicator_id="KF3-I1", year=2025, value=1.6, comment="Jämförelse 0000 Riket"),
    ])
    assert {y: v.value for y, v in history.series("KF3-I1").items()} == {2025: 1.4, 2026: 1.1}
    assert history.notes("KF3-I1") == [(2026, "Ny metod")]
    assert history.comparisons("KF3-I1") == [("0000", "Riket")]
    assert history.latest_before("KF3-I1", 2026, Period.T2).value == 0.8
    assert history.latest_before("KF3-I1", 2027, Period.PLAN).value == 1.1


# ---------------------------------------------------------------------------
# generate: Föregående utfall
# ---------------------------------------------------------------------------


def test_generate_fills_foregaende_utfall_from_the_history(model_path, tmp_path):
    path = api.generate(model_path, tmp_path, period="Plan", committees=["KS"])[0]
    ws = openpyxl.load_workbook(path)["Indikatorer"]
    previous = {r[0]: r[9] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
    assert previous["KF3-I1"] == 1.8 and previous["KF5-I2"] == 7.6


@pytest.mark.parametrize(("as_of", "expected"), [
    ((2027, Period.T1), 2.2),  # the consolidation is newer than the history: it is kept
    ((2026, Period.HELAR), 1.8),  # as new as the history: the history wins
    (None, 1.8),
])
def test_a_carried_outcome_is_kept_only_when_newer_than_the_history(as_of, expected):
    model = example_model()
    bun = IndicatorValue(indicator_id="BUN-1-I1", year=2026, value=1.8, source="Nämnd")
    model = model.model_copy(update={"indicator_values": (*model.indicator_values, bun)})
    carried = Carried(kf_previous_outcomes={"KF3-I1": 2.2}, as_of=as_of,
                      indicators=[{"id": "BUN-1-I1", "previous_outcome": 2.2},
                                  {"id": "BUN-1-I2", "previous_outcome": 5.0}])
    filled = with_history(model, Period.T2, carried)
    assert filled.kf_previous_outcomes["KF3-I1"] == expected
    assert [r["previous_outcome"] for r in filled.indicators] == [expected, 5.0]
    assert carried.kf_previous_outcomes["KF3-I1"] == 2.2  # the original is not changed


# ---------------------------------------------------------------------------
# merge: Historik, Trend, Trender
# ---------------------------------------------------------------------------


def _consolidation(model) -> Consolidation:
    rows = {s.name: [] for s in CONSOLIDATED_DATA_SHEETS}
    rows["Indikatorer"] = [
        ["KS", "KF3-I1", "KF3", "Årets resultat", "%", "Högre är bättre", 1.4, 2025, 2.0, 2027, 1.8,
         2.2, 3, None, "N03102"],
        ["BUN", "BUN-1-I1", "BUN-1", "Andel behöriga", "%", "Lägre är bättre", 80, 2025, 90, 2029, None,
         82, 1, None, None],
        ["SN", "SN-1-I1", "SN-1", "Väntetid", "dagar", "Lägre är bättre", 30, 2025, 20, 2029, None,
         25, 2, None, None],
    ]
    return Consolidation(model=model, period=Period.T1, rows=rows, submissions=[])


@pytest.fixture(scope="module")
def consolidated(tmp_path_factory):
    model = example_model()
    kolada = IndicatorValue(indicator_id="KF3-I1", year=2023, period=Period.HELAR, value=0.4,
                            source="Kolada", comment="N03102 «Årets resultat» · hämtad 2027-03-01")
    committee = IndicatorValue(indicator_id="BUN-1-I1", year=2026, value=85, source="Nämnd")
    model = model.model_copy(update={"indicator_values": (*model.indicator_values, kolada, committee)})
    out = tmp_path_factory.mktemp("history") / "samman.xlsx"
    write_consolidated(_consolidation(model), out)
    return out


def test_historik_has_every_indicator_by_year_with_sources_and_notes(consolidated):
    rows = list(openpyxl.load_workbook(consolidated)["Historik"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:6] == ("Indikator-id", "Mål", "Indikator", "Enhet", "Riktning", "Serie")
    assert header[6:15] == tuple(range(2019, 2028)) and header[15:] == ("Trend", "Källa", "Anmärkning")
    by_series = {(r[0], r[5]): r for r in rows[1:] if r[0]}
    own = by_series[("KF3-I1", "Sjöberga")]
    assert own[10:15] == (0.4, 0.9, 1.4, 1.8, 2.2) and own[15] == "▲"
    assert own[16] == "Kolada 2023; Årsredovisning 2024–2026; Nämnd T1 2027"
    assert by_series[("KF3-I1", "Riket (0000)")][11:14] == (1.9, 1.2, 1.6)
    survey = by_series[("KF2-I1", "Sjöberga")]
    assert survey[17] == "2021: SCB bytte metod 2021 – inte jämförbart med åren före"
    assert by_series[("BUN-1-I1", "Sjöberga")][13:16] == (85, 82, "▲")  # lower is better
    assert ("SN-1-I1", "Sjöberga") not in by_series  # no history: it is on Indikatorer only
    footer = [r[0] for r in rows if r[0] and str(r[0]).startswith(("Källa", "Trend:"))]
    assert footer[0].startswith("Trend: ▲ bättre") and footer[1].startswith("Källa: Kolada (RKA)")


def test_kolada_is_credited_only_where_its_values_are_shown(tmp_path):
    out = tmp_path / "utan.xlsx"
    write_consolidated(_consolidation(example_model()), out)
    texts = [c for r in openpyxl.load_workbook(out)["Historik"].iter_rows(values_only=True) for c in r
             if isinstance(c, str)]
    assert not any("Kolada" in t for t in texts)


def test_trender_has_a_line_chart_per_kf_indicator_with_the_target_and_the_break(consolidated):
    ws = openpyxl.load_workbook(consolidated)["Trender"]
    texts = [c for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert sum(t.startswith("KF") and " " in t for t in texts) == 7
    assert "Anmärkning Sjöberga 2021: SCB bytte metod 2021 – inte jämförbart med åren före" in texts
    assert "Målvärde 2027" in texts and "Riket (0000)" in texts
    kolada_cells = [c for r in ws.iter_rows() for c in r if c.value == 0.4]
    assert kolada_cells and all(c.font.i for c in kolada_cells)  # Kolada's value, credited below
    with zipfile.ZipFile(consolidated) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]
    lines = [c for c in charts if "<c:lineChart>" in c]
    assert len(lines) == 7
    assert any("SCB bytte metod 2021" in c for c in lines)


def test_the_overview_lists_kf_indicators_with_their_trend(consolidated):
    rows = list(openpyxl.load_workbook(consolidated)["Översikt"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Id" and r[7] == "Trafikljus")
    assert rows[header][8] == "Trend"
    kf3 = next(r for r in rows[header:] if r[0] == "KF3-I1")
    assert (kf3[6], kf3[8]) == (2.2, "▲")
