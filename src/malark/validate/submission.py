"""A committee workbook understood: its metadata and its four data sheets as `Table`s.

`parse_submission` turns `WorkbookData` into a `Submission` without judging it; the
structure checks (S002–S006) report what is missing. Checks, merge and the add-in all
work on `Submission`; `FileReport` is one file's result of validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from malark.core.contract import COMMITTEE_DATA_SHEETS, MODEL_SHEETS, SHEET_META
from malark.core.findings import Finding, Severity
from malark.xlsx.meta import MetaError, WorkbookMeta, meta_from_rows
from malark.xlsx.table import Table, build_table
from malark.xlsx.workbook import WorkbookData

__all__ = ["FileReport", "Submission", "parse_submission"]


@dataclass(slots=True)
class Submission:
    data: WorkbookData
    meta: WorkbookMeta | None
    meta_problem: str | None
    """Why `meta` is None (Swedish), when `_malark` is missing or broken."""
    meta_problem_field: str | None = None
    """The `_malark` field whose value could not be read, when that is why."""
    tables: dict[str, Table] = field(default_factory=dict)
    """Data sheet name → table; a sheet missing from the file is absent here."""

    @property
    def file(self) -> str:
        return self.data.file

    @property
    def committee_id(self) -> str | None:
        return self.meta.nämnd if self.meta else None

    def table(self, sheet: str) -> Table | None:
        return self.tables.get(sheet)


def parse_submission(data: WorkbookData) -> Submission:
    meta: WorkbookMeta | None = None
    problem: str | None = None
    problem_field: str | None = None
    if SHEET_META not in data.rows:
        problem = "det dolda bladet _malark saknas"
        if all(spec.name in data.sheet_names for spec in MODEL_SHEETS):
            problem = ("det är målmodellen, inte en nämnds arbetsbok (lägg inte målmodellen "
                       "bland de inskickade filerna)")
    else:
        try:
            meta = meta_from_rows(data.rows[SHEET_META])
        except MetaError as error:
            problem, problem_field = str(error), error.field
    submission = Submission(data=data, meta=meta, meta_problem=problem,
                            meta_problem_field=problem_field)
    for spec in COMMITTEE_DATA_SHEETS:
        if spec.name in data.rows:
            submission.tables[spec.name] = build_table(
                spec,
                data.rows[spec.name],
                formulas=data.formulas.get(spec.name),
                errors=data.errors.get(spec.name),
            )
    return submission


@dataclass(slots=True)
class FileReport:
    """One file's validation result."""

    file: str
    findings: list[Finding]
    submission: Submission | None = None
    """None when the file could not be read at all."""

    @property
    def committee_id(self) -> str | None:
        return self.submission.committee_id if self.submission else None

    @property
    def period(self) -> str | None:
        meta = self.submission.meta if self.submission else None
        return meta.period.value if meta else None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def to_dict(self) -> dict:
        """The SPEC 4 JSON shape of one file."""
        return {
            "file": self.file,
            "namnd": self.committee_id,
            "period": self.period,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [f.to_dict() for f in self.findings],
        }
