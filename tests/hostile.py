"""Builders of hostile (and very large) workbook files for the reader's tests.

Every builder writes one file and returns its path; `build_corpus` writes them all and
says which rule code each must give. Files are built from a small valid workbook so the
only thing wrong with each is the hostile part. `legacy_xls` and `encrypted_ooxml` need
an OLE2 (CFB) container, which `olefile` cannot write: `cfb_container` writes a minimal
valid one by hand (version 3, 512-byte sectors, every stream padded to the 4096-byte
mini-stream cutoff so no mini stream is needed).
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl

__all__ = ["CORPUS", "build_corpus", "cfb_container", "large_committee_workbook", "small_workbook"]

_ENDOFCHAIN, _FREESECT, _FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF
_SECTOR = 512
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
              for i in range(1, 10))
    + "]>\n"
)


def small_workbook(path: Path, *, sheets: tuple[str, ...] = ("Data",)) -> Path:
    """A valid workbook with a shared-strings part, as Excel writes it."""
    workbook = openpyxl.Workbook()
    workbook.active.title = sheets[0]
    for name in sheets[1:]:
        workbook.create_sheet(name)
    for sheet in workbook.worksheets:
        sheet["A1"], sheet["B1"], sheet["A2"] = "Id", "Värde", "00123"
    workbook.save(path)
    return _with_shared_strings(path)


def _with_shared_strings(path: Path) -> Path:
    """openpyxl writes inline strings; move A1's text into a sharedStrings part."""
    parts = _read_parts(path)
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>Id</t></si></sst>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>")
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        parts[name] = parts[name].replace(b'<c r="A1" t="inlineStr"><is><t>Id</t></is></c>',
                                          b'<c r="A1" t="s"><v>0</v></c>')
    return _write_parts(path, parts)


def _read_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def _write_parts(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return path


def _edit(path: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    small_workbook(path)
    parts = _read_parts(path)
    change(parts)
    return _write_parts(path, parts)


# --- zip level --------------------------------------------------------------------------

def zip_bomb(path: Path) -> Path:
    """A 30 MB part of zeros compressed about 1000:1."""
    return _edit(path, lambda parts: parts.__setitem__("xl/media/padding.bin", bytes(30 * 2**20)))


def too_many_entries(path: Path, count: int = 5000) -> Path:
    def add(parts: dict[str, bytes]) -> None:
        for number in range(count):
            parts[f"customXml/item{number}.xml"] = b"<a/>"
    return _edit(path, add)


def lying_sizes(path: Path) -> Path:
    """A part whose central directory says 10 bytes but which inflates to 20 MB."""
    small_workbook(path)
    parts = _read_parts(path)
    payload = bytes(20 * 2**20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    deflated = compressor.compress(payload) + compressor.flush()
    entries = [(name, zlib.compress(data, 9)[2:-4], len(data), zlib.crc32(data))
               for name, data in parts.items()]
    entries.append(("xl/media/image1.png", deflated, 10, zlib.crc32(payload[:10])))
    path.write_bytes(_raw_zip(entries))
    return path


def _raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A deflate zip with the declared sizes given (to build lying archives)."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, deflated, size, crc in entries:
        encoded = name.encode()
        offset = out.tell()
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc,
                              len(deflated), size, len(encoded), 0) + encoded + deflated)
        directory.write(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0,
                                    crc, len(deflated), size, len(encoded), 0, 0, 0, 0, 0, offset)
                        + encoded)
    start = out.tell()
    out.write(directory.getvalue())
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                          len(directory.getvalue()), start, 0))
    return out.getvalue()


def duplicate_part(path: Path) -> Path:
    """The first sheet twice: one harmless copy for one parser, a far cell for another."""
    small_workbook(path)
    parts = _read_parts(path)
    far = parts["xl/worksheets/sheet1.xml"].replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    with zipfile.ZipFile(path, "a") as package, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate
        package.writestr("xl/worksheets/sheet1.xml", far)
    return path


def truncated(path: Path) -> Path:
    small_workbook(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def pdf_renamed(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
    return path


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def word_document(path: Path) -> Path:
    """A zip that is not a workbook (a .docx renamed .xlsx)."""
    return _write_parts(path, {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})


# --- XML level --------------------------------------------------------------------------

def xml_bomb_shared_strings(path: Path) -> Path:
    def bomb(parts: dict[str, bytes]) -> None:
        body = parts["xl/sharedStrings.xml"].split(b"?>", 1)[1].replace(b">Id<", b">&lol9;<")
        parts["xl/sharedStrings.xml"] = _BILLION_LAUGHS.encode() + body
    return _edit(path, bomb)


def xml_bomb_sheet(path: Path) -> Path:
    def bomb(parts: dict[str, bytes]) -> None:
        sheet = parts["xl/worksheets/sheet1.xml"].replace(b"00123", b"&lol9;")
        parts["xl/worksheets/sheet1.xml"] = _BILLION_LAUGHS.encode() + sheet
    return _edit(path, bomb)


def far_cell(path: Path) -> Path:
    """One value in XFD1048576: calamine would allocate 17 billion cells."""
    def far(parts: dict[str, bytes]) -> None:
        parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    return _edit(path, far)


# --- OLE2 containers --------------------------------------------------------------------

def cfb_container(streams: dict[str, bytes]) -> bytes:
    """A minimal valid compound file (CFB v3) holding `streams` under the root storage."""
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    datas = [streams[n].ljust(max(4096, len(streams[n])), b"\0") for n in names]
    directory_sectors = (len(names) + 1 + 3) // 4
    fat = [_FATSECT] + [2 + i if i + 1 < directory_sectors else _ENDOFCHAIN
                        for i in range(directory_sectors)]
    starts = []
    for data in datas:
        count = len(data) // _SECTOR + (1 if len(data) % _SECTOR else 0)
        first = len(fat)
        starts.append(first)
        fat += [first + i + 1 for i in range(count - 1)] + [_ENDOFCHAIN]
    assert len(fat) <= _SECTOR // 4, "too big for one FAT sector"
    fat += [_FREESECT] * (_SECTOR // 4 - len(fat))
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(16),
                         0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0, 1, 1, 0, 4096, _ENDOFCHAIN, 0,
                         _ENDOFCHAIN, 0)
    header += struct.pack("<109I", 0, *([_FREESECT] * 108))
    entries = [_directory_entry("Root Entry", 5, child=1 if names else _NOSTREAM,
                                start=_ENDOFCHAIN, size=0)]
    for index, (name, data) in enumerate(zip(names, datas, strict=True), start=1):
        right = index + 1 if index < len(names) else _NOSTREAM
        entries.append(_directory_entry(name, 2, right=right, start=starts[index - 1], size=len(data)))
    directory = b"".join(entries).ljust(directory_sectors * _SECTOR, b"\0")
    directory = _pad_unused_entries(directory, len(entries))
    body = struct.pack(f"<{_SECTOR // 4}I", *fat) + directory
    body += b"".join(d.ljust(-(-len(d) // _SECTOR) * _SECTOR, b"\0") for d in datas)
    return header + body


def _directory_entry(name: str, kind: int, *, child: int = _NOSTREAM, right: int = _NOSTREAM,
                     start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return struct.pack("<64sHBBIII16sIQQIQ", encoded.ljust(64, b"\0"), len(encoded), kind, 1,
                       _NOSTREAM, right, child, bytes(16), 0, 0, 0, start, size)


def _pad_unused_entries(directory: bytes, used: int) -> bytes:
    empty = struct.pack("<64sHBBIII16sIQQIQ", bytes(64), 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM,
                        bytes(16), 0, 0, 0, 0, 0)
    entries = [directory[i:i + 128] for i in range(0, len(directory), 128)]
    return b"".join(e if n < used else empty for n, e in enumerate(entries))


def legacy_xls(path: Path) -> Path:
    """An OLE2 file with a BIFF8 `Workbook` stream (starts with a BOF record)."""
    bof = struct.pack("<HHHHII", 0x0809, 16, 0x0600, 0x0005, 0, 0)
    path.write_bytes(cfb_container({"Workbook": bof}))
    return path


def encrypted_ooxml(path: Path) -> Path:
    """What Excel writes for a password-protected workbook: an OLE2 container with
    `EncryptionInfo` (agile, version 4.4) and `EncryptedPackage` streams."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    package = struct.pack("<Q", 9000) + bytes(9000)
    path.write_bytes(cfb_container({"EncryptionInfo": info, "EncryptedPackage": package}))
    return path


# --- active content (S010) --------------------------------------------------------------

def with_macros(path: Path) -> Path:
    def macros(parts: dict[str, bytes]) -> None:
        parts["xl/vbaProject.bin"] = cfb_container({"PROJECT": b"ID=\"{00000000}\"\r\n"})
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            XLSX_MAIN, XLSM_MAIN)
    return _edit(path, macros)


def with_external_link(path: Path) -> Path:
    def link(parts: dict[str, bytes]) -> None:
        parts["xl/externalLinks/externalLink1.xml"] = (
            b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<externalBook/></externalLink>')
    return _edit(path, link)


def with_xlwings_conf(path: Path) -> Path:
    return small_workbook(path, sheets=("Data", "xlwings.conf"))


CORPUS: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    "zip_bomb": (zip_bomb, ".xlsx", "S009"),
    "too_many_entries": (too_many_entries, ".xlsx", "S009"),
    "lying_sizes": (lying_sizes, ".xlsx", "S009"),
    "xml_bomb_shared_strings": (xml_bomb_shared_strings, ".xlsx", "S009"),
    "xml_bomb_sheet": (xml_bomb_sheet, ".xlsx", "S009"),
    "far_cell": (far_cell, ".xlsx", "S009"),
    "duplicate_part": (duplicate_part, ".xlsx", "S009"),
    "truncated": (truncated, ".xlsx", "S001"),
    "pdf_renamed": (pdf_renamed, ".xlsx", "S001"),
    "empty_file": (empty_file, ".xlsx", "S001"),
    "word_document": (word_document, ".xlsx", "S001"),
    "legacy_xls": (legacy_xls, ".xls", "S001"),
    "legacy_xls_renamed": (legacy_xls, ".xlsx", "S001"),
    "encrypted": (encrypted_ooxml, ".xlsx", "S001"),
    "macros": (with_macros, ".xlsm", "S010"),
    "external_link": (with_external_link, ".xlsx", "S010"),
    "xlwings_conf": (with_xlwings_conf, ".xlsx", "S010"),
}
"""Name → (builder, file suffix, the rule code the file must give)."""


def build_corpus(folder: Path) -> dict[str, tuple[Path, str]]:
    """Write every hostile file into `folder`; name → (path, expected code)."""
    folder.mkdir(parents=True, exist_ok=True)
    return {name: (build(folder / f"{name}{suffix}"), code)
            for name, (build, suffix, code) in CORPUS.items()}


# --- a large, legitimate committee workbook ---------------------------------------------

def large_committee_workbook(path: Path, *, goals: int = 60, indicators: int = 240,
                             activities: int = 600) -> Path:
    """A generated committee workbook (BUN, T1) filled in with `goals` nämndmål,
    `indicators` indicators and `activities` activities: the issue's benchmark file."""
    from datetime import date

    from malark.core.contract import Period
    from malark.core.example import example_model
    from malark.generate.committee_workbook import build_committee_workbook

    model = example_model()
    workbook = build_committee_workbook(model, "BUN", Period.T1)
    kf_ids = [g.id for g in model.goals_addressed_to("BUN")]
    sheet = workbook["Nämndmål"]
    for n in range(1, goals + 1):
        values = [f"BUN-{n}", kf_ids[n % len(kf_ids)], "Medborgare",
                  f"Andelen elever med godkända betyg ska öka till {80 + n % 15} % år 2027",
                  "Förvaltningschef", 2027, 2027, "Gul", "Analys " * 5, "Åtgärd " * 3]
        for column, value in enumerate(values, start=1):
            sheet.cell(n + 1, column, value)
    sheet = workbook["Indikatorer"]
    for n in range(1, indicators + 1):
        goal = f"BUN-{(n - 1) % goals + 1}"
        values = [f"{goal}-I{n}", goal, f"Indikator {n}", "%", "Högre är bättre", 70.0, 2025,
                  85.0, 2027, 72.5, "80,5" if n % 7 == 0 else 81.0, None, "Kommentar", None]
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(n + 1, column, value)
    sheet = workbook["Aktiviteter"]
    for n in range(1, activities + 1):
        goal = f"BUN-{(n - 1) % goals + 1}"
        values = [f"{goal}-A{n}", goal, f"Aktivitet nummer {n} genomförs", "Rektor",
                  date(2027, 1, 1), date(2027, 12, 31), "Pågår", "Kommentar " * 3]
        for column, value in enumerate(values, start=1):
            sheet.cell(n + 1, column, value)
    workbook.save(path)
    return path
