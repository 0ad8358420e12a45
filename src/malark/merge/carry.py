"""A committee without a merged file keeps its last known goals, indicators and activities
(SPEC 6): its rows in the consolidation of the period before (`merge --previous`) are
written again, after the submitted rows, with the period they come from in `Från period`.

Rows that were carried already keep their first `Från period`, so a committee that misses
two periods still shows where its rows were last reported. Into a new budget year only the
rows that go on are carried (`PreviousWorkbook.chain_rows`: goals still running, their
indicators, activities not finished). The values are written as they stand in the earlier
consolidation; they are not counted in the Översikt, `Avvikelser` or the summary, where the
committee shows `Saknas` or `Ej inläst`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from malark.core.contract import CARRIED_FROM_COLUMN, CONSOLIDATED_DATA_SHEETS
from malark.core.model import GoalModel
from malark.generate.previous import PreviousWorkbook

__all__ = ["carried_rows"]

_SPECS = {s.name: s for s in CONSOLIDATED_DATA_SHEETS}


def carried_rows(previous: PreviousWorkbook, model: GoalModel,
                 committees: Sequence[str]) -> tuple[dict[str, list[list[Any]]], dict[str, str]]:
    """The consolidated rows of `committees` (in the order given) carried from `previous`,
    by sheet, and for each committee with rows the period they come from."""
    rows: dict[str, list[list[Any]]] = {}
    origins: dict[str, str] = {}
    for committee in committees:
        for sheet, sheet_rows in previous.chain_rows(model, committee).items():
            spec = _SPECS[sheet]
            marker = spec.index(CARRIED_FROM_COLUMN.field)
            for row in sheet_rows:
                values = [row.value(column.field) for column in spec.columns]
                values[marker] = row.text(CARRIED_FROM_COLUMN.field) or previous.label
                origins.setdefault(committee, values[marker])
                rows.setdefault(sheet, []).append(values)
    return rows, origins
