"""`malark merge`: validate every returned workbook, then consolidate them (SPEC 1, 4, 6).

Order of work: every input is validated with the shared engine; two files for the same
committee are refused (S011 on each, saying which is newest); rows with an empty `Id` get
the next free id (an info finding); any input with an error stops the merge before
anything is written, unless `skip_invalid` (then the invalid inputs are listed as
`Ej inläst`). The consolidated workbook is then written atomically
(`malark.merge.consolidated`) and the rows written are checked against the rows read.
With `previous` (the consolidation of the period before), a committee without a merged
file keeps its last known goals, indicators and activities: they are written after the
submitted rows, marked with the period they come from (`malark.merge.carry`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from malark.core.contract import (
    CONSOLIDATED_DATA_SHEETS,
    SHEET_META,
    SHEET_OVERVIEW,
    SHEET_SUBMISSIONS,
    SUBMISSION_STATUS_MISSING,
    SUBMISSION_STATUS_NOT_READ,
    SUBMISSION_STATUS_READ,
    Period,
)
from malark.core.errors import InputError, OutputError, os_reason
from malark.core.model import GoalModel
from malark.core.scale import DEFAULT_SCALE
from malark.core.template import Template
from malark.generate.previous import PreviousWorkbook, read_previous
from malark.merge.carry import carried_rows
from malark.merge.consolidated import ConsolidatedWriter, Consolidation, SubmissionStatus
from malark.merge.prepare import Prepared, Progress, in_words, prepare_each
from malark.validate.submission import FileReport
from malark.validate.validation import flag_duplicates

__all__ = ["MergeResult", "merge_files"]


@dataclass(slots=True)
class MergeResult:
    """What `merge_files` did; `to_dict` is the `merge --format json` document."""

    reports: list[FileReport]
    output: Path | None
    """The consolidated workbook, or None when nothing was written."""
    merged: list[str] = field(default_factory=list)
    """Committee ids whose submission is in the output."""
    missing: list[str] = field(default_factory=list)
    """Committees of the model with no file at all."""
    not_merged: list[str] = field(default_factory=list)
    """Files that were not merged (errors; only written with `skip_invalid`)."""
    row_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    """Data sheet → {"input": rows read, "output": rows written from the files,
    "carried": rows carried from `previous`}."""
    carried: dict[str, str] = field(default_factory=dict)
    """Committee → the period its carried rows come from (`T1 2027`)."""
    previous: Path | None = None
    period: Period | None = None

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.reports)

    @property
    def warnings(self) -> int:
        return sum(r.warnings for r in self.reports)

    @property
    def rows_match(self) -> bool:
        return all(c["input"] == c["output"] for c in self.row_counts.values())

    def to_dict(self) -> dict[str, Any]:
        """SPEC 4's document (`malark_version`, `files`) plus the merge keys."""
        from malark.core.text import display_path
        from malark.validate.render import json_document

        return json_document(
            self.reports,
            output=display_path(self.output) if self.output else None,
            merged=self.merged,
            missing=self.missing,
            not_merged=self.not_merged,
            carried=self.carried,
            row_counts={sheet: dict(c, match=c["input"] == c["output"])
                        for sheet, c in self.row_counts.items()},
        )


def merge_files(
    paths: Sequence[Path],
    *,
    model: GoalModel,
    out: Path,
    period: Period | None = None,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
    previous: Path | None = None,
    force: bool = False,
    template: Template | None = None,
) -> MergeResult:
    """Validate `paths` with the shared engine and write the consolidation to `out`
    (an existing `out` only with `force`, and only an earlier consolidation). `previous`
    is the consolidation of the period before: committees without a merged file keep
    their rows from it. `template` gives the consolidation its assessment words (SPEC 3c;
    None: the standard's); each file's lights follow its own recorded rule.

    While files are still being validated (in worker processes), the data rows of valid
    files are already written to the temporary output in committee order; anything
    unexpected (an error, a duplicate, a file out of order) stops that, and the final
    decision is taken when every file is validated: abandon the temporary file, finish
    it, or write it again from the rows kept in memory."""
    _check_replaceable(out, force)
    earlier = read_previous(previous, model, period) if previous is not None else None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        stream = _Stream(out, model, stop_on_error=not skip_invalid, template=template)
    except OSError as error:
        raise OutputError(_cannot_write(out, error)) from error
    try:
        return _merge(paths, model, out, period, skip_invalid, progress, workers, stream, earlier,
                      template)
    except OSError as error:
        stream.writer.abandon()
        raise OutputError(_cannot_write(out, error)) from error
    except BaseException:
        stream.writer.abandon()
        raise


def _check_replaceable(out: Path, force: bool) -> None:
    """An existing `out` is replaced only with `force` (like `generate`), and then only
    when it is an earlier consolidated workbook or no workbook at all: never a
    committee's returned workbook, the goal model or another workbook named with -o by
    mistake. Told apart by the sheets its workbook part lists (SPEC 6: `Översikt` first,
    `Inlämningar` and `_malark`), so a large earlier consolidation is not read again."""
    if not out.is_file():
        return
    from malark.xlsx.ooxml import listed_sheets

    sheets = listed_sheets(out)
    consolidation = (bool(sheets) and sheets[0] == SHEET_OVERVIEW
                     and {SHEET_SUBMISSIONS, SHEET_META} <= set(sheets))
    if sheets is not None and not consolidation:
        raise OutputError(f"{out} finns redan och är ingen sammanställning från malark (till "
                          "exempel en nämnds arbetsbok eller målmodellen), så den skrivs inte "
                          "över, inte heller med --force. Välj ett annat filnamn med -o.")
    if not force:
        raise OutputError(f"{out} finns redan och skrivs inte över. Välj ett annat filnamn med "
                          "-o, eller använd --force för att ersätta den tidigare sammanställningen.")


def _cannot_write(out: Path, error: OSError) -> str:
    return (f"Sammanställningen {out} kan inte skrivas ({os_reason(error)}). Kontrollera "
            "att mappen finns och går att skriva i, och att filen inte är öppen i Excel. "
            "En tidigare sammanställning med samma namn är orörd.")


def _merge(paths: Sequence[Path], model: GoalModel, out: Path, period: Period | None,
           skip_invalid: bool, progress: Progress | None, workers: int | None,
           stream: _Stream, earlier: PreviousWorkbook | None,
           template: Template | None) -> MergeResult:
    order = {c: i for i, c in enumerate(model.committee_ids)}
    queue = sorted(range(len(paths)), key=lambda i: (order.get(_guess(paths[i]), len(order)), i))
    prepared: dict[int, Prepared] = {}
    each = prepare_each([paths[i] for i in queue], model=model, period=period, progress=progress,
                        workers=workers)
    for index, item in zip(queue, each, strict=True):
        prepared[index] = item = in_words(item, stream.scale)
        stream.offer(item)
    items = [prepared[i] for i in range(len(paths))]
    reports = [p.report for p in items]
    flag_duplicates(reports)
    result = MergeResult(reports=reports, output=None, period=period, missing=_missing(model, reports),
                         previous=earlier.path if earlier else None)
    mergeable = [p for p in items if p.report.ok and p.report.committee_id and p.rows]
    chosen = {id(p.report) for p in mergeable}
    result.not_merged = [r.file for r in reports if id(r) not in chosen]
    if result.not_merged and not skip_invalid:
        stream.writer.abandon()
        return result
    result.period = (period or _common_period([p.report for p in mergeable])
                     or _common_period(reports))
    if result.period is None:
        raise InputError("Ingen av filerna kunde läsas, så perioden är okänd. Ange den med "
                         "--period för att skriva en sammanställning utan inlämningar.")
    mergeable.sort(key=lambda p: (order.get(p.report.committee_id, len(order)), p.report.committee_id))
    rows: dict[str, list[list[Any]]] = {s.name: [] for s in CONSOLIDATED_DATA_SHEETS}
    read = dict.fromkeys(rows, 0)
    for item in mergeable:
        for sheet in rows:
            rows[sheet].extend(item.rows.get(sheet, ()))
            read[sheet] += item.read_rows.get(sheet, 0)
    result.merged = [p.report.committee_id for p in mergeable]
    carried: dict[str, list[list[Any]]] = {}
    if earlier is not None:
        earlier.check_precedes(result.period, model)
        absent = [c for c in model.committee_ids if c not in result.merged]
        carried, result.carried = carried_rows(earlier, model, absent)
    consolidation = Consolidation(
        model=model, period=result.period, rows=rows, carried=carried,
        submissions=_statuses(model, reports, chosen, result.carried),
        findings=[(r.committee_id, f) for r in reports for f in r.findings],
        merged=result.merged, generated_at=_as_of(model, mergeable), template=template,
    )
    written = stream.complete(mergeable, consolidation)
    result.row_counts = {}
    for sheet in rows:
        count = len(carried.get(sheet, ()))
        result.row_counts[sheet] = {"input": read[sheet], "output": written[sheet] - count,
                                    "carried": count}
    result.output = out
    return result


def _as_of(model: GoalModel, mergeable: list) -> datetime:
    """`generated_at` of the consolidation: the newest `generated_at` of the merged
    workbooks, so that merging the same inputs twice gives the same cells (SPEC 6)."""
    stamps = [p.report.submission.meta.generated_at for p in mergeable
              if p.report.submission is not None and p.report.submission.meta is not None]
    stamps = [s if s.tzinfo else s.replace(tzinfo=UTC) for s in stamps]
    return max(stamps) if stamps else datetime(model.budget_year, 1, 1, tzinfo=UTC)


def _guess(path: Path) -> str:
    """The committee a file is probably for, from `generate`'s file name (`…_<NÄMND>.xlsx`);
    only used to validate files in committee order, never trusted."""
    return path.stem.rsplit("_", 1)[-1]


class _Stream:
    """Writes the rows of valid files in committee order while others are validated."""

    def __init__(self, out: Path, model: GoalModel, *, stop_on_error: bool,
                 template: Template | None = None) -> None:
        self.out, self.model = out, model
        self.scale = template.scale if template is not None else DEFAULT_SCALE
        self.writer = ConsolidatedWriter(out, model, self.scale)
        self.order = {c: i for i, c in enumerate(model.committee_ids)}
        self.streamed: list[str] = []
        self.open = True
        self.stop_on_error = stop_on_error

    def offer(self, item: Prepared) -> None:
        if not self.open:
            return
        committee = item.report.committee_id
        if not item.report.ok:
            self.open = not self.stop_on_error
            return
        last = self.order[self.streamed[-1]] if self.streamed else -1
        if not item.rows or committee not in self.order or self.order[committee] <= last:
            self.open = False
            return
        for sheet, sheet_rows in item.rows.items():
            self.writer.append(sheet, sheet_rows)
        self.streamed.append(committee)

    def complete(self, mergeable: list[Prepared], consolidation: Consolidation) -> dict[str, int]:
        """Finish the output: keep what was streamed when it is the start of the final
        committee order, else start over; then write the rest and the other sheets."""
        final = [p.report.committee_id for p in mergeable]
        if final[:len(self.streamed)] != self.streamed:
            self.writer.abandon()
            self.writer = ConsolidatedWriter(self.out, self.model, self.scale)
            self.streamed = []
        for item in mergeable[len(self.streamed):]:
            for sheet, sheet_rows in item.rows.items():
                self.writer.append(sheet, sheet_rows)
        for sheet, sheet_rows in consolidation.carried.items():
            self.writer.append(sheet, sheet_rows)
        return self.writer.finish(consolidation)


def _common_period(reports: list[FileReport]) -> Period | None:
    periods = sorted({r.period for r in reports if r.period})
    if len(periods) > 1:
        files = "; ".join(f"{p}: " + ", ".join(r.file for r in reports if r.period == p) for p in periods)
        raise InputError(f"Filerna gäller olika perioder ({files}). Ange vilken period som ska "
                         "sammanställas med --period.")
    return Period(periods[0]) if periods else None


def _missing(model: GoalModel, reports: list[FileReport]) -> list[str]:
    present = {r.committee_id for r in reports if r.committee_id}
    return [c for c in model.committee_ids if c not in present]


def _statuses(model: GoalModel, reports: list[FileReport], merged_ids: set[int],
              carried: dict[str, str]) -> list[SubmissionStatus]:
    """One row per committee of the model (then any other files), in model order."""
    by_committee: dict[str | None, list[FileReport]] = {}
    for report in reports:
        by_committee.setdefault(report.committee_id if report.committee_id else None, []).append(report)
    names = {c.id: c.name for c in model.committees}
    rows: list[SubmissionStatus] = []
    keys = [*model.committee_ids, *sorted(k for k in by_committee if k and k not in names), None]
    for committee in keys:
        group = by_committee.get(committee, [])
        origin = carried.get(committee or "")
        if not group and committee is not None:
            rows.append(SubmissionStatus(committee, names.get(committee), None, None,
                                         SUBMISSION_STATUS_MISSING, carried_from=origin))
        for report in group:
            status = SUBMISSION_STATUS_READ if id(report) in merged_ids else SUBMISSION_STATUS_NOT_READ
            sha = report.submission.data.sha256 if report.submission else None
            rows.append(SubmissionStatus(committee, names.get(committee or ""), report.file, sha,
                                         status, report.errors, report.warnings,
                                         None if status == SUBMISSION_STATUS_READ else origin))
    return rows

