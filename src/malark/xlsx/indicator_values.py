"""The model's optional sheet `Indikatorvärden` (SPEC 2 and 9): reading it with every
problem named by sheet and cell, and writing it.

A row is one value of one indicator for one year: `Indikator | År | Period | Värde |
Källa | Kommentar`. `Indikator` is a KF indicator of the model or a committee's indicator
(`BUN-1-I2`, `KF3-I2`) whose committee or KF goal the model knows; `Period` is empty
(the whole year) or one of the periods; `Värde` a number (Swedish conventions), or empty
on a row that only carries a note. Two rows for the same indicator, year, period and
series (the municipality, or the comparison id named in `Kommentar`) are refused: the
history would be ambiguous.
"""

from __future__ import annotations

import re
from typing import Any

from malark.core.contract import MODEL_INDIKATORVARDEN, PERIODS, Period
from malark.core.history import parse_comment, period_rank
from malark.core.model import IndicatorValue
from malark.xlsx.model_sheets import Problems, add_sheet, list_validation, number, required_text, year
from malark.xlsx.table import Row, Table

__all__ = ["indicator_value_row", "read_indicator_values", "write_indicator_values"]

_SHEET = MODEL_INDIKATORVARDEN.name
_INDICATOR_ID = re.compile(r"(?P<goal>(?P<kf>KF\d+)|(?P<committee>[A-Za-zÅÄÖåäö0-9]+)-\d+)-I\d+")


def _known_indicator(indicator_id: str, kf_indicators: set[str], kf_goals: set[str],
                     committees: set[str]) -> str | None:
    """None when the id names an indicator the model can know of, else why not."""
    if indicator_id in kf_indicators:
        return None
    match = _INDICATOR_ID.fullmatch(indicator_id)
    if match is None:
        return ("har inte formen för ett indikator-id (KF3-I1 eller BUN-1-I2). Skriv id:t "
                "från bladet KF-indikatorer eller nämndens blad Indikatorer.")
    if match["kf"] and match["kf"] not in kf_goals:
        return f"målet {match['kf']} finns inte på bladet KF-mål."
    if match["committee"] and match["committee"] not in committees:
        return f"nämnden {match['committee']} finns inte på bladet Nämnder."
    return None


def _period(row: Row, problems: Problems) -> Period | None:
    text = row.text("period")
    if text is None:
        return None
    if text not in PERIODS:
        problems.add(row.cell("period"), _SHEET, f"okänd period \"{text}\". Lämna tomt för hela "
                     "året eller välj en av: " + ", ".join(PERIODS) + ".")
        return None
    return Period(text)


def read_indicator_values(table: Table, *, kf_indicators: set[str], kf_goals: set[str],
                          committees: set[str], problems: Problems) -> list[IndicatorValue]:
    values: list[IndicatorValue] = []
    slots: dict[tuple[str, int, int, str | None], Row] = {}
    for row in table:
        indicator_id = required_text(row, "indicator_id", _SHEET, "Indikator", problems)
        if indicator_id and (why := _known_indicator(indicator_id, kf_indicators, kf_goals, committees)):
            problems.add(row.cell("indicator_id"), _SHEET, f"indikatorn \"{indicator_id}\" {why}")
            indicator_id = ""
        the_year = year(row.cells.get("year"), _SHEET, "År", problems)
        if row.cell("year").is_empty:
            problems.add(row.cell("year"), _SHEET, "År saknas.")
        period = _period(row, problems)
        value = number(row.cells.get("value"), _SHEET, "Värde", problems)
        comment = row.text("comment")
        if row.cell("value").is_empty and not comment:
            problems.add(row.cell("value"), _SHEET, "Värde saknas. Skriv värdet, eller en "
                         "kommentar om raden bara ska bära en anmärkning.")
        if not indicator_id or the_year is None:
            continue
        slot = (indicator_id, the_year, period_rank(period), parse_comment(comment).comparison_id)
        if slot in slots:
            problems.add(row.cell("indicator_id"), _SHEET,
                         f"{indicator_id} {the_year} finns redan på rad {slots[slot].number} (samma "
                         "period och serie). Behåll en av raderna.")
            continue
        slots[slot] = row
        values.append(IndicatorValue(indicator_id=indicator_id, year=the_year, period=period,
                                     value=value, source=row.text("source"), comment=comment))
    return values


def indicator_value_row(value: IndicatorValue) -> list[Any]:
    """The cells of one row, in the sheet's column order."""
    return [value.indicator_id, value.year, value.period.value if value.period else None,
            value.value, value.source, value.comment]


def write_indicator_values(workbook, values: tuple[IndicatorValue, ...]) -> None:
    """Add the sheet with `values` to an openpyxl workbook being written."""
    ws = add_sheet(workbook, MODEL_INDIKATORVARDEN, [indicator_value_row(v) for v in values])
    spec = MODEL_INDIKATORVARDEN
    last = max(len(values) + 1, 2000)
    list_validation(ws, PERIODS, f"{spec.letter('period')}2:{spec.letter('period')}{last}")
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "0"
