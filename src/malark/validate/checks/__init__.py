"""The validation rules as small checks, grouped by family.

    structure  S002–S008, K005   metadata, identity, sheets/columns, locked content, ids
    chain      K001–K004         the goal chain: references, addressed goals answered
    carried    K007, S007        rows carried from an earlier period are still there
    smart      M001–M006         SMART wording and targets of the committee's own goals (Plan)
    data       D001–D004, D009, D011–D013   typed values, text length, dropdown lists
    follow_up  D005–D008, D010   what a follow-up requires, late activities, lights

Each check declares the codes it emits (`Check.codes`); `CHECKS` lists them all in the
order they run. S001, S009 and S010 come from opening the file (`WorkbookData.findings`).
"""

from __future__ import annotations

from malark.core.contract import Period
from malark.core.findings import Finding
from malark.core.model import GoalModel
from malark.validate.checks import carried, chain, data, follow_up, smart, structure
from malark.validate.checks.base import Check, Context, check
from malark.validate.checks.live import LiveBuilder
from malark.validate.submission import Submission

__all__ = ["CHECKS", "Check", "Context", "check", "checked_codes", "live_builders", "run_checks"]

CHECKS: tuple[Check, ...] = (*structure.CHECKS, *chain.CHECKS, *carried.CHECKS, *smart.CHECKS,
                             *data.CHECKS, *follow_up.CHECKS)

FILE_CODES = ("S001", "S009", "S010")
"""Codes reported while opening the file, not by a check."""


def checked_codes() -> set[str]:
    return {code for c in CHECKS for code in c.codes}


def live_builders() -> dict[str, LiveBuilder]:
    """Code → formula builder of every rule the `Kontroll` sheet checks live, in check order."""
    return {builder.live_code: builder for c in CHECKS for builder in c.live}


def run_checks(submission: Submission, *, model: GoalModel | None,
               period: Period | None) -> list[Finding]:
    """Every finding of every check on `submission`, in check order.

    The metadata checks run on any workbook; the rest only when the metadata says this is
    a committee workbook malark can read (else their findings would only be noise).
    """
    context = Context(submission, model=model, period=period)
    findings: list[Finding] = []
    for item in CHECKS:
        if item.needs_meta and not context.usable:
            continue
        findings.extend(item(context))
    return findings
