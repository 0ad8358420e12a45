"""Inspecting a returned file before anything parses it (S001, S009, S010).

`inspect_file` looks at the bytes first and parses as little as it can:

- the size of the file, and its magic bytes: a zip (xlsx/xlsm), an OLE2 container
  (password-protected OOXML carries an `EncryptionInfo`/`EncryptedPackage` stream, a legacy
  `.xls` a `Workbook`/`Book` stream), a PDF, or something else → S001 with what to do;
- the zip's end-of-central-directory record before `zipfile` reads the directory (entry
  count and directory size), then every entry's declared sizes and compression ratio,
  and then each entry's real inflated size, streamed with a cap, so a zip bomb or a
  directory that lies about sizes is refused (S009) without ever holding it in memory;
- every XML part for `<!DOCTYPE`/`<!ENTITY` (XML bombs, S009); python-calamine itself
  does not expand entities (it fails on them), and malark's own XML parsing goes
  through defusedxml with DTDs forbidden;
- every part that holds a worksheet's cells (any entry with a `sheetData`, whatever its
  name, since a reader may resolve the workbook's relationships differently) is parsed
  with expat (`malark.xlsx.sheet_xml`): its extent (rows × columns of cells holding
  something) is capped, because calamine builds a dense range and one cell in XFD1048576
  would ask for 17 billion cells; a shape calamine could read differently is refused;
- the root of every XML part: a shared-string table whose declared count is larger than
  the part could hold (calamine reserves memory for it up front) is refused, and so is a
  workbook in Strict Open XML (S001: read it or refuse it, never half of it);
- macros, Excel 4 macro sheets, ActiveX/embedded objects, external links, data
  connections and sheets named like an xlwings configuration (`xlwings.conf`, `*.conf`,
  which could redirect the ribbon button's Python interpreter) → S010 warnings.

`inspect_file` never raises; what it finds is in `Inspection.findings`.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from malark.core.errors import os_reason
from malark.core.findings import Finding, rule
from malark.core.text import display_path
from malark.xlsx.ooxml import PackageError, SheetPart, sheet_parts
from malark.xlsx.parts import check_roots, scan_worksheets
from malark.xlsx.refusal import SAVE_AS_XLSX, Refused, size_text, unreadable, unsafe
from malark.xlsx.sheet_xml import SheetScan

__all__ = [
    "DEFAULT_LIMITS", "Inspection", "Limits", "SheetPart", "inspect_file", "is_xlwings_conf",
    "ole_stream_names",
]

_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = 50 * _MB
    max_entries: int = 2000
    max_entry_bytes: int = 50 * _MB
    """Inflated size of one zip entry."""
    max_total_bytes: int = 150 * _MB
    """Inflated size of all entries together."""
    max_ratio: float = 100.0
    """Inflated / compressed size, judged for entries above `ratio_floor_bytes`."""
    ratio_floor_bytes: int = 1 * _MB
    max_sheet_cells: int = 250_000
    """Rows × columns of one worksheet (calamine allocates the whole rectangle)."""
    max_total_cells: int = 500_000
    max_formulas: int = 100_000
    """Formula cells in one data sheet (a committee workbook has a few thousand)."""
    max_shared_strings: int = 1_000_000
    """Texts a shared-string table may declare (calamine reserves room for them)."""


DEFAULT_LIMITS = Limits()

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_SHEET_MARKERS = tuple("sheetData".encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be"))
_STRINGS_MARKERS = tuple("sst".encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be"))
"""Bytes that may make a part a shared-string table (its declared count is checked)."""
"""Bytes that make a part a worksheet for some reader: it is then parsed and capped
(`malark.xlsx.parts`)."""
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_CHUNK = 256 * 1024


@dataclass(slots=True)
class Inspection:
    file: str
    findings: list[Finding] = field(default_factory=list)
    readable: bool = False
    """True when the file may be handed to a parser."""
    content: bytes | None = None
    sha256: str | None = None
    package: zipfile.ZipFile | None = None
    sheets: list[SheetPart] = field(default_factory=list)
    scans: dict[str, SheetScan] = field(default_factory=dict)
    """Zip entry → what parsing it as a worksheet found (formulas and error values only
    for the sheets named in `inspect_file(collect=…)`)."""

    def scan(self, sheet: str) -> SheetScan | None:
        """The scan of the sheet named `sheet`, if it has a worksheet part."""
        for item in self.sheets:
            if item.name == sheet and item.part is not None:
                return self.scans.get(item.part)
        return None

    def part(self, name: str) -> bytes:
        """An entry's bytes (its size was checked by `inspect_file`)."""
        assert self.package is not None
        return self.package.read(name)


def inspect_file(path: Path | str, *, display_name: str | None = None,
                 limits: Limits = DEFAULT_LIMITS, collect: frozenset[str] = frozenset()) -> Inspection:
    """Inspect `path` without trusting it; never raises. The formulas and error values of
    the sheets named in `collect` are kept in `Inspection.scans`."""
    name = display_name or display_path(path)
    inspection = Inspection(file=name)
    try:
        _inspect(Path(path), inspection, limits, collect)
        inspection.readable = True
    except Refused as refused:
        inspection.findings.append(refused.finding)
        inspection.package = None
    except Exception as error:  # noqa: BLE001 - a hostile file must never give a traceback
        inspection.findings.append(unreadable(name, f"filen är skadad ({type(error).__name__})"))
        inspection.package = None
    return inspection


def _inspect(path: Path, inspection: Inspection, limits: Limits, collect: frozenset[str]) -> None:
    name = inspection.file
    try:
        if not path.is_file():  # a folder, or a device such as /dev/zero that never ends
            raise Refused(unreadable(name, "det är ingen vanlig fil",
                                       "Ange sökvägen till själva Excel-filen."))
        with path.open("rb") as handle:
            content = handle.read(limits.max_file_bytes + 1)
        if len(content) > limits.max_file_bytes:
            size = max(path.stat().st_size, len(content))
            raise unsafe(name, f"filen är {size_text(size)}, större än gränsen "
                                f"{size_text(limits.max_file_bytes)}")
    except OSError as error:
        raise Refused(unreadable(name, f"filen kan inte öppnas ({os_reason(error)})",
                                   "Kontrollera att filen finns och inte är öppen i ett annat "
                                   "program.")) from error
    inspection.content = content
    inspection.sha256 = hashlib.sha256(content).hexdigest()
    _check_magic(name, content)
    package = _open_zip(name, content, limits)
    worksheets, string_tables = _check_entries(name, content, package, limits)
    inspection.package = package
    check_roots(name, package, string_tables, limits)
    try:
        inspection.sheets = sheet_parts(package)
    except PackageError as error:
        raise Refused(unreadable(name, str(error), error.what_to_do or SAVE_AS_XLSX)) from error
    wanted = {s.part for s in inspection.sheets if s.name in collect and s.part is not None}
    inspection.scans = scan_worksheets(name, package, worksheets, inspection.sheets, wanted, limits)
    inspection.findings.extend(_active_content(name, package, inspection.sheets))


# --- what kind of file is it? -----------------------------------------------------------

def _check_magic(name: str, content: bytes) -> None:
    head = content[:8]
    if head.startswith(_ZIP_MAGICS):
        return
    if head == _OLE_MAGIC:
        raise Refused(_ole_finding(name, content))
    if head.startswith(b"%PDF"):
        raise Refused(unreadable(name, "filen är en PDF, inte en Excel-arbetsbok",
                                   "Skicka in själva Excel-filen (.xlsx), inte en PDF-utskrift."))
    if not content:
        raise Refused(unreadable(name, "filen är tom"))
    raise Refused(unreadable(name, "filen är inte en Excel-arbetsbok (.xlsx)"))


def ole_stream_names(content: bytes) -> set[str]:
    """Lower-cased names of the streams and storages in an OLE2 (CFB) container."""
    try:
        import olefile

        with olefile.OleFileIO(io.BytesIO(content)) as ole:
            return {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=True)}
    except Exception:  # noqa: BLE001 - a broken directory: fall back to the raw names
        names = ("EncryptionInfo", "EncryptedPackage", "Workbook", "Book")
        return {n.lower() for n in names if n.encode("utf-16-le") in content}


def _ole_finding(name: str, content: bytes) -> Finding:
    streams = {s.rsplit("/", 1)[-1] for s in ole_stream_names(content)}
    if streams & {"encryptioninfo", "encryptedpackage"}:
        return unreadable(
            name, "filen är lösenordsskyddad (krypterad)",
            "Öppna filen i Excel, ta bort lösenordet (Arkiv > Info > Skydda arbetsbok > "
            "Kryptera med lösenord, töm fältet) och spara som .xlsx utan lösenord.")
    if streams & {"workbook", "book"}:
        return unreadable(name, "filen är sparad i det gamla Excel-formatet .xls")
    return unreadable(name, "filen är ett äldre Office-dokument, inte en Excel-arbetsbok")


# --- the zip container ------------------------------------------------------------------

def _open_zip(name: str, content: bytes, limits: Limits) -> zipfile.ZipFile:
    entries, directory_size = _central_directorysize_text(content)
    if entries is None:
        raise Refused(unreadable(name, "filen är skadad eller ofullständig (zip-strukturen "
                                         "saknas)"))
    if entries > limits.max_entries or directory_size > limits.max_entries * 1024:
        raise unsafe(name, f"filen har för många delar ({entries}, gränsen är "
                            f"{limits.max_entries})")
    try:
        package = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise Refused(unreadable(name, "filen är skadad eller ofullständig")) from error
    if len(package.infolist()) > limits.max_entries:
        raise unsafe(name, f"filen har för många delar (gränsen är {limits.max_entries})")
    names = [info.filename.replace("\\", "/").lower() for info in package.infolist()]
    if len(set(names)) != len(names):  # which copy would a parser read? (calamine looks
        # entries up without case and with \ read as /)
        raise unsafe(name, "filen innehåller samma del flera gånger")
    return package


def _central_directorysize_text(content: bytes) -> tuple[int | None, int]:
    """(entry count, directory bytes) from the end-of-central-directory record."""
    at = content.rfind(b"PK\x05\x06", max(0, len(content) - 22 - 65535))
    if at < 0 or len(content) < at + 22:
        return None, 0
    _, _, _, total, directory_size, _, _ = struct.unpack("<4sHHHHII", content[at:at + 20])
    if total == 0xFFFF or directory_size == 0xFFFFFFFF:  # zip64: read its own record
        locator = content.rfind(b"PK\x06\x07", 0, at)
        if locator < 0:
            return None, 0
        (offset,) = struct.unpack("<Q", content[locator + 8:locator + 16])
        record = content[offset:offset + 56]
        if not record.startswith(b"PK\x06\x06") or len(record) < 56:
            return None, 0
        total, directory_size = struct.unpack("<QQ", record[32:48])
    return total, directory_size


def _check_entries(name: str, content: bytes, package: zipfile.ZipFile,
                   limits: Limits) -> tuple[list[str], list[str]]:
    """Sizes, ratios and content of every entry; returns the entries that hold a
    `sheetData` (the worksheets, whatever they are called) and those that may be a
    shared-string table."""
    total = 0
    for info in package.infolist():
        if info.flag_bits & 0x1:
            raise Refused(unreadable(name, "delar av filen är krypterade"))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise unsafe(name, f"delen {info.filename} använder en okänd komprimering")
        total += info.file_size
        if info.file_size > limits.max_entry_bytes:
            raise unsafe(name, f"delen {info.filename} packas upp till mer än "
                                f"{size_text(limits.max_entry_bytes)}")
        if total > limits.max_total_bytes:
            raise unsafe(name, f"filen packas upp till mer än {size_text(limits.max_total_bytes)}")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
            raise unsafe(name, f"delen {info.filename} är misstänkt hårt komprimerad "
                                f"({ratio:.0f}:1, zip-bomb)")
    worksheets, string_tables = [], []
    for info in package.infolist():
        sheet, strings = _check_entry_content(name, content, info)
        if sheet:
            worksheets.append(info.filename)
        if strings:
            string_tables.append(info.filename)
    return worksheets, string_tables


def _check_entry_content(name: str, content: bytes, info: zipfile.ZipInfo) -> tuple[bool, bool]:
    """Inflate one entry in chunks: it must not grow past its declared size, and an XML
    part must not declare a DTD or entities. Says whether it holds a `sheetData` and
    whether it may be a shared-string table."""
    is_xml = info.filename.lower().endswith(_XML_SUFFIXES)
    produced, tail, worksheet, strings = 0, b"", False, False
    for chunk in _inflate(name, content, info):
        produced += len(chunk)
        if produced > info.file_size:
            raise unsafe(name, f"delen {info.filename} är större än zip-katalogen anger")
        window = tail + chunk
        if is_xml and any(marker in window for marker in _DTD_MARKERS):
            raise unsafe(name, f"delen {info.filename} innehåller en DTD eller "
                                "entitetsdeklarationer (XML-bomb)")
        worksheet = worksheet or any(marker in window for marker in _SHEET_MARKERS)
        strings = strings or any(marker in window for marker in _STRINGS_MARKERS)
        tail = window[-24:]
    return worksheet, strings


def _inflate(name: str, content: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    start = info.header_offset
    header = content[start:start + 30]
    if len(header) < 30 or not header.startswith(b"PK\x03\x04"):
        raise Refused(unreadable(name, "filen är skadad eller ofullständig"))
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    data_start = start + 30 + name_length + extra_length
    raw = memoryview(content)[data_start:data_start + info.compress_size]
    if len(raw) < info.compress_size:
        raise Refused(unreadable(name, "filen är ofullständig (avkortad)"))
    if info.compress_type == zipfile.ZIP_STORED:
        yield bytes(raw)
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for offset in range(0, len(raw), _CHUNK):
            pending = bytes(raw[offset:offset + _CHUNK])
            while pending:
                yield inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
        yield inflater.flush()
    except zlib.error as error:
        raise Refused(unreadable(name, "filen är skadad (en del går inte att packa upp)")) from error


# --- macros, links and configuration sheets (S010) --------------------------------------

def is_xlwings_conf(sheet_name: str) -> bool:
    return sheet_name.strip().lower().endswith(".conf")


def _active_content(name: str, package: zipfile.ZipFile, sheets: list[SheetPart]) -> list[Finding]:
    entries = [n.lower() for n in package.namelist()]
    content_types = package.read("[Content_Types].xml") if "[content_types].xml" in entries else b""
    s010 = rule("S010")
    remove = "Ta bort dem och spara som Excel-arbetsbok (.xlsx) innan du skickar in filen."
    found = []
    if (any(n.endswith("vbaproject.bin") or "/macrosheets/" in n for n in entries)
            or b"macroenabled" in content_types.lower()):
        found.append(s010.finding(file=name, what="makron (VBA eller Excel 4-makroblad)",
                                  what_to_do=remove))
    if any(n.startswith(("xl/activex/", "xl/embeddings/")) for n in entries):
        found.append(s010.finding(file=name, what="inbäddade objekt eller ActiveX-kontroller",
                                  what_to_do=remove))
    if any(n.startswith("xl/externallinks/") for n in entries):
        found.append(s010.finding(file=name, what="länkar till andra arbetsböcker (externa länkar)",
                                  what_to_do="Bryt länkarna (Data > Redigera länkar > Bryt länk) "
                                             "och spara filen igen."))
    if "xl/connections.xml" in entries:
        found.append(s010.finding(file=name, what="externa dataanslutningar", what_to_do=remove))
    for sheet in sheets:
        if is_xlwings_conf(sheet.name):
            found.append(s010.finding(
                file=name, sheet=sheet.name,
                what=f"bladet {sheet.name}, som kan styra om vilket Python-program "
                     "Validera-knappen kör",
                what_to_do="Ta bort bladet och spara filen igen."))
        elif sheet.name.strip().lower().endswith(".py"):
            found.append(s010.finding(
                file=name, sheet=sheet.name,
                what=f"bladet {sheet.name}, som xlwings kan köra som Python-kod",
                what_to_do="Ta bort bladet och spara filen igen."))
    return found
