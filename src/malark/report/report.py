"""`malark report`: the goal follow-up chapter from a consolidated workbook (SPEC 8).

Reads the consolidated workbook (and earlier ones for the trend), decides the chapter
once (`chapter`), renders it as .docx, .html or .pdf (the .docx through LibreOffice) and
writes it atomically: a failure halfway never leaves half a file or destroys the earlier
report. A file that is there already is replaced only when malark wrote it (its marker
is in the document's keywords, the page's generator, the PDF's keywords), unless `force`:
`-o Årsredovisning.docx` must not overwrite the office's own document by mistake.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from xml.etree.ElementTree import ParseError

from malark.core.errors import InputError, OutputError, os_reason
from malark.report.chapter import build_chapter
from malark.report.history import History, history_from_previous
from malark.report.history_sheet import history_from_sheet
from malark.report.source import read_source
from malark.xlsx.atomic import make_shareable, temporary_beside

__all__ = ["FORMATS", "write_report"]

FORMATS = (".docx", ".pdf", ".html")
HistoryPoints = Mapping[str, Iterable[tuple[int, str | None, float, str | None]]]


def write_report(consolidated: Path | str, out: Path | str, *, template: Path | str | None = None,
                 previous: Sequence[Path | str] = (), history: History | HistoryPoints | None = None,
                 force: bool = False) -> Path:
    """Write the chapter for `consolidated` to `out` (.docx, .pdf or .html) and return it.

    `previous`: earlier consolidated workbooks of the same municipality (their outcomes
    give the earlier columns and the trend); the workbook's own `Historik` sheet adds the
    years before. `history`: more earlier values through the seam `{indicator id: [(year,
    period, value, source), …]}`. For the same period an outcome from `previous` wins over
    `Historik`, and `Historik` over `history`. Raises `InputError` or
    `OutputError` with a Swedish message."""
    target = Path(out)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"Utfilen {target} ska sluta på .docx, .pdf eller .html.")
    if template is not None and suffix == ".html":
        raise InputError("--template gäller Word-dokumentet och PDF:en (.docx och .pdf), inte "
                         "webbsidan (.html).")
    _check_replaceable(target, force)
    source = read_source(consolidated)
    earlier = history_from_previous(previous, source.meta, source.path.name) if previous else History()
    earlier.extend(history_from_sheet(source.history_rows, source.meta.kommun))
    if history is not None:
        earlier.extend(history if isinstance(history, History) else History.from_points(history))
    chapter = build_chapter(source, earlier)
    if suffix == ".html":
        from malark.report.html_writer import build_html

        data = build_html(chapter)
    else:
        from malark.report.docx_writer import build_docx

        data = build_docx(chapter, template=Path(template) if template is not None else None,
                          created=source.meta.generated_at)
        if suffix == ".pdf":
            from malark.report.pdf import docx_to_pdf

            data = docx_to_pdf(data, target.stem)
    _write(target, data)
    return target


def _write(target: Path, data: bytes) -> None:
    try:
        temporary = temporary_beside(target)
    except OSError as error:
        raise OutputError(f"Rapporten {target} kan inte skrivas ({os_reason(error)}).") from error
    try:
        temporary.write_bytes(data)
        make_shareable(temporary)
        os.replace(temporary, target)
    except OSError as error:
        raise OutputError(f"Rapporten {target} kan inte skrivas ({os_reason(error)}). Kontrollera att "
                          "mappen går att skriva i och att filen inte är öppen i Word eller i en "
                          "webbläsare. En tidigare rapport med samma namn är orörd.") from error
    finally:
        temporary.unlink(missing_ok=True)


def _check_replaceable(target: Path, force: bool) -> None:
    if target.is_dir():
        raise InputError(f"{target} är en mapp. Ange filnamnet på rapporten, till exempel "
                         f"{target / 'rapport.docx'}.")
    if force or not target.exists() or written_by_malark(target):
        return
    raise OutputError(f"{target} finns redan och är ingen rapport som malark har skrivit, så den "
                      "skrivs inte över. Välj ett annat filnamn med -o, eller använd --force för att "
                      "ersätta den.")


def written_by_malark(path: Path) -> bool:
    """True when `path` is a report malark wrote (by the marker each format carries) and,
    for a Word document, nobody has saved it since: an edited report is the office's work."""
    from malark.report.docx_writer import REPORT_KEYWORD

    suffix = path.suffix.lower()
    try:
        if suffix == ".docx":
            with zipfile.ZipFile(path) as package:
                return _untouched_report(package.read("docProps/core.xml"), REPORT_KEYWORD)
        with path.open("rb") as handle:
            head = handle.read(4096 if suffix == ".html" else 64 * 1024 * 1024)
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, ValueError, ParseError):
        return False
    if suffix == ".html":
        return b'<meta name="generator" content="malark ' in head
    utf16 = ("FEFF" + REPORT_KEYWORD.encode("utf-16-be").hex().upper()).encode()
    return REPORT_KEYWORD.encode() in head or utf16 in head


_CORE = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
         "dcterms": "http://purl.org/dc/terms/"}


def _untouched_report(core_xml: bytes, keyword: str) -> bool:
    """The core properties say malark wrote the document and Word or LibreOffice has not
    saved it since (saving sets `lastModifiedBy` and `modified` and counts up `revision`;
    malark writes `modified` equal to `created`)."""
    from defusedxml.ElementTree import fromstring

    root = fromstring(core_xml)
    values = {name: (root.findtext(name, default="", namespaces=_CORE) or "").strip()
              for name in ("cp:keywords", "cp:lastModifiedBy", "cp:revision", "dcterms:created",
                           "dcterms:modified")}
    return (keyword in values["cp:keywords"] and values["cp:lastModifiedBy"] == "malark"
            and values["cp:revision"] in ("", "1")
            and values["dcterms:created"] == values["dcterms:modified"])
