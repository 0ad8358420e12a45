"""A municipality's own workbook template for tests: Vårgårda's words for the assessments,
Vansbro's rule (Gul at 80 % of the target), other colours and a logo (docs/mall.md)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from malark.core.template import Template, copy_standard, load_template

WORDS = {"Grön": "Uppfyllt", "Gul": "Delvis uppfyllt", "Röd": "Ej uppfyllt",
         "Ej bedömd": "Kan ej bedömas"}
HEADER_COLOUR = "00594F"
GREEN_COLOUR = "A9D08E"


def logo_png(width: int = 240, height: int = 80) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "#00594F")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, height - 10, height - 10), fill="#F4B400")
    draw.rectangle((height + 10, height // 2 - 6, width - 16, height // 2 + 6), fill="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def vansbro_vargarda(folder: Path) -> Path:
    """A copy of the standard template edited as docs/mall.md's example says."""
    copy_standard(folder)
    toml = folder / "mall.toml"
    text = toml.read_text(encoding="utf-8")
    for old, new in (('namn = "Standard"', 'namn = "Vår kommun"'),
                     *((f'{key} = "{old}"', f'{key} = "{new}"') for key, old, new in (
                         ("gron", "Grön", WORDS["Grön"]), ("gul", "Gul", WORDS["Gul"]),
                         ("rod", "Röd", WORDS["Röd"]), ("ej_bedomd", "Ej bedömd", WORDS["Ej bedömd"]))),
                     ('gron = "Målet uppnått."', 'gron = "Målet är uppfyllt för perioden."'),
                     ('regel = "andel_av_vagen"', 'regel = "andel_av_malvarde"'),
                     ('rubrik = "1F4E78"', f'rubrik = "{HEADER_COLOUR}"'),
                     ('gron = "C6EFCE"', f'gron = "{GREEN_COLOUR}"'),
                     ('namn = "Calibri"', 'namn = "Arial"')):
        assert old in text, old
        text = text.replace(old, new, 1)
    toml.write_text(text, encoding="utf-8")
    (folder / "logo.png").write_bytes(logo_png())
    return folder


def template(folder: Path) -> Template:
    return load_template(vansbro_vargarda(folder))


def in_words(changes: dict[str, Any]) -> dict[str, Any]:
    """`changes` with every standard assessment word in the template's words."""
    return {cell: WORDS.get(value, value) if isinstance(value, str) else value
            for cell, value in changes.items()}
