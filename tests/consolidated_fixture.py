"""A consolidated-shaped workbook (SPEC 6 data sheets + `_malark`) built by hand with
openpyxl from filled committee workbooks, for the `generate --previous` round trip
without depending on `merge`. Like `merge`, it gives a nämndmål without id the next free
`<NÄMND>-<n>`."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import openpyxl

from malark.core.contract import (
    CONSOLIDATED_DATA_SHEETS,
    FIELD_HEADER,
    FORMAT_VERSION,
    SHEET_META,
    VALUE_HEADER,
)
from malark.core.model import GoalModel
from malark.validate.submission import parse_submission
from malark.xlsx.meta import WorkbookMeta, meta_rows, snapshot_for
from malark.xlsx.reader import read_workbook


def _next_goal_id(committee: str, ids: list[str]) -> str:
    numbers = [int(m[1]) for i in ids if (m := re.fullmatch(rf"{committee}-(\d+)", i))]
    return f"{committee}-{max(numbers, default=0) + 1}"


def write_consolidated(workbooks: list[Path], model: GoalModel, period: str, out: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for spec in CONSOLIDATED_DATA_SHEETS:
        wb.create_sheet(spec.name).append(list(spec.headers))
    for path in workbooks:
        submission = parse_submission(read_workbook(path))
        committee = submission.meta.nämnd
        for spec in CONSOLIDATED_DATA_SHEETS:
            table = submission.tables[spec.name]
            ids = [r.text("id") for r in table if r.text("id")]
            for row in table:
                values = [committee, *(row.value(c.field) for c in spec.columns[1:])]
                if spec.name == "Nämndmål" and not values[1]:
                    values[1] = _next_goal_id(committee, ids)
                    ids.append(values[1])
                wb[spec.name].append(values)
    snapshot = snapshot_for(model, None)
    meta = WorkbookMeta(
        format_version=FORMAT_VERSION, kommun=model.municipality, kommunkod=model.municipality_code,
        budgetår=model.budget_year, period=period, nämnd=None, generated_at=datetime.now(UTC),
        model_fingerprint=model.fingerprint(), malark_version="test", kind="consolidated",
        gul_grans=model.settings.yellow_threshold, snapshot=snapshot, snapshot_sha256=snapshot.sha256(),
    )
    ws = wb.create_sheet(SHEET_META)
    ws.append([FIELD_HEADER, VALUE_HEADER])
    for name, value in meta_rows(meta):
        ws.append([name, value])
    ws.sheet_state = "veryHidden"
    wb.save(out)
    return out
