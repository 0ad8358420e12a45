"""Writing the consolidated workbook (SPEC 6) with xlsxwriter, atomically.

The workbook is written in `constant_memory` mode (rows go straight to disk, in order per
sheet) with `strings_to_formulas`, `strings_to_urls` and `strings_to_numbers` off, and
every value is written by its type: text with `write_string` (a comment `=HYPERLINK(…)`
stays text), numbers as numbers, dates as dates with a date format. Nothing a committee
typed is changed. The file is written through `malark.xlsx.atomic.AtomicFile` (nameless
until it is moved into place with `os.replace`), so a crash, Ctrl-C or a kill never leaves
a half file or a temporary one, and never destroys an earlier consolidation.

Lights (SPEC 5): numeric codes 3/2/1 carry an icon set (3 traffic lights); assessment
text cells (`Grön`/`Gul`/`Röd`) carry a fill. The two never share a cell, because
LibreOffice shows only the top rule where an icon set and a fill overlap.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from malark import __version__
from malark.core.contract import (
    COMMITTEE_INDIKATORER,
    CONSOLIDATED_DATA_SHEETS,
    CONSOLIDATED_DEVIATIONS,
    CONSOLIDATED_SHEET_ORDER,
    FIELD_HEADER,
    FINDING_PREFIX_HEADERS,
    FORMAT_VERSION,
    RESULT_HEADERS,
    SHEET_DEVIATIONS,
    SHEET_FINDINGS,
    SHEET_HISTORY,
    SHEET_META,
    SHEET_OVERVIEW,
    SHEET_SUBMISSIONS,
    SHEET_TRENDS,
    SUBMISSION_HEADERS,
    VALUE_HEADER,
    Period,
)
from malark.core.findings import Finding
from malark.core.model import GoalModel
from malark.core.scale import DEFAULT_SCALE, AssessmentScale
from malark.core.template import Template
from malark.merge.history import end_trend_column, write_history_sheets
from malark.merge.overview import write_overview
from malark.merge.rollup import deviation_rows
from malark.merge.style import Styles
from malark.merge.tables import end_data_sheet, start_data_sheet, write_data_sheet, write_plain, write_rows
from malark.validate.result_sheet import result_rows
from malark.xlsx.atomic import AtomicFile
from malark.xlsx.meta import WorkbookMeta, meta_rows, snapshot_for, template_meta_fields

__all__ = ["Consolidation", "SubmissionStatus", "write_consolidated", "WRITER_OPTIONS"]

WRITER_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}

SUBMISSION_WIDTHS = (9, 30, 50, 66, 11, 6, 10, 12)
FINDING_WIDTHS = (40, 9, 12, 7, 14, 8, 12, 90)


@dataclass(frozen=True, slots=True)
class SubmissionStatus:
    """One row of `Inlämningar`."""

    committee_id: str | None
    committee_name: str | None
    file: str | None
    sha256: str | None
    status: str
    """`contract.SUBMISSION_STATUS_*`."""
    errors: int = 0
    warnings: int = 0
    carried_from: str | None = None
    """The period the committee's carried rows come from (`Rader från`)."""

    def cells(self) -> list[Any]:
        return [self.committee_id, self.committee_name, self.file, self.sha256, self.status,
                self.errors if self.file else None, self.warnings if self.file else None,
                self.carried_from]


@dataclass(slots=True)
class Consolidation:
    """Everything the consolidated workbook shows, already in row order."""

    model: GoalModel
    period: Period
    rows: dict[str, list[list[Any]]]
    """Data sheet name → rows in `CONSOLIDATED_DATA_SHEETS` column order (`Nämnd` first),
    the submitted rows only (the Översikt, `Avvikelser` and the summary read these)."""
    submissions: list[SubmissionStatus]
    findings: list[tuple[str | None, Finding]] = field(default_factory=list)
    """(committee id, finding) for every finding of every input."""
    merged: list[str] = field(default_factory=list)
    generated_at: datetime | None = None
    carried: dict[str, list[list[Any]]] = field(default_factory=dict)
    """Data sheet name → rows carried from an earlier period, written after `rows`."""
    template: Template | None = None
    """The workbook template whose words the consolidation uses (None: the standard)."""


def consolidated_meta(model: GoalModel, period: Period, generated_at: datetime,
                      template: Template | None = None) -> WorkbookMeta:
    snapshot = snapshot_for(model, None)
    return WorkbookMeta(
        format_version=FORMAT_VERSION, kommun=model.municipality,
        kommunkod=model.municipality_code, budgetår=model.budget_year, period=period,
        nämnd=None, generated_at=generated_at, model_fingerprint=model.fingerprint(),
        malark_version=__version__, kind="consolidated",
        snapshot=snapshot, snapshot_sha256=snapshot.sha256(),
        **template_meta_fields(template, model),
    )


def write_consolidated(
    consolidation: Consolidation,
    out: Path,
    *,
    after_sheet: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Write the workbook to `out` atomically; returns the rows written per data sheet.

    `after_sheet(name)` is called after each sheet is written (tests use it to fail
    midway and check that nothing is left behind)."""
    scale = consolidation.template.scale if consolidation.template else DEFAULT_SCALE
    writer = ConsolidatedWriter(out, consolidation.model, scale)
    try:
        for spec in CONSOLIDATED_DATA_SHEETS:
            writer.append(spec.name, consolidation.rows[spec.name])
            writer.append(spec.name, consolidation.carried.get(spec.name, ()))
        return writer.finish(consolidation, after_sheet=after_sheet)
    except BaseException:
        writer.abandon()
        raise


class ConsolidatedWriter:
    """The workbook being written to a temporary file next to `out`.

    Data rows can be appended (in order) before the rest of the consolidation is known,
    so `merge` writes while workers still validate; `finish` writes the other sheets and
    moves the file into place; `abandon` removes it. Until `finish`, `out` is untouched.
    """

    def __init__(self, out: Path, model: GoalModel, scale: AssessmentScale = DEFAULT_SCALE) -> None:
        self.out = Path(out)
        self.output = AtomicFile(self.out)
        self.workbook = xlsxwriter.Workbook(self.output.handle, WRITER_OPTIONS)
        self.styles = Styles(self.workbook, scale)
        self.sheets = {n: self.workbook.add_worksheet(n) for n in CONSOLIDATED_SHEET_ORDER}
        self.specs = {s.name: s for s in CONSOLIDATED_DATA_SHEETS}
        self.counts = dict.fromkeys(self.specs, 0)
        self.closed = False
        for spec in CONSOLIDATED_DATA_SHEETS:
            start_data_sheet(self.sheets[spec.name], self.styles, spec)
        self.workbook.set_properties({"title": f"Målstyrning {model.municipality} {model.budget_year}",
                                      "author": "malark"})

    def append(self, sheet: str, rows: Iterable[Sequence[Any]]) -> None:
        self.counts[sheet] = write_rows(self.sheets[sheet], self.styles, self.specs[sheet], rows,
                                         self.counts[sheet])

    def finish(self, c: Consolidation, *, after_sheet: Callable[[str], None] | None = None) -> dict[str, int]:
        """Write everything but the data rows, close and move into place."""
        after = after_sheet or (lambda _name: None)
        sheets, styles = self.sheets, self.styles
        write_overview(sheets[SHEET_OVERVIEW], styles, c.model, c.period, c.rows, c.merged,
                       absent_statuses(c))
        after(SHEET_OVERVIEW)
        for name, spec in self.specs.items():
            end_data_sheet(sheets[name], styles, spec, self.counts[name])
            after(name)
        end_trend_column(sheets[COMMITTEE_INDIKATORER.name], styles, self.counts[COMMITTEE_INDIKATORER.name])
        _write_deviations(sheets[SHEET_DEVIATIONS], styles, c.model, c.rows)
        after(SHEET_DEVIATIONS)
        write_history_sheets(sheets[SHEET_HISTORY], sheets[SHEET_TRENDS], styles, c.model, c.period,
                             c.rows)
        after(SHEET_HISTORY)
        write_plain(sheets[SHEET_SUBMISSIONS], styles, SUBMISSION_HEADERS, SUBMISSION_WIDTHS,
                     (s.cells() for s in c.submissions))
        after(SHEET_SUBMISSIONS)
        write_plain(sheets[SHEET_FINDINGS], styles, (*FINDING_PREFIX_HEADERS, *RESULT_HEADERS),
                     FINDING_WIDTHS, _finding_rows(c.findings))
        after(SHEET_FINDINGS)
        generated_at = c.generated_at or datetime.now(UTC).replace(microsecond=0)
        meta = consolidated_meta(c.model, c.period, generated_at, c.template)
        write_plain(sheets[SHEET_META], styles, (FIELD_HEADER, VALUE_HEADER), (22, 80), meta_rows(meta),
                    printed=False)
        sheets[SHEET_META].very_hidden()
        after(SHEET_META)
        sheets[SHEET_OVERVIEW].activate()
        self.workbook.set_properties({"title": f"Målstyrning {c.model.municipality} "
                                               f"{c.model.budget_year} – {c.period.value}",
                                      "author": "malark"})
        self._close()
        self.output.commit()
        return dict(self.counts)

    def abandon(self) -> None:
        """Remove the temporary file (and xlsxwriter's own temporary files)."""
        with contextlib.suppress(Exception):
            self._close()
        self.output.abandon()

    def _close(self) -> None:
        if not self.closed:
            self.closed = True
            self.workbook.close()


def _finding_rows(findings: list[tuple[str | None, Finding]]) -> Iterable[list[Any]]:
    by_file: dict[str, list[Finding]] = {}
    committee_of: dict[str, str | None] = {}
    for committee_id, finding in findings:
        by_file.setdefault(finding.file, []).append(finding)
        committee_of.setdefault(finding.file, committee_id)
    for file in by_file:
        for row in result_rows(by_file[file], CONSOLIDATED_SHEET_ORDER):
            yield [file, committee_of[file], *row]


def _write_deviations(ws, styles: Styles, model: GoalModel, rows: dict[str, list[list[Any]]]) -> int:
    return write_data_sheet(ws, styles, CONSOLIDATED_DEVIATIONS,
                            deviation_rows(model, rows, styles.scale))


def absent_statuses(c: Consolidation) -> dict[str, str]:
    """Committee of the model without a merged file → its status (`Saknas`, `Ej inläst`)."""
    merged = set(c.merged)
    return {s.committee_id: s.status for s in c.submissions
            if s.committee_id in c.model.committee_ids and s.committee_id not in merged}

