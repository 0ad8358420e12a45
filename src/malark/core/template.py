"""Workbook templates (SPEC 3c): what a municipality may change about its committee
workbooks, as files a person edits — `mall.toml` (labels, light rule, colours, fonts, column
widths, print settings), `instruktioner.md` (the Instruktioner sheet's text) and an optional
`logo.png`.

`load_template(folder)` reads and checks a template folder and returns a `Template`; a
broken template raises `TemplateError` listing every problem with its file and key, so the
central office fixes them in one go. `standard_template()` is the one malark ships
(`workbook_templates/standard/`, installed as `malark.workbook_templates`).
"""

from __future__ import annotations

import hashlib
import shutil
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from malark.core.contract import COMMITTEE_DATA_SHEETS
from malark.core.errors import OutputError, TemplateError, os_reason
from malark.core.instruction_text import InstructionBlock, parse_instructions
from malark.core.lights import LightRule
from malark.core.scale import AssessmentScale

__all__ = [
    "STANDARD",
    "TEMPLATE_FILE",
    "Colours",
    "PrintSettings",
    "Template",
    "copy_standard",
    "load_template",
    "standard_folder",
    "standard_template",
]

STANDARD = "standard"
TEMPLATE_FILE = "mall.toml"
LOGO_LIMIT = 1_000_000
"""A logo larger than this (bytes) is refused: it would bloat every committee's workbook."""
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_LABEL_KEYS = ("gron", "gul", "rod", "ej_bedomd")
_COLOUR_KEYS = ("gron", "gul", "rod", "ej_bedomd", "inmatning", "last", "samordnad", "rubrik",
                "rubriktext")
_SECTIONS = {"namn", "beskrivning", "bedomning", "trafikljus", "farger", "typsnitt",
             "kolumnbredder", "utskrift", "instruktioner"}


@dataclass(frozen=True, slots=True)
class Colours:
    green: str = "C6EFCE"
    yellow: str = "FFEB9C"
    red: str = "FFC7CE"
    not_assessed: str = "EDEDED"
    input: str = "FFF2CC"
    locked: str = "F2F2F2"
    coordinated: str = "DDEBF7"
    header: str = "1F4E78"
    header_text: str = "FFFFFF"


@dataclass(frozen=True, slots=True)
class PrintSettings:
    landscape: bool = True
    paper: str = "A4"
    fit_to_width: bool = True


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    description: str
    scale: AssessmentScale
    meanings: tuple[str, str, str, str]
    """What each assessment means (Instruktioner), in the order of `scale.choices`."""
    light_rule: LightRule
    light_parameter: float | None
    """The rule's parameter: the share of the target or the tolerance; None for
    `andel_av_vagen`, whose Gul-gräns is the model's setting (SPEC 2)."""
    colours: Colours
    font_name: str
    font_size: float
    title_size: float
    widths: dict[tuple[str, str], float]
    """(sheet, header) → column width."""
    printing: PrintSettings
    instructions: tuple[InstructionBlock, ...]
    logo: bytes | None
    fingerprint: str
    """sha256 of the template's files: `_malark` records it with the name."""
    folder: str = ""
    problems: tuple[str, ...] = field(default=())

    def width(self, sheet: str, header: str, default: float) -> float:
        return self.widths.get((sheet, header), default)


def standard_folder() -> Path:
    """`workbook_templates/standard`, as installed inside the package."""
    return Path(str(resources.files("malark.workbook_templates") / STANDARD))


def standard_template() -> Template:
    return load_template(standard_folder())


def copy_standard(target: Path | str) -> Path:
    """Copy the standard template to `target` (a new or empty folder) for editing."""
    destination = Path(target)
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise OutputError(f"{destination} finns redan och är inte en tom mapp. Välj en ny mapp för "
                          "mallen, så skrivs ingen av dina filer över.")
    try:
        shutil.copytree(standard_folder(), destination, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    except OSError as error:
        raise OutputError(f"Mallen kan inte kopieras till {destination}: {os_reason(error)}.") from error
    return destination


def load_template(folder: Path | str) -> Template:
    """Read and check the template in `folder` (raises `TemplateError`)."""
    root = Path(folder)
    reader = _Reader(root)
    data = reader.toml()
    template = reader.template(data) if data is not None else None
    if reader.problems or template is None:
        raise TemplateError(str(root), reader.problems or ["mallen kunde inte läsas"])
    return template


class _Reader:
    """Collects every problem of one template folder instead of stopping at the first."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[str] = []
        self.files: dict[str, bytes] = {}

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    def read(self, name: str, *, required: bool) -> bytes | None:
        path = self.root / name
        if not path.is_file():
            if required:
                self.problem(name, f"filen saknas i {self.root}")
            return None
        try:
            data = path.read_bytes()
        except OSError as error:
            self.problem(name, f"filen kan inte läsas ({os_reason(error)})")
            return None
        self.files[name] = data
        return data

    def toml(self) -> dict[str, Any] | None:
        if not self.root.is_dir():
            self.problems.append(f"mappen {self.root} finns inte")
            return None
        raw = self.read(TEMPLATE_FILE, required=True)
        if raw is None:
            return None
        try:
            return tomllib.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            self.problem(TEMPLATE_FILE, "filen är inte sparad som UTF-8")
        except tomllib.TOMLDecodeError as error:
            self.problem(TEMPLATE_FILE, f"felaktig TOML ({error})")
        return None

    def template(self, data: dict[str, Any]) -> Template | None:
        for key in sorted(set(data) - _SECTIONS):
            self.problem(TEMPLATE_FILE, f"okänd nyckel [{key}] (tillåtna: {', '.join(sorted(_SECTIONS))})")
        scale, meanings = self.scale(data.get("bedomning", {}))
        rule, parameter = self.light(data.get("trafikljus", {}))
        colours = self.colours(data.get("farger", {}))
        fonts = self.section(data, "typsnitt")
        font_name = self.text(fonts, "typsnitt", "namn", "Calibri")
        font_size = self.number(fonts, "typsnitt", "storlek", 11, (6, 36))
        title_size = self.number(fonts, "typsnitt", "rubrik_storlek", 14, (6, 48))
        widths = self.widths(self.section(data, "kolumnbredder"))
        printing = self.printing(self.section(data, "utskrift"))
        texts = self.section(data, "instruktioner")
        blocks = self.instructions(self.text(texts, "instruktioner", "fil", "instruktioner.md"))
        logo = self.logo(self.text(texts, "instruktioner", "logo", "logo.png"))
        name = self.text(data, "", "namn", self.root.name)
        if self.problems:
            return None
        return Template(
            name=name, description=str(data.get("beskrivning", "")), scale=scale,
            meanings=meanings, light_rule=rule, light_parameter=parameter, colours=colours,
            font_name=font_name, font_size=font_size, title_size=title_size, widths=widths,
            printing=printing, instructions=blocks, logo=logo, fingerprint=self.fingerprint(),
            folder=str(self.root),
        )

    # --- sections ----------------------------------------------------------------------
    def section(self, data: dict[str, Any], name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            self.problem(TEMPLATE_FILE, f"[{name}] ska vara en tabell (en rubrik [{name}] med nycklar)")
            return {}
        return value

    def scale(self, section: Any) -> tuple[AssessmentScale, tuple[str, str, str, str]]:
        section = section if isinstance(section, dict) else {}
        defaults = AssessmentScale()
        labels = [self.label(section, key, default)
                  for key, default in zip(_LABEL_KEYS, defaults.choices, strict=True)]
        if len({label.casefold() for label in labels}) < len(labels):
            self.problem(TEMPLATE_FILE, "[bedomning] de fyra bedömningarna måste vara olika")
        meaning_section = section.get("betydelse", {})
        meaning_section = meaning_section if isinstance(meaning_section, dict) else {}
        meanings = tuple(self.text(meaning_section, "bedomning.betydelse", key, "")
                         for key in _LABEL_KEYS)
        return AssessmentScale(*labels), meanings  # type: ignore[return-value]

    def label(self, section: dict[str, Any], key: str, default: str) -> str:
        value = self.text(section, "bedomning", key, default).strip()
        where = f"{TEMPLATE_FILE}, [bedomning] {key}"
        if not value:
            self.problems.append(f"{where}: får inte vara tom")
        elif "," in value or '"' in value:
            self.problems.append(f"{where}: \"{value}\" får inte innehålla komma eller citattecken "
                                 "(Excels rullgardinslista skiljer värdena med komma)")
        elif value[0] in "=+-@":
            self.problems.append(f"{where}: \"{value}\" får inte börja med {value[0]} (Excel läser det "
                                 "som en formel)")
        elif len(value) > 40:
            self.problems.append(f"{where}: högst 40 tecken")
        return value

    def light(self, section: Any) -> tuple[LightRule, float | None]:
        section = section if isinstance(section, dict) else {}
        name = self.text(section, "trafikljus", "regel", LightRule.SHARE_OF_WAY.value)
        try:
            rule = LightRule(name)
        except ValueError:
            self.problem(f"{TEMPLATE_FILE}, [trafikljus] regel",
                         f"\"{name}\" är ingen regel (välj {', '.join(r.value for r in LightRule)})")
            return LightRule.SHARE_OF_WAY, None
        for key in sorted(set(section) - {"regel", "andel", "tolerans"}):
            self.problem(f"{TEMPLATE_FILE}, [trafikljus] {key}",
                         "okänd nyckel (Gul-gränsen för andel_av_vagen står i målmodellens blad "
                         "Inställningar)" if key == "gul_grans" else "okänd nyckel")
        share = self.number(section, "trafikljus", "andel", 0.8, (0.0, 1.0), open_low=True,
                            open_high=True)
        tolerance = self.number(section, "trafikljus", "tolerans", 0.0, (0.0, 1.0), open_high=True)
        parameter = {LightRule.SHARE_OF_WAY: None, LightRule.SHARE_OF_TARGET: share,
                     LightRule.TREND: tolerance}[rule]
        return rule, parameter

    def colours(self, section: Any) -> Colours:
        section = section if isinstance(section, dict) else {}
        defaults = Colours()
        values = []
        for key, attribute in zip(_COLOUR_KEYS, Colours.__slots__, strict=True):
            value = self.text(section, "farger", key, getattr(defaults, attribute)).lstrip("#").upper()
            if len(value) != 6 or any(c not in "0123456789ABCDEF" for c in value):
                self.problem(f"{TEMPLATE_FILE}, [farger] {key}",
                             f"\"{value}\" är ingen färg; skriv sex hexadecimala siffror, t.ex. C6EFCE")
            values.append(value)
        return Colours(*values)

    def widths(self, section: dict[str, Any]) -> dict[tuple[str, str], float]:
        known = {(s.name, c.header) for s in COMMITTEE_DATA_SHEETS for c in s.columns}
        widths = {}
        for key in section:
            sheet, _, header = str(key).partition(".")
            if (sheet, header) not in known:
                self.problem(f"{TEMPLATE_FILE}, [kolumnbredder] \"{key}\"",
                             "okänd kolumn; skriv bladets namn, punkt och kolumnrubriken, t.ex. "
                             "\"Nämndmål.Målformulering\"")
                continue
            widths[(sheet, header)] = self.number(section, "kolumnbredder", str(key), 14, (3, 120))
        return widths

    def printing(self, section: dict[str, Any]) -> PrintSettings:
        orientation = self.text(section, "utskrift", "orientering", "liggande")
        if orientation not in ("liggande", "stående"):
            self.problem(f"{TEMPLATE_FILE}, [utskrift] orientering",
                         f"\"{orientation}\" – välj \"liggande\" eller \"stående\"")
        paper = self.text(section, "utskrift", "pappersstorlek", "A4").upper()
        if paper not in ("A4", "A3"):
            self.problem(f"{TEMPLATE_FILE}, [utskrift] pappersstorlek", f"\"{paper}\" – välj A4 eller A3")
        fit = section.get("anpassa_till_bredd", True)
        if not isinstance(fit, bool):
            self.problem(f"{TEMPLATE_FILE}, [utskrift] anpassa_till_bredd", "skriv true eller false")
            fit = True
        return PrintSettings(landscape=orientation != "stående", paper=paper, fit_to_width=fit)

    def instructions(self, name: str) -> tuple[InstructionBlock, ...]:
        raw = self.read(name, required=True)
        if raw is None:
            return ()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self.problem(name, "filen är inte sparad som UTF-8")
            return ()
        blocks, problems = parse_instructions(text)
        self.problems.extend(f"{name}, {p}" for p in problems)
        return blocks

    def logo(self, name: str) -> bytes | None:
        data = self.read(name, required=False)
        if data is None:
            return None
        if not data.startswith(_PNG_MAGIC):
            self.problem(name, "logotypen ska vara en PNG-bild")
        elif len(data) > LOGO_LIMIT:
            self.problem(name, f"logotypen är {len(data) // 1000} kB; högst {LOGO_LIMIT // 1000} kB")
        return data

    # --- values ------------------------------------------------------------------------
    def text(self, section: dict[str, Any], name: str, key: str, default: str) -> str:
        value = section.get(key, default)
        if not isinstance(value, str):
            where = f"[{name}] {key}" if name else key
            self.problem(f"{TEMPLATE_FILE}, {where}", "ska vara en text inom citattecken")
            return default
        return value

    def number(self, section: dict[str, Any], name: str, key: str, default: float,
               bounds: tuple[float, float], *, open_low: bool = False, open_high: bool = False) -> float:
        value = section.get(key, default)
        low, high = bounds
        inside = (isinstance(value, int | float) and not isinstance(value, bool)
                  and (low < value if open_low else low <= value)
                  and (value < high if open_high else value <= high))
        if not inside:
            self.problem(f"{TEMPLATE_FILE}, [{name}] {key}",
                         f"{value!r} – skriv ett tal {'större än' if open_low else 'från'} {low:g} "
                         f"{'och mindre än' if open_high else 'till och med'} {high:g} "
                         "(decimaltal med punkt, t.ex. 0.8)")
            return default
        return float(value)

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + self.files[name] + b"\0")
        return digest.hexdigest()
