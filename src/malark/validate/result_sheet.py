"""Rows of the `Valideringsresultat` sheet, shared by `validate --annotate` and the ribbon
button so both show findings the same way (worst first, then sheet and cell order)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from malark.core.contract import RESULT_HEADERS, SHEET_RESULTS
from malark.core.findings import SEVERITY_SV, Finding, Severity

__all__ = ["RESULT_HEADERS", "SHEET_RESULTS", "cell_sort_key", "result_rows", "sorted_findings"]

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_A1 = re.compile(r"([A-Z]+)(\d+)")


def cell_sort_key(cell: str | None) -> tuple[int, int]:
    """Row-major order of an A1 address (None first)."""
    match = _A1.fullmatch(cell or "")
    if not match:
        return (0, 0)
    letters, row = match.groups()
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return (int(row), column)


def sorted_findings(findings: Iterable[Finding], sheet_order: Iterable[str] = ()) -> list[Finding]:
    order = {name: i for i, name in enumerate(sheet_order)}
    return sorted(
        findings,
        key=lambda f: (_SEVERITY_ORDER[f.severity], order.get(f.sheet or "", -1),
                       f.sheet or "", cell_sort_key(f.cell), f.code),
    )


def result_rows(findings: Iterable[Finding], sheet_order: Iterable[str] = ()) -> list[list[str]]:
    """One row per finding: Allvarlighet, Kod, Blad, Cell, Gäller, Meddelande. Callers turn
    the Cell column into a hyperlink to `'<Blad>'!<Cell>` where both are present."""
    return [
        [SEVERITY_SV[f.severity], f.code, f.sheet or "", f.cell or "", f.ref or "", f.message]
        for f in sorted_findings(findings, sheet_order)
    ]
