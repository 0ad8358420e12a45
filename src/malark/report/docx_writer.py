"""The chapter as a Word document (python-docx).

python-docx owns the package: the document or the municipality's template
(`docx_template`), styles, the picture, the core properties. The body's paragraphs and
tables are written as WordprocessingML text and put into the saved package's document
part in place of a marker (`_splice`): a large city's report has tens of thousands of
table cells, and building them through python-docx's objects (or even element by
element with lxml) took many seconds and hundreds of MB where this takes a fraction.
Every text is escaped on the way (`_text`), so what a committee typed stays text; the
tests read every document back with python-docx.

Only Word's built-in styles are used (Title, Heading 1/2, Caption, Table Grid); direct
formatting is limited to what reads badly without it: bold labels, the assessment
colours, 9 pt table text, the grey note lines. Captions are Word's own, `Tabell
{SEQ Tabell}` above a table and `Figur {SEQ Figur}` below the figure, so a list of
tables in the municipality's template picks them up.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from lxml import etree

from malark import __version__
from malark.core.errors import OutputError
from malark.report.blocks import Badge, Block, Cell, Figure, Heading, Inline, Paragraph, Table, Title
from malark.report.chapter import Chapter
from malark.report.chart import chart_png
from malark.report.docx_template import STYLES, open_document, style_id

__all__ = ["REPORT_KEYWORD", "build_docx"]

REPORT_KEYWORD = "malark-rapport"
"""In the document's keywords: marks a file malark may replace without --force."""
BADGE_COLOURS = {"gron": "2E7D32", "gul": "E0A800", "rod": "C62828", "ej": "767676"}
NOTE_COLOUR = "595959"
HEADER_FILL = "F2F2F2"
SMALL = 18
"""Half-points: 9 pt, for table text and notes."""
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MARKER = "malark-report-body"
_ATTRIBUTE = {'"': "&quot;", "\n": "&#10;", "\t": "&#9;"}


def _attribute(value: str) -> str:
    return escape(value, _ATTRIBUTE)


def _text(text: str) -> str:
    """Run content for `text`: line breaks and tabs as Word's own elements."""
    parts = []
    for n, line in enumerate(text.split("\n")):
        if n:
            parts.append("<w:br/>")
        for m, piece in enumerate(line.split("\t")):
            if m:
                parts.append("<w:tab/>")
            if piece:
                parts.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return "".join(parts)


def _run(text: str, *, bold: bool = False, italic: bool = False, colour: str | None = None,
         size: int | None = None) -> str:
    properties = (("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
                  + (f'<w:color w:val="{colour}"/>' if colour else "")
                  + (f'<w:sz w:val="{size}"/>' if size else ""))
    return f"<w:r>{f'<w:rPr>{properties}</w:rPr>' if properties else ''}{_text(text)}</w:r>"


def _inline(part: Inline, *, size: int | None = None, bold: bool = False, colour: str | None = None) -> str:
    if isinstance(part, Badge):
        return (_run(part.symbol + "\u00a0", bold=True, colour=BADGE_COLOURS[part.key], size=size)
                + _run(part.word, bold=bold, colour=colour, size=size))
    return _run(part.text, bold=part.bold or bold, italic=part.italic, colour=colour, size=size)


def _paragraph(content: str, *, style: str | None = None, keep_next: bool = False,
               align: str | None = None, tight: bool = False) -> str:
    properties = ((f'<w:pStyle w:val="{_attribute(style)}"/>' if style else "")
                  + ("<w:keepNext/>" if keep_next else "")
                  + ('<w:spacing w:before="0" w:after="0"/>' if tight else "")
                  + (f'<w:jc w:val="{align}"/>' if align else ""))
    return f"<w:p>{f'<w:pPr>{properties}</w:pPr>' if properties else ''}{content}</w:p>"


class _Body:
    """The body being written, as WordprocessingML text."""

    def __init__(self, document) -> None:
        self.document = document
        self.styles = {name: style_id(document, name) for name in STYLES}
        section = document.sections[-1]
        self.text_width = int((section.page_width - section.left_margin - section.right_margin) / 635)
        self.numbers = {"Tabell": 0, "Figur": 0}
        self.chunks: list[str] = []

    def title(self, block: Title) -> None:
        self.chunks.append(_paragraph(_run(block.text), style=self.styles["Title"]))
        self.chunks.append(_paragraph(_run(f"Vision: {block.vision}", italic=True)))
        for line in block.lines:
            self.chunks.append(_paragraph(_run(line)))

    def heading(self, block: Heading) -> None:
        self.chunks.append(_paragraph(_run(block.text), style=self.styles[f"Heading {min(block.level, 2)}"]))

    def paragraph(self, block: Paragraph) -> None:
        note = block.kind == "note"
        content = "".join(_inline(part, size=SMALL if note else None, colour=NOTE_COLOUR if note else None)
                          for part in block.parts)
        self.chunks.append(_paragraph(content, keep_next=block.kind == "goal"))

    def caption(self, kind: str, text: str, *, keep_next: bool) -> None:
        self.numbers[kind] += 1
        number = (f'<w:fldSimple w:instr=" SEQ {kind} \\* ARABIC ">{_run(str(self.numbers[kind]))}'
                  "</w:fldSimple>")
        self.chunks.append(_paragraph(_run(f"{kind} ") + number + _run(f". {text}"),
                                      style=self.styles["Caption"], keep_next=keep_next))

    def table(self, block: Table) -> None:
        self.caption("Tabell", block.caption, keep_next=True)
        scale = self.text_width / sum(block.widths)
        widths = [int(w * scale) for w in block.widths]
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        rows = [self._row(block.headers, widths, block.numeric, header=True)]
        rows += [self._row(row, widths, block.numeric, header=False) for row in block.rows]
        self.chunks.append(
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{_attribute(self.styles["Table Grid"])}"/>'
            f'<w:tblW w:w="{self.text_width}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
            f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>')
        for note in block.notes:
            self.paragraph(note)
        self.chunks.append(_paragraph("", tight=True))

    @staticmethod
    def _row(cells: tuple[Cell, ...], widths: list[int], numeric: frozenset[int], *, header: bool) -> str:
        out = ["<w:tr><w:trPr><w:cantSplit/>", "<w:tblHeader/>" if header else "", "</w:trPr>"]
        shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>' if header else ""
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            content = "".join(_inline(part, size=SMALL, bold=header) for part in cell)
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr>'
                       + _paragraph(content, tight=True, align="right" if index in numeric else None)
                       + "</w:tc>")
        out.append("</w:tr>")
        return "".join(out)

    def figure(self, block: Figure) -> None:
        from docx.shared import Emu

        scratch = self.document.add_paragraph()  # python-docx adds the image part and its relation
        shape = scratch.add_run().add_picture(io.BytesIO(chart_png(block.chart)),
                                              width=Emu(self.text_width * 635))
        shape._inline.docPr.set("descr", block.description)
        properties = '<w:pPr><w:keepNext/><w:jc w:val="center"/></w:pPr>'
        picture = b"".join(etree.tostring(run) for run in scratch._p.r_lst).decode("utf-8")
        scratch._p.getparent().remove(scratch._p)
        self.chunks.append(f"<w:p>{properties}{picture}</w:p>")
        self.caption("Figur", block.caption, keep_next=False)

    def write(self, blocks: tuple[Block, ...]) -> None:
        handlers = {Title: self.title, Heading: self.heading, Paragraph: self.paragraph,
                    Table: self.table, Figure: self.figure}
        for block in blocks:
            handlers[type(block)](block)
        body = self.document.element.body
        end = body.find(f"{{{_W}}}sectPr")
        for child in list(body):
            if child is not end:
                body.remove(child)
        marker = etree.Comment(_MARKER)
        if end is not None:
            end.addprevious(marker)
        else:
            body.append(marker)


def _splice(package: bytes, part: str, body: bytes, root_declares_w: bool) -> bytes:
    """The saved package with the body text in place of the marker in `part`: the body is
    never parsed into a tree (for a large city that tree alone took 200 MB and seconds)."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                if not root_declares_w:  # a template with another prefix for Word's namespace
                    start = data.index(b"<", data.index(b"?>") + 2 if data.startswith(b"<?xml") else 0)
                    name_end = start + len(data[start:].split(maxsplit=1)[0].rstrip(b">"))
                    data = data[:name_end] + f' xmlns:w="{_W}"'.encode() + data[name_end:]
                data = data.replace(f"<!--{_MARKER}-->".encode(), body, 1)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def build_docx(chapter: Chapter, *, template=None, created: datetime | None = None) -> bytes:
    """The chapter as the bytes of a .docx file."""
    document = open_document(template)
    body = _Body(document)
    body.write(chapter.blocks)
    properties = document.core_properties
    properties.title = chapter.title
    properties.subject = "Måluppföljning"
    properties.keywords = REPORT_KEYWORD
    properties.comments = f"Skapad av malark {__version__} från {chapter.source_name}."
    properties.author = properties.last_modified_by = "malark"
    when = created or datetime.now(UTC)
    when = (when.astimezone(UTC) if when.tzinfo else when).replace(tzinfo=None, microsecond=0)
    properties.created = properties.modified = when
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    content = "".join(body.chunks).encode("utf-8")
    body.chunks.clear()
    prefix = document.element.nsmap.get("w")
    if prefix not in (None, _W):
        raise OutputError("Mallen använder prefixet w för något annat än Words eget XML. Öppna "
                          "den i Word, spara den som .docx och ange den igen.")
    return _splice(buffer.getvalue(), document.part.partname.lstrip("/"), content, prefix == _W)
