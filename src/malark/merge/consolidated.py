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
    CONSOLIDATED_DATA_SHEETS,
    CONSOLIDATED_DEVIATIONS,
    CONSOLIDATED_SHEET_ORDER,
    FIELD_HEADER,
    FINDING_PREFIX_HEADERS,
    FORMAT_VERSION,
    RESULT_HEADERS,
    SHEET_DEVIATIONS,
    SHEET_FINDINGS,
    SHEET_META,
    SHEET_OVERVIEW,
    SHEET_SUBMISSIONS,
    SUBMISSION_HEADERS,
    VALUE_HEADER,
    Kind,
    Period,
    SheetSpec,
)
from malark.core.findings import Finding
from malark.core.model import GoalModel
from malark.merge.overview import deviation_rows, write_overview
from malark.merge.style import (
    LINE_HEIGHT,
    Styles,
    chars_per_line,
    light_rules,
    text_lines,
    write_header,
    write_value,
)
from malark.validate.result_sheet import result_rows
from malark.xlsx.atomic import AtomicFile
from malark.xlsx.meta import WorkbookMeta, meta_rows, snapshot_for

__all__ = ["Consolidation", "SubmissionStatus", "write_consolidated", "WRITER_OPTIONS"]

WRITER_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}

SUBMISSION_WIDTHS = (9, 30, 50, 66, 11, 6, 10)
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

    def cells(self) -> list[Any]:
        return [self.committee_id, self.committee_name, self.file, self.sha256, self.status,
                self.errors if self.file else None, self.warnings if self.file else None]


@dataclass(slots=True)
class Consolidation:
    """Everything the consolidated workbook shows, already in row order."""

    model: GoalModel
    period: Period
    rows: dict[str, list[list[Any]]]
    """Data sheet name → rows in `CONSOLIDATED_DATA_SHEETS` column order (`Nämnd` first)."""
    submissions: list[SubmissionStatus]
    findings: list[tuple[str | None, Finding]] = field(default_factory=list)
    """(committee id, finding) for every finding of every input."""
    merged: list[str] = field(default_factory=list)
    generated_at: datetime | None = None


def consolidated_meta(model: GoalModel, period: Period, generated_at: datetime) -> WorkbookMeta:
    snapshot = snapshot_for(model, None)
    return WorkbookMeta(
        format_version=FORMAT_VERSION, kommun=model.municipality,
        kommunkod=model.municipality_code, budgetår=model.budget_year, period=period,
        nämnd=None, generated_at=generated_at, model_fingerprint=model.fingerprint(),
        malark_version=__version__, kind="consolidated",
        gul_grans=model.settings.yellow_threshold, snapshot=snapshot,
        snapshot_sha256=snapshot.sha256(),
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
    writer = ConsolidatedWriter(out, consolidation.model)
    try:
        for spec in CONSOLIDATED_DATA_SHEETS:
            writer.append(spec.name, consolidation.rows[spec.name])
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

    def __init__(self, out: Path, model: GoalModel) -> None:
        self.out = Path(out)
        self.output = AtomicFile(self.out)
        self.workbook = xlsxwriter.Workbook(self.output.handle, WRITER_OPTIONS)
        self.styles = Styles(self.workbook)
        self.sheets = {n: self.workbook.add_worksheet(n) for n in CONSOLIDATED_SHEET_ORDER}
        self.specs = {s.name: s for s in CONSOLIDATED_DATA_SHEETS}
        self.counts = dict.fromkeys(self.specs, 0)
        self.closed = False
        for spec in CONSOLIDATED_DATA_SHEETS:
            _start_data_sheet(self.sheets[spec.name], self.styles, spec)
        self.workbook.set_properties({"title": f"Målstyrning {model.municipality} {model.budget_year}",
                                      "author": "malark"})

    def append(self, sheet: str, rows: Iterable[Sequence[Any]]) -> None:
        self.counts[sheet] = _write_rows(self.sheets[sheet], self.styles, self.specs[sheet], rows,
                                         self.counts[sheet])

    def finish(self, c: Consolidation, *, after_sheet: Callable[[str], None] | None = None) -> dict[str, int]:
        """Write everything but the data rows, close and move into place."""
        after = after_sheet or (lambda _name: None)
        sheets, styles = self.sheets, self.styles
        write_overview(sheets[SHEET_OVERVIEW], styles, c.model, c.period, c.rows, c.merged)
        after(SHEET_OVERVIEW)
        for name, spec in self.specs.items():
            _end_data_sheet(sheets[name], styles, spec, self.counts[name])
            after(name)
        _write_deviations(sheets[SHEET_DEVIATIONS], styles, c.model, c.rows)
        after(SHEET_DEVIATIONS)
        _write_plain(sheets[SHEET_SUBMISSIONS], styles, SUBMISSION_HEADERS, SUBMISSION_WIDTHS,
                     (s.cells() for s in c.submissions))
        after(SHEET_SUBMISSIONS)
        _write_plain(sheets[SHEET_FINDINGS], styles, (*FINDING_PREFIX_HEADERS, *RESULT_HEADERS),
                     FINDING_WIDTHS, _finding_rows(c.findings))
        after(SHEET_FINDINGS)
        generated_at = c.generated_at or datetime.now(UTC).replace(microsecond=0)
        meta = consolidated_meta(c.model, c.period, generated_at)
        _write_plain(sheets[SHEET_META], styles, (FIELD_HEADER, VALUE_HEADER), (22, 80), meta_rows(meta))
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


def _print_setup(ws) -> None:
    """A4 landscape, all columns on the page width, the header row on every page."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


def _start_data_sheet(ws, styles: Styles, spec: SheetSpec) -> None:
    for index, column in enumerate(spec.columns):
        ws.set_column(index, index, column.width, styles.wrap if column.kind is Kind.LONG_TEXT else None)
    ws.set_row(0, LINE_HEIGHT * max(text_lines(c.header, c.width) for c in spec.columns))
    write_header(ws, styles, spec.headers)
    ws.freeze_panes(1, 1)
    _print_setup(ws)


def _write_rows(ws, styles: Styles, spec: SheetSpec, rows: Iterable[Sequence[Any]], last: int) -> int:
    """Write `rows` below row `last` (1-based data rows); returns the new last row."""
    # xlsxwriter's row/column entry points without the A1-notation wrapper (same
    # signature; the public methods are the fallback if a release renames them).
    write_string = getattr(ws, "_write_string", ws.write_string)
    write_number = getattr(ws, "_write_number", ws.write_number)
    wrapped = [(i, c.width, chars_per_line(c.width)) for i, c in enumerate(spec.columns)
               if c.kind is Kind.LONG_TEXT]
    number = last
    for number, row in enumerate(rows, start=last + 1):
        lines = 1
        for i, width, per_line in wrapped:
            text = row[i]
            if type(text) is str and (len(text) > per_line or "\n" in text):
                lines = max(lines, text_lines(text, width))
        if lines > 1:
            ws.set_row(number, LINE_HEIGHT * lines)
        for column, value in enumerate(row):
            kind = type(value)
            if kind is str:
                write_string(number, column, value)
            elif kind is int or (kind is float and value - value == 0.0):  # not NaN/inf
                write_number(number, column, value)
            elif value is not None:
                write_value(ws, styles, number, column, value)
    return number


def _end_data_sheet(ws, styles: Styles, spec: SheetSpec, last: int) -> None:
    ws.autofilter(0, 0, max(last, 1), len(spec.columns) - 1)
    light_rules(ws, styles, spec, last)


def _write_data_sheet(ws, styles: Styles, spec: SheetSpec, rows: Sequence[Sequence[Any]]) -> int:
    _start_data_sheet(ws, styles, spec)
    last = _write_rows(ws, styles, spec, rows, 0)
    _end_data_sheet(ws, styles, spec, last)
    return last


def _write_plain(ws, styles: Styles, headers: Sequence[str], widths: Sequence[float],
                 rows: Iterable[Sequence[Any]]) -> int:
    for index, width in enumerate(widths):
        ws.set_column(index, index, width)
    write_header(ws, styles, headers)
    ws.freeze_panes(1, 0)
    _print_setup(ws)
    number = 0
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            write_value(ws, styles, number, column, value)
    ws.autofilter(0, 0, max(number, 1), len(headers) - 1)
    return number


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
    return _write_data_sheet(ws, styles, CONSOLIDATED_DEVIATIONS, deviation_rows(model, rows))

