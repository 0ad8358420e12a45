"""The chapter as one self-contained web page: inline CSS, the chart as an inline SVG
image, no script, nothing loaded from anywhere; prints on A4.

Jinja2 renders it with autoescaping on; the inline parts of paragraphs and table cells
(tens of thousands for a large city) are put together beforehand with MarkupSafe's
`Markup.format`, which escapes every value the same way, so every text a committee
typed reaches the page as text (`<script>`, `"><img onerror=…>`, `{{ … }}` all show as
typed). The page's Content-Security-Policy forbids scripts even if something slipped
through. The chart is an `<img>` of an SVG data URI: an image cannot run code.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from malark import __version__
from malark.report.blocks import Badge, Block, Cell, Figure, Heading, Inline, Paragraph, Table, Title
from malark.report.chapter import Chapter
from malark.report.chart import chart_svg

__all__ = ["GENERATOR", "build_html"]

GENERATOR = f"malark {__version__} (malark report)"
"""The page's `<meta name="generator">`: marks a file malark may replace without --force."""
_KINDS = {Heading: "heading", Paragraph: "paragraph", Table: "table", Figure: "figure"}
_NOTE = Markup('<p class="note">{}</p>')


_BADGE = Markup('<span class="badge {}"><span class="dot" aria-hidden="true">{}</span>&nbsp;'
                '<span class="t">{}</span></span>')
_SPAN = Markup('<span class="{}">{}</span>')


def _inline(part: Inline) -> Markup:
    if isinstance(part, Badge):
        return _BADGE.format(part.key, part.symbol, part.word)
    return _SPAN.format("t" + (" b" if part.bold else "") + (" i" if part.italic else ""), part.text)


def _cell(parts: Cell) -> Markup:
    return Markup("").join(_inline(part) for part in parts)


@dataclass(frozen=True, slots=True)
class _Item:
    kind: str
    block: Block
    number: int = 0
    widths: tuple[float, ...] = ()
    image: str = ""
    cells: tuple[tuple[Markup, ...], ...] = ()
    """Paragraph: its one cell; table: the header row, then the rows; rendered parts."""
    notes: tuple[Markup, ...] = ()


def _items(blocks: tuple[Block, ...]) -> list[_Item]:
    items, tables, figures = [], 0, 0
    for block in blocks:
        if isinstance(block, Paragraph):
            items.append(_Item("paragraph", block, cells=((_cell(block.parts),),)))
        elif isinstance(block, Table):
            tables += 1
            total = sum(block.widths)
            widths = tuple(round(100 * w / total, 2) for w in block.widths)
            rows = tuple(tuple(_cell(c) for c in row) for row in (block.headers, *block.rows))
            notes = tuple(_NOTE.format(_cell(note.parts)) for note in block.notes)
            items.append(_Item("table", block, tables, widths, cells=rows, notes=notes))
        elif isinstance(block, Figure):
            figures += 1
            image = "data:image/svg+xml;base64," + base64.b64encode(chart_svg(block.chart)).decode("ascii")
            items.append(_Item("figure", block, figures, image=image))
        elif not isinstance(block, Title):
            items.append(_Item(_KINDS[type(block)], block))
    return items


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("malark.report", "templates"), autoescape=True,
                       trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)


def build_html(chapter: Chapter) -> bytes:
    """The chapter as the bytes of a UTF-8 web page."""
    header = next(b for b in chapter.blocks if isinstance(b, Title))
    toc: list[dict[str, Any]] = [{"anchor": b.anchor, "text": b.text} for b in chapter.blocks
                                 if isinstance(b, Heading) and b.level == 1 and b.anchor]
    page = _environment().get_template("report.html.j2").render(
        title=chapter.title, header=header, toc=toc, items=_items(chapter.blocks), generator=GENERATOR)
    return page.encode("utf-8")
