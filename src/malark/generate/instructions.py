"""The `Instruktioner` sheet: what the committee fills in this period, by when, whom to ask,
what the colours mean and how to check the file: first the `Kontroll` sheet (its counts
are in row 2), then the Validera button and the central check."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from malark.core.contract import (
    COMMITTEE_AKTIVITETER,
    COMMITTEE_INDIKATORER,
    COMMITTEE_KF_MAL,
    COMMITTEE_NAMNDMAL,
    KONTROLL_ERRORS_NAME,
    KONTROLL_MARGIN,
    KONTROLL_STATUS_READY,
    KONTROLL_WARNINGS_NAME,
    SHEET_KONTROLL,
    Assessment,
    Period,
)
from malark.core.model import GoalModel
from malark.core.swedish import format_date
from malark.generate.kontroll import status_colours, status_formula
from malark.generate.style import (
    COORDINATED_FILL,
    INPUT_FILL,
    LEGEND_FILLS,
    LOCKED_FILL,
    WRAP_TOP,
    print_setup,
    protect,
)

__all__ = ["PERIOD_TITLES", "instruction_rows", "write_instructions"]

PERIOD_TITLES = {
    Period.PLAN: "Plan – nämndens mål, indikatorer och aktiviteter inför budgetåret",
    Period.T1: "T1 – uppföljning tertial 1 (januari–april)",
    Period.T2: "T2 – delårsrapport (januari–augusti)",
    Period.HELAR: "Helår – uppföljning till årsredovisningen",
}

_KF, _GOALS = COMMITTEE_KF_MAL.name, COMMITTEE_NAMNDMAL.name
_INDICATORS, _ACTIVITIES = COMMITTEE_INDIKATORER.name, COMMITTEE_AKTIVITETER.name

_PLAN_TASKS = (
    (_GOALS, "Formulera nämndens mål under de KF-mål som är adresserade till nämnden (välj "
             "KF-mål i listan). Målen ska vara SMARTA: specifika, mätbara, accepterade, "
             "realistiska, tidsbundna (Startår, Slutår) och ha en Ansvarig."),
    (_INDICATORS, "Minst en indikator per nämndmål med Riktning, Utgångsvärde, Utgångsår, "
                  "Målvärde och Målår. Utfall fylls i vid uppföljningen."),
    (_ACTIVITIES, "Vad som ska göras, av vem och när (Startdatum, Slutdatum), med Status."),
    (_KF, "Varje KF-mål här ska ha minst ett nämndmål eller en aktivitet. Beskriv gärna i "
          "Bidrag hur nämnden ska bidra."),
)
_FOLLOW_UP_TASKS = (
    (_INDICATORS, "Utfall för varje indikator, som ett tal utan %-tecken. Föregående utfall "
                  "står bredvid. Trafikljuset räknas ut direkt när du skriver utfallet."),
    (_GOALS, "Bedömning för varje nämndmål (Grön, Gul, Röd eller Ej bedömd). Analys när "
             "bedömningen är Gul eller Röd. Åtgärder när den är Röd."),
    (_KF, "Bidrag: hur nämnden har bidragit till varje KF-mål. För KF-mål som nämnden "
          "samordnar (blå rader): samlad Bedömning och Analys för hela kommunen."),
    (_ACTIVITIES, "Uppdatera Status för varje aktivitet och kommentera förseningar."),
)
_HELAR_NOTE = ("Helårsbedömningen är underlag för årsredovisningen: bedöm om målet är uppnått "
               "för året och vad som återstår.")
_LEGEND = (
    (Assessment.GRON.value, "Målet uppnått."),
    (Assessment.GUL.value, "Under kontroll, följ utvecklingen."),
    (Assessment.ROD.value, "Stor avvikelse utifrån målet, ange åtgärder."),
    (Assessment.EJ_BEDOMD.value, "Inget utfall eller ingen bedömning ännu."),
)
_CHECK_STEPS = (
    f"Bladet {SHEET_KONTROLL} kontrollerar arbetsboken medan du skriver, i Excel, på webben och "
    "i LibreOffice, utan att något behöver installeras. Högst upp står hur många fel och "
    "varningar som återstår, och varje kontroll har en länk till den första cellen att rätta.",
    "På bladen är celler med fel ljusröda och celler med varningar gula; färgen försvinner "
    "när värdet är rättat. Rätta alla fel och läs varningarna tills det står "
    f"{KONTROLL_STATUS_READY}.",
    "Några kontroller görs först när filen lämnas in (de står längst ned på bladet "
    f"{SHEET_KONTROLL}). Finns fliken Målark i menyfliksområdet (Office-tillägget eller "
    "malark.xlam) kan du göra dem själv med knappen Validera; annars hör ekonomikontoret av "
    "sig om något behöver rättas.",
    "Spara som .xlsx utan att byta filnamn och skicka filen till ekonomikontoret.",
)
_VALIDATE_STEPS = (
    "Fliken Målark i menyfliksområdet → knappen Validera (Office-tillägget eller malark.xlam, "
    "se instruktionen från ekonomikontoret).",
    "Bladet Valideringsresultat visar varje fel och varning med en länk till cellen. Rätta "
    "alla fel; läs varningarna.",
    "Tryck Validera igen tills inga fel återstår, spara som .xlsx utan att byta filnamn och "
    "skicka filen till ekonomikontoret.",
)
"""The steps of a workbook too large for the `Kontroll` sheet (`kontroll.MAX_CELLS`)."""
_RULES = (
    "Fyll bara i de gula cellerna; välj i listan där cellen har en pil. Grå celler är låsta.",
    "Behöver du fler rader: använd de förberedda tomma raderna längst ned på varje blad. Lämna "
    "Id tomt på en ny rad – malark ger raden ett id vid sammanställningen.",
    "Byt inte namn på blad eller rubriker. Bladen är skyddade utan lösenord.",
)


_MARGIN_NOTE = f" Bladet {SHEET_KONTROLL} kontrollerar också {KONTROLL_MARGIN} rader nedanför dem."


def instruction_rows(model: GoalModel, committee_id: str, period: Period, *,
                     live: bool = True) -> list[tuple[str, str]]:
    """`(label, text)` rows of the sheet; a label of `#` starts a section heading. `live`:
    the workbook has the `Kontroll` sheet."""
    committee = model.committee(committee_id)
    day = model.deadline_for(period)
    deadline = format_date(day) if day else "enligt ekonomikontorets utskick"
    contact = ", ".join(p for p in (committee.contact, committee.email) if p) or "–"
    rows: list[tuple[str, str]] = [
        ("Kommun", f"{model.municipality} (budgetår {model.budget_year})"),
        ("Nämnd", f"{committee.name} ({committee.id})"),
        ("Period", PERIOD_TITLES[period]),
        ("Sista inlämningsdag", deadline),
        ("Kontaktperson", contact),
        ("Vision", model.vision),
        ("#", "Det här fyller du i den här perioden"),
    ]
    tasks = _PLAN_TASKS if period is Period.PLAN else _FOLLOW_UP_TASKS
    rows.extend((f"Bladet {sheet}", text) for sheet, text in tasks)
    if period is Period.HELAR:
        rows.append(("Helår", _HELAR_NOTE))
    rows.append(("#", "Färger"))
    rows.append(("Gul cell", "Här fyller du i."))
    rows.append(("Grå cell", "Låst: kommer från målmodellen eller från tidigare period."))
    rows.append(("Blå rad", f"På bladet {_KF}: KF-mål som nämnden samordnar."))
    rows.extend(_LEGEND)
    percent = f"{model.settings.yellow_threshold * 100:g}".replace(".", ",")
    rows.append(("Trafikljus", "Räknas ut för varje indikator: Grön när utfallet når målvärdet; "
                 f"Gul när utfallet har kommit minst {percent} % av vägen från utgångsvärdet mot "
                 "målvärdet (utan utgångsvärde: högst 10 % från målvärdet); annars Röd. "
                 "Tomt = ej bedömd."))
    rows.append(("#", "Så här gör du"))
    rules = (_RULES[0], _RULES[1] + _MARGIN_NOTE, *_RULES[2:]) if live else _RULES
    rows.extend((f"{n}.", text) for n, text in enumerate(rules, start=1))
    if live:
        rows.append(("#", "Kontrollera innan du skickar in"))
        rows.extend((f"{n}.", text) for n, text in enumerate(_CHECK_STEPS, start=1))
    else:
        rows.append(("#", "Kontrollera filen med Validera"))
        rows.extend((f"{n}.", text) for n, text in enumerate(_VALIDATE_STEPS, start=1))
    return rows


def _status_row(ws: Worksheet) -> None:
    """Row 2: the counts of the `Kontroll` sheet, linked to it (SPEC 3b's defined names); a
    note instead when the sheet is gone."""
    errors, warnings = KONTROLL_ERRORS_NAME, KONTROLL_WARNINGS_NAME
    status = status_formula(errors, warnings)
    ws.append([SHEET_KONTROLL, f'=IFERROR(HYPERLINK("#\'{SHEET_KONTROLL}\'!A1",{status}'
                               f'&" – se bladet {SHEET_KONTROLL}"),"Bladet {SHEET_KONTROLL} saknas; '
                               'ekonomikontoret kontrollerar filen när den lämnas in.")'])
    ws["A2"].font = ws["B2"].font = Font(bold=True, size=12)
    ws.row_dimensions[2].height = 20
    status_colours(ws, "A2:B2", errors, warnings)


_LABEL_FILLS = {
    "Gul cell": INPUT_FILL, "Grå cell": LOCKED_FILL, "Blå rad": COORDINATED_FILL, **LEGEND_FILLS,
}


def write_instructions(ws: Worksheet, model: GoalModel, committee_id: str, period: Period, *,
                       live: bool = True) -> None:
    """The sheet; `live`: the workbook has the `Kontroll` sheet (its status in row 2)."""
    committee = model.committee(committee_id)
    ws.append([f"Målarbete {model.budget_year} – {committee.name}", None])
    ws["A1"].font = Font(bold=True, size=14, color="1F4E78")
    ws.row_dimensions[1].height = 24
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100
    if live:
        _status_row(ws)
    for label, text in instruction_rows(model, committee_id, period, live=live):
        if label == "#":
            ws.append([text, None])
            cell = ws.cell(ws.max_row, 1)
            cell.font = Font(bold=True, size=12, color="1F4E78")
            ws.row_dimensions[ws.max_row].height = 22
            continue
        ws.append([label, text])
        row = ws.max_row
        ws.cell(row, 1).font = Font(bold=True)
        ws.cell(row, 1).alignment = Alignment(vertical="top")
        ws.cell(row, 2).alignment = WRAP_TOP
        if label in _LABEL_FILLS:
            ws.cell(row, 1).fill = _LABEL_FILLS[label]
        lines = max(1, -(-len(text) // 105))
        if lines > 1:
            ws.row_dimensions[row].height = 15 * lines + 3
    protect(ws, rows_editable=False)
    print_setup(ws, title_rows=False)
    ws.page_setup.orientation = "portrait"
