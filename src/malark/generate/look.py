"""How a committee workbook looks, as its workbook template says (SPEC 3c): fills, fonts,
column widths, print settings and the words of the light codes.

`Look.of(template)` turns a `Template`'s colours and settings into openpyxl objects once
per workbook; `STANDARD_LOOK` is the standard template's look without reading its files
(the same defaults), for code that writes outside a template (tests, the Kontroll sheet of
an old caller).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.worksheet import Worksheet

from malark.core.contract import Assessment, Column, SheetSpec
from malark.core.scale import DEFAULT_SCALE, AssessmentScale
from malark.core.template import Colours, PrintSettings, Template

__all__ = ["STANDARD_LOOK", "Look"]


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)


@dataclass(frozen=True)
class Look:
    scale: AssessmentScale = DEFAULT_SCALE
    colours: Colours = field(default_factory=Colours)
    font_name: str = "Calibri"
    font_size: float = 11
    title_size: float = 14
    widths: dict[tuple[str, str], float] = field(default_factory=dict)
    printing: PrintSettings = field(default_factory=PrintSettings)
    logo: bytes | None = None

    @classmethod
    def of(cls, template: Template | None) -> Look:
        if template is None:
            return STANDARD_LOOK
        return cls(scale=template.scale, colours=template.colours, font_name=template.font_name,
                   font_size=template.font_size, title_size=template.title_size,
                   widths=dict(template.widths), printing=template.printing, logo=template.logo)

    # --- fills and fonts -----------------------------------------------------------------
    @property
    def header_fill(self) -> PatternFill:
        return _fill(self.colours.header)

    @property
    def header_font(self) -> Font:
        return self.font(bold=True, color=self.colours.header_text)

    @property
    def input_fill(self) -> PatternFill:
        """The controller fills in these cells (light yellow in the standard)."""
        return _fill(self.colours.input)

    @property
    def locked_fill(self) -> PatternFill:
        """Read-only content from the goal model or an earlier period (light grey)."""
        return _fill(self.colours.locked)

    @property
    def coordinated_fill(self) -> PatternFill:
        """A KF goal this committee coordinates (light blue)."""
        return _fill(self.colours.coordinated)

    def assessment_fill(self, assessment: Assessment | str) -> PatternFill:
        colour = {Assessment.GRON: self.colours.green, Assessment.GUL: self.colours.yellow,
                  Assessment.ROD: self.colours.red}.get(Assessment(assessment),
                                                         self.colours.not_assessed)
        return _fill(colour)

    def font(self, *, bold: bool = False, size: float | None = None, color: str | None = None) -> Font:
        return Font(name=self.font_name, sz=size or self.font_size, bold=bold, color=color)

    @property
    def title_font(self) -> Font:
        return self.font(bold=True, size=self.title_size, color=self.colours.header)

    @property
    def section_font(self) -> Font:
        return self.font(bold=True, size=self.font_size + 1, color=self.colours.header)

    @property
    def light_number_format(self) -> str:
        """The light code shown as the template's word next to the icon (empty stays empty)."""
        scale = self.scale
        return f'[=3]"{scale.green}";[=2]"{scale.yellow}";"{scale.red}"'

    # --- whole sheets and the workbook ----------------------------------------------------
    def width(self, spec: SheetSpec, column: Column) -> float:
        return self.widths.get((spec.name, column.header), column.width)

    def use_font(self, workbook: Workbook) -> None:
        """The template's font for every cell without a font of its own (Excel's `Normal`
        style), set before anything is written."""
        normal = self.font()
        workbook._fonts = IndexedList([normal])  # openpyxl keeps the default font first
        for style in workbook._named_styles:
            if style.name == "Normal":
                style.font = normal

    def print_setup(self, ws: Worksheet, *, title_rows: bool = True, portrait: bool = False) -> None:
        """Paper, orientation and fitting as the template says; the header row repeated on
        every page. `portrait` for a sheet that is read top to bottom (Instruktioner)."""
        printing = self.printing
        ws.page_setup.orientation = "portrait" if portrait or not printing.landscape else "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A3 if printing.paper == "A3" else ws.PAPERSIZE_A4
        if printing.fit_to_width:
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = False
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        if title_rows:
            ws.print_title_rows = "1:1"


STANDARD_LOOK = Look()
