"""How a committee workbook looks and what its cells accept: fills, fonts, number formats,
data validations with Swedish messages, sheet protection and print settings.

Everything here is driven by `contract.Column` (its kind, choices and width), so the
generator never types a header or a dropdown value, and by the workbook template's `Look`
(colours, fonts, widths, print settings; `malark.generate.look`).
"""

from __future__ import annotations

from copy import copy
from datetime import date
from typing import Any

from openpyxl.styles import Alignment, Border, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from malark.core.contract import (
    COMMITTEE_AKTIVITETER,
    COMMITTEE_INDIKATORER,
    COMMITTEE_KF_MAL,
    COMMITTEE_NAMNDMAL,
    Column,
    Kind,
    SheetSpec,
)
from malark.core.swedish import EXCEL_EPOCH
from malark.core.text import fit, utf16_length
from malark.generate.look import STANDARD_LOOK, Look

__all__ = [
    "DATE_FORMAT",
    "INPUT_FILL",
    "LIGHT_NUMBER_FORMAT",
    "NUMBER_FORMAT",
    "YEAR_FORMAT",
    "CellLook",
    "column_validation",
    "guidance",
    "number_format",
    "print_setup",
    "protect",
    "style_header",
]

INPUT_FILL = STANDARD_LOOK.input_fill
"""The standard template's fill of cells to fill in (a template may set another)."""
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="top")
LIGHT_ALIGNMENT = Alignment(horizontal="center", vertical="center")
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)
_THIN = Side(style="thin", color="BFBFBF")
GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

NUMBER_FORMAT = "#,##0.0##"
"""Thousands separator and 1–3 decimals; Swedish Excel shows it as `1 234,5`."""
YEAR_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
LIGHT_NUMBER_FORMAT = STANDARD_LOOK.light_number_format
"""The light code shown as its Swedish name next to the icon (`Look.light_number_format`
in a template's words)."""

TITLE_LIMIT, PROMPT_LIMIT, ERROR_LIMIT = 32, 255, 225
"""Excel's limits for a data validation's titles, input message and error message."""
_MIN_YEAR, _MAX_YEAR = 2000, 2100
_MIN_DATE, _MAX_DATE = date(2000, 1, 1), date(2100, 12, 31)
_NUMBER_LIMIT = "1000000000000"
HEADER_HEIGHT = 32.0


class CellLook:
    """The few style combinations a column's cells can have.

    openpyxl looks every style object up in the workbook's style tables on each
    assignment, which dominates the run time for thousands of cells; a combination is
    therefore resolved once and then copied as openpyxl's own style index array (the way
    openpyxl copies styles between cells). Use one `CellLook` per workbook."""

    def __init__(self, column: Column, look: Look = STANDARD_LOOK) -> None:
        self.number_format = (look.light_number_format if column.kind is Kind.FORMULA
                              else number_format(column))
        self.alignment = {Kind.FORMULA: LIGHT_ALIGNMENT, Kind.YEAR: CENTER}.get(column.kind, WRAP_TOP)
        self.input_fill, self.bold = look.input_fill, look.font(bold=True)
        self._resolved: dict[tuple[bool, int, bool], Any] = {}

    def apply(self, cell, *, editable: bool, fill: PatternFill | None = None, bold: bool = False) -> None:
        key = (editable, id(fill), bold)
        resolved = self._resolved.get(key)
        if resolved is not None:
            cell._style = copy(resolved)
            return
        cell.number_format = self.number_format
        cell.alignment = self.alignment
        cell.border = GRID
        cell.protection = UNLOCKED if editable else LOCKED
        chosen = self.input_fill if editable else fill
        if chosen is not None:
            cell.fill = chosen
        if bold:
            cell.font = self.bold
        self._resolved[key] = copy(cell._style)


def number_format(column: Column) -> str:
    return {
        Kind.NUMBER: NUMBER_FORMAT,
        Kind.YEAR: YEAR_FORMAT,
        Kind.DATE: DATE_FORMAT,
        Kind.FORMULA: LIGHT_NUMBER_FORMAT,
        Kind.CHOICE: "General",
    }.get(column.kind, TEXT_FORMAT)


def style_header(ws: Worksheet, spec: SheetSpec, look: Look = STANDARD_LOOK) -> None:
    """Header row: the contract's headers, styled, frozen, filterable; column widths (the
    template's where it sets one)."""
    ws.append(list(spec.headers))
    fill, font = look.header_fill, look.header_font
    for index, column in enumerate(spec.columns, start=1):
        cell = ws.cell(1, index)
        cell.fill, cell.font, cell.alignment, cell.border = fill, font, HEADER_ALIGNMENT, GRID
        ws.column_dimensions[spec.letter(column.field)].width = look.width(spec, column)
    ws.row_dimensions[1].height = HEADER_HEIGHT
    ws.freeze_panes = "A2"


def _serial(day: date) -> str:
    return str((day - EXCEL_EPOCH).days)


def column_validation(column: Column, sqref: str, *, list_name: str | None = None) -> DataValidation | None:
    """The data validation of a column's input cells (None for free text)."""
    header = column.header
    if column.kind is Kind.CHOICE:
        values = ", ".join(column.choices)
        dv = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"')
        prompt, error = f"Välj i listan: {values}.", f"Välj ett av värdena i listan: {values}."
    elif column.kind is Kind.GOAL_REF and list_name:
        dv = DataValidation(type="list", formula1=list_name)
        prompt = "Välj målets id i listan. Nya nämndmål på bladet Nämndmål kommer med i listan."
        error = ("Id:t finns inte bland målen. Välj ett KF-mål som är adresserat till nämnden "
                 "eller ett nämndmål från bladet Nämndmål.")
    elif column.kind is Kind.NUMBER:
        dv = DataValidation(type="decimal", operator="between", formula1="-" + _NUMBER_LIMIT,
                            formula2=_NUMBER_LIMIT)
        prompt = "Skriv ett tal, t.ex. 85,5 – utan enhet och utan %-tecken."
        error = f"{header} måste vara ett tal, t.ex. 85,5 (utan enhet och utan %-tecken)."
    elif column.kind is Kind.YEAR:
        dv = DataValidation(type="whole", operator="between", formula1=str(_MIN_YEAR),
                            formula2=str(_MAX_YEAR))
        prompt = "Skriv ett årtal med fyra siffror, t.ex. 2027."
        error = f"{header} måste vara ett årtal mellan {_MIN_YEAR} och {_MAX_YEAR}, t.ex. 2027."
    elif column.kind is Kind.DATE:
        dv = DataValidation(type="date", operator="between", formula1=_serial(_MIN_DATE),
                            formula2=_serial(_MAX_DATE))
        prompt = "Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2027-03-31."
        error = f"{header} måste vara ett datum, skrivet som ÅÅÅÅ-MM-DD (t.ex. 2027-03-31)."
    else:
        return None
    dv.allow_blank = True
    dv.showInputMessage = dv.showErrorMessage = True
    dv.errorStyle = "stop"
    dv.promptTitle = fit(header, TITLE_LIMIT)
    dv.prompt = fit(prompt, PROMPT_LIMIT)
    dv.errorTitle = _error_title(header)
    dv.error = fit(error, ERROR_LIMIT)
    dv.add(sqref)
    return dv


def _error_title(header: str) -> str:
    """"Ogiltigt värde i <header>", shorter wordings when that is over Excel's 32 characters
    (never cut mid-word: "Ogiltigt värde i Föregående utfa")."""
    for title in (f"Ogiltigt värde i {header}", f"Fel i {header}"):
        if utf16_length(title) <= TITLE_LIMIT:
            return title
    return fit(header, TITLE_LIMIT)


_ANALYSIS = ("Förklara bedömningen: vad visar indikatorerna och aktiviteterna, och varför? "
             "Krävs när bedömningen är Gul eller Röd.")
_RESPONSIBLE = "Vem ansvarar: en funktion eller enhet, t.ex. Skolchef."
_COMMENT = "Kommentera utfallet eller statusen, t.ex. orsaken till en avvikelse eller en försening."
_ACTIONS = "Vilka åtgärder vidtas, av vem och när? Krävs när bedömningen är Röd."
_GUIDANCE = {
    (COMMITTEE_KF_MAL.name, "analysis"): _ANALYSIS,
    (COMMITTEE_KF_MAL.name, "actions"): _ACTIONS,
    (COMMITTEE_KF_MAL.name, "contribution"): (
        "Hur har nämnden bidragit till KF-målet under perioden? I Plan: hur ska nämnden bidra?"),
    (COMMITTEE_NAMNDMAL.name, "id"): (
        "Lämna tomt på ett nytt mål (det får id vid sammanställningen) eller skriv nämndens "
        "förkortning och nästa nummer, t.ex. BUN-3, om indikatorer och aktiviteter ska peka på "
        "målet redan nu."),
    (COMMITTEE_NAMNDMAL.name, "text"): (
        "Skriv ett SMART mål: vad ska uppnås, hur mycket och till när, t.ex. \"Andelen elever med "
        "gymnasieexamen ska vara minst 85 % år 2028\". Skriv inte en aktivitet."),
    (COMMITTEE_NAMNDMAL.name, "responsible"): _RESPONSIBLE,
    (COMMITTEE_NAMNDMAL.name, "analysis"): _ANALYSIS,
    (COMMITTEE_NAMNDMAL.name, "actions"): _ACTIONS,
    (COMMITTEE_INDIKATORER.name, "id"): (
        "Lämna tomt på en ny indikator eller skriv målets id, -I och ett nummer, t.ex. BUN-1-I2."),
    (COMMITTEE_INDIKATORER.name, "comment"): _COMMENT,
    (COMMITTEE_AKTIVITETER.name, "id"): (
        "Lämna tomt på en ny aktivitet eller skriv målets id, -A och ett nummer, t.ex. BUN-1-A3."),
    (COMMITTEE_AKTIVITETER.name, "text"): (
        "Vad ska göras? En konkret aktivitet, t.ex. \"Trygghetsvandringar på alla skolor\"."),
    (COMMITTEE_AKTIVITETER.name, "responsible"): _RESPONSIBLE,
    (COMMITTEE_AKTIVITETER.name, "comment"): _COMMENT,
}


def guidance(spec: SheetSpec, column: Column, sqref: str) -> DataValidation | None:
    """An input message (no restriction) for a free-text column that needs a hint."""
    prompt = _GUIDANCE.get((spec.name, column.field))
    if prompt is None:
        return None
    dv = DataValidation(allow_blank=True, showInputMessage=True, showErrorMessage=False)
    dv.promptTitle = fit(column.header, TITLE_LIMIT)
    dv.prompt = fit(prompt, PROMPT_LIMIT)
    dv.add(sqref)
    return dv


def protect(ws: Worksheet, *, rows_editable: bool) -> None:
    """Protect the sheet without a password. Formatting columns and rows stays allowed
    (widths, heights); on data sheets rows can be inserted and deleted, and filtering and
    sorting work on the unlocked cells."""
    p = ws.protection
    p.sheet = True
    p.formatColumns = False
    p.formatRows = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False
    if rows_editable:
        p.insertRows = False
        p.deleteRows = False
        p.autoFilter = False
        p.sort = False


def print_setup(ws: Worksheet, *, title_rows: bool = True, look: Look = STANDARD_LOOK) -> None:
    """A4 landscape (or as the template says), fit to one page wide, header row repeated
    on every page."""
    look.print_setup(ws, title_rows=title_rows)
