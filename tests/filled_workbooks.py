"""Committee workbooks filled in the way a careful controller would: no findings at all.

`PLAN_BUN` fills BUN's generated Plan workbook (KF1, KF2, KF3, KF5 addressed, none
coordinated); `T1_KS` fills KS's T1 workbook (all six goals addressed; KS coordinates KF1,
KF3, KF4, KF5 and reports the outcomes of their model indicators in rows 2–6). The rule
tests start from these and change one cell, through `edit` (a real file) or `edited`
(the same change on the rows already read, for speed).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from malark.xlsx.workbook import WorkbookData

PLAN_BUN: dict[str, Any] = {
    # Nämndmål: Id | KF-mål | Perspektiv | Målformulering | Ansvarig | Startår | Slutår
    **{f"Nämndmål!{col}{row}": value for row, values in {
        2: ("BUN-1", "KF1", "Medborgare",
            "Andelen elever som känner sig trygga i skolan ska vara minst 90 % år 2028.",
            "Skolchef", 2027, 2028),
        3: ("BUN-2", "KF2", "Medborgare",
            "Andelen elever med gymnasieexamen inom fyra år ska vara minst 85 % år 2028.",
            "Gymnasiechef", 2027, 2028),
        4: ("BUN-3", "KF3", "Ekonomi", "Nämndens ekonomiska resultat ska vara i balans.",
            "Förvaltningschef", 2027, 2027),
        5: ("BUN-4", "KF5", "Medarbetare",
            "Frisknärvaron bland anställda ska öka och uppgå till 96 % år 2028.",
            "HR-chef", 2027, 2028),
    }.items() for col, value in zip("ABCDEFG", values, strict=True)},
    # Indikatorer: Id | Mål | Indikator | Enhet | Riktning | Utgångsvärde | Utgångsår |
    # Målvärde | Målår
    **{f"Indikatorer!{col}{row}": value for row, values in {
        2: ("BUN-1-I1", "BUN-1", "Andel elever som känner sig trygga i skolan", "%",
            "Högre är bättre", 84, 2025, 90, 2028),
        3: ("BUN-2-I1", "BUN-2", "Andel gymnasieelever med examen inom 4 år", "%",
            "Högre är bättre", 78, 2025, 85, 2028),
        4: ("BUN-3-I1", "BUN-3", "Budgetavvikelse", "mnkr", "Högre är bättre", -3, 2025, 0, 2027),
        5: ("BUN-4-I1", "BUN-4", "Frisknärvaro bland anställda", "%", "Högre är bättre", 93,
            2025, 96, 2028),
    }.items() for col, value in zip("ABCDEFGHI", values, strict=True)},
    # Aktiviteter: Id | Mål | Aktivitet | Ansvarig | Startdatum | Slutdatum | Status
    **{f"Aktiviteter!{col}{row}": value for row, values in {
        2: ("BUN-1-A1", "BUN-1", "Trygghetsvandringar på alla skolor", "Rektorer",
            datetime(2027, 1, 15), datetime(2027, 12, 15), "Ej påbörjad"),
        3: ("BUN-2-A1", "BUN-2", "Studiestöd i matematik på gymnasiet", "Gymnasiechef",
            datetime(2027, 1, 15), datetime(2027, 12, 15), "Pågår"),
    }.items() for col, value in zip("ABCDEFG", values, strict=True)},
}

T1_KS: dict[str, Any] = {
    # KF-mål: Bedömning (E) and Analys (F) for the goals KS coordinates, Bidrag (G) for all
    "KF-mål!E2": "Grön", "KF-mål!F2": "Tryggheten ökar enligt mätningen.",
    "KF-mål!E4": "Gul", "KF-mål!F4": "Resultatet är lägre än budget efter T1.",
    "KF-mål!E5": "Grön", "KF-mål!F5": "Investeringarna är självfinansierade.",
    "KF-mål!E6": "Grön", "KF-mål!F6": "Medarbetarenkäten visar förbättring.",
    **{f"KF-mål!H{row}": "Nämnden har genomfört det som planerades." for row in range(2, 8)},
    # Utfall (K) of the model indicators KF1-I1, KF3-I1, KF4-I1, KF5-I1, KF5-I2
    "Indikatorer!K2": 76, "Indikatorer!K3": 1.8, "Indikatorer!K4": 100, "Indikatorer!K5": 80,
    "Indikatorer!K6": 6.4,
    # The committee's own goal, indicator and activity
    **{f"Nämndmål!{col}2": value for col, value in zip("ABCDEFGHIJ", (
        "KS-1", "KF1", "Medborgare", "Andelen invånare som är nöjda med kommunens service ska "
        "vara minst 90 % år 2028.", "Kommundirektör", 2027, 2028, "Grön", "Nöjdheten ökar.",
        None), strict=True)},
    **{f"Indikatorer!{col}7": value for col, value in zip("ABCDEFGHIJK", (
        "KS-1-I1", "KS-1", "Andel nöjda med servicen", "%", "Högre är bättre", 80, 2025, 90,
        2028, None, 91), strict=True)},
    **{f"Aktiviteter!{col}2": value for col, value in zip("ABCDEFG", (
        "KS-1-A1", "KS-1", "Servicemätning i kontaktcenter", "Kommundirektör",
        datetime(2027, 1, 10), datetime(2027, 12, 20), "Pågår"), strict=True)},
}

_ADDRESS = re.compile(r"(?P<sheet>[^!]+)!(?P<col>[A-Z]+)(?P<row>[0-9]+)")


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def edited(data: WorkbookData, changes: Mapping[str, Any], *,
           formulas: Mapping[str, str] | None = None,
           errors: Mapping[str, str] | None = None) -> WorkbookData:
    """A copy of `data` with `{"Sheet!A1": value}` typed into its rows as calamine would
    read them back (None clears; numbers become floats), and optional formula/error cells."""
    result = copy.deepcopy(data)
    for address, value in changes.items():
        match = _ADDRESS.fullmatch(address)
        assert match, address
        rows = result.rows[match["sheet"]]
        row, col = int(match["row"]) - 1, _column_index(match["col"])
        while len(rows) <= row:
            rows.append([])
        while len(rows[row]) <= col:
            rows[row].append("")
        if isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        rows[row][col] = "" if value is None else value
    for target, source in ((result.formulas, formulas or {}), (result.errors, errors or {})):
        for address, text in source.items():
            sheet, cell = address.split("!")
            target.setdefault(sheet, {})[cell] = text
    return result


def check_keys(data: WorkbookData, *, model=None, period=None) -> set[tuple]:
    """`(code, sheet, cell)` of every finding, running each check on its own and holding
    it to the codes it declares."""
    from malark.validate.checks import CHECKS, Context
    from malark.validate.submission import parse_submission

    context = Context(parse_submission(data), model=model, period=period)
    keys = {f.key() for f in data.findings}
    for item in CHECKS:
        if item.needs_meta and not context.usable:
            continue
        for finding in item(context):
            assert finding.code in item.codes, f"{item.name} emitted undeclared {finding.code}"
            keys.add(finding.key())
    return keys
