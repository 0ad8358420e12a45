"""The Word document the report is written into: python-docx's own blank document, or the
municipality's reference document (`--template`), emptied of its text but keeping its
styles, page setup, headers and footers.

The report only uses Word's built-in styles (`STYLES`). A template that has never used
one of them (Word keeps unused built-in styles out of the file) gets python-docx's
definition of it, so the text still carries the built-in style and takes the
template's look when pasted into the annual report. A `.dotx` template is read as the
document it would create; macro-enabled files are refused.
"""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

from malark.core.errors import InputError

__all__ = ["STYLES", "open_document", "style_id"]

STYLES = ("Title", "Heading 1", "Heading 2", "Caption", "Table Grid")
MAX_TEMPLATE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
_DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_A4 = (11906, 16838)
"""Width and height in twentieths of a point."""
_MARGIN_CM = 2.5


def open_document(template: Path | None):
    """A python-docx `Document` ready for the report's blocks: an empty body, the styles
    of `STYLES` present."""
    import docx

    if template is None:
        document = docx.Document()
        _a4_in_swedish(document)
    else:
        document = docx.Document(io.BytesIO(_template_bytes(Path(template))))
        _empty_body(document)
    _ensure_styles(document)
    return document


def style_id(document, name: str) -> str:
    return document.styles[name].style_id


def _template_bytes(path: Path) -> bytes:
    what = f"Mallen {path}"
    if not path.is_file():
        raise InputError(f"{what} finns inte.")
    if path.suffix.lower() in (".docm", ".dotm"):
        raise InputError(f"{what} innehåller makron. Spara den som Word-dokument (.docx) eller "
                         "Word-mall (.dotx) och ange den igen.")
    if path.stat().st_size > MAX_TEMPLATE_BYTES:
        raise InputError(f"{what} är större än {MAX_TEMPLATE_BYTES // 1024 // 1024} MB. Använd ett "
                         "dokument med bara formatmallar, sidhuvud och sidfot.")
    try:
        with zipfile.ZipFile(path) as package:
            if sum(i.file_size for i in package.infolist()) > MAX_UNPACKED_BYTES:
                raise InputError(f"{what} packas upp till mer än {MAX_UNPACKED_BYTES // 1024 // 1024} MB "
                                 "och öppnas inte.")
            parts = {i.filename: package.read(i) for i in package.infolist()}
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as error:
        raise InputError(f"{what} kan inte öppnas som Word-dokument (.docx eller .dotx). Är den "
                         "lösenordsskyddad eller i ett annat format? Spara den som .docx utan "
                         "lösenord.") from error
    types = parts.get("[Content_Types].xml", b"")
    if _DOCUMENT_MAIN.encode() not in types:
        if _TEMPLATE_MAIN.encode() not in types:
            raise InputError(f"{what} är inget Word-dokument (.docx eller .dotx).")
        parts["[Content_Types].xml"] = types.replace(_TEMPLATE_MAIN.encode(), _DOCUMENT_MAIN.encode())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


def _empty_body(document) -> None:
    """Remove the template's text and tables; keep the last section (page setup, header
    and footer references)."""
    from docx.oxml.ns import qn

    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _a4_in_swedish(document) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Twips

    section = document.sections[0]
    section.page_width, section.page_height = Twips(_A4[0]), Twips(_A4[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(_MARGIN_CM))
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    properties = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    if properties is not None:
        for old in properties.findall(qn("w:lang")):
            properties.remove(old)
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), "sv-SE")
        properties.append(language)


def _ensure_styles(document) -> None:
    """Copy each style of `STYLES` the document lacks, and the styles it refers to, from
    python-docx's default document."""
    import docx
    from docx.oxml.ns import qn

    missing = [name for name in STYLES if name not in document.styles]
    if not missing:
        return
    default = docx.Document().styles
    ids = {s.get(qn("w:styleId")) for s in document.styles.element.findall(qn("w:style"))}
    wanted = [default[name].element for name in missing]
    while wanted:
        element = wanted.pop()
        if element.get(qn("w:styleId")) in ids:
            continue
        document.styles.element.append(copy.deepcopy(element))
        ids.add(element.get(qn("w:styleId")))
        for ref in ("w:basedOn", "w:link", "w:next"):
            target = element.find(qn(ref))
            if target is not None and target.get(qn("w:val")) not in ids:
                found = default.element.get_by_id(target.get(qn("w:val")))
                if found is not None:
                    wanted.append(found)
