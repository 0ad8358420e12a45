"""Writing one committee workbook (SPEC 3) with openpyxl.

Layout: `Instruktioner`, `Kontroll` (the live checks, `kontroll.py`; left out of a
workbook too large for them, `kontroll.MAX_CELLS`), `KF-mål`, `Nämndmål`, `Indikatorer`,
`Aktiviteter` and the very hidden `_malark`. Each data sheet holds its pre-filled rows
(the model's KF goals and KF indicators, and with `--previous` the committee's carried
goals, indicators and activities) followed by prepared empty rows that already carry
validation, styles and the Trafikljus formula. A prepared row has an empty Id and no value
except that formula, which shows "" until an Utfall is typed, so an untouched prepared row
reads as empty.

`_malark` column D is a helper list of goal ids for the `Mål`/`KF-mål` dropdowns: the KF
goals addressed to the committee, then one `T(INDEX(...))` formula per row of the
`Nämndmål` sheet, so a goal id the controller types there shows up in the dropdowns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import CellIsRule, IconSetRule
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

import malark
from malark.core.contract import (
    COMMITTEE_AKTIVITETER,
    COMMITTEE_INDIKATORER,
    COMMITTEE_KF_MAL,
    COMMITTEE_NAMNDMAL,
    FIELD_HEADER,
    FORMAT_VERSION,
    LIGHT_GREEN,
    LIGHT_RED,
    LIGHT_YELLOW,
    SHEET_INSTRUCTIONS,
    SHEET_KONTROLL,
    SHEET_META,
    VALUE_HEADER,
    Assessment,
    Kind,
    Period,
    SheetSpec,
)
from malark.core.lights import LightRule, light_formula
from malark.core.model import GoalModel, Indicator
from malark.core.scale import AssessmentScale
from malark.core.template import Template, standard_template
from malark.generate.history_outcomes import with_history
from malark.generate.instructions import write_instructions
from malark.generate.kontroll import live_facts, write_kontroll
from malark.generate.look import Look
from malark.generate.previous import Carried
from malark.generate.style import (
    CellLook,
    column_validation,
    guidance,
    protect,
    style_header,
)
from malark.xlsx.atomic import save_workbook
from malark.xlsx.meta import (
    GUL_GRANS_NAME,
    WorkbookMeta,
    gul_grans_row,
    meta_rows,
    snapshot_for,
    template_meta_fields,
)
from malark.xlsx.sheet_layout import (
    computed_columns,
    fit_rows_to_text,
    print_area_formula,
    set_print_area,
)

__all__ = [
    "GOAL_LIST_NAME",
    "KF_GOAL_LIST_NAME",
    "PreparedRows",
    "build_committee_workbook",
    "safe_filename_part",
    "workbook_filename",
    "workbook_filenames",
    "write_committee_workbook",
]

GOAL_LIST_NAME = "MalId"
"""Defined name of every valid goal id (KF goals addressed to the committee + nämndmål)."""
KF_GOAL_LIST_NAME = "KFMalId"
"""Defined name of the KF goal ids addressed to the committee."""
HELPER_COLUMN = "D"
HELPER_HEADER = "Mål-id (lista)"
_HELPER_MARGIN = 50
"""Helper rows beyond the prepared Nämndmål rows, for rows a controller inserts."""


@dataclass(frozen=True, slots=True)
class PreparedRows:
    """Empty rows, ready to fill in, after the pre-filled content of each sheet."""

    goals: int = 30
    indicators: int = 100
    activities: int = 150


@dataclass(slots=True)
class _Row:
    values: dict[str, Any]
    editable: frozenset[str]
    coordinated: bool = False
    """A KF goal the committee coordinates: its locked cells take the coordinated fill."""
    bold: frozenset[str] = frozenset()


def _fields(spec: SheetSpec, *, without: Iterable[str] = ()) -> frozenset[str]:
    skip = set(without)
    return frozenset(c.field for c in spec.columns if c.field not in skip)


def _carried_rows(spec: SheetSpec, rows: list[dict[str, Any]], fixed: tuple[str, ...]) -> list[_Row]:
    """Rows from an earlier period: the Id stays (locked) once given; the rest is the
    committee's own to edit, except the `fixed` fields malark fills in."""
    result = []
    for values in rows:
        locked = set(fixed) | ({"id"} if values.get("id") else set())
        result.append(_Row(values, _fields(spec, without=locked)))
    return result


def _prepared(spec: SheetSpec, count: int, fixed: tuple[str, ...] = ()) -> list[_Row]:
    editable = _fields(spec, without=fixed)
    return [_Row({}, editable) for _ in range(count)]


def _put(cell, value: Any) -> None:
    """Write a carried or model value as what it is: text stays text (never a formula).
    Control characters that an xlsx file cannot hold (they reach us only as `_x000B_`
    escapes) are dropped; they are invisible in Excel anyway."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _write_sheet(ws: Worksheet, spec: SheetSpec, rows: list[_Row], lists: dict[str, str],
                 look: Look) -> int:
    """Header, rows (fitted to their text, see `malark.xlsx.sheet_layout`), per-column
    validation and a print area that ends at the last filled row, in the template's look;
    returns the last row number."""
    style_header(ws, spec, look)
    looks = {c.field: CellLook(c, look) for c in spec.columns}
    fills = {False: look.locked_fill, True: look.coordinated_fill}
    for number, row in enumerate(rows, start=2):
        for index, column in enumerate(spec.columns, start=1):
            cell = ws.cell(number, index)
            value = row.values.get(column.field)
            if value is not None:
                _put(cell, value)
            fill = None if column.kind is Kind.FORMULA else fills[row.coordinated]
            looks[column.field].apply(cell, editable=column.field in row.editable, fill=fill,
                                      bold=column.field in row.bold)
    fit_rows_to_text(ws, len(spec.columns))
    last = max(2, len(rows) + 1)
    for column in spec.columns:
        letter = spec.letter(column.field)
        cells = f"{letter}2:{letter}{last}"
        dv = (column_validation(column, cells, list_name=lists.get(column.field))
              or guidance(spec, column, cells))
        if dv is not None:
            ws.add_data_validation(dv)
    ws.auto_filter.ref = f"A1:{spec.letter(spec.columns[-1].field)}{last}"
    protect(ws, rows_editable=True)
    look.print_setup(ws)
    set_print_area(ws.parent, ws, print_area_formula(spec.name, len(spec.columns), last,
                                                     computed_columns(spec)))
    return last


def _kf_rows(model: GoalModel, committee_id: str) -> list[_Row]:
    rows = []
    for goal in model.goals_addressed_to(committee_id):
        coordinated = goal.coordinator == committee_id
        editable = {"contribution"} | ({"assessment", "analysis", "actions"} if coordinated else set())
        values = {"id": goal.id, "perspective": goal.perspective.value, "text": goal.text,
                  "coordinator": goal.coordinator}
        rows.append(_Row(values, frozenset(editable), coordinated,
                         frozenset({"coordinator"}) if coordinated else frozenset()))
    return rows


def _model_indicator_values(indicator: Indicator, previous: Any) -> dict[str, Any]:
    return {
        "id": indicator.id, "goal_id": indicator.goal_id, "name": indicator.name,
        "unit": indicator.unit, "direction": indicator.direction.value,
        "baseline": indicator.baseline, "baseline_year": indicator.baseline_year,
        "target": indicator.target, "target_year": indicator.target_year,
        "previous_outcome": previous, "kolada_kpi": indicator.kolada_kpi,
    }


def _indicator_rows(model: GoalModel, committee_id: str, carried: Carried, count: int) -> list[_Row]:
    spec = COMMITTEE_INDIKATORER
    rows = [
        _Row(_model_indicator_values(i, carried.kf_previous_outcomes.get(i.id)),
             frozenset({"outcome", "comment"}))
        for i in snapshot_for(model, committee_id).kf_indicators
    ]
    fixed = ("previous_outcome", "light")
    rows += _carried_rows(spec, carried.indicators, fixed)
    rows += _prepared(spec, count, fixed)
    return rows


def _add_lights(ws: Worksheet, last: int, rule: LightRule, look: Look) -> None:
    """The Trafikljus formula of the template's rule in every row and its conditional
    formatting in the template's colours."""
    spec = COMMITTEE_INDIKATORER
    column = spec.index("light") + 1
    for number in range(2, last + 1):
        ws.cell(number, column).value = light_formula(number, rule=rule)
    letter = spec.letter("light")
    target = f"{letter}2:{letter}{last}"
    icons = IconSetRule("3TrafficLights1", "num", [0, LIGHT_YELLOW, LIGHT_GREEN])
    ws.conditional_formatting.add(target, icons)
    for code, name in ((LIGHT_GREEN, Assessment.GRON), (LIGHT_YELLOW, Assessment.GUL),
                       (LIGHT_RED, Assessment.ROD)):
        ws.conditional_formatting.add(
            target, CellIsRule(operator="equal", formula=[str(code)], fill=look.assessment_fill(name)))


def _add_assessment_colours(ws: Worksheet, spec: SheetSpec, last: int, look: Look) -> None:
    """`Bedömning` cells take the colour of the assessment chosen (Kungälv's legend), in
    the template's words and colours."""
    letter = spec.letter("assessment")
    for name in (Assessment.GRON, Assessment.GUL, Assessment.ROD):
        word = look.scale.label_of(name).replace('"', '""')
        ws.conditional_formatting.add(f"{letter}2:{letter}{last}", CellIsRule(
            operator="equal", formula=[f'"{word}"'], fill=look.assessment_fill(name)))


def _with_scale(spec: SheetSpec, scale: AssessmentScale) -> SheetSpec:
    """`spec` with the `Bedömning` dropdown in the template's words (SPEC 3c)."""
    columns = tuple(replace(c, choices=scale.choices) if c.field == "assessment" else c
                    for c in spec.columns)
    return SheetSpec(spec.name, columns)


def _write_meta(ws: Worksheet, meta: WorkbookMeta, kf_ids: list[str], goal_rows_last: int) -> dict[str, str]:
    """`_malark` rows, the goal-id helper column; returns the defined names to create."""
    rows = meta_rows(meta)
    ws.append([FIELD_HEADER, VALUE_HEADER])
    for name, value in rows:
        ws.append([name, value])
    ws[f"{HELPER_COLUMN}1"] = HELPER_HEADER
    helper_row = 2
    for goal_id in kf_ids:
        ws[f"{HELPER_COLUMN}{helper_row}"] = goal_id
        helper_row += 1
    kf_last = max(2, helper_row - 1)
    helper_row = kf_last + 1  # with no KF goal, D2 stays empty: the KF list is then empty
    source = f"'{COMMITTEE_NAMNDMAL.name}'!$A:$A"
    for goal_row in range(2, goal_rows_last + _HELPER_MARGIN + 1):
        ws[f"{HELPER_COLUMN}{helper_row}"] = f"=T(INDEX({source},{goal_row}))"
        helper_row += 1
    ws.sheet_state = "veryHidden"
    protect(ws, rows_editable=False)
    column = f"'{SHEET_META}'!${HELPER_COLUMN}$"
    return {
        GUL_GRANS_NAME: f"'{SHEET_META}'!$B${gul_grans_row(rows)}",
        KF_GOAL_LIST_NAME: f"{column}2:${HELPER_COLUMN}${kf_last}",
        GOAL_LIST_NAME: f"{column}2:${HELPER_COLUMN}${helper_row - 1}",
    }


def build_committee_workbook(
    model: GoalModel,
    committee_id: str,
    period: Period,
    *,
    carried: Carried | None = None,
    generated_at: datetime | None = None,
    prepared: PreparedRows = PreparedRows(),
    template: Template | None = None,
) -> Workbook:
    """The committee workbook of `committee_id` for `period`, not yet saved, in the look,
    words and light rule of `template` (SPEC 3c; the standard template when None)."""
    template = template or standard_template()
    carried = with_history(model, period, carried or Carried())
    snapshot = snapshot_for(model, committee_id)
    carried_ids = carried.carried_ids()
    if carried_ids:
        snapshot = snapshot.model_copy(update={"carried": carried_ids,
                                               "carried_from": carried.source})
    meta = WorkbookMeta(
        format_version=FORMAT_VERSION, kommun=model.municipality, kommunkod=model.municipality_code,
        budgetår=model.budget_year, period=period, nämnd=committee_id,
        generated_at=(generated_at or datetime.now(UTC)).replace(microsecond=0),
        model_fingerprint=model.fingerprint(), malark_version=malark.__version__, kind="committee",
        snapshot=snapshot, snapshot_sha256=snapshot.sha256(),
        **template_meta_fields(template, model),
    )
    look = Look.of(template)
    workbook = Workbook()
    look.use_font(workbook)
    instructions = workbook.active
    instructions.title = SHEET_INSTRUCTIONS
    kontroll = workbook.create_sheet(SHEET_KONTROLL)
    lists = {"goal_id": GOAL_LIST_NAME, "kf_goal_id": KF_GOAL_LIST_NAME}
    lasts: dict[str, int] = {}
    ws = workbook.create_sheet(COMMITTEE_KF_MAL.name)
    kf_spec = _with_scale(COMMITTEE_KF_MAL, template.scale)
    goal_spec = _with_scale(COMMITTEE_NAMNDMAL, template.scale)
    lasts[ws.title] = _write_sheet(ws, kf_spec, _kf_rows(model, committee_id), lists, look)
    _add_assessment_colours(ws, kf_spec, lasts[ws.title], look)
    goal_rows = _carried_rows(COMMITTEE_NAMNDMAL, carried.goals, ())
    goal_rows += _prepared(COMMITTEE_NAMNDMAL, prepared.goals)
    ws = workbook.create_sheet(COMMITTEE_NAMNDMAL.name)
    goals_last = lasts[ws.title] = _write_sheet(ws, goal_spec, goal_rows, lists, look)
    _add_assessment_colours(ws, goal_spec, goals_last, look)
    ws = workbook.create_sheet(COMMITTEE_INDIKATORER.name)
    lasts[ws.title] = _write_sheet(ws, COMMITTEE_INDIKATORER, _indicator_rows(
        model, committee_id, carried, prepared.indicators), lists, look)
    _add_lights(ws, lasts[ws.title], template.light_rule, look)
    activity_rows = _carried_rows(COMMITTEE_AKTIVITETER, carried.activities, ())
    activity_rows += _prepared(COMMITTEE_AKTIVITETER, prepared.activities)
    ws = workbook.create_sheet(COMMITTEE_AKTIVITETER.name)
    lasts[ws.title] = _write_sheet(ws, COMMITTEE_AKTIVITETER, activity_rows, lists, look)
    live = write_kontroll(kontroll, live_facts(model, committee_id, period, template.scale), lasts,
                          look)
    if not live:  # too large to check live (`kontroll.MAX_CELLS`): checked when handed in
        workbook.remove(kontroll)
    write_instructions(instructions, model, committee_id, period, live=live, template=template,
                       look=look)
    names = _write_meta(workbook.create_sheet(SHEET_META), meta,
                        [g.id for g in snapshot.kf_goals], goals_last)
    for name, reference in names.items():
        workbook.defined_names[name] = DefinedName(name, attr_text=reference)
    workbook.active = 0
    return workbook


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{device}{n}" for device in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")})
_PART_LENGTH = 60
"""Characters of one part of a file name (kommun, committee id): with the year and the
period the name stays far below Windows' 255 per name and 260 per path."""


def safe_filename_part(text: str) -> str:
    """`text` usable in a file name on Windows, macOS and Linux and visible in a folder:
    Swedish letters and spaces kept; characters a file system refuses and invisible ones
    (control, zero-width, direction) replaced by `-`; runs of white space made one space;
    no leading `.` or `~` (a hidden file, or one Excel's lock-file pattern `~$` skips), no
    trailing dots or spaces (Windows drops them); at most `_PART_LENGTH` characters."""
    text = unicodedata.normalize("NFC", text)
    text = "".join("-" if unicodedata.category(ch) in _INVISIBLE and not ch.isspace() else ch
                   for ch in text)
    cleaned = _UNSAFE.sub("-", " ".join(text.split()))
    cleaned = cleaned.lstrip(".~ ")[:_PART_LENGTH].rstrip(". ")
    return cleaned or "-"


def _windows_safe(stem: str) -> str:
    """`CON_…`, `AUX.x_…`: a name whose part before the first dot is a device name is
    unusable on Windows; such a part gets a `-`."""
    base = stem.split(".", 1)[0]
    if base.rstrip(" ").upper() in _WINDOWS_RESERVED:
        return base + "-" + stem[len(base):]
    return stem


def workbook_filename(model: GoalModel, period: Period, committee_id: str) -> str:
    """`<kommun>_<år>_<period>_<NÄMND>.xlsx`, e.g. `Sjöberga_2027_Plan_BUN.xlsx`."""
    parts = (model.municipality, str(model.budget_year), period.value, committee_id)
    return _windows_safe("_".join(safe_filename_part(p) for p in parts)) + ".xlsx"


def workbook_filenames(model: GoalModel, period: Period, committee_ids: Iterable[str]) -> dict[str, str]:
    """Committee id → its file name, every name distinct even where the file system
    ignores case or where two ids differ only in characters a name cannot hold (the
    later one gets `-2`, `-3`, …)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for committee_id in committee_ids:
        name = workbook_filename(model, period, committee_id)
        stem, number = name[:-len(".xlsx")], 1
        while name.casefold() in taken:
            number += 1
            name = f"{stem}-{number}.xlsx"
        taken.add(name.casefold())
        names[committee_id] = name
    return names


def write_committee_workbook(workbook: Workbook, path: Path) -> Path:
    """Save atomically: a crash never leaves a half-written workbook at `path`."""
    return save_workbook(workbook, path)
