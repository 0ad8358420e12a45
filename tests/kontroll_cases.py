"""Workbooks for the parity test of the `Kontroll` sheet (`test_kontroll_parity.py`).

Each case starts from BUN's filled Plan workbook or KS's filled T1 workbook
(`filled_workbooks.py`, no findings) and changes cells the way a controller would: values
typed or pasted as text, blanks that are only spaces or line breaks, rows added below the
prepared rows, a prepared row copied, and rows inserted (`insert_row` widens the ranges as
Excel and LibreOffice do when a row is inserted). `FAILING` has a workbook per live rule
in which the rule fires; `PASSING` near misses that must not fire any live rule.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.worksheet.formula import ArrayFormula

from malark.core.contract import SHEET_KONTROLL

Case = tuple[str, dict[str, Any]]
"""(base workbook: "plan" or "t1", {"Sheet!A1": value})."""

_NEW_GOAL = {"Nämndmål!A6": "BUN-5", "Nämndmål!B6": "KF2", "Nämndmål!C6": "Medborgare",
             "Nämndmål!D6": "Andelen besökare ska vara minst 80 % år 2028.",
             "Nämndmål!E6": "Kulturchef", "Nämndmål!F6": 2027, "Nämndmål!G6": 2028}
_BELOW = 155
"""A row of Aktiviteter just below the prepared rows of BUN's Plan workbook (rows 2–151)."""

FAILING: dict[str, Case] = {
    "S008": ("plan", {"Indikatorer!A3": "BUN-1-I1", "Aktiviteter!A3": "BUN-1 ",
                      "Nämndmål!A3": "KF1", **_NEW_GOAL, "Nämndmål!A6": "BUN-4",
                      f"Aktiviteter!A{_BELOW}": "BUN-2-A1", f"Aktiviteter!B{_BELOW}": "BUN-2",
                      f"Aktiviteter!C{_BELOW}": "Kopierad rad", f"Aktiviteter!D{_BELOW}": "Rektor"}),
    "K001": ("plan", {"Indikatorer!B2": "BUN-9", "Nämndmål!B2": "KF9", "Aktiviteter!B3": None,
                      "Aktiviteter!B2": "bun-1", "Indikatorer!B3": "BUN-*",
                      f"Aktiviteter!A{_BELOW}": "BUN-2-A2", f"Aktiviteter!C{_BELOW}": "Utan mål",
                      f"Aktiviteter!D{_BELOW}": "Rektor"}),
    "K002": ("plan", {"Nämndmål!B5": "KF4", "Indikatorer!B4": "KF6"}),
    "K003": ("plan", {"Nämndmål!B5": "KF1", "Nämndmål!D5": "Tryggheten ska vara minst 95 % år 2028."}),
    "K003-T1": ("t1", {"KF-mål!H3": None, "KF-mål!H5": " \n "}),
    "K004": ("plan", {"Indikatorer!B2": "BUN-2", "Aktiviteter!B2": "BUN-2", **_NEW_GOAL,
                      "Nämndmål!A6": None}),
    "M003": ("plan", {"Nämndmål!E2": None, "Aktiviteter!D3": "\n", "Nämndmål!E4": "\u00a0"}),
    "M005": ("plan", {"Nämndmål!G2": None, "Nämndmål!F3": 2020, "Indikatorer!I2": "2040",
                      "Indikatorer!I3": None, "Indikatorer!H3": "85"}),
    "D001": ("t1", {"Indikatorer!K7": "åttio", "Indikatorer!K3": "1 e3", "Indikatorer!F7": "80.5.1",
                    "Nämndmål!G2": "2028,5", "Indikatorer!K5": "12:30"}),
    "D002": ("t1", {"Indikatorer!K7": "101", "Indikatorer!K2": 120, "Nämndmål!G2": "2200",
                    "Aktiviteter!F2": "2026-12-01", "Aktiviteter!E2": datetime(1999, 1, 1)}),
    "D003": ("t1", {"Aktiviteter!F2": "den 32 mars", "Aktiviteter!E2": "2027-02-30"}),
    "D004": ("t1", {"Aktiviteter!G2": "Pågående", "Nämndmål!H2": "grön", "KF-mål!E2": "Grön\u2003",
                    "Nämndmål!C2": "Medborgare?"}),
    "D005": ("t1", {"Indikatorer!K7": None, "Nämndmål!H2": None, "Aktiviteter!G2": " ",
                    "KF-mål!E4": None, "Indikatorer!K3": "=1/0"}),
    "D006": ("t1", {"Nämndmål!H2": "Gul", "Nämndmål!I2": None, "KF-mål!F4": "  "}),
    "D007": ("t1", {"Nämndmål!H2": "Röd", "KF-mål!E2": "Röd", "KF-mål!F2": "Stor avvikelse."}),
    "D008": ("t1", {"Aktiviteter!F2": "2027-04-01"}),
}

PASSING: dict[str, Case] = {
    "plan": ("plan", {
        "Indikatorer!B2": " BUN-1 ", "Aktiviteter!B3": "KF2", "Nämndmål!E2": "Skolchef\n",
        "Nämndmål!G2": "2028", "Indikatorer!I2": " 2028 ", "Indikatorer!F3": "78,0",
        "Indikatorer!H4": "0", "Aktiviteter!E2": "15/1 2027", "Aktiviteter!F2": "31 december 2027",
        "Aktiviteter!G2": "Ej påbörjad ", "Nämndmål!C3": "\u00a0Medborgare"}),
    "t1": ("t1", {
        "Indikatorer!K7": "91,5 %", "Indikatorer!K3": "1,8", "Indikatorer!K4": "1 000,0",
        "Indikatorer!K5": "80.0", "Nämndmål!H2": " Grön ", "Aktiviteter!G2": "Pågår\n",
        "Aktiviteter!F2": "2027-04-30", "KF-mål!H3": "Bidrog.", "Indikatorer!K6": "\u22126,4e0",
        "Nämndmål!I2": "Nöjdheten ökar.\n"}),
}

# Texts typed into number and date cells: every form `malark.core.swedish` reads or rejects.
NUMBER_TEXTS = (
    "85,5", "85.5", "85 %", "85%", "85,5 %", "1 234", "1 234,5", "1\u00a0234,5", "1\u202f234",
    "1\u2009234\u2009567", "\u22125", "\u2212 5", "\u2013 3,25", "+7", "- 5", "1.234.567",
    "1.234.567,5", "1.234", "12,", ",5", ".5", "12.", "1e3", "1,5e3", "1E-2", "1e+2", "1e", "e3",
    "1e3,5", "1 e3", "1  234", "1 23", "12 34", "1,2,3", "1,234.5", "abc", "85 procent", "%", "-",
    "--5", "5%%", "%85", "85% ", " 85 ", "\n85\r\n", "85\u2003", "\u200385", "1\t234", "00123",
    "0", "-0", "1e400", "1e-400", "inf", "nan", "12:30", "3/4", "1.2.3", "1 234 567,89",
    "9999999999999999", "0,1", "100,0", "\u2212100", "1\u2007234", "1 234.567.890", "12 345 678",
    "123 4567", "1 234,", "1 234,5e3", "5e-1%", "- %", "+ 12", "1" * 70, "\u2212\u22125", "+-5",
    "\u0663", "\uff11\uff12", "2027", "2027,0", " 2028\n", "1e\u22122",
)
DATE_TEXTS = (
    "2027-03-31", "2027-3-1", "2027-03-31 10:00", "2027-03-31T10:00:00", "2027-03-31t10:00:00z",
    "2027-03-31 10:00:00.5", "2027-03-31 10:00:00.5+01:00", "2027-03-31 10:00+0100",
    "2027-03-31 1:00", "2027-03-31 10:0", "2027-02-30", "2027-13-01", "2028-02-29", "2027-02-29",
    "20270331", "2027033", "31/3 2027", "31/3/2027", "31.3.2027", "31. 3. 2027", "31.3 2027",
    "31/3  2027", "31/3/ 2027", "1/1 2027", "01/01 2027", "31 mars 2027", "31 Mars 2027",
    "31mars 2027", "1 okt. 2027", "1 okt 2027", "1 oktober 2027", "1 maj 2027", "30 februari 2027",
    "1 foo 2027", "mars 2027", "den 31 mars 2027", "31 mars. 2027", "31 mars .2027", "0000-01-01",
    "1899-12-31", "1850-06-01", "9999-12-31", "2026-12-01", "2101-01-01", "1999-12-31",
    " 2027-03-31 ", "2027-03-31\n", "31\u00a0mars\n2027", "32 mars 2027", "2027/03/31", "idag",
    "2027-03-31 25:00", "1.1.2027", "29.2.2028", "29.2.2027", "1 JAN 2027", "1 jan. 2027",
    "1 sept 2027", "1 sep 2027", "31\u2003mars 2027", "2027.3.1", "2027/3/31", "2027/03.31",
    "2027.02.30", "1999/12/31", "2027/3/1/", "2027/123/1", "2027 / 3 / 1",
)


def typed_texts() -> dict[str, Any]:
    """Changes that type every text of `NUMBER_TEXTS` into a number and a year column of its
    own indicator row, and every text of `DATE_TEXTS` into the Slutdatum of its own
    activity (KS's T1 workbook; the rows are prepared rows)."""
    changes: dict[str, Any] = {}
    for i, text in enumerate(NUMBER_TEXTS):
        row = 8 + i
        for column, value in zip("ABCDEFGHIJ", (f"KS-1-I{i + 2}", "KS-1", "Mått", "st",
                                               "Högre är bättre", text, text, 90, 2028, None),
                                 strict=True):
            changes[f"Indikatorer!{column}{row}"] = value
        changes[f"Indikatorer!K{row}"] = text
    for i, text in enumerate(DATE_TEXTS):
        row = 3 + i
        for column, value in zip("ABCDEG", (f"KS-1-A{i + 2}", "KS-1", "Aktivitet", "Någon",
                                            "2027-01-01", "Pågår"), strict=True):
            changes[f"Aktiviteter!{column}{row}"] = value
        changes[f"Aktiviteter!F{row}"] = text
    return changes


def insert_row(path: Path, sheet: str, at: int) -> None:
    """Insert an empty row at `at` on `sheet`, as Excel does: the cells below move down, and
    every range that spans the row (the formulas on Kontroll, the conditional formats of
    the sheet) grows by one row."""
    workbook = openpyxl.load_workbook(path)
    ws = workbook[sheet]
    ws.insert_rows(at)
    reference = re.compile(rf"('{re.escape(sheet)}'!\$[A-Z]+\$)(\d+)(:\$[A-Z]+\$)(\d+)")

    def widen(match: re.Match[str]) -> str:
        first, last = int(match.group(2)), int(match.group(4))
        return (f"{match.group(1)}{first + (first >= at)}{match.group(3)}"
                f"{last + (last >= at)}")

    for row in workbook[SHEET_KONTROLL].iter_rows():
        for cell in row:
            if isinstance(cell.value, ArrayFormula):
                cell.value = ArrayFormula(cell.value.ref, reference.sub(widen, cell.value.text))
            elif isinstance(cell.value, str) and cell.value.startswith("="):
                cell.value = reference.sub(widen, cell.value)
    grown = ConditionalFormattingList()
    for formatting in ws.conditional_formatting:
        target = str(formatting.sqref)
        match = re.fullmatch(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", target)
        if match and int(match.group(4)) >= at:
            target = f"{match.group(1)}{match.group(2)}:{match.group(3)}{int(match.group(4)) + 1}"
        for rule in formatting.rules:
            grown.add(target, rule)
    ws.conditional_formatting = grown
    workbook.save(path)


INSERTED: dict[str, Any] = {
    "Aktiviteter!A3": "KS-1-A2", "Aktiviteter!B3": "KS-1", "Aktiviteter!C3": "Infogad rad",
    "Aktiviteter!D3": "Kommundirektör", "Aktiviteter!F3": "2027-04-01", "Aktiviteter!G3": None,
    "Indikatorer!A5": "KS-1-I2", "Indikatorer!B5": "KS-9", "Indikatorer!K5": "nittio",
}
"""Typed into the rows `insert_row` made at Aktiviteter row 3 and Indikatorer row 5 of KS's
T1 workbook: D005, D008, K001 and D001 in inserted rows."""
