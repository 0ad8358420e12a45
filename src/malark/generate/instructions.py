"""The `Instruktioner` sheet, written from the workbook template's `instruktioner.md`
(SPEC 3c): what the committee fills in this period, by when, whom to ask, what the colours
mean and how to check the file — first the `Kontroll` sheet (its counts are in row 2), then
the Validera button and the central check.

The text is the template's; malark fills in its placeholders (`instruction_values`), adds
the live status row and the colour legend in the template's words and colours, and places
the template's logo.
"""

from __future__ import annotations

import io

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from malark.core.contract import (
    COMMITTEE_KF_MAL,
    KONTROLL_ERRORS_NAME,
    KONTROLL_MARGIN,
    KONTROLL_WARNINGS_NAME,
    SHEET_KONTROLL,
    Assessment,
    Period,
)
from malark.core.instruction_text import InstructionBlock, fill
from malark.core.lights import LightRule
from malark.core.model import GoalModel
from malark.core.swedish import format_date, format_number
from malark.core.template import Template, standard_template
from malark.generate.kontroll import status_colours, status_formula
from malark.generate.look import Look
from malark.generate.style import WRAP_TOP, protect

__all__ = ["PERIOD_TITLES", "instruction_rows", "instruction_values", "write_instructions"]

PERIOD_TITLES = {
    Period.PLAN: "Plan – nämndens mål, indikatorer och aktiviteter inför budgetåret",
    Period.T1: "T1 – uppföljning tertial 1 (januari–april)",
    Period.T2: "T2 – delårsrapport (januari–augusti)",
    Period.HELAR: "Helår – uppföljning till årsredovisningen",
}
_LABEL_WIDTH, _TEXT_WIDTH = 24, 100
_LOGO_HEIGHT = 56
"""Pixels: the logo's height in the title row."""
_MARGIN_NOTE = f" Bladet {SHEET_KONTROLL} kontrollerar också {KONTROLL_MARGIN} rader nedanför dem."

Row = tuple[str, str, str | None]
"""(label, text, fill key): label `#` is a section heading, `=` the title; the fill key
colours the label cell (`input`, `locked`, `coordinated` or an assessment's name)."""


def _rule_text(template: Template, model: GoalModel) -> str:
    """One sentence on how the indicators' lights are set, in the template's words."""
    s = template.scale
    tail = f"annars {s.red}. Tomt = {s.not_assessed.lower()}."
    if template.light_rule is LightRule.SHARE_OF_TARGET:
        share = format_number((template.light_parameter or 0) * 100)
        return (f"Räknas ut för varje indikator: {s.green} när utfallet når målvärdet; {s.yellow} "
                f"när utfallet når minst {share} % av målvärdet; {tail}")
    if template.light_rule is LightRule.TREND:
        tolerance = format_number((template.light_parameter or 0) * 100)
        band = "lika" if tolerance == "0" else f"inom {tolerance} %"
        return (f"Räknas ut för varje indikator mot föregående utfall: {s.green} när utfallet är "
                f"bättre; {s.yellow} när det är oförändrat ({band}); {s.red} när det är sämre. "
                f"Utan föregående utfall: {s.not_assessed.lower()}.")
    percent = format_number(model.settings.yellow_threshold * 100)
    return (f"Räknas ut för varje indikator: {s.green} när utfallet når målvärdet; {s.yellow} när "
            f"utfallet har kommit minst {percent} % av vägen från utgångsvärdet mot målvärdet "
            f"(utan utgångsvärde: högst 10 % från målvärdet); {tail}")


def instruction_values(model: GoalModel, committee_id: str, period: Period, template: Template,
                       *, live: bool = True) -> dict[str, str]:
    """The template's placeholders (`instruction_text.PLACEHOLDERS`) for this workbook."""
    committee = model.committee(committee_id)
    day = model.deadline_for(period)
    scale = template.scale
    return {
        "kommun": model.municipality, "kommunkod": model.municipality_code,
        "budgetar": str(model.budget_year), "namnd": committee.id, "namnd_namn": committee.name,
        "period": period.value, "period_titel": PERIOD_TITLES[period],
        "sista_inlamningsdag": format_date(day) if day else "enligt ekonomikontorets utskick",
        "kontaktperson": ", ".join(p for p in (committee.contact, committee.email) if p) or "–",
        "vision": model.vision, "trafikljusregel": _rule_text(template, model),
        "kontrollmarginal": _MARGIN_NOTE if live else "",
        "gron": scale.green, "gul": scale.yellow, "rod": scale.red, "ej_bedomd": scale.not_assessed,
    }


def _legend(template: Template) -> list[Row]:
    """The colours: cells to fill in, locked cells, coordinated goals, and the assessments
    (labelled by what they mean, so a template's other colours need no other words)."""
    meanings = dict(zip(template.scale.choices, template.meanings, strict=True))
    rows: list[Row] = [
        ("Fyll i", "Här fyller du i.", "input"),
        ("Låst", "Kommer från målmodellen eller från tidigare period.", "locked"),
        ("Samordnas", f"På bladet {COMMITTEE_KF_MAL.name}: KF-mål som nämnden samordnar.", "coordinated"),
    ]
    for assessment, word in zip(Assessment, template.scale.choices, strict=True):
        rows.append((word, meanings[word] or "", assessment.value))
    return rows


def instruction_rows(model: GoalModel, committee_id: str, period: Period, *,
                     live: bool = True, template: Template | None = None) -> list[Row]:
    """The sheet's rows from the template's text for this committee and period; `live`:
    the workbook has the `Kontroll` sheet."""
    template = template or standard_template()
    values = instruction_values(model, committee_id, period, template, live=live)
    rows: list[Row] = []
    for block in template.instructions:
        if not block.shown_in(period, live):
            continue
        rows.extend(_rows_of(block, values, template))
    return rows


def _rows_of(block: InstructionBlock, values: dict[str, str], template: Template) -> list[Row]:
    if block.kind == "legend":
        return _legend(template)
    label, text = fill(block.label, values), fill(block.text, values)
    if block.kind == "title":
        return [("=", text, None)]
    if block.kind == "heading":
        return [("#", text, None)]
    return [(label, text, None)]


def _status_row(ws: Worksheet, row: int, look: Look) -> None:
    """The counts of the `Kontroll` sheet, linked to it (SPEC 3b's defined names); a note
    instead when the sheet is gone."""
    errors, warnings = KONTROLL_ERRORS_NAME, KONTROLL_WARNINGS_NAME
    status = status_formula(errors, warnings)
    ws.cell(row, 1, SHEET_KONTROLL)
    ws.cell(row, 2, f'=IFERROR(HYPERLINK("#\'{SHEET_KONTROLL}\'!A1",{status}'
                    f'&" – se bladet {SHEET_KONTROLL}"),"Bladet {SHEET_KONTROLL} saknas; '
                    'ekonomikontoret kontrollerar filen när den lämnas in.")')
    ws.cell(row, 1).font = ws.cell(row, 2).font = look.font(bold=True, size=look.font_size + 1)
    ws.row_dimensions[row].height = 20
    status_colours(ws, f"A{row}:B{row}", errors, warnings, look)


def _fills(look: Look) -> dict[str, object]:
    return {"input": look.input_fill, "locked": look.locked_fill, "coordinated": look.coordinated_fill,
            **{a.value: look.assessment_fill(a) for a in Assessment}}


def _place_logo(ws: Worksheet, logo: bytes) -> None:
    """The template's logo at the right end of the title row."""
    from openpyxl.drawing.image import Image
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
    from openpyxl.drawing.xdr import XDRPositiveSize2D
    from openpyxl.utils.units import pixels_to_EMU

    image = Image(io.BytesIO(logo))
    scale = _LOGO_HEIGHT / image.height
    width, height = round(image.width * scale), _LOGO_HEIGHT
    text_width_px = _TEXT_WIDTH * 7 + 5
    offset = max(0, text_width_px - width - 4)
    marker = AnchorMarker(col=1, colOff=pixels_to_EMU(offset), row=0, rowOff=pixels_to_EMU(4))
    image.anchor = OneCellAnchor(_from=marker, ext=XDRPositiveSize2D(pixels_to_EMU(width),
                                                                     pixels_to_EMU(height)))
    image.width, image.height = width, height
    ws.add_image(image)
    ws.row_dimensions[1].height = max(ws.row_dimensions[1].height or 0, (height + 8) * 0.75)


def write_instructions(ws: Worksheet, model: GoalModel, committee_id: str, period: Period, *,
                       live: bool = True, template: Template | None = None,
                       look: Look | None = None) -> None:
    """The sheet; `live`: the workbook has the `Kontroll` sheet (its status in row 2)."""
    template = template or standard_template()
    look = look or Look.of(template)
    fills = _fills(look)
    ws.column_dimensions["A"].width = _LABEL_WIDTH
    ws.column_dimensions["B"].width = _TEXT_WIDTH
    rows = instruction_rows(model, committee_id, period, live=live, template=template)
    if not rows or rows[0][0] != "=":  # a template without a title still gets one
        rows.insert(0, ("=", f"Målarbete {model.budget_year} – {model.committee(committee_id).name}", None))
    for label, text, fill_key in rows:
        if label == "=":
            ws.append([text, None])
            ws.cell(ws.max_row, 1).font = look.title_font
            ws.cell(ws.max_row, 1).alignment = Alignment(vertical="center")
            ws.row_dimensions[ws.max_row].height = 24
            if live and ws.max_row == 1:
                _status_row(ws, 2, look)
            continue
        if label == "#":
            ws.append([text, None])
            ws.cell(ws.max_row, 1).font = look.section_font
            ws.row_dimensions[ws.max_row].height = 22
            continue
        ws.append([label or None, text])
        row = ws.max_row
        ws.cell(row, 1).font = look.font(bold=True)
        ws.cell(row, 1).alignment = Alignment(vertical="top", wrap_text=True)
        ws.cell(row, 2).alignment = WRAP_TOP
        if fill_key is not None:
            ws.cell(row, 1).fill = fills[fill_key]
        lines = max(1, -(-len(text) // 105))
        if lines > 1:
            ws.row_dimensions[row].height = 15 * lines + 3
    if look.logo:
        _place_logo(ws, look.logo)
    protect(ws, rows_editable=False)
    look.print_setup(ws, title_rows=False, portrait=True)
