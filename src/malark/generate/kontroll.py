"""The `Kontroll` sheet (SPEC 3b): the rules checked live while the controller types.

Layout: row 1 the status (`Klar att skicka in`, or how many errors and warnings remain),
row 2 a note, from row 3 the table `Kod | Kontroll | Antal | Första cell` with one row per
rule checked live in this period, then the rules checked only when the file is handed in
(`Kontrolleras när filen lämnas in`) and a short note on how the sheet works.

Behind it, in hidden columns, the helper bands of `malark.validate.checks.live`: the
formulas come from the builders declared beside the Python checks, the texts from the
rule catalogue. The offending cells of the data sheets are filled by conditional
formatting that looks at the helper cell of their row, so a fixed value loses its colour
at once. Nothing here writes into a cell the controller types in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from malark.core.contract import (
    COMMITTEE_DATA_SHEETS,
    KONTROLL_AT_SUBMISSION,
    KONTROLL_ERRORS_NAME,
    KONTROLL_HEADERS,
    KONTROLL_MARGIN,
    KONTROLL_STATUS_READY,
    KONTROLL_WARNINGS_NAME,
    SHEET_KONTROLL,
    Assessment,
    Period,
    column_letter,
)
from malark.core.findings import CATALOGUE, SEVERITY_SV, Rule, Severity
from malark.core.model import GoalModel
from malark.core.scale import DEFAULT_SCALE, AssessmentScale
from malark.core.swedish import format_date
from malark.generate.look import STANDARD_LOOK, Look
from malark.generate.style import WRAP_TOP
from malark.validate.checks import live_builders
from malark.validate.checks.live import Flag, LiveBook, LiveFacts
from malark.validate.checks.live_formula import quoted
from malark.xlsx.meta import snapshot_for
from malark.xlsx.safety import DEFAULT_LIMITS

__all__ = ["LIVE_MARGIN", "MAX_CELLS", "live_facts", "status_formula", "write_kontroll"]

LIVE_MARGIN = KONTROLL_MARGIN
"""Rows checked below the prepared rows of each sheet."""
MAX_FORMULA = 8192
"""Excel's limit on the length of a formula."""
MAX_CELLS = DEFAULT_LIMITS.max_sheet_cells // 2
"""The largest `Kontroll` sheet (rows × columns) written: half of what `malark validate`
reads in one sheet (S009). Its helper bands have a row per data row, so a workbook with
more than about 2,000 rows in all is sent without the sheet (the checks then run only
when the file is handed in); it would also take long to recalculate."""
_HELPERS_FROM = 11
"""Column K: the helper bands (hidden) start here."""
_LOCATION, _POSITIONS = 5, 6
"""Columns E (hidden): the address of a rule's first cell; F–I: its row per sheet."""
_TABLE_ROW = 3
_NOT_FOUND = 10**9
_FILLS = {Severity.ERROR: PatternFill("solid", fgColor="FFC7CE"),
          Severity.WARNING: PatternFill("solid", fgColor="FFD966")}
"""Live marks: light red for errors, yellow (stronger than the light yellow of input
cells) for warnings."""
_FONTS = {Severity.ERROR: Font(color="9C0006"), Severity.WARNING: Font(color="7F6000")}
_WIDTHS = {"A": 8, "B": 96, "C": 8, "D": 18}


def live_facts(model: GoalModel, committee_id: str, period: Period,
               scale: AssessmentScale = DEFAULT_SCALE) -> LiveFacts:
    """The constants of a committee's formulas: what its snapshot says (SPEC 3, `_malark`),
    and the template's assessment words."""
    snapshot = snapshot_for(model, committee_id)
    return LiveFacts(
        committee=committee_id, period=period, budget_year=model.budget_year,
        addressed={g.id: (g.start_year, g.end_year) for g in snapshot.kf_goals},
        coordinated=tuple(g.id for g in snapshot.kf_goals if g.coordinator == committee_id),
        model_kf_ids=tuple(snapshot.model_kf_goal_ids),
        model_indicator_ids=tuple(i.id for i in snapshot.kf_indicators),
        model_non_shares=tuple(i.id for i in snapshot.kf_indicators
                               if not all(v is None or 0 <= v <= 100 for v in (i.baseline, i.target))),
        scale=scale,
    )


def status_formula(errors: str, warnings: str) -> str:
    """`Klar att skicka in`, `3 fel och 2 varningar att rätta` or `2 varningar att se
    över`, from two cells or names holding the counts."""
    warning_text = f'IF({warnings}=1,"1 varning",{warnings}&" varningar")'
    return (f'IF({errors}+{warnings}=0,{quoted(KONTROLL_STATUS_READY)},IF({errors}>0,{errors}&" fel"'
            f'&IF({warnings}>0," och "&{warning_text},"")&" att rätta",{warning_text}'
            f'&" att se över – filen kan skickas in"))')


def applies(rule: Rule, period: Period) -> bool:
    """Whether a rule is checked in `period` (its `periods` in the catalogue)."""
    if rule.periods == Period.PLAN.value:
        return period is Period.PLAN
    if rule.periods == "T1, T2, Helår":
        return period.is_follow_up
    return True


@dataclass(slots=True)
class _LiveRow:
    rule: Rule
    flags: list[Flag]
    row: int


def write_kontroll(ws: Worksheet, facts: LiveFacts, lasts: dict[str, int],
                   look: Look = STANDARD_LOOK) -> bool:
    """Fill `ws` (the `Kontroll` sheet) for a workbook whose data sheets have their last
    prepared row at `lasts[sheet]`, and mark the data sheets; defined names are added to
    its workbook. False, and nothing written, when the sheet would be larger than
    `MAX_CELLS` (the caller removes it)."""
    book = LiveBook(facts, {name: last + LIVE_MARGIN for name, last in lasts.items()},
                    first_column=_HELPERS_FROM)
    rows = _live_rows(book, facts.period)
    book.pack()
    bottom = max(band.bottom for band in book.bands.values())
    if bottom * (_HELPERS_FROM - 1 + book.width) > MAX_CELLS:
        return False
    _write_status(ws, rows, look)
    _write_table(ws, rows, look)
    last = _write_at_submission(ws, rows, facts, look)
    _write_helpers(ws, book)
    _mark_data_sheets(ws.parent, rows)
    names = {KONTROLL_ERRORS_NAME: "$E$1", KONTROLL_WARNINGS_NAME: "$E$2"}
    for name, cell in names.items():
        ws.parent.defined_names[name] = DefinedName(name, attr_text=f"'{SHEET_KONTROLL}'!{cell}")
    _finish(ws, book, last, look)
    return True


def _live_rows(book: LiveBook, period: Period) -> list[_LiveRow]:
    order = {spec.name: i for i, spec in enumerate(COMMITTEE_DATA_SHEETS)}
    rows = []
    for code, builder in sorted(live_builders().items(), key=lambda item: list(CATALOGUE).index(item[0])):
        rule = CATALOGUE[code]
        flags = list(builder(book))
        if flags and applies(rule, period):
            flags.sort(key=lambda f: (order[f.sheet], f.band.spec.index(f.field)))
            rows.append(_LiveRow(rule, flags, _TABLE_ROW + 1 + len(rows)))
    return rows


def _write_status(ws: Worksheet, rows: list[_LiveRow], look: Look) -> None:
    errors = [r for r in rows if r.rule.severity is Severity.ERROR]
    warnings = [r for r in rows if r.rule.severity is Severity.WARNING]
    ws["E1"] = "=" + ("+".join(f"C{r.row}" for r in errors) or "0")
    ws["E2"] = "=" + ("+".join(f"C{r.row}" for r in warnings) or "0")
    ws["A1"] = f'=IFERROR({status_formula("E1", "E2")},"Kontrollen kan inte räknas ut just nu.")'
    ws.merge_cells("A1:D1")
    ws["A1"].font = look.font(bold=True, size=16)
    ws["A1"].alignment = Alignment(vertical="center")
    ws.row_dimensions[1].height = 30
    status_colours(ws, "A1:D1", "$E$1", "$E$2", look)


def status_colours(ws: Worksheet, cells: str, errors: str, warnings: str,
                   look: Look = STANDARD_LOOK) -> None:
    """Green when nothing remains, red while an error remains, else yellow."""
    for condition, fill in ((f"{errors}>0", _FILLS[Severity.ERROR]),
                            (f"AND({errors}=0,{warnings}>0)", _FILLS[Severity.WARNING]),
                            (f"{errors}+{warnings}=0", look.assessment_fill(Assessment.GRON))):
        ws.conditional_formatting.add(cells, FormulaRule(formula=[condition], fill=fill))


def _write_table(ws: Worksheet, rows: list[_LiveRow], look: Look) -> None:
    for index, header in enumerate(KONTROLL_HEADERS, start=1):
        cell = ws.cell(_TABLE_ROW, index, header)
        cell.fill, cell.font = look.header_fill, look.header_font
    for live_row in rows:
        rule, row = live_row.rule, live_row.row
        ws.cell(row, 1, rule.code).fill = _FILLS[rule.severity]
        text = f"{rule.title} ({SEVERITY_SV[rule.severity].lower()}). {rule.explanation}"
        ws.cell(row, 2, text).alignment = WRAP_TOP
        count = "+".join(f"SUM(IFERROR({f.test(f.band.range_of(f.column))},0))" for f in live_row.flags)
        ws.cell(row, 3).value = ArrayFormula(f"C{row}", f"={count}")
        _first_cell(ws, live_row)
        ws.row_dimensions[row].height = 15 * max(1, -(-len(text) // 105)) + 3
        for column in range(1, 5):
            ws.cell(row, column).alignment = WRAP_TOP
        ws.conditional_formatting.add(f"C{row}", FormulaRule(
            formula=[f"C{row}>0"], fill=_FILLS[rule.severity], font=Font(bold=True)))
        ws.conditional_formatting.add(f"C{row}", FormulaRule(
            formula=[f"C{row}=0"], fill=look.assessment_fill(Assessment.GRON)))


def _first_cell(ws: Worksheet, live_row: _LiveRow) -> None:
    """Hidden cells: per sheet the first flagged cell as row*100+column; the address of the
    first of them in sheet order; the visible link to it."""
    row = live_row.row
    by_sheet: dict[str, list[Flag]] = {}
    for flag in live_row.flags:
        by_sheet.setdefault(flag.sheet, []).append(flag)
    choices = []
    for index, (sheet, flags) in enumerate(by_sheet.items()):
        position = ws.cell(row, _POSITIONS + index)
        terms = [f"IFERROR(MATCH(1,IFERROR({f.test(f.band.range_of(f.column))},0),0)*100+"
                 f"{f.band.spec.index(f.field) + 1},{_NOT_FOUND})" for f in flags]
        position.value = ArrayFormula(position.coordinate, f"=MIN({','.join(terms)})")
        at = position.coordinate
        address = f'"\'{sheet}\'!"&CHAR(64+MOD({at},100))&INT({at}/100)'
        choices.append((f"{at}<{_NOT_FOUND}", address))
    location = '""'
    for condition, address in reversed(choices):
        location = f"IF({condition},{address},{location})"
    ws.cell(row, _LOCATION, f"={location}")
    at = column_letter(_LOCATION) + str(row)
    ws.cell(row, 4, f'=IF({at}="","",HYPERLINK("#"&{at},SUBSTITUTE({at},"\'","")))')
    ws.cell(row, 4).font = Font(color="0563C1", underline="single")


def _write_at_submission(ws: Worksheet, rows: list[_LiveRow], facts: LiveFacts, look: Look) -> int:
    """The rules only the central validation checks, and how this sheet works."""
    live = {r.rule.code for r in rows}
    row = _TABLE_ROW + len(rows) + 2
    ws.cell(row, 1, KONTROLL_AT_SUBMISSION).font = look.section_font
    for rule in CATALOGUE.values():
        if rule.code in live or not applies(rule, facts.period):
            continue
        row += 1
        ws.cell(row, 1, rule.code)
        ws.cell(row, 2, f"{rule.title} ({SEVERITY_SV[rule.severity].lower()})")
    row += 2
    ws.cell(row, 1, "Så fungerar bladet").font = look.section_font
    for text in _notes(facts):
        row += 1
        ws.cell(row, 2, text).alignment = WRAP_TOP
        ws.row_dimensions[row].height = 15 * max(1, -(-len(text) // 105)) + 3
    return row


def _notes(facts: LiveFacts) -> list[str]:
    return [
        "Kontrollerna räknas om medan du skriver. Celler med fel fylls ljusröda och celler med "
        "varningar gula på sina blad; färgen försvinner när värdet är rättat. Inget värde "
        "ändras, och du kan skriva vad du vill i cellerna.",
        f"Varje blad kontrolleras till och med {LIVE_MARGIN} rader nedanför de förberedda "
        "raderna. Rader du infogar mellan dem kommer med. Ligger något längre ned syns det i "
        "rad 2 här; flytta upp det, annars kontrolleras det först när filen lämnas in.",
        "Aktiviteter jämförs med periodens slut, "
        f"{format_date(facts.reference_date)} (D008), inte med dagens datum.",
        "Knappen Validera och ekonomikontorets kontroll gör dessutom kontrollerna i listan "
        "ovan. Deras markeringar ligger kvar tills du trycker Validera igen; där bladet "
        "Kontroll markerar samma cell syns Kontrollens färg.",
    ]


def _write_helpers(ws: Worksheet, book: LiveBook) -> None:
    for band in book.bands.values():
        for helper in band.helpers.values():
            formula = "=" + helper.formula
            if len(formula) > MAX_FORMULA:
                raise ValueError(f"live formula too long ({len(formula)}) in {band.spec.name}")
            ws[f"{helper.column}{band.top}"] = ArrayFormula(band.range_of(helper.column).replace(
                "$", ""), formula)


def _mark_data_sheets(workbook, rows: Iterable[_LiveRow]) -> None:
    """Errors before warnings: where both apply, the error's colour shows."""
    ordered = sorted(rows, key=lambda r: r.rule.severity is not Severity.ERROR)
    for live_row in ordered:
        severity = live_row.rule.severity
        for flag in live_row.flags:
            letter = flag.band.spec.letter(flag.field)
            target = f"{letter}2:{letter}{flag.band.last}"
            formula = flag.test(f"{SHEET_KONTROLL}!{flag.band.cell_of(flag.column, 2)}") + "=1"
            workbook[flag.sheet].conditional_formatting.add(target, FormulaRule(
                formula=[formula], fill=_FILLS[severity], font=_FONTS[severity]))


def _finish(ws: Worksheet, book: LiveBook, last: int, look: Look) -> None:
    outside = "+".join(f"COUNTA({band.outside()})" for band in book.bands.values())
    ws["A2"] = (f'=IF(({outside})>0,"Obs! Något är ifyllt långt nedanför de förberedda raderna '
                f'och kontrolleras inte här. Flytta upp det.","Ändringar syns direkt. Rätta det '
                f'som räknas nedan; länken går till den första cellen.")')
    ws.merge_cells("A2:D2")
    ws["A2"].alignment = WRAP_TOP
    for letter, width in _WIDTHS.items():
        ws.column_dimensions[letter].width = width
    for index in range(_LOCATION, _HELPERS_FROM + book.width):
        ws.column_dimensions[column_letter(index)].hidden = True
    ws.freeze_panes = f"A{_TABLE_ROW + 1}"
    ws.sheet_view.showGridLines = False
    look.print_setup(ws, title_rows=False, portrait=True)
    ws.print_area = f"A1:D{last}"
    p = ws.protection
    p.sheet = True
    p.selectLockedCells = False
    p.selectUnlockedCells = False
