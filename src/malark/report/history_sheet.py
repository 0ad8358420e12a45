"""The consolidated workbook's `Historik` sheet (SPEC 9) as report history.

`Historik`: `Indikator-id | Mål | Indikator | Enhet | Riktning | Serie | <år> … | Trend |
Källa | Anmärkning`, one row per indicator and series, ended by a blank row. The report
takes the municipality's own series (`Serie` = the municipality's name; comparison series
such as `Riket (0000)` are left out), each year's value as a yearly point, the year's
source from `Källa` (`Kolada 2019–2026; Nämnd T1 2027`: a source, then its years) and a
person's note from `Anmärkning`. Columns are found by their headers; a year column is a
header that is a year.
"""

from __future__ import annotations

import re
from typing import Any

from malark.core.contract import HISTORY_HEADERS, HISTORY_TAIL_HEADERS
from malark.core.swedish import number_from_cell
from malark.report.history import History, HistoryPoint

__all__ = ["history_from_sheet"]

_ID, _SERIES = HISTORY_HEADERS[0], HISTORY_HEADERS[-1]
_SOURCE, _NOTE = HISTORY_TAIL_HEADERS[1], HISTORY_TAIL_HEADERS[2]
_YEARS = r"\d{4}(?:\s*[–-]\s*\d{4})?"
_PART = re.compile(rf"(?P<source>.+?)\s+(?P<years>{_YEARS}(?:\s*,\s*{_YEARS})*)")
_SPAN = re.compile(r"(\d{4})(?:\s*[–-]\s*(\d{4}))?")


def _year(value: Any) -> int | None:
    number = number_from_cell(value)
    return int(number) if number is not None and number.is_integer() and 1900 < number < 2200 else None


def _sources(text: Any) -> dict[int, str]:
    """`Kolada 2019–2021, 2023; Årsredovisning 2024` → {2019: "Kolada", …, 2024: "Årsredovisning"}."""
    result: dict[int, str] = {}
    for part in str(text or "").split(";"):
        match = _PART.fullmatch(part.strip())
        if not match:
            continue
        for first, last in _SPAN.findall(match["years"]):
            for year in range(int(first), int(last or first) + 1):
                result[year] = match["source"]
    return result


def history_from_sheet(rows: list[list[Any]], municipality: str) -> History:
    """The municipality's series of every indicator on `Historik` (`rows` from A1)."""
    history = History()
    if not rows:
        return history
    header = [str(h).strip() if isinstance(h, str) else h for h in rows[0]]
    named = {h: i for i, h in enumerate(header) if isinstance(h, str) and h}
    if _ID not in named or _SERIES not in named:
        return history
    years = [(i, y) for i, h in enumerate(header) if (y := _year(h)) is not None]
    for row in rows[1:]:
        cells = dict(enumerate(row))
        indicator_id = str(cells.get(named[_ID]) or "").strip()
        if not indicator_id:
            break  # the table ends at the first blank row; the legend follows
        if str(cells.get(named[_SERIES]) or "").strip() != municipality:
            continue
        sources = _sources(cells.get(named.get(_SOURCE, -1)))
        for index, year in years:
            value = number_from_cell(cells.get(index))
            if value is not None:
                history.add(indicator_id, HistoryPoint(year, None, value, sources.get(year)))
        note = cells.get(named.get(_NOTE, -1))
        if isinstance(note, str) and note.strip():
            history.add_note(indicator_id, note.strip())
    return history
