"""The validation engine: `WorkbookData` (from a file or from Excel) → `FileReport`.

One engine behind `malark validate`, `merge` and the ribbon button. It never prints and
imports nothing heavy (no pandas), so the add-in starts fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from malark.core.contract import COMMITTEE_SHEET_ORDER, Period
from malark.core.findings import Finding
from malark.core.model import GoalModel
from malark.validate.checks import run_checks
from malark.validate.duplicates import duplicate_findings
from malark.validate.result_sheet import cell_sort_key
from malark.validate.submission import FileReport, parse_submission
from malark.xlsx.reader import read_workbook
from malark.xlsx.workbook import WorkbookData

__all__ = ["Progress", "flag_duplicates", "sort_findings", "validate_files", "validate_workbook_data"]

Progress = Callable[[int, int, Path], None]
"""`progress(done, total, path)`, called after each file."""

_SHEET_ORDER = {name: i for i, name in enumerate(COMMITTEE_SHEET_ORDER)}


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """File-level findings first, then in sheet order and row-major cell order."""
    return sorted(findings, key=lambda f: (
        f.sheet is not None, _SHEET_ORDER.get(f.sheet or "", len(_SHEET_ORDER)), f.sheet or "",
        cell_sort_key(f.cell), f.code))


def validate_workbook_data(data: WorkbookData, *, model: GoalModel | None = None,
                           period: Period | str | None = None) -> FileReport:
    """Validate one workbook already read into `data`.

    `model` adds the checks against the master (S004 identity, S007 against the master's
    KF content, K002 with the master's addressing); `period` (the command's `--period`)
    must match the workbook's own period (S004).
    """
    findings = list(data.findings)
    if not data.readable:
        return FileReport(file=data.file, findings=sort_findings(findings), submission=None)
    submission = parse_submission(data)
    findings += run_checks(submission, model=model,
                           period=Period(period) if period is not None else None)
    return FileReport(file=data.file, findings=sort_findings(findings), submission=submission)


def validate_files(paths: Iterable[Path | str], *, model: GoalModel | None = None,
                   period: Period | str | None = None,
                   progress: Progress | None = None) -> list[FileReport]:
    """Read and validate each file in turn (one at a time: bounded memory); two files of
    the same committee and period are S011 (`flag_duplicates`)."""
    files = [Path(p) for p in paths]
    reports = []
    for done, path in enumerate(files, start=1):
        reports.append(validate_workbook_data(read_workbook(path), model=model, period=period))
        if progress is not None:
            progress(done, len(files), path)
    flag_duplicates(reports)
    return reports


def flag_duplicates(reports: Sequence[FileReport]) -> None:
    """Add S011 to every file that shares its committee and period with another file
    (see `malark.validate.duplicates`), keeping each file's findings in order."""
    touched: dict[int, FileReport] = {}
    for report, finding in duplicate_findings(reports):
        report.findings.append(finding)
        touched[id(report)] = report
    for report in touched.values():
        report.findings[:] = sort_findings(report.findings)
