"""The report as a neutral document: headings, paragraphs, tables and a figure.

The chapter is decided once, as these blocks (`malark.report.chapter`), and each output
format only renders them (`docx_writer`, `html_writer`), so the Word document and the web
page say the same thing in the same order. Text in a block is exactly what a committee
typed: nothing here is markup, and every writer escapes it its own way.

Also here: how a cell value is shown (`shown`, `number_shown`, `year_shown`) and the
assessment badge (a coloured symbol plus the word, never colour alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from malark.core.contract import Assessment
from malark.core.scale import DEFAULT_SCALE, AssessmentScale
from malark.core.swedish import NO_BREAK_SPACE, format_readable, number_from_cell

__all__ = [
    "Badge", "Block", "Blocks", "Cell", "ChartData", "Figure", "Heading", "Inline", "Paragraph", "Span",
    "Table", "Title", "badge", "light_badge", "number_shown", "shown", "year_shown",
]


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True, slots=True)
class Badge:
    """An assessment shown as a coloured symbol and its word."""

    assessment: Assessment | None
    """None: not assessed (or a value outside the dropdown, shown as typed in `word`)."""
    word: str

    @property
    def symbol(self) -> str:
        return "○" if self.assessment in (None, Assessment.EJ_BEDOMD) else "●"

    @property
    def key(self) -> str:
        """CSS class / colour key: gron, gul, rod or ej."""
        return {Assessment.GRON: "gron", Assessment.GUL: "gul", Assessment.ROD: "rod"}.get(
            self.assessment, "ej")  # type: ignore[arg-type]


Inline = Span | Badge
Cell = tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Title:
    text: str
    vision: str
    """Shown in italics under the title, after `Vision: `."""
    lines: tuple[str, ...] = ()
    """Lines under the vision (period, source)."""


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    anchor: str | None = None
    """An id for the web page's table of contents."""


@dataclass(frozen=True, slots=True)
class Paragraph:
    parts: tuple[Inline, ...]
    kind: str = "body"
    """`body`, `note` (smaller, grey) or `goal` (a nämndmål's title, kept with what follows)."""


@dataclass(frozen=True, slots=True)
class Table:
    caption: str
    headers: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...]
    """Relative column widths."""
    numeric: frozenset[int] = frozenset()
    """Columns aligned right (numbers)."""
    notes: tuple[Paragraph, ...] = ()
    """Paragraphs right under the table (comments, sources)."""


@dataclass(frozen=True, slots=True)
class ChartData:
    categories: tuple[str, ...]
    series: tuple[tuple[Badge, tuple[int, ...]], ...]
    """(legend badge, one count per category) per stacked part."""


@dataclass(frozen=True, slots=True)
class Figure:
    caption: str
    chart: ChartData
    description: str
    """What the chart shows, for readers who cannot see it (alt text)."""


Block = Title | Heading | Paragraph | Table | Figure


@dataclass(slots=True)
class Blocks:
    """The chapter being built: a list of blocks with short ways to add to it."""

    items: list[Block] = field(default_factory=list)

    def heading(self, level: int, text: str, anchor: str | None = None) -> None:
        self.items.append(Heading(level, text, anchor))

    def paragraph(self, *parts: Inline | str, kind: str = "body") -> None:
        self.items.append(Paragraph(tuple(Span(p) if isinstance(p, str) else p for p in parts), kind))

    def add(self, block: Block) -> None:
        self.items.append(block)


def badge(value: Any, scale: AssessmentScale = DEFAULT_SCALE) -> Badge:
    """The badge of a `Bedömning` cell: one of the scale's words (the workbook template's,
    SPEC 3c), or its word for not assessed when empty; any other text is shown as typed,
    without a colour."""
    text = shown(value)
    if text is None or not text.strip():
        return Badge(None, scale.not_assessed)
    name = scale.standard_name(text)
    if name is not None:
        return Badge(name, text.strip())
    return Badge(None, text)


def light_badge(code: int | None, scale: AssessmentScale = DEFAULT_SCALE) -> Badge:
    """A light code (3/2/1, None) as a badge in the scale's words."""
    return badge(scale.label(code), scale)


_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(text: str) -> str:
    """`text` as a document can hold it: line breaks as `\\n`, and the control characters
    XML cannot carry (invisible in Excel too) left out. Nothing else is changed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_IN_XML.sub("", text) if _NOT_IN_XML.search(text) else text


def shown(value: Any) -> str | None:
    """A cell value as text for the report, None when empty. Text is kept exactly (see
    `clean`); numbers are written the Swedish way; dates as YYYY-MM-DD."""
    if value is None:
        return None
    if isinstance(value, str):
        return clean(value) if value.strip() else None
    if isinstance(value, bool):
        return "SANT" if value else "FALSKT"
    if isinstance(value, int | float):
        return format_readable(float(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ", "minutes")
    if isinstance(value, date):
        return value.isoformat()
    return clean(str(value))


def number_shown(value: Any, unit: Any = None) -> str | None:
    """A number with its unit (`72,5 %`, `1 234 kr`); text that is not a number as typed."""
    number = number_from_cell(value) if not isinstance(value, str) else None
    if number is None:
        return shown(value)
    unit_text = shown(unit)
    text = format_readable(number)
    return f"{text}{NO_BREAK_SPACE}{unit_text.strip()}" if unit_text else text


def year_shown(value: Any) -> str | None:
    number = number_from_cell(value)
    if number is not None and number.is_integer():
        return str(int(number))
    return shown(value)
