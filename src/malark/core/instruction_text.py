"""The text of the `Instruktioner` sheet as a template writes it (`instruktioner.md`).

A small, documented Markdown subset (docs/mall.md), read with markdown-it-py:

    # Målarbete {budgetar} – {namnd_namn}         the title row
    ## Det här fyller du i [Plan]                 a section; [Plan], [T1, T2, Helår] or
                                                   [uppföljning] shows it only in those periods,
                                                   [kontroll] / [utan kontroll] only in a
                                                   workbook with / without the Kontroll sheet
    - **Bladet Nämndmål:** Formulera …            a row: bold label, then its text
    1. Tryck på Validera …                        a numbered row (label "1.")
    Vanlig text.                                  a row without label
    {farger}                                      alone on a line: the colour legend rows

`{name}` placeholders (`PLACEHOLDERS`) are filled in for each committee and period; an
unknown one is a problem naming its line, so a typo never reaches a committee's workbook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from malark.core.contract import PERIODS, Period

__all__ = ["LEGEND", "PLACEHOLDERS", "InstructionBlock", "fill", "parse_instructions"]

PLACEHOLDERS = {
    "kommun": "kommunens namn",
    "kommunkod": "kommunkoden",
    "budgetar": "budgetåret",
    "namnd": "nämndens id, t.ex. BUN",
    "namnd_namn": "nämndens namn",
    "period": "perioden (Plan, T1, T2, Helår)",
    "period_titel": "periodens rubrik, t.ex. \"T1 – uppföljning tertial 1 (januari–april)\"",
    "sista_inlamningsdag": "sista inlämningsdag för perioden",
    "kontaktperson": "nämndens kontaktperson och e-post",
    "vision": "kommunens vision",
    "trafikljusregel": "en mening som förklarar mallens trafikljusregel",
    "kontrollmarginal": "att bladet Kontroll också kontrollerar raderna nedanför de förberedda "
                        "(tom text i en arbetsbok utan bladet Kontroll)",
    "gron": "bedömningen för uppnått mål (t.ex. Grön)",
    "gul": "bedömningen för delvis uppnått (t.ex. Gul)",
    "rod": "bedömningen för ej uppnått (t.ex. Röd)",
    "ej_bedomd": "bedömningen när inget bedömts (t.ex. Ej bedömd)",
}
LEGEND = "farger"
"""`{farger}` alone on a line: the colour legend (cells and the four assessments)."""
FOLLOW_UP = "uppföljning"
WITH_KONTROLL, WITHOUT_KONTROLL = "kontroll", "utan kontroll"
_PLACEHOLDER = re.compile(r"\{([A-Za-z_åäöÅÄÖ]+)\}")
_SELECTOR = re.compile(r"\s*\[([^\]]+)\]\s*$")

Kind = Literal["title", "heading", "row", "legend"]


@dataclass(frozen=True, slots=True)
class InstructionBlock:
    kind: Kind
    label: str
    text: str
    periods: frozenset[Period] | None = None
    """The periods the block is shown in (None: all)."""
    live: bool | None = None
    """Shown only in a workbook with (True) or without (False) the Kontroll sheet."""

    def shown_in(self, period: Period, live: bool = True) -> bool:
        return ((self.periods is None or period in self.periods)
                and (self.live is None or self.live is live))


def parse_instructions(markdown: str) -> tuple[tuple[InstructionBlock, ...], list[str]]:
    """The blocks of `markdown` and the problems found (`rad N: …`)."""
    problems: list[str] = []
    blocks: list[InstructionBlock] = []
    periods: frozenset[Period] | None = None
    live: bool | None = None
    tokens = MarkdownIt("commonmark").parse(markdown)
    list_kind: list[str] = []
    number = 0
    for index, token in enumerate(tokens):
        line = token.map[0] + 1 if token.map else 0
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_kind.append(token.type)
            number = int(token.attrGet("start") or 1) - 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_kind.pop()
        elif token.type == "heading_open":
            text = _plain(tokens[index + 1])
            if token.tag == "h1":
                blocks.append(InstructionBlock("title", "", text, None))
                periods = live = None
                continue
            selector = _SELECTOR.search(text)
            periods = live = None
            if selector:
                periods, live = _selection(selector.group(1), line, problems)
                text = text[:selector.start()].rstrip()
            blocks.append(InstructionBlock("heading", "", text, periods, live))
        elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            if index >= 2 and tokens[index - 2].type == "list_item_open":
                number += 1
                label, text = _labelled(token)
                if not label and list_kind and list_kind[-1] == "ordered_list_open":
                    label = f"{number}."
                blocks.append(InstructionBlock("row", label, text, periods, live))
            elif token.content.strip() == "{" + LEGEND + "}":
                blocks.append(InstructionBlock("legend", "", "", periods, live))
            else:
                blocks.append(InstructionBlock("row", "", _plain(token), periods, live))
        else:
            continue
        problems.extend(_unknown_placeholders(blocks[-1], line) if blocks else [])
    if not any(b.kind != "title" for b in blocks):
        problems.append("filen har ingen text under rubriken")
    return tuple(blocks), problems


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with every known `{name}` replaced by its value; other braces untouched."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _selection(selector: str, line: int,
               problems: list[str]) -> tuple[frozenset[Period] | None, bool | None]:
    """The periods and the Kontroll condition of a heading's `[…]`."""
    chosen: set[Period] = set()
    live: bool | None = None
    for part in (" ".join(p.split()) for p in selector.split(",")):
        word = part.casefold()
        if word == FOLLOW_UP:
            chosen.update(p for p in Period if p.is_follow_up)
        elif word in (p.casefold() for p in PERIODS):
            chosen.add(next(p for p in Period if p.value.casefold() == word))
        elif word in (WITH_KONTROLL, WITHOUT_KONTROLL):
            live = word == WITH_KONTROLL
        else:
            problems.append(f"rad {line}: okänd period \"{part}\" i [{selector}] (skriv "
                            f"{', '.join(PERIODS)}, {FOLLOW_UP}, {WITH_KONTROLL} eller "
                            f"{WITHOUT_KONTROLL})")
    return (frozenset(chosen) if chosen else None), live


def _unknown_placeholders(block: InstructionBlock, line: int) -> list[str]:
    return [f"rad {line}: okänd platshållare {{{name}}} (kända: "
            f"{', '.join('{' + n + '}' for n in PLACEHOLDERS)})"
            for name in _PLACEHOLDER.findall(block.label + " " + block.text)
            if name not in PLACEHOLDERS]


def _plain(token: Token) -> str:
    """The text of an inline token without Markdown markup (line breaks become spaces)."""
    parts = []
    for child in token.children or ():
        if child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
    return " ".join("".join(parts).split())


def _labelled(token: Token) -> tuple[str, str]:
    """(label, text) of a list item: a leading bold part is the label (its `:` dropped)."""
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content)]
    if len(children) >= 3 and children[0].type == "strong_open":
        close = next((i for i, c in enumerate(children) if c.type == "strong_close"), None)
        if close is not None:
            label = _plain(Token("inline", "", 0, children=children[1:close]))
            rest = _plain(Token("inline", "", 0, children=children[close + 1:]))
            return label.rstrip(":").strip(), rest.lstrip(":").strip()
    return "", _plain(token)
