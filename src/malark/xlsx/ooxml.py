"""The structure of an OOXML spreadsheet package, read without trusting it.

`sheet_parts` maps the sheets `xl/workbook.xml` lists to their zip entries through the
package relationships (defusedxml, DTDs forbidden).
Problems raise `PackageError` with a Swedish reason; `malark.xlsx.safety` turns it into S001.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path

import defusedxml.ElementTree as SafeET

__all__ = ["STRICT_WHAT_TO_DO", "PackageError", "SheetPart", "listed_sheets", "relationships",
           "sheet_parts", "workbook_part"]

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_STRICT = "{http://purl.oclc.org/ooxml/spreadsheetml/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "/officeDocument"


STRICT_WHAT_TO_DO = ("Öppna filen i Excel och spara den med Spara som > Excel-arbetsbok (*.xlsx), "
                     "inte som Strikt Open XML-kalkylblad.")


class PackageError(ValueError):
    """The package's structure is broken; the message is a Swedish reason, `what_to_do`
    (when given) what the user should do about it."""

    def __init__(self, reason: str, what_to_do: str | None = None):
        super().__init__(reason)
        self.what_to_do = what_to_do


@dataclass(frozen=True, slots=True)
class SheetPart:
    """A sheet as `xl/workbook.xml` lists it, with the zip entry holding it."""

    name: str
    part: str | None
    """Zip entry name (e.g. `xl/worksheets/sheet1.xml`); None when the link is broken."""
    state: str = "visible"


def _parse(package: zipfile.ZipFile, part: str):
    try:
        return SafeET.fromstring(package.read(part), forbid_dtd=True)
    except KeyError as error:
        raise PackageError(f"delen {part} saknas") from error
    except Exception as error:  # noqa: BLE001 - ParseError and defusedxml's refusals
        raise PackageError(f"delen {part} är skadad") from error


def relationships(package: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, target entry name) for `part` (an empty dict when none)."""
    folder, base = posixpath.split(part)
    rels_part = _entry(package, posixpath.join(folder, "_rels", base + ".rels"))
    if rels_part is None:
        return {}
    result = {}
    for rel in _parse(package, rels_part).iter(f"{_NS_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            resolved = target
        elif target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        if rel.get("TargetMode") != "External":
            resolved = _entry(package, resolved) or resolved
        result[rel.get("Id", "")] = (rel.get("Type", ""), resolved)
    return result


def _entry(package: zipfile.ZipFile, name: str) -> str | None:
    """The zip entry a reader finds for `name`: calamine looks entries up without case and
    reads `\\` as `/` (names that differ only so are refused before this)."""
    if name in package.NameToInfo:
        return name
    wanted = name.replace("\\", "/").lower()
    for entry in package.NameToInfo:
        if entry.replace("\\", "/").lower() == wanted:
            return entry
    return None


def workbook_part(package: zipfile.ZipFile) -> str:
    """The zip entry of the workbook part (normally `xl/workbook.xml`)."""
    for rel_type, target in relationships(package, "").values():
        if rel_type.endswith(_OFFICE_DOCUMENT):
            return target
    if "xl/workbook.xml" in package.NameToInfo:
        return "xl/workbook.xml"
    raise PackageError("filen är inte en Excel-arbetsbok (arbetsboksdelen saknas)")


def sheet_parts(package: zipfile.ZipFile) -> list[SheetPart]:
    """The sheets `xl/workbook.xml` lists, in order, with their zip entries."""
    part = workbook_part(package)
    if part.lower().endswith(".bin"):
        raise PackageError("filen är sparad som binär arbetsbok (.xlsb)")
    rels = relationships(package, part)
    root = _parse(package, part)
    if root.tag.startswith(_NS_STRICT):
        raise PackageError(
            "filen är sparad som Strikt Open XML-kalkylblad, ett format som malark inte läser",
            STRICT_WHAT_TO_DO)
    if not root.tag.startswith(_NS_MAIN):
        raise PackageError("arbetsboksdelen har ett okänt format")
    sheets = []
    for sheet in root.iter(f"{_NS_MAIN}sheet"):
        target = rels.get(sheet.get(f"{_NS_REL}id", ""), ("", None))[1]
        if target not in package.NameToInfo:
            target = None
        sheets.append(SheetPart(sheet.get("name", ""), target, sheet.get("state", "visible")))
    return sheets


_LISTING_LIMIT = 2_000_000
"""Bytes a workbook part may unpack to when only its sheet list is wanted."""


def listed_sheets(path: Path) -> list[str] | None:
    """The sheet names `path`'s workbook part lists, read from that part alone (a large
    workbook's sheets are never unpacked); None when `path` is not an xlsx package or its
    workbook part cannot be read safely."""
    try:
        with zipfile.ZipFile(path) as package:
            part = workbook_part(package)
            if package.getinfo(part).file_size > _LISTING_LIMIT:
                return None
            return [sheet.name for sheet in sheet_parts(package)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, PackageError, KeyError, OSError, ValueError,
            EOFError, RuntimeError, NotImplementedError):
        return None
