"""Marking the cells of findings in the open workbook (fill and note), and taking the
button's own marks away again on the next run.

What was marked is remembered in the result sheet (hidden columns, see `results.py`) as
`Mark(sheet, cell, original fill, note added?)`. Clearing touches only those cells: it
puts the original fill back only where the cell still has one of malark's fills (a fill
the user chose since is kept) and deletes only notes malark added (their text starts with
`NOTE_PREFIX`). Values are never written.

Protected sheets (the committee workbook's sheets are protected without a password):
the protection is lifted through `Sheet.api` (COM on Windows, appscript on macOS) and put
back with the same options; where that is not possible (a password) the cells of that
sheet are left unmarked and counted, and the result sheet still lists them.
"""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from malark.addin.xlbook import visibility
from malark.core.errors import MalarkError
from malark.core.findings import SEVERITY_SV, Finding, Severity
from malark.validate.annotate import FILL_COLOURS

__all__ = ["MAX_MARKED_CELLS", "NOTE_PREFIX", "Mark", "MarkOutcome", "apply_marks", "clear_marks",
           "unprotected"]

MAX_MARKED_CELLS = 300
"""Beyond this many cells only the result sheet lists findings (each mark is a few calls
into Excel, slow on macOS)."""
NOTE_PREFIX = "Målark:"
_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_A1 = re.compile(r"[A-Z]{1,3}[1-9]\d{0,6}")
_PROTECTION_FLAGS = (
    "AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows",
    "AllowInsertingColumns", "AllowInsertingRows", "AllowInsertingHyperlinks",
    "AllowDeletingColumns", "AllowDeletingRows", "AllowSorting", "AllowFiltering",
    "AllowUsingPivotTables",
)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return (int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16))


MARK_COLOURS = {severity: _rgb(hex_colour) for severity, hex_colour in FILL_COLOURS.items()}


@dataclass(frozen=True, slots=True)
class Mark:
    sheet: str
    cell: str
    original_fill: str
    """`#RRGGBB`, or '' for no fill."""
    note_added: bool


@dataclass(slots=True)
class MarkOutcome:
    marks: list[Mark]
    unmarked: int
    """Cells with a finding that were not marked (limit reached, sheet protected)."""


def _to_hex(colour: Any) -> str:
    if not colour:
        return ""
    red, green, blue = colour
    return f"#{red:02X}{green:02X}{blue:02X}"


def _from_hex(text: str) -> tuple[int, int, int] | None:
    return _rgb(text[1:]) if re.fullmatch(r"#[0-9A-Fa-f]{6}", text or "") else None


class _ComProtection:
    """Windows: COM `Worksheet` (`ProtectContents`, `Protection.Allow…`, `Unprotect`, `Protect`)."""

    def __init__(self, api: Any) -> None:
        self.api = api

    def protected(self) -> bool:
        return bool(self.api.ProtectContents)

    def options(self) -> dict[str, bool]:
        api = self.api
        return {
            "DrawingObjects": bool(api.ProtectDrawingObjects), "Contents": True,
            "Scenarios": bool(api.ProtectScenarios), "UserInterfaceOnly": bool(api.ProtectionMode),
            **{flag: bool(getattr(api.Protection, flag)) for flag in _PROTECTION_FLAGS},
        }

    def unprotect(self) -> None:
        self.api.Unprotect()

    def protect(self, options: dict[str, bool]) -> None:
        self.api.Protect(**options)


class _MacProtection:
    """macOS: appscript names from xlwings' `mac_dict` (`protect_contents`, `unprotect`,
    `protect_worksheet`). Not verified against a real Excel for Mac."""

    def __init__(self, api: Any) -> None:
        self.api = api

    def protected(self) -> bool:
        return bool(self.api.protect_contents.get())

    def options(self) -> dict[str, bool]:
        api = self.api
        flags = {_snake(flag): bool(getattr(api.protection, _snake(flag)).get())
                 for flag in _PROTECTION_FLAGS}
        return {"drawing_objects": bool(api.protect_drawing_objects.get()), "worksheet_contents": True,
                "scenarios": bool(api.protect_scenarios.get()),
                "user_interface_only": bool(api.protection_mode.get()), **flags}

    def unprotect(self) -> None:
        self.api.unprotect()

    def protect(self, options: dict[str, bool]) -> None:
        self.api.protect_worksheet(**options)


def _snake(flag: str) -> str:
    name = re.sub(r"(?<!^)([A-Z])", r"_\1", flag).lower()
    return "allow_using_pivot_table" if name == "allow_using_pivot_tables" else name


def _protection(api: Any) -> _ComProtection | _MacProtection:
    return _ComProtection(api) if hasattr(api, "ProtectContents") else _MacProtection(api)


@contextlib.contextmanager
def unprotected(sheet: Any) -> Iterator[bool]:
    """Lift the sheet's protection (no password) for the block, then put it back with the
    same options. Yields False when the sheet stays protected (a password, or the
    protection cannot be read); the caller then leaves the sheet alone."""
    try:
        protection = _protection(sheet.api)
        if not protection.protected():
            protection = None
        else:
            options = protection.options()
            protection.unprotect()
    except Exception:  # noqa: BLE001 - password or unknown platform: leave the sheet as is
        yield False
        return
    try:
        yield True
    finally:
        if protection is not None:
            try:
                protection.protect(options)
            except Exception as error:  # noqa: BLE001
                raise MalarkError(
                    f"Bladet {sheet.name} kunde inte skyddas igen efter markeringen. Skydda det "
                    "själv: Granska > Skydda blad (utan lösenord).") from error


def _note_text(found: Sequence[Finding]) -> str:
    lines = [f"{SEVERITY_SV[f.severity]} {f.code}: {f.message}" for f in found]
    return "\n".join([NOTE_PREFIX, *lines])


def _by_sheet(findings: Iterable[Finding], sheet_names: set[str]) -> dict[str, dict[str, list[Finding]]]:
    grouped: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        if finding.sheet in sheet_names and _A1.fullmatch(finding.cell or ""):
            grouped[finding.sheet][finding.cell or ""].append(finding)
    return grouped


def _mark_cell(sheet: Any, address: str, found: list[Finding]) -> Mark:
    found.sort(key=lambda f: (_RANK[f.severity], f.code))
    cell = sheet.range(address)
    original = _to_hex(cell.color)
    cell.color = MARK_COLOURS[found[0].severity]
    note_added = False
    with contextlib.suppress(Exception):  # a note failing must not lose the fill's record
        if cell.note is None:
            cell.add_note(_note_text(found))
            note_added = True
    return Mark(sheet.name, address, original, note_added)


def apply_marks(sheets: Any, findings: Sequence[Finding], *, limit: int = MAX_MARKED_CELLS) -> MarkOutcome:
    """Fill and annotate the cells of `findings` in `sheets` (an `xlwings.Book.sheets`).
    Hidden sheets (`_malark`) are left alone: nobody can see or fix a mark there."""
    by_name = {sheet.name: sheet for sheet in sheets if visibility(sheet.visible) == "visible"}
    outcome = MarkOutcome(marks=[], unmarked=0)
    for sheet_name, cells in _by_sheet(findings, set(by_name)).items():
        sheet = by_name[sheet_name]
        with unprotected(sheet) as writable:
            for address, found in cells.items():
                if not writable or len(outcome.marks) >= limit:
                    outcome.unmarked += 1
                    continue
                try:
                    outcome.marks.append(_mark_cell(sheet, address, found))
                except Exception:  # noqa: BLE001 - e.g. still protected on macOS
                    outcome.unmarked += 1
    return outcome


def _clear_cell(sheet: Any, mark: Mark) -> None:
    cell = sheet.range(mark.cell)
    if cell.color in MARK_COLOURS.values():
        cell.color = _from_hex(mark.original_fill)
    if mark.note_added:
        note = cell.note
        if note is not None and note.text.startswith(NOTE_PREFIX):
            note.delete()


def clear_marks(sheets: Any, marks: Sequence[Mark]) -> list[Mark]:
    """Take away the marks of an earlier run, newest first (a cell marked twice gets its
    first original back). Returns the marks that could not be cleared, to keep them on
    record for the next run; marks on sheets that no longer exist are dropped."""
    by_name = {sheet.name: sheet for sheet in sheets}
    grouped: dict[str, list[Mark]] = defaultdict(list)
    for mark in reversed(marks):
        if mark.sheet in by_name and _A1.fullmatch(mark.cell):
            grouped[mark.sheet].append(mark)
    kept: list[Mark] = []
    for sheet_name, sheet_marks in grouped.items():
        sheet = by_name[sheet_name]
        with unprotected(sheet) as writable:
            for mark in sheet_marks:
                try:
                    if not writable:
                        raise PermissionError(sheet_name)
                    _clear_cell(sheet, mark)
                except Exception:  # noqa: BLE001 - leave that cell, carry on with the rest
                    kept.append(mark)
    return list(reversed(kept))
