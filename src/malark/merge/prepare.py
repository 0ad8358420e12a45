"""Per-file work of `merge`: read, validate with the shared engine, give empty Ids their
next free id, and turn the data rows into consolidated rows (`Nämnd` + SPEC 3 columns).

A file's work is independent of the others, so with many files it runs in worker
processes (`malark.merge.workers`: one file at a time each, bounded memory, dying with the
parent) and only the small result travels back: the file's findings and metadata, and its
rows as plain values. A worker that dies on a file (a crash in a parser, memory exhausted)
or overruns its time gives that file an S009 finding, and the other files go on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from malark.core.contract import (
    COMMITTEE_DATA_SHEETS,
    COMMITTEE_INDIKATORER,
    CONSOLIDATED_DATA_SHEETS,
    TREND_COLUMN,
    Direction,
    Kind,
    Period,
)
from malark.core.findings import rule
from malark.core.history import History
from malark.core.lights import LightRule, rule_light
from malark.core.model import GoalModel
from malark.core.scale import DEFAULT_SCALE, AssessmentScale
from malark.core.swedish import number_from_cell
from malark.core.text import display_path
from malark.merge.history import indicator_trend
from malark.merge.workers import DEFAULT_TIMEOUT, UNREADABLE, internal_error, run_isolated
from malark.validate.checks.values import typed_value
from malark.validate.ids import AssignedId, assign_ids, is_data_row
from malark.validate.submission import FileReport, Submission
from malark.validate.validation import validate_workbook_data
from malark.xlsx.reader import read_workbook
from malark.xlsx.workbook import WorkbookData

__all__ = ["Prepared", "committee_rows", "crashed_file", "prepare_each", "prepare_file"]

ID_ASSIGNED = "K005"
ID_ASSIGNED_TEXT = "Sammanställningen gav raden id {id}; nästa period behåller det."
_RESAVE = "Öppna filen i Excel, spara den som Excel-arbetsbok (.xlsx) och skicka den igen."
PARALLEL_MIN_FILES = 8
"""Below this many files the work stays in this process (starting workers costs more)."""

Progress = Callable[[int, int, Path], None]


@dataclass(slots=True)
class Prepared:
    """One file's result: its report (metadata, findings; no cells) and its rows."""

    report: FileReport
    rows: dict[str, list[list[Any]]] = field(default_factory=dict)
    """Committee sheet name → consolidated rows (empty when the file is not mergeable)."""
    read_rows: dict[str, int] = field(default_factory=dict)
    """Committee sheet name → data rows read from the file (every row a user filled in;
    a prepared row with nothing but its Trafikljus formula is not one)."""


def prepare_file(path: Path, model: GoalModel, period: Period | None) -> Prepared:
    report = validate_workbook_data(read_workbook(path), model=model, period=period)
    prepared = Prepared(report=report)
    submission = report.submission
    if report.ok and submission is not None and submission.committee_id:
        assigned = assign_ids(submission.committee_id, submission.tables,
                              reserved=[i.id for i in model.kf_indicators])
        _replace_id_findings(report, assigned)
        prepared.rows = committee_rows(submission, assigned, model)
        prepared.read_rows = {name: len(rows) for name, rows in prepared.rows.items()}
    report.submission = _without_cells(submission)
    return prepared


def _without_cells(submission: Submission | None) -> Submission | None:
    """The submission's identity (file, sha256, metadata) without its cells."""
    if submission is None:
        return None
    data = WorkbookData(file=submission.data.file, sha256=submission.data.sha256)
    return Submission(data=data, meta=submission.meta, meta_problem=submission.meta_problem)


def _replace_id_findings(report: FileReport, assigned: list[AssignedId]) -> None:
    """Validation says a row has no Id (K005); merge says which id it got instead."""
    cells = {(a.sheet, a.cell) for a in assigned}
    report.findings[:] = [f for f in report.findings
                          if not (f.code == ID_ASSIGNED and (f.sheet, f.cell) in cells)]
    report.findings.extend(
        rule(ID_ASSIGNED).finding(file=report.file, sheet=a.sheet, cell=a.cell, ref=a.new_id,
                                  outcome=ID_ASSIGNED_TEXT.format(id=a.new_id))
        for a in assigned)


def committee_rows(submission: Submission, assigned: list[AssignedId],
                   model: GoalModel) -> dict[str, list[list[Any]]]:
    """The submission's data rows in consolidated column order (`Nämnd` first). Values as
    read, except that a number, year or date typed as text is written as the value D011
    reported (`typed_value`; the committee's own file is untouched) and a dropdown value
    or id without surrounding spaces; an empty Id gets its assigned id; `Trafikljus` is
    the light code by the workbook's own light rule (SPEC 5, 3c); an `Indikatorer` row has
    its trend against the history's previous year (SPEC 9); `Från period` stays empty (the
    row is this period's). Assessments stay in the workbook's own words (`in_words`)."""
    committee = submission.committee_id
    meta = submission.meta
    new_ids = {(a.sheet, a.row): a.new_id for a in assigned}
    result: dict[str, list[list[Any]]] = {}
    for spec, consolidated in zip(COMMITTEE_DATA_SHEETS, CONSOLIDATED_DATA_SHEETS, strict=True):
        table = submission.tables.get(spec.name)
        kinds = [(c.field, c.kind if c.kind in _TYPED else None) for c in spec.columns]
        after = [None] * (len(consolidated.columns) - len(spec.columns) - 1)  # Trend, Från period
        id_at = 1 + spec.index("id")
        sheet_rows: list[list[Any]] = []
        for row in table.rows if table else ():
            if not is_data_row(row):
                continue
            cells = row.cells
            values = [committee, *(_typed(cells[f].value, kind) if f in cells else None
                                   for f, kind in kinds), *after]
            new_id = new_ids.get((spec.name, row.number))
            if new_id is not None:
                values[id_at] = new_id
            sheet_rows.append(values)
        result[spec.name] = sheet_rows
    light = 1 + COMMITTEE_INDIKATORER.index("light")
    at = {f: 1 + COMMITTEE_INDIKATORER.index(f)
          for f in ("id", "baseline", "target", "previous_outcome", "outcome", "direction")}
    history = History(model.indicator_values)
    rule = meta.ljusregel if meta is not None else LightRule.SHARE_OF_WAY
    parameter = meta.gul_grans if meta is not None else model.settings.yellow_threshold
    for values in result[COMMITTEE_INDIKATORER.name]:
        values[light] = _light(values, at, rule, parameter)
        values[_TREND_AT] = indicator_trend(history, model.budget_year, values[at["id"]],
                                            values[at["outcome"]], values[at["direction"]])
    return result


_TREND_AT = next(s for s in CONSOLIDATED_DATA_SHEETS
                 if s.name == COMMITTEE_INDIKATORER.name).index(TREND_COLUMN.field)
_TYPED = frozenset({Kind.NUMBER, Kind.YEAR, Kind.DATE, Kind.CHOICE, Kind.ID, Kind.GOAL_REF})
"""Kinds whose text `typed_value` may change; other columns are written as read."""


def _typed(value: Any, kind: Kind | None) -> Any:
    """`typed_value` where it can change something: text, or a bare number in a date column."""
    if kind is None or not (type(value) is str or (kind is Kind.DATE and type(value) is float)):
        return value
    return typed_value(value, kind)


def _light(values: list[Any], at: dict[str, int], rule: LightRule, parameter: float) -> int | None:
    direction = values[at["direction"]]
    direction = direction.strip() if isinstance(direction, str) else direction
    if direction not in (Direction.HIGHER.value, Direction.LOWER.value):
        direction = Direction.HIGHER
    return rule_light(rule, baseline=number_from_cell(values[at["baseline"]]),
                      target=number_from_cell(values[at["target"]]),
                      outcome=number_from_cell(values[at["outcome"]]),
                      previous=number_from_cell(values[at["previous_outcome"]]),
                      direction=direction, parameter=parameter)


_ASSESSED = {s.name: 1 + s.index("assessment") for s in COMMITTEE_DATA_SHEETS
             if "assessment" in (c.field for c in s.columns)}


def in_words(prepared: Prepared, scale: AssessmentScale) -> Prepared:
    """`prepared`'s assessments in `scale`'s words: a workbook made with another template
    (other words for Grön/Gul/Röd/Ej bedömd, SPEC 3c) is written in the consolidation's
    words, as the same assessment; the committee's own file is untouched."""
    meta = prepared.report.submission.meta if prepared.report.submission is not None else None
    own = meta.scale if meta is not None else DEFAULT_SCALE
    if own == scale:
        return prepared
    for sheet, column in _ASSESSED.items():
        for values in prepared.rows.get(sheet, ()):
            values[column] = own.translate(values[column], scale)
    return prepared


def crashed_file(path: Path, code: str, reason: str) -> Prepared:
    """The result for a file whose worker died or overran (S009) or met an unexpected
    error (S001): not merged, the other files go on."""
    name = display_path(path)
    finding = rule(code).finding(file=name, reason=reason, what_to_do=_RESAVE)
    return Prepared(report=FileReport(file=name, findings=[finding], submission=None))


def _prepare_guarded(path: Path, model: GoalModel, period: Period | None) -> Prepared:
    """`prepare_file` in this process: an unexpected error stops this file only."""
    try:
        return prepare_file(path, model, period)
    except Exception as error:  # noqa: BLE001 - one file must never stop the merge
        return crashed_file(path, UNREADABLE, internal_error(error))


def prepare_each(paths: Sequence[Path], *, model: GoalModel, period: Period | None,
                 progress: Progress | None = None, workers: int | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> Iterator[Prepared]:
    """`prepare_file` for every path, yielded in order as each is ready; in isolated
    worker processes when there are many files."""
    total = len(paths)
    count = workers if workers is not None else min(os.cpu_count() or 1, total)
    if count > 1 and total >= PARALLEL_MIN_FILES:
        results = run_isolated(prepare_file, [(p,) for p in paths], common=(model, period),
                               workers=count, timeout=timeout,
                               crashed=lambda index, *why: crashed_file(paths[index], *why))
    else:
        results = (_prepare_guarded(path, model, period) for path in paths)
    for done, (path, prepared) in enumerate(zip(paths, results, strict=True), start=1):
        if progress is not None:
            progress(done, total, path)
        yield prepared
