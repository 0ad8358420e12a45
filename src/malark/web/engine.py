"""What the validator page and the Office add-in run inside Pyodide (the browser's Python).

The JavaScript side (`assets/worker.mjs`) puts the picked files in one folder of the
in-browser file system, makes it the current directory and calls these functions with
the file names as picked, so every finding names the file exactly as
`malark validate NAME... --format json` run in that folder does. Every function returns
JSON text: the boundary to JavaScript stays plain.

The same code runs under CPython in the tests. It never prints and never raises for a
bad file (the reader turns those into findings).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from malark import __version__
from malark.core.errors import MalarkError
from malark.core.findings import SEVERITY_SV, Finding, Severity, rule
from malark.core.model import GoalModel
from malark.validate.annotate import FILL_COLOURS, annotate_workbook
from malark.validate.render import workbook_summary
from malark.validate.result_sheet import result_rows
from malark.validate.submission import FileReport
from malark.validate.validation import flag_duplicates, validate_workbook_data
from malark.xlsx.model_io import read_model
from malark.xlsx.reader import read_workbook

__all__ = ["annotated_copy", "error_document", "load_model", "refused_report", "summary",
           "validate_file", "validate_open_workbook", "version"]

NOTE_PREFIX = "Målark:"
"""Notes the add-in adds start with this, so it only ever removes its own."""
_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class _Session:
    """The model loaded for this page session and the reports kept for annotating."""

    model: GoalModel | None = None
    reports: dict[str, FileReport] = {}


def version() -> str:
    return __version__


def load_model(path: str | None) -> str:
    """Load (or with None forget) the goal model. JSON `{"ok": true}` or
    `{"ok": false, "document": <the document validate --format json prints when it cannot run>}`."""
    _Session.model = None
    if path is None:
        return json.dumps({"ok": True})
    try:
        _Session.model = read_model(path)
    except MalarkError as error:
        return json.dumps({"ok": False, "document": json.loads(error_document(str(error)))},
                          ensure_ascii=False)
    return json.dumps({"ok": True})


def error_document(message: str) -> str:
    """`{"malark_version", "error", "files": []}`, as `validate --format json` prints it
    when the command cannot run."""
    return json.dumps({"malark_version": __version__, "error": message, "files": []},
                      ensure_ascii=False)


def validate_file(name: str) -> str:
    """One file (in the current directory) → its SPEC 4 JSON object."""
    report = validate_workbook_data(read_workbook(name), model=_Session.model)
    _Session.reports[name] = report
    return json.dumps(report.to_dict(), ensure_ascii=False)


def duplicates() -> str:
    """After every file is validated: S011 for the files of this session that share a
    committee and period, as `malark validate` adds it. JSON `{name: report}` of the files
    whose report changed (the page replaces those reports)."""
    before = {name: len(report.findings) for name, report in _Session.reports.items()}
    flag_duplicates(list(_Session.reports.values()))
    return json.dumps({name: report.to_dict() for name, report in _Session.reports.items()
                       if len(report.findings) != before[name]}, ensure_ascii=False)


def refused_report(name: str, reason: str) -> str:
    """The report of a file the browser had to give up on (it took too long or needed more
    memory than the tab has): one S009 finding saying why."""
    finding = rule("S009").finding(file=name, reason=reason)
    report = FileReport(file=name, findings=[finding])
    _Session.reports.pop(name, None)
    return json.dumps(report.to_dict(), ensure_ascii=False)


def annotated_copy(name: str, out_dir: str) -> str:
    """Write the marked-up copy (as `validate --annotate`) of a validated, readable file to
    `out_dir`; JSON `{"path": ...}` or `{"error": <Swedish message>}`."""
    report = _Session.reports.get(name)
    if report is None or report.submission is None:
        return json.dumps({"error": f"{name} kunde inte läsas, så ingen markerad kopia finns."},
                          ensure_ascii=False)
    try:
        path = annotate_workbook(Path(name), report.findings, Path(out_dir))
    except MalarkError as error:
        return json.dumps({"error": str(error)}, ensure_ascii=False)
    return json.dumps({"path": str(path)}, ensure_ascii=False)


def _cell_marks(findings: list[Finding]) -> list[dict]:
    """One mark per cell that has findings: the worst severity's fill and a note."""
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.sheet and finding.cell:
            by_cell[(finding.sheet, finding.cell)].append(finding)
    marks = []
    for (sheet, cell), found in by_cell.items():
        found.sort(key=lambda f: (_RANK[f.severity], f.code))
        note = "\n".join(f"{SEVERITY_SV[f.severity]} {f.code}: {f.message}" for f in found)
        marks.append({"sheet": sheet, "cell": cell, "severity": found[0].severity.value,
                      "fill": "#" + FILL_COLOURS[found[0].severity], "note": f"{NOTE_PREFIX} {note}"})
    marks.sort(key=lambda m: _RANK[Severity(m["severity"])])
    return marks


def validate_open_workbook(name: str, skip_sheets: list[str] | None = None) -> str:
    """The Office add-in's run on the open workbook's bytes (saved as `name`): the report,
    the rows of `Valideringsresultat`, the cells to mark and the summary texts."""
    report = validate_workbook_data(read_workbook(name), model=None)
    findings = [f for f in report.findings if f.sheet not in set(skip_sheets or ())]
    sheet_order = report.submission.data.sheet_names if report.submission else []
    return json.dumps({
        "report": report.to_dict(),
        "rows": result_rows(findings, sheet_order),
        "marks": _cell_marks(findings),
        "errors": report.errors,
        "warnings": report.warnings,
        "summary": workbook_summary(report.errors, report.warnings),
    }, ensure_ascii=False)


def summary(errors: int, warnings: int, unmarked: int) -> str:
    """The Swedish summary once the add-in knows how many cells it could not mark."""
    return workbook_summary(errors, warnings, unmarked)
