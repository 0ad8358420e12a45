"""Simulated committee controllers for `malark demo`.

Each function opens a generated committee workbook with openpyxl and types into it the
way a controller would: new rows below the pre-filled ones, numbers in number cells,
choices from the dropdown lists. A few controllers make the mistakes validation exists to
catch; `correct_mistakes` is them fixing their file after pressing Validera.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl.worksheet.worksheet import Worksheet

from malark.core.contract import (
    COMMITTEE_AKTIVITETER,
    COMMITTEE_INDIKATORER,
    COMMITTEE_KF_MAL,
    COMMITTEE_NAMNDMAL,
    Assessment,
    Direction,
    Period,
    SheetSpec,
    Status,
)
from malark.core.lights import indicator_light
from malark.core.model import GoalModel
from malark.xlsx.sheet_layout import keep_layout, load_for_edit

__all__ = ["Mistake", "correct_mistakes", "fill_follow_up", "fill_plan"]

# (goal text, indicator name, unit, direction, baseline, target, activity, responsible)
_GOALS: dict[str, list[tuple[str, str, str, Direction, float, float, str, str]]] = {
    "KF1": [
        ("Andelen elever som känner sig trygga i skolan ska vara minst 92 % år {end}.",
         "Andel elever som känner sig trygga i skolan", "%", Direction.HIGHER, 86, 92,
         "Införa rastvärdar på alla skolgårdar", "Rektorerna"),
        ("Andelen brukare inom hemtjänsten som känner sig trygga ska öka till 90 % år {end}.",
         "Andel brukare som känner sig trygga med hemtjänsten", "%", Direction.HIGHER, 84, 90,
         "Fasta team och namngiven kontaktperson för varje brukare", "Enhetschef hemtjänst"),
        ("Antalet anmälda skadegörelsebrott i centrala Sjöberga ska minska till högst 150 per år "
         "senast {end}.", "Anmälda skadegörelsebrott i centrum", "antal", Direction.LOWER, 210, 150,
         "Ny belysning längs gång- och cykelvägar i centrum", "Gatuchef"),
    ],
    "KF2": [
        ("Besöken på biblioteken ska öka till 6,0 per invånare år {end}.",
         "Biblioteksbesök per invånare", "antal/inv", Direction.HIGHER, 4.8, 6.0,
         "Meröppet bibliotek i Norrby och Västra Sjöberga", "Bibliotekschef"),
        ("Handläggningstiden för bygglov ska vara högst 5 veckor i genomsnitt år {end}.",
         "Genomsnittlig handläggningstid för bygglov", "veckor", Direction.LOWER, 8, 5,
         "Digital bygglovsansökan med automatisk komplettering", "Bygglovschef"),
        ("Andelen invånare som är nöjda med gång- och cykelvägarna ska vara minst 70 % år {end}.",
         "Nöjdhet med gång- och cykelvägar", "%", Direction.HIGHER, 58, 70,
         "Bygga 4 km ny cykelväg mellan Norrby och centrum", "Trafikingenjör"),
    ],
    "KF3": [
        ("Nämnden ska hålla sin budgetram och ha en budgetavvikelse på högst 0 % vid årets slut.",
         "Budgetavvikelse av nettokostnad", "%", Direction.HIGHER, -1.2, 0,
         "Månatlig budgetuppföljning med alla enhetschefer", "Förvaltningsekonom"),
    ],
    "KF4": [
        ("Investeringarna ska till 100 % finansieras med egna medel under planperioden.",
         "Självfinansieringsgrad av nämndens investeringar", "%", Direction.HIGHER, 82, 100,
         "Prioritera investeringsplanen efter nytta och underhållsbehov", "Ekonomichef"),
    ],
    "KF5": [
        ("Sjukfrånvaron bland nämndens medarbetare ska vara högst 6,5 % år {end}.",
         "Sjukfrånvaro bland medarbetarna", "%", Direction.LOWER, 8.1, 6.5,
         "Hälsofrämjande arbetsplatsträffar varje kvartal", "HR-strateg"),
        ("Medarbetarengagemanget (HME) ska vara minst 80 år {end}.",
         "Hållbart medarbetarengagemang (HME)", "index", Direction.HIGHER, 75, 80,
         "Ledarutvecklingsprogram för alla chefer", "Förvaltningschef"),
    ],
    "KF6": [
        ("Kommunens fordonsflotta ska till 90 % drivas med fossilfria drivmedel år {end}.",
         "Andel fossilfria fordon i fordonsflottan", "%", Direction.HIGHER, 55, 90,
         "Byta 25 bilar till elbilar och bygga laddplatser", "Fordonssamordnare"),
        ("Energianvändningen i kommunens lokaler ska minska till högst 150 kWh/m² år {end}.",
         "Energianvändning i kommunens lokaler", "kWh/m²", Direction.LOWER, 182, 150,
         "Energieffektivisera ventilationen i tio skolor", "Fastighetschef"),
    ],
}
_VAGUE_GOAL = "Utveckla ett kvalitetssystem för att säkerställa en näringsrik mat och trivsam miljö"

_ANALYSIS = {
    Assessment.GRON: "Målet är uppnått för perioden. Arbetet fortsätter enligt plan.",
    Assessment.GUL: "Utvecklingen går åt rätt håll men långsammare än planerat. Vi följer "
                    "utvecklingen månadsvis.",
    Assessment.ROD: "Stor avvikelse: personalomsättning och vakanser har försenat arbetet.",
}
_ACTIONS = "Extra rekryteringsinsats under hösten och omprioritering inom budgetramen."


@dataclass(frozen=True, slots=True)
class Mistake:
    """A deliberate mistake: the cell, the wrong value typed and the right one."""

    sheet: str
    cell: str
    wrong: object
    right: object


def _first_free_row(ws: Worksheet, spec: SheetSpec) -> int:
    """First row from 2 whose Id and main text cell are both empty."""
    text_field = "name" if spec is COMMITTEE_INDIKATORER else "text"
    id_col, text_col = spec.letter("id"), spec.letter(text_field)
    row = 2
    while ws[f"{id_col}{row}"].value not in (None, "") or ws[f"{text_col}{row}"].value not in (None, ""):
        row += 1
    return row


def _put(ws: Worksheet, spec: SheetSpec, row: int, **values: object) -> None:
    for field, value in values.items():
        ws[f"{spec.letter(field)}{row}"] = value


def fill_plan(path: Path, model: GoalModel, committee_id: str, rng: random.Random,
              *, mistakes: bool = False) -> list[Mistake]:
    """Type a committee's plan: one or two nämndmål per addressed KF goal, each with an
    indicator and an activity. With `mistakes`, leave out the answer to one KF goal and
    write one vague goal; returns what to correct (empty when the mistake is only a
    warning that needs no correction)."""
    workbook = load_for_edit(path)
    goals_ws, ind_ws, act_ws = (workbook[s.name] for s in
                                (COMMITTEE_NAMNDMAL, COMMITTEE_INDIKATORER, COMMITTEE_AKTIVITETER))
    made: list[Mistake] = []
    number = 0
    addressed = model.goals_addressed_to(committee_id)
    skipped = addressed[-1].id if mistakes and len(addressed) > 2 else None
    for kf in addressed:
        if kf.id == skipped:
            continue
        bank = _GOALS.get(kf.id, [])
        for text, ind_name, unit, direction, base, target, activity, resp in rng.sample(
                bank, k=min(len(bank), rng.choice((1, 2)))):
            number += 1
            goal_id = f"{committee_id}-{number}"
            row = _first_free_row(goals_ws, COMMITTEE_NAMNDMAL)
            _put(goals_ws, COMMITTEE_NAMNDMAL, row, id=goal_id, kf_goal_id=kf.id,
                 perspective=kf.perspective.value, text=text.format(end=kf.end_year),
                 responsible=resp, start_year=model.budget_year, end_year=kf.end_year)
            irow = _first_free_row(ind_ws, COMMITTEE_INDIKATORER)
            _put(ind_ws, COMMITTEE_INDIKATORER, irow, id=f"{goal_id}-I1", goal_id=goal_id,
                 name=ind_name, unit=unit, direction=direction.value, baseline=base,
                 baseline_year=model.budget_year - 1, target=target, target_year=kf.end_year)
            arow = _first_free_row(act_ws, COMMITTEE_AKTIVITETER)
            _put(act_ws, COMMITTEE_AKTIVITETER, arow, id=f"{goal_id}-A1", goal_id=goal_id,
                 text=activity, responsible=resp, start_date=date(model.budget_year, 2, 1),
                 end_date=date(model.budget_year, rng.choice((6, 9, 12)), 30 if rng.random() < .5
                               else 28), status=Status.EJ_PABORJAD.value)
    if mistakes:
        number += 1
        row = _first_free_row(goals_ws, COMMITTEE_NAMNDMAL)
        _put(goals_ws, COMMITTEE_NAMNDMAL, row, id=f"{committee_id}-{number}",
             kf_goal_id=addressed[0].id, perspective=addressed[0].perspective.value,
             text=_VAGUE_GOAL, start_year=model.budget_year, end_year=model.budget_year)
        arow = _first_free_row(act_ws, COMMITTEE_AKTIVITETER)
        _put(act_ws, COMMITTEE_AKTIVITETER, arow, id=f"{committee_id}-{number}-A1",
             goal_id=f"{committee_id}-{number}", text="Kartlägga måltidsmiljön i alla kök",
             responsible="Kostchef", start_date=date(model.budget_year, 3, 1),
             end_date=date(model.budget_year, 11, 30), status=Status.EJ_PABORJAD.value)
        if skipped:
            arow = _first_free_row(act_ws, COMMITTEE_AKTIVITETER)
            cell = f"{COMMITTEE_AKTIVITETER.letter('goal_id')}{arow}"
            _put(act_ws, COMMITTEE_AKTIVITETER, arow, id=f"{skipped}-A1", goal_id=None,
                 text="Delta i kommunens gemensamma arbete med målet", responsible="Förvaltningschef",
                 start_date=date(model.budget_year, 1, 15), end_date=date(model.budget_year, 12, 31),
                 status=Status.EJ_PABORJAD.value)
            made.append(Mistake(COMMITTEE_AKTIVITETER.name, cell, None, skipped))
    keep_layout(workbook)
    workbook.save(path)
    return made


def _outcome(rng: random.Random, base: float, target: float, direction: str) -> tuple[float, int]:
    """An outcome that lands green, yellow or red about 45/35/20 % of the time."""
    share = rng.choices((1.05, 0.7, 0.2), weights=(45, 35, 20))[0]
    value = round(base + (target - base) * share, 1)
    return value, indicator_light(base, target, value, direction) or 0


def fill_follow_up(path: Path, model: GoalModel, committee_id: str, period: Period,
                   rng: random.Random, *, mistakes: bool = False) -> list[Mistake]:
    """Type a follow-up: outcomes, assessments that agree with them, analyses, actions,
    activity status, Bidrag for every addressed KF goal. With `mistakes`, one outcome is
    typed as text ("72,5 %": read and reported as info) and one Röd goal lacks Åtgärder."""
    workbook = load_for_edit(path)
    kf_ws, goals_ws, ind_ws, act_ws = (workbook[s.name] for s in (
        COMMITTEE_KF_MAL, COMMITTEE_NAMNDMAL, COMMITTEE_INDIKATORER, COMMITTEE_AKTIVITETER))
    made: list[Mistake] = []
    spec = COMMITTEE_INDIKATORER
    lights_by_goal: dict[str, list[int]] = {}
    text_typed = False
    for row in range(2, ind_ws.max_row + 1):
        goal_id = ind_ws[f"{spec.letter('goal_id')}{row}"].value
        base = ind_ws[f"{spec.letter('baseline')}{row}"].value
        target = ind_ws[f"{spec.letter('target')}{row}"].value
        if not goal_id or not isinstance(target, int | float) or not isinstance(base, int | float):
            continue
        direction = ind_ws[f"{spec.letter('direction')}{row}"].value or Direction.HIGHER.value
        value, light = _outcome(rng, base, target, direction)
        typed: object = value
        if mistakes and not text_typed:
            typed, text_typed = f"{value:.1f} %".replace(".", ","), True
        ind_ws[f"{spec.letter('outcome')}{row}"] = typed
        lights_by_goal.setdefault(goal_id, []).append(light)
    names = {3: Assessment.GRON, 2: Assessment.GUL, 1: Assessment.ROD}
    missing_action_done = False
    spec = COMMITTEE_NAMNDMAL
    for row in range(2, goals_ws.max_row + 1):
        goal_id = goals_ws[f"{spec.letter('id')}{row}"].value
        if not goal_id:
            continue
        lights = lights_by_goal.get(goal_id) or [2]
        assessment = names[min(lights)]
        _put(goals_ws, spec, row, assessment=assessment.value, analysis=_ANALYSIS[assessment])
        if assessment is Assessment.ROD:
            cell = f"{spec.letter('actions')}{row}"
            if mistakes and not missing_action_done:
                missing_action_done = True
                made.append(Mistake(spec.name, cell, None, _ACTIONS))
            else:
                goals_ws[cell] = _ACTIONS
    spec = COMMITTEE_AKTIVITETER
    for row in range(2, act_ws.max_row + 1):
        if act_ws[f"{spec.letter('id')}{row}"].value or act_ws[f"{spec.letter('text')}{row}"].value:
            status = rng.choices((Status.KLAR, Status.PAGAR, Status.FORSENAD), (30, 55, 15))[0]
            act_ws[f"{spec.letter('status')}{row}"] = status.value
    spec = COMMITTEE_KF_MAL
    for row in range(2, kf_ws.max_row + 1):
        kf_id = kf_ws[f"{spec.letter('id')}{row}"].value
        if not kf_id:
            continue
        kf_ws[f"{spec.letter('contribution')}{row}"] = (
            f"{model.committee(committee_id).name} har under {period.value} bidragit genom "
            "nämndmålen och aktiviteterna kopplade till målet.")
        if kf_ws[f"{spec.letter('coordinator')}{row}"].value == committee_id:
            own = [min(v) for k, v in lights_by_goal.items() if k.startswith(kf_id)]
            assessment = names[min(own)] if own else Assessment.GUL
            _put(kf_ws, spec, row, assessment=assessment.value,
                 analysis="Samlad bedömning för kommunen: " + _ANALYSIS[assessment])
            if assessment is Assessment.ROD:
                _put(kf_ws, spec, row, actions="Kommunövergripande: " + _ACTIONS)
    keep_layout(workbook)
    workbook.save(path)
    return made


def correct_mistakes(path: Path, mistakes: list[Mistake]) -> None:
    """The controller fixes what Validera showed."""
    if not mistakes:
        return
    workbook = load_for_edit(path)
    for mistake in mistakes:
        workbook[mistake.sheet][mistake.cell] = mistake.right
    keep_layout(workbook)
    workbook.save(path)

