"""Reading and writing the master goal model workbook (SPEC 2).

`read_model` collects every problem it finds (each naming sheet and cell) and raises one
`ModelError` with all of them, so the central office fixes a broken model in one go.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from malark.core.contract import (
    ADDRESSED_TO_ALL,
    DEADLINE_FIELD,
    DIRECTIONS,
    KOMMUN_FIELDS,
    MODEL_INDIKATORVARDEN,
    MODEL_INSTALLNINGAR,
    MODEL_KF_INDIKATORER,
    MODEL_KF_MAL,
    MODEL_KOMMUN,
    MODEL_NAMNDER,
    MODEL_SHEETS,
    PERIOD_DEADLINE_FIELDS,
    PERSPECTIVES,
    SETTING_TEMPLATE,
    SETTING_YELLOW_THRESHOLD,
    SHEET_META,
    Direction,
)
from malark.core.errors import ModelError
from malark.core.model import Committee, GoalModel, Indicator, KfGoal, Settings
from malark.core.swedish import format_date, format_number, parse_date
from malark.xlsx.indicator_values import read_indicator_values, write_indicator_values
from malark.xlsx.model_sheets import Problems as _Problems
from malark.xlsx.model_sheets import add_sheet as _sheet
from malark.xlsx.model_sheets import list_validation as _list_validation
from malark.xlsx.model_sheets import number as _number
from malark.xlsx.model_sheets import required_text as _required_text
from malark.xlsx.model_sheets import year as _year
from malark.xlsx.sheets import UnreadableWorkbook, read_raw_workbook
from malark.xlsx.table import Cell, Row, Table, build_table

__all__ = ["read_model", "write_model"]

_KOMMUNKOD = re.compile(r"\d{4}")


def _tables(path: Path, problems: _Problems) -> dict[str, Table]:
    try:
        raw = read_raw_workbook(path)
    except UnreadableWorkbook as error:
        raise ModelError(str(path), [str(error)]) from error
    except Exception as error:  # calamine raises several unrelated types for bad files
        raise ModelError(
            str(path),
            [f"filen kan inte läsas som en Excel-arbetsbok (.xlsx): {error}. "
             "Spara den som .xlsx utan lösenord."],
        ) from error
    tables: dict[str, Table] = {}
    try:
        if SHEET_META in raw.sheet_names:
            raise ModelError(str(path), [
                "filen är en arbetsbok som malark har skapat (en nämnds arbetsbok eller en "
                "sammanställning), inte målmodellen. Ange målmodellen, t.ex. malmodell.xlsx."])
        for spec in MODEL_SHEETS:
            if spec.name not in raw.sheet_names:
                problems.add(None, spec.name, "bladet saknas. Lägg till det med rubrikerna "
                             + " | ".join(spec.headers) + " i rad 1.")
                continue
            table = build_table(spec, raw.rows(spec.name))
            for header in table.missing:
                problems.add(None, spec.name, f"kolumnen \"{header}\" saknas i rad 1.")
            tables[spec.name] = table
        optional = MODEL_INDIKATORVARDEN
        if optional.name in raw.sheet_names:
            tables[optional.name] = build_table(optional, raw.rows(optional.name))
            for header in tables[optional.name].missing:
                problems.add(None, optional.name, f"kolumnen \"{header}\" saknas i rad 1.")
    finally:
        raw.close()
    return tables


def _field_values(table: Table, known: dict[str, Any]) -> dict[str, Cell]:
    """`Fält | Värde` sheet → label → value cell; unknown labels are ignored."""
    values: dict[str, Cell] = {}
    for row in table:
        label = row.text("field")
        if label in known:
            values[label] = row.cell("value")
    return values


def _read_kommun(table: Table, problems: _Problems) -> dict[str, Any]:
    sheet = table.sheet
    cells = _field_values(table, {**KOMMUN_FIELDS, **PERIOD_DEADLINE_FIELDS})
    result: dict[str, Any] = {}
    for label in ("Kommun", "Kommunkod", "Budgetår", "Vision"):
        if label not in cells or cells[label].is_empty:
            problems.add(cells.get(label), sheet, f"fältet \"{label}\" saknas eller är tomt.")
    if "Kommun" in cells:
        result["municipality"] = cells["Kommun"].text or ""
    code_cell = cells.get("Kommunkod")
    if code_cell is not None and not code_cell.is_empty:
        code = code_cell.text or ""
        if isinstance(code_cell.value, float) and len(code) == 3:
            code = code.zfill(4)  # 0662 typed as a number loses its leading zero
        if not _KOMMUNKOD.fullmatch(code):
            problems.add(code_cell, sheet, f"Kommunkod ska vara fyra siffror men är \"{code}\".")
        result["municipality_code"] = code
    result["budget_year"] = _year(cells.get("Budgetår"), sheet, "Budgetår", problems)
    result["vision"] = cells["Vision"].text if "Vision" in cells else ""
    result["deadline"] = _deadline(cells.get(DEADLINE_FIELD), DEADLINE_FIELD, sheet, problems)
    period_deadlines = {}
    for label, period in PERIOD_DEADLINE_FIELDS.items():
        day = _deadline(cells.get(label), label, sheet, problems)
        if day is not None:
            period_deadlines[period] = day
    result["period_deadlines"] = period_deadlines
    return result


def _deadline(cell: Cell | None, label: str, sheet: str, problems: _Problems) -> date | None:
    if cell is None or cell.is_empty:
        return None
    day = parse_date(cell.value)
    if day is None:
        problems.add(cell, sheet, f"{label} \"{cell.value}\" är inte ett giltigt datum. Skriv det "
                     "som ÅÅÅÅ-MM-DD.")
    return day


_COMMITTEE_ID = re.compile(r"[A-Za-zÅÄÖåäö0-9]{1,20}")
_KF_GOAL_ID = re.compile(r"KF\d+")


def _check_shape(row: Row, sheet: str, pattern: re.Pattern[str], example: str,
                 problems: _Problems) -> None:
    """SPEC 3's id shapes: ids name files and build other ids (`BUN-1`, `KF3-I1`)."""
    value = row.text("id")
    if value and not pattern.fullmatch(value):
        problems.add(row.cell("id"), sheet, f"id \"{value}\" har fel form. Skriv det som {example}.")


_KF_INDICATOR_ID = re.compile(r"(KF\d+)-I\d+")


def _check_indicator_id(row: Row, sheet: str, goal_id: str, problems: _Problems) -> None:
    """A KF indicator id is `<Mål>-I<n>`. An id of the right shape that names another goal
    than `Mål` is reported as that mismatch (either may be the typo), not renamed."""
    value = row.text("id")
    if not value:
        return
    match = _KF_INDICATOR_ID.fullmatch(value)
    if match is None:
        problems.add(row.cell("id"), sheet, f"id \"{value}\" har fel form. Skriv det som "
                     f"{goal_id}-I följt av ett nummer, t.ex. {goal_id}-I1.")
    elif match[1] != goal_id:
        problems.add(row.cell("id"), sheet, f"id {value} hör till målet {match[1]}, men Mål "
                     f"({row.cell('goal_id').address}) är {goal_id}. Rätta Mål eller id:t så att "
                     "de anger samma KF-mål.")


def _check_unique(row: Row, ids: dict[str, Row], sheet: str, problems: _Problems) -> str:
    goal_id = _required_text(row, "id", sheet, "Id", problems)
    if goal_id and goal_id in ids:
        problems.add(row.cell("id"), sheet,
                     f"id {goal_id} finns redan på rad {ids[goal_id].number}. Id:n måste vara unika.")
    elif goal_id:
        ids[goal_id] = row
    return goal_id


def _read_committees(table: Table, problems: _Problems) -> list[Committee]:
    committees: list[Committee] = []
    ids: dict[str, Row] = {}
    for row in table:
        committee_id = _check_unique(row, ids, table.sheet, problems)
        _check_shape(row, table.sheet, _COMMITTEE_ID, "bokstäver och siffror utan mellanslag "
                     "eller bindestreck, t.ex. BUN", problems)
        name = _required_text(row, "name", table.sheet, "Namn", problems)
        if committee_id and name:
            committees.append(Committee(id=committee_id, name=name, contact=row.text("contact"),
                                        email=row.text("email")))
    if not table.rows and not table.missing:
        problems.add(None, table.sheet, "inga nämnder finns. Lägg till minst en nämnd.")
    return committees


def _read_kf_goals(
    table: Table, committee_ids: tuple[str, ...], problems: _Problems
) -> list[KfGoal]:
    sheet = table.sheet
    goals: list[KfGoal] = []
    ids: dict[str, Row] = {}
    for row in table:
        goal_id = _check_unique(row, ids, sheet, problems)
        _check_shape(row, sheet, _KF_GOAL_ID, "KF följt av ett nummer, t.ex. KF3", problems)
        perspective = row.text("perspective")
        if perspective not in PERSPECTIVES:
            problems.add(row.cell("perspective"), sheet,
                         f"okänt perspektiv \"{perspective or ''}\". Välj ett av: "
                         + ", ".join(PERSPECTIVES) + ".")
        text = _required_text(row, "text", sheet, "Målformulering", problems)
        start = _year(row.cells.get("start_year"), sheet, "Startår", problems)
        end = _year(row.cells.get("end_year"), sheet, "Slutår", problems)
        if start is None and row.cell("start_year").is_empty:
            problems.add(row.cell("start_year"), sheet, "Startår saknas.")
        if end is None and row.cell("end_year").is_empty:
            problems.add(row.cell("end_year"), sheet, "Slutår saknas.")
        if start is not None and end is not None and end < start:
            problems.add(row.cell("end_year"), sheet,
                         f"Slutår {end} ligger före Startår {start}.")
        coordinator = _required_text(row, "coordinator", sheet, "Samordnande nämnd", problems)
        if coordinator and coordinator not in committee_ids:
            problems.add(row.cell("coordinator"), sheet,
                         f"samordnande nämnd \"{coordinator}\" finns inte på bladet Nämnder.")
        addressed_text = row.text("addressed") or ""
        to_all = addressed_text.strip().lower() == ADDRESSED_TO_ALL.lower()
        if to_all:
            addressed = committee_ids
        else:
            addressed = tuple(p.strip() for p in re.split(r"[,;]", addressed_text) if p.strip())
        if not addressed_text:
            problems.add(row.cell("addressed"), sheet,
                         "Adresserad till saknas. Skriv nämndernas id åtskilda med komma, "
                         "eller Alla.")
        for committee_id in addressed:
            if committee_id not in committee_ids:
                problems.add(row.cell("addressed"), sheet,
                             f"nämnden \"{committee_id}\" i Adresserad till finns inte på "
                             "bladet Nämnder.")
        if coordinator in committee_ids and addressed and coordinator not in addressed:
            problems.add(row.cell("coordinator"), sheet,
                         f"samordnande nämnd {coordinator} är inte bland de nämnder målet är "
                         "adresserat till. Lägg till den i Adresserad till.")
        if goal_id and perspective in PERSPECTIVES and text and start and end and coordinator:
            goals.append(KfGoal(id=goal_id, perspective=perspective, text=text, start_year=start,
                                end_year=end, coordinator=coordinator, addressed=addressed,
                                addressed_to_all=to_all))
    return goals


def _read_kf_indicators(table: Table, goal_ids: set[str], problems: _Problems) -> list[Indicator]:
    sheet = table.sheet
    indicators: list[Indicator] = []
    ids: dict[str, Row] = {}
    for row in table:
        indicator_id = _check_unique(row, ids, sheet, problems)
        goal_id = _required_text(row, "goal_id", sheet, "Mål", problems)
        if goal_id:
            _check_indicator_id(row, sheet, goal_id, problems)
        if goal_id and goal_id not in goal_ids:
            problems.add(row.cell("goal_id"), sheet,
                         f"indikatorn hör till målet \"{goal_id}\" som inte finns på bladet KF-mål.")
        name = _required_text(row, "name", sheet, "Indikator", problems)
        direction = row.text("direction") or Direction.HIGHER.value
        if direction not in DIRECTIONS:
            problems.add(row.cell("direction"), sheet,
                         f"okänd riktning \"{direction}\". Välj ett av: " + ", ".join(DIRECTIONS))
            direction = Direction.HIGHER.value
        values = {
            "baseline": _number(row.cells.get("baseline"), sheet, "Utgångsvärde", problems),
            "baseline_year": _year(row.cells.get("baseline_year"), sheet, "Utgångsår", problems),
            "target": _number(row.cells.get("target"), sheet, "Målvärde", problems),
            "target_year": _year(row.cells.get("target_year"), sheet, "Målår", problems),
        }
        if indicator_id and goal_id and name:
            indicators.append(Indicator(id=indicator_id, goal_id=goal_id, name=name,
                                        unit=row.text("unit"), direction=direction,
                                        kolada_kpi=row.text("kolada_kpi"), **values))
    return indicators


def _read_settings(table: Table, problems: _Problems) -> Settings:
    cells = _field_values(table, {SETTING_YELLOW_THRESHOLD: "yellow_threshold",
                                  SETTING_TEMPLATE: "template"})
    template_cell = cells.get(SETTING_TEMPLATE)
    template = template_cell.text.strip() if template_cell is not None and template_cell.text else None
    cell = cells.get(SETTING_YELLOW_THRESHOLD)
    threshold = _number(cell, table.sheet, SETTING_YELLOW_THRESHOLD, problems)
    if threshold is None:
        return Settings(template=template or None)
    if isinstance(cell.value, str) and cell.value.strip().endswith("%"):
        threshold /= 100  # "80 %" is a share written as a percentage: 0,8
    if not 0 < threshold <= 1:
        problems.add(cell, table.sheet, f"Gul-gräns ska ligga mellan 0 och 1 (t.ex. 0,5 eller 50 %) "
                     f"men är {format_number(threshold)}.")
        return Settings(template=template or None)
    return Settings(yellow_threshold=threshold, template=template or None)


def read_model(path: Path | str) -> GoalModel:
    """Read and check the master goal model; raise `ModelError` listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(str(path), ["filen finns inte."])
    problems = _Problems()
    tables = _tables(path, problems)
    if problems.lines:  # without every sheet and header, the rest would only add noise
        raise ModelError(path.name, problems.lines)
    kommun = _read_kommun(tables[MODEL_KOMMUN.name], problems)
    committees = _read_committees(tables[MODEL_NAMNDER.name], problems)
    goals = _read_kf_goals(tables[MODEL_KF_MAL.name], tuple(c.id for c in committees), problems)
    goal_ids = {r.text("id") for r in tables[MODEL_KF_MAL.name] if r.text("id")}
    indicators = _read_kf_indicators(tables[MODEL_KF_INDIKATORER.name], goal_ids, problems)
    settings = _read_settings(tables[MODEL_INSTALLNINGAR.name], problems)
    history = _read_history(tables, goal_ids, problems)
    if problems.lines:
        raise ModelError(path.name, problems.lines)
    return GoalModel(committees=tuple(committees), kf_goals=tuple(goals),
                     kf_indicators=tuple(indicators), settings=settings,
                     indicator_values=tuple(history), **kommun)


def _read_history(tables: dict[str, Table], goal_ids: set[str], problems: _Problems) -> list:
    """The optional `Indikatorvärden` (SPEC 9), checked against the ids the model has."""
    table = tables.get(MODEL_INDIKATORVARDEN.name)
    if table is None:
        return []
    return read_indicator_values(
        table, problems=problems, kf_goals=goal_ids,
        kf_indicators={r.text("id") for r in tables[MODEL_KF_INDIKATORER.name] if r.text("id")},
        committees={r.text("id") for r in tables[MODEL_NAMNDER.name] if r.text("id")})


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
# openpyxl is imported only when writing: reading (validate, the ribbon button) must start fast.


def write_model(model: GoalModel, path: Path | str) -> Path:
    """Write `model` as a master goal model workbook (SPEC 2)."""
    from openpyxl import Workbook

    path = Path(path)
    workbook = Workbook()
    workbook.remove(workbook.active)
    deadline = model.deadline
    deadlines = [[f"{DEADLINE_FIELD} {period.value}", day]
                 for period, day in sorted(model.period_deadlines.items(), key=lambda i: i[0].order)]
    _sheet(workbook, MODEL_KOMMUN, [
        ["Kommun", model.municipality],
        ["Kommunkod", model.municipality_code],
        ["Budgetår", model.budget_year],
        ["Vision", model.vision],
        [DEADLINE_FIELD, deadline],
        *deadlines,
    ])
    ws = workbook[MODEL_KOMMUN.name]
    ws["B3"].number_format = "0"
    ws["B2"].number_format = "@"
    for row in range(6, 7 + len(deadlines)):
        if isinstance(ws.cell(row, 2).value, date):
            ws.cell(row, 2).number_format = "yyyy-mm-dd"
    _sheet(workbook, MODEL_NAMNDER,
           [[c.id, c.name, c.contact, c.email] for c in model.committees])
    ws = _sheet(workbook, MODEL_KF_MAL, [
        [g.id, g.perspective.value, g.text, g.start_year, g.end_year, g.coordinator,
         ADDRESSED_TO_ALL if g.addressed_to_all else ", ".join(g.addressed)]
        for g in model.kf_goals
    ])
    _list_validation(ws, PERSPECTIVES, "B2:B200")
    ws = _sheet(workbook, MODEL_KF_INDIKATORER, [
        [i.id, i.goal_id, i.name, i.unit, i.direction.value, i.baseline, i.baseline_year,
         i.target, i.target_year, i.kolada_kpi]
        for i in model.kf_indicators
    ])
    _list_validation(ws, DIRECTIONS, "E2:E500")
    _sheet(workbook, MODEL_INSTALLNINGAR, [
        [SETTING_YELLOW_THRESHOLD, model.settings.yellow_threshold],
        *([[SETTING_TEMPLATE, model.settings.template]] if model.settings.template else []),
    ])
    if model.indicator_values:
        write_indicator_values(workbook, model.indicator_values)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def describe_deadline(model: GoalModel) -> str:
    """The deadline as Swedish text, or a dash when the model sets none."""
    return format_date(model.deadline) if model.deadline else "–"

