"""Reading a consolidated workbook that `malark merge` wrote (SPEC 6), for the commands that
build on one: `generate --previous` and `report`.

The file is inspected like any returned workbook (size, zip and XML bombs, encryption)
before python-calamine reads it; `_malark` must say `kind = consolidated` and carry a
supported `format_version`; every sheet asked for must be there with the columns its
version has (`SheetSpec.columns_of`: a version-1 `KF-mål` has no `Åtgärder`), except the
columns a consolidation added later (`contract.CONSOLIDATION_ADDED`: `Trend`,
`Från period`), which an older consolidation lacks. Columns are
found by their header text, never by position. Every failure is an `InputError` whose
Swedish message names the file and, where there is one, the sheet and column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from malark.core.contract import (
    CONSOLIDATION_ADDED,
    SHEET_META,
    SHEET_SUBMISSIONS,
    SUBMISSION_HEADERS,
    SUPPORTED_FORMAT_VERSIONS,
    Column,
    SheetSpec,
)
from malark.core.errors import InputError
from malark.xlsx.meta import MetaError, WorkbookMeta, meta_from_rows
from malark.xlsx.sheets import RawWorkbook, UnreadableWorkbook, read_raw_workbook
from malark.xlsx.table import Table, build_table

__all__ = ["ConsolidatedWorkbook", "SUBMISSIONS", "read_consolidated"]

SUBMISSIONS = SheetSpec(SHEET_SUBMISSIONS, tuple(
    Column(header, field) for header, field in zip(
        SUBMISSION_HEADERS, ("committee", "name", "file", "sha256", "status", "errors", "warnings",
                             "carried_from"), strict=True)))
"""`Inlämningar` (SPEC 6) as a sheet spec, so it is read by its headers like the others."""
_ADDED_HEADERS = frozenset({*(c.header for c in CONSOLIDATION_ADDED), SUBMISSION_HEADERS[-1]})
"""Headers of columns later consolidations have and earlier ones lack (`Trend`, `Från
period`, `Inlämningar`'s `Rader från`): never required."""


@dataclass(slots=True)
class ConsolidatedWorkbook:
    path: Path
    meta: WorkbookMeta
    tables: dict[str, Table]
    """Sheet name → the sheet read against its spec (only the sheets asked for)."""
    raw: dict[str, list[list[Any]]] = field(default_factory=dict)
    """Sheet name → its rows from A1 as calamine gives them, for the optional sheets asked
    for by name that the workbook has (`Historik`, whose year columns no spec fixes)."""


def read_consolidated(path: Path | str, *, sheets: Iterable[SheetSpec], optional: Iterable[str] = (),
                      role: str = "Sammanställningen") -> ConsolidatedWorkbook:
    """Open `path` as a consolidated workbook and read `sheets`, and the `optional` sheets it
    has as raw rows. `role` starts the message when the file does not exist ("Den tidigare
    sammanställningen …"). Raises `InputError`."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{role} {path} finns inte.")
    try:
        raw = read_raw_workbook(path)
    except UnreadableWorkbook as error:
        raise InputError(f"{role} {path.name}: {error}") from error
    except Exception as error:  # calamine raises several unrelated types for bad files
        raise InputError(f"{path.name} kan inte läsas som en Excel-arbetsbok (.xlsx): {error}") from error
    try:
        meta = _meta(path, raw)
        tables = {spec.name: _table(path, raw, spec, meta.format_version) for spec in sheets}
        extra = {name: raw.rows(name) for name in optional if name in raw.sheet_names}
    finally:
        raw.close()
    return ConsolidatedWorkbook(path, meta, tables, extra)


def _meta(path: Path, raw: RawWorkbook) -> WorkbookMeta:
    if SHEET_META not in raw.sheet_names:
        raise InputError(f"{path.name} är ingen sammanställning från malark (bladet {SHEET_META} "
                         "saknas). Ange sammanställningen som malark merge har skrivit.")
    try:
        meta = meta_from_rows(raw.rows(SHEET_META))
    except MetaError as error:
        raise InputError(f"{path.name}, bladet {SHEET_META}: {error}.") from error
    if meta.kind != "consolidated":
        raise InputError(f"{path.name} är en nämnds arbetsbok, inte en sammanställning. Ange "
                         "sammanställningen som malark merge har skrivit.")
    if meta.format_version not in SUPPORTED_FORMAT_VERSIONS:
        versions = ", ".join(str(v) for v in sorted(SUPPORTED_FORMAT_VERSIONS))
        raise InputError(f"{path.name} har format_version {meta.format_version}, som den här "
                         f"versionen av malark inte kan läsa (den läser {versions}). Uppdatera malark.")
    return meta


def _table(path: Path, raw: RawWorkbook, spec: SheetSpec, version: int) -> Table:
    if spec.name not in raw.sheet_names:
        raise InputError(f"{path.name}: bladet {spec.name} saknas. Använd en sammanställning som "
                         "malark merge har skapat.")
    table = build_table(spec, raw.rows(spec.name))
    required = {c.header for c in spec.columns_of(version)} - _ADDED_HEADERS
    missing = [header for header in table.missing if header in required]
    if missing:
        raise InputError(f"{path.name}, bladet {spec.name}: kolumnen \"{missing[0]}\" saknas i rad 1.")
    return table
