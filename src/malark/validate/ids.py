"""Next free ids for rows a committee added with an empty `Id` (SPEC 3): the ids `merge`
assigns, and the ids validation proposes (K004, K005) — one rule, so a hint never names an
id that merge would not give.

A committee goal gets `<NÄMND>-<n>`, an indicator `<goal>-I<n>`, an activity `<goal>-A<n>`,
where `<n>` is one more than the highest number already used with that prefix in the
committee's file (ids of the model's KF indicators count as used too, so a committee's own
indicator on a KF goal never collides with a model-set one). Numbers are never reused,
so an id the next period carries over keeps meaning the same row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from malark.core.contract import COMMITTEE_AKTIVITETER, COMMITTEE_INDIKATORER, COMMITTEE_NAMNDMAL
from malark.xlsx.table import Row, Table

__all__ = ["AssignedId", "assign_ids", "is_data_row"]


@dataclass(frozen=True, slots=True)
class AssignedId:
    sheet: str
    row: int
    cell: str
    """A1 address of the empty `Id` cell in the committee's file."""
    new_id: str


def is_data_row(row: Row) -> bool:
    """True when the row holds anything a user typed (see `Row.is_empty`)."""
    return not row.is_empty


def _number_after(prefix: str, ids: Iterable[str]) -> int:
    pattern = re.compile(re.escape(prefix) + r"(\d+)")
    highest = 0
    for value in ids:
        match = pattern.fullmatch(value)
        if match:
            highest = max(highest, int(match.group(1)))
    return highest


def _prefix(sheet: str, committee_id: str, row: Row) -> str | None:
    if sheet == COMMITTEE_NAMNDMAL.name:
        return f"{committee_id}-"
    goal = row.text("goal_id")
    if not goal:
        return None
    return f"{goal}-I" if sheet == COMMITTEE_INDIKATORER.name else f"{goal}-A"


def assign_ids(
    committee_id: str, tables: dict[str, Table], *, reserved: Iterable[str] = ()
) -> list[AssignedId]:
    """New ids for data rows with an empty `Id` in the committee's Nämndmål, Indikatorer
    and Aktiviteter sheets, in sheet and row order. A row whose `Mål` is empty gets none
    (validation reports it)."""
    assigned: list[AssignedId] = []
    reserved = list(reserved)
    for spec in (COMMITTEE_NAMNDMAL, COMMITTEE_INDIKATORER, COMMITTEE_AKTIVITETER):
        table = tables.get(spec.name)
        if table is None or "id" not in table.header:
            continue
        used = [t for r in table.rows if (t := r.text("id"))] + reserved
        next_number: dict[str, int] = {}
        for row in table.rows:
            if row.text("id") or not is_data_row(row):
                continue
            prefix = _prefix(spec.name, committee_id, row)
            if prefix is None:
                continue
            number = next_number.get(prefix) or _number_after(prefix, used) + 1
            next_number[prefix] = number + 1
            new_id = f"{prefix}{number}"
            assigned.append(AssignedId(spec.name, row.number, row.cell("id").address, new_id))
    return assigned
