"""The report's small parts: the annual report's sentence, the trend, the history seam,
how values are shown."""

from __future__ import annotations

import pytest

from malark.core.contract import Assessment
from malark.report.blocks import badge, number_shown, shown, year_shown
from malark.report.counts import Counts, sentence
from malark.report.history import History, period_key, trend

NBSP = "\u00a0"


@pytest.mark.parametrize(("values", "expected"), [
    ((2, 3, 1, 0), "Av 6 KF-mål bedöms 2 uppfyllda, 3 delvis uppfyllda och 1 inte uppfyllt."),
    ((1, 0, 0, 0), "Av 1 KF-mål bedöms 1 uppfyllt."),
    ((0, 1, 2, 0), "Av 3 KF-mål bedöms 1 delvis uppfyllt och 2 inte uppfyllda."),
    ((4, 0, 0, 1), "Av 5 KF-mål bedöms 4 uppfyllda; 1 är inte bedömt."),
    ((1, 0, 0, 2), "Av 3 KF-mål bedöms 1 uppfyllt; 2 är inte bedömda."),
    ((0, 0, 0, 6), "Av 6 KF-mål är inget bedömt."),
    ((0, 0, 0, 0), "Det finns inga KF-mål att redovisa."),
    ((0, 360, 1320, 0), "Av 1\u00a0680 KF-mål bedöms 360 delvis uppfyllda och 1\u00a0320 inte uppfyllda."),
])
def test_the_sentence_the_annual_report_needs(values, expected):
    assert sentence("KF-mål", Counts(*values)) == expected


def test_counts_add_up_by_assessment():
    counts = Counts()
    for value in ("Grön", "Gul", "Gul", "Röd", "Ej bedömd", None, "okänt"):
        counts.add(badge(value).assessment)
    assert counts.values == (1, 2, 1, 3)


@pytest.mark.parametrize(("previous", "outcome", "direction", "expected"), [
    (70, 75, "Högre är bättre", "▲\u00a0bättre"),
    (70, 65, "Högre är bättre", "▼\u00a0sämre"),
    (7.9, 7.1, "Lägre är bättre", "▲\u00a0bättre"),
    (7.1, 7.9, "Lägre är bättre", "▼\u00a0sämre"),
    (72.5, 72.5, "Högre är bättre", "▶\u00a0oförändrat"),
    (100, 100.4, "Högre är bättre", "▶\u00a0oförändrat"),  # under 0,5 %, as in the workbook's Trend
    (0.1 + 0.2, 0.3, None, "▶\u00a0oförändrat"),
])
def test_trend_is_the_workbooks_sign_in_the_indicators_direction_and_a_word(previous, outcome,
                                                                            direction, expected):
    assert trend(previous, outcome, direction).text == expected


def test_no_trend_without_two_values():
    assert trend(None, 5, None) is None and trend(5, None, None) is None


def test_history_seam_orders_periods_and_keeps_the_first_source_per_period():
    history = History.from_points({"KF1-I1": [(2027, "T1", 72.0, None), (2026, None, 70.0, "Kolada"),
                                              (2026, "Helår", 71.0, None), (2027, "Plan", 1.0, None)]})
    earlier = history.before("KF1-I1", 2027, "T2")
    assert [(p.label, p.value, p.source) for p in earlier] == [
        ("2026", 70.0, "Kolada"), ("Plan 2027", 1.0, None), ("T1 2027", 72.0, None)]
    assert history.before("KF1-I1", 2027, "T1")[-1].label == "Plan 2027"
    assert history.before("saknas", 2027, "T1") == []
    keys = [period_key(y, p) for y, p in ((2027, "Plan"), (2027, "T1"), (2027, "Helår"), (2028, "Plan"))]
    assert keys == sorted(keys) and len(set(keys)) == 4


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (72.5, "%", f"72,5{NBSP}%"),
    (1234567.5, "kr", f"1{NBSP}234{NBSP}567,5{NBSP}kr"),
    (-3.0, None, "−3"),
    (0.1 + 0.2, "index", f"0,3{NBSP}index"),
    ("ej mätt", "%", "ej mätt"),
    (None, "%", None),
])
def test_numbers_are_written_the_swedish_way(value, unit, expected):
    assert number_shown(value, unit) == expected


def test_years_and_texts_are_shown_as_typed():
    assert year_shown(2025.0) == "2025" and year_shown("2025/26") == "2025/26"
    assert shown("  text med mellanslag  ") == "  text med mellanslag  "
    assert shown("rad\r\nrad") == "rad\nrad"
    assert shown("styr\x07tecken") == "styrtecken"  # XML cannot carry it; invisible in Excel too
    assert shown("   ") is None


def test_a_badge_is_a_dropdown_value_or_shows_what_was_typed():
    assert badge("Röd").assessment is Assessment.ROD and badge("Röd").symbol == "●"
    assert (badge(None).word, badge(None).symbol) == ("Ej bedömd", "○")
    assert (badge("Bra").assessment, badge("Bra").word) == (None, "Bra")


def test_historik_gives_the_municipalitys_series_with_sources_and_notes():
    from malark.report.history_sheet import history_from_sheet

    rows = [
        ["Indikator-id", "Mål", "Indikator", "Enhet", "Riktning", "Serie", 2024.0, 2025.0, 2026.0,
         "Trend", "Källa", "Anmärkning"],
        ["KF1-I1", "KF1", "Trygghet", "%", "Högre är bättre", "Sjöberga", 66.0, "", 69.0, "▲",
         "Kolada 2024; Medborgarundersökning 2026", "2025: ingen mätning"],
        ["KF1-I1", "KF1", "Trygghet", "%", "Högre är bättre", "Riket (0000)", 70.0, 71.0, 72.0, "▲",
         "Kolada 2024–2026", ""],
        ["", "", "", "", "", "", "", "", "", "", "", ""],
        ["Trend: ▲ bättre …", "", "", "", "", "", "", "", "", "", "", ""],
    ]
    history = history_from_sheet(rows, "Sjöberga")
    assert [(p.label, p.value, p.source) for p in history.before("KF1-I1", 2027, "T1")] == [
        ("2024", 66.0, "Kolada"), ("2026", 69.0, "Medborgarundersökning")]
    assert history.note("KF1-I1") == "2025: ingen mätning"
    assert history.before("Trend: ▲ bättre …", 2027, "T1") == []
    assert history_from_sheet([], "Sjöberga").before("KF1-I1", 2027, "T1") == []
