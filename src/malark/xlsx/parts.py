"""The parts of a package that a reader parses, checked before it does (used by
`malark.xlsx.safety.inspect_file`):

- `check_roots`: the root element of every part that may be a shared-string table; it
  must not declare more texts than it could hold (calamine reserves room for them up
  front);
- `scan_worksheets`: every part that holds cells (any entry with a `sheetData`, whatever
  its name, since a reader may resolve the workbook's relationships differently) parsed
  with `malark.xlsx.sheet_xml.scan_sheet`, its extent capped per sheet and in total.
"""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING

from malark.core.contract import column_letter
from malark.xlsx.ooxml import STRICT_WHAT_TO_DO, SheetPart
from malark.xlsx.refusal import SAVE_AS_XLSX, Refused, unreadable, unsafe
from malark.xlsx.sheet_xml import ScanLimitError, SheetScan, SheetXmlError, root_element, scan_sheet

if TYPE_CHECKING:
    from malark.xlsx.safety import Limits

__all__ = ["check_roots", "scan_worksheets"]


def check_roots(name: str, package: zipfile.ZipFile, entries: list[str], limits: Limits) -> None:
    """The root element of every part in `entries` (those holding the bytes `sst`): a
    shared-string table must not declare more texts than it could hold (calamine
    reserves room for them before reading)."""
    for info in (package.getinfo(entry) for entry in entries):
        if info.file_size == 0 or not _looks_like_xml(package, info):
            continue
        try:
            root, attributes = root_element(package.read(info.filename))
        except SheetXmlError:
            continue  # a parser that reads this part says so; nothing is reserved before
        if root != "sst":
            continue
        ceiling = min(limits.max_shared_strings, info.file_size // 4 + 1)
        for key, value in attributes.items():
            declared = value.strip().lstrip("+")
            if key.rsplit(":", 1)[-1] in ("count", "uniqueCount") and declared.isdigit() \
                    and int(declared) > ceiling:
                raise unsafe(name, f"delen {info.filename} anger {declared[:20]} texter, fler "
                                    "än den kan innehålla")


def _looks_like_xml(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    with package.open(info) as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    return head.startswith(b"<")


def scan_worksheets(name: str, package: zipfile.ZipFile, parts: list[str], sheets: list[SheetPart],
                     collect: set[str | None], limits: Limits) -> dict[str, SheetScan]:
    """Parse every part holding a `sheetData` (`malark.xlsx.sheet_xml`): its extent is
    capped per sheet and in total before anything else reads it."""
    shown = {s.part: s.name for s in sheets if s.part is not None}
    scans: dict[str, SheetScan] = {}
    total = 0
    for part in parts:
        label = shown.get(part, part)
        try:
            scan = scan_sheet(package.read(part), max_cells=limits.max_sheet_cells,
                              collect=part in collect, max_formulas=limits.max_formulas)
        except ScanLimitError as error:
            if error.rows and error.columns:
                raise _too_big(name, label, error.rows, error.columns) from error
            raise unsafe(name, f"bladet {label}: {error}") from error
        except SheetXmlError as error:
            what_to_do = STRICT_WHAT_TO_DO if error.strict else SAVE_AS_XLSX
            raise Refused(unreadable(name, f"bladet {label}: {error}", what_to_do)) from error
        total += scan.cells
        if total > limits.max_total_cells:
            raise _too_big(name, label, scan.rows, scan.columns)
        scans[part] = scan
    return scans


def _too_big(name: str, sheet: str, rows: int, columns: int) -> Refused:
    return unsafe(name, f"bladet {sheet} är för stort (minst {rows} rader × {columns} "
                         f"kolumner): något är ifyllt långt ner, till rad {rows}, eller långt "
                         f"ut till höger, till kolumn {column_letter(columns)}. Töm de cellerna "
                         "i Excel")
