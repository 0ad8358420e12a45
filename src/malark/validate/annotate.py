"""`validate --annotate`: a marked-up copy of a returned workbook.

The copy (same file name, in another folder) has every offending cell filled (red for
errors, yellow for warnings, blue for info) with a note (author "malark") carrying the
messages, and a first sheet `Valideringsresultat` listing every finding with a link to
its cell. Nothing the user typed changes: openpyxl loads and saves the workbook as is
(rich text, data validations, protection, the very hidden `_malark` sheet and, for
`.xlsm`, the VBA project are kept), and only fills and notes are added.

What the findings quote from the file is written as text, never as a formula (an id typed
as `=HYPERLINK(…)` stays those characters), with control characters made visible and cut
to what an Excel cell holds (32,767 UTF-16 units). At most `MAX_LINKS` rows link to their
cell (Excel's limit is 65,530 hyperlinks a sheet). The work is linear in the findings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from copy import copy
from pathlib import Path

from malark.core.contract import RESULT_HEADERS, SHEET_RESULTS, column_letter
from malark.core.errors import OutputError, os_reason
from malark.core.findings import SEVERITY_SV, Finding, Severity
from malark.core.text import cut_for_excel, printable
from malark.validate.result_sheet import result_rows
from malark.xlsx.atomic import save_workbook

__all__ = ["FILL_COLOURS", "MAX_LINKS", "annotate_workbook"]

MAX_LINKS = 65_000
"""Rows of `Valideringsresultat` whose Cell links to the cell (Excel allows 65,530 a sheet)."""

FILL_COLOURS = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C", Severity.INFO: "DDEBF7"}
"""Cell fill per severity (Excel's own light red, yellow and blue)."""
AUTHOR = "malark"
_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_A1 = re.compile(r"\$?([A-Z]{1,3})\$?(\d{1,7})")
_WIDTHS = {"Allvarlighet": 12, "Kod": 8, "Blad": 16, "Cell": 8, "Gäller": 13, "Meddelande": 90}
_HEADER_FILL = "1F4E78"


def annotate_workbook(source: Path, findings: Sequence[Finding], out_dir: Path) -> Path:
    """Write the marked-up copy of `source` to `out_dir / source.name` and return it.

    Raises `OutputError` when `out_dir` is the source's own folder (the user's file is
    never overwritten) or when the copy cannot be made or written."""
    source, out_dir = Path(source), Path(out_dir)
    if out_dir.resolve() == source.parent.resolve():
        raise OutputError(
            f"Den markerade kopian av {source.name} skulle skriva över originalet. Välj en "
            "annan mapp för --annotate än den där filen ligger.")
    _refuse_unsafe(source)
    workbook = _load(source)
    sheet_order = list(workbook.sheetnames)
    _mark_cells(workbook, findings)
    _write_results_sheet(workbook, findings, sheet_order)
    return _save_atomically(workbook, out_dir, source.name)


def _refuse_unsafe(source: Path) -> None:
    """openpyxl has no limits of its own: a file the reader refused is never opened here."""
    from malark.xlsx.safety import inspect_file

    inspection = inspect_file(source)
    if not inspection.readable:
        reason = inspection.findings[0].message if inspection.findings else ""
        raise OutputError(f"Kan inte skapa en markerad kopia av {source.name}. {reason}")


def _load(source: Path):
    from malark.xlsx.sheet_layout import load_for_edit

    try:
        return load_for_edit(source, keep_vba=source.suffix.lower() == ".xlsm", rich_text=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many unrelated types
        raise OutputError(
            f"Kan inte skapa en markerad kopia av {source.name}: filen går inte att öppna "
            f"({type(error).__name__}).") from error


def _target_cell(sheet, address: str):
    """The cell to mark for `address`: the top-left cell of a merged range it lies in."""
    from openpyxl.cell.cell import MergedCell

    cell = sheet[address]
    if isinstance(cell, MergedCell):
        for merged in sheet.merged_cells.ranges:
            if address in merged:
                return sheet.cell(merged.min_row, merged.min_col)
    return cell


def _as_text(value: str) -> str:
    """Report text for a cell: control characters visible, no longer than a cell holds."""
    return cut_for_excel(printable(value))


def _mark_cells(workbook, findings: Sequence[Finding]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    names = set(workbook.sheetnames)
    for finding in findings:
        match = _A1.fullmatch(finding.cell or "")
        if finding.sheet in names and match:
            by_cell[(finding.sheet, "".join(match.groups()))].append(finding)
    fills = {s: PatternFill(fill_type="solid", start_color=c, end_color=c) for s, c in FILL_COLOURS.items()}
    for (sheet_name, address), found in by_cell.items():
        cell = _target_cell(workbook[sheet_name], address)
        found.sort(key=lambda f: (_RANK[f.severity], f.code))
        cell.fill = fills[found[0].severity]
        text = "\n".join(f"{SEVERITY_SV[f.severity]} {f.code}: {f.message}" for f in found)
        if cell.comment is not None and cell.comment.author != AUTHOR:
            text += f"\n\nTidigare kommentar ({cell.comment.author or 'okänd'}):\n{cell.comment.text}"
        text = _as_text(text)
        lines = sum(1 + len(line) // 60 for line in text.splitlines())
        cell.comment = Comment(text, AUTHOR, width=360, height=min(600, 20 + 15 * lines))


def _write_results_sheet(workbook, findings: Sequence[Finding], sheet_order: list[str]) -> None:
    if SHEET_RESULTS in workbook.sheetnames:
        workbook.remove(workbook[SHEET_RESULTS])
        sheet_order = [s for s in sheet_order if s != SHEET_RESULTS]
    sheet = workbook.create_sheet(SHEET_RESULTS, 0)
    looks = _Looks(sheet)
    for column, header in enumerate(RESULT_HEADERS, start=1):
        looks.apply(sheet.cell(1, column, header), "header")
    names = set(workbook.sheetnames)
    cell_col = RESULT_HEADERS.index("Cell")
    per_line = [max(1, int(_WIDTHS.get(header, 14) * 1.1)) for header in RESULT_HEADERS]
    row = 1
    for row, values in enumerate(result_rows(findings, sheet_order), start=2):
        cells = [looks.text_cell(row, column, value, values[0] if column == 1 else "text")
                 for column, value in enumerate(values, start=1)]
        if row - 1 <= MAX_LINKS and _link(cells[cell_col], values, names):
            looks.apply(cells[cell_col], "link")
        lines = max(-(-len(value) // width) for value, width in zip(values, per_line, strict=True))
        if lines > 1:  # wrapped text: give the row room, Excel does not grow it on opening
            sheet.row_dimensions[row].height = min(409, 15 * lines)
    _finish_results_sheet(workbook, sheet, row)


class _Looks:
    """The few styles of the result sheet, each resolved once and then copied as
    openpyxl's style array (assigning style objects cell by cell is what made a large
    result sheet slow)."""

    def __init__(self, sheet) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.styles.cell_style import StyleArray

        wrap = Alignment(wrap_text=True, vertical="top")
        solid = {k: PatternFill(fill_type="solid", start_color=c, end_color=c)
                 for k, c in [("header", _HEADER_FILL),
                              *((SEVERITY_SV[s], c) for s, c in FILL_COLOURS.items())]}
        self._styles = {}
        probe = sheet.cell(1, 1)
        for key in ("header", "text", "link", *(SEVERITY_SV[s] for s in Severity)):
            probe._style = StyleArray()
            if key == "link":
                probe.style = "Hyperlink"
            probe.alignment = wrap
            if key == "header":
                probe.font = Font(bold=True, color="FFFFFF")
            if key in solid:
                probe.fill = solid[key]
            self._styles[key] = copy(probe._style)

        self._sheet = sheet

    def apply(self, cell, key: str) -> None:
        cell._style = copy(self._styles[key])

    def text_cell(self, row: int, column: int, value: str, key: str):
        """A new cell holding `value` as text, never a formula (openpyxl's value setter
        would take "=…" as one), made directly: this is the hot loop of a large sheet."""
        from openpyxl.cell.cell import Cell

        cell = Cell(self._sheet, row=row, column=column, style_array=copy(self._styles[key]))
        cell._value, cell.data_type = _as_text(value), "s"
        self._sheet._cells[(row, column)] = cell
        return cell


def _link(cell, values: list[str], sheet_names: set[str]) -> bool:
    from openpyxl.worksheet.hyperlink import Hyperlink

    target_sheet = values[RESULT_HEADERS.index("Blad")]
    target_cell = values[RESULT_HEADERS.index("Cell")]
    if target_sheet not in sheet_names or not _A1.fullmatch(target_cell):
        return False
    quoted = target_sheet.replace("'", "''")
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!{target_cell}")
    return True


def _finish_results_sheet(workbook, sheet, last_row: int) -> None:
    for index, header in enumerate(RESULT_HEADERS, start=1):
        sheet.column_dimensions[column_letter(index)].width = _WIDTHS.get(header, 14)
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.auto_filter.ref = f"A1:{column_letter(len(RESULT_HEADERS))}{max(last_row, 1)}"
    for other in workbook.worksheets:
        other.sheet_view.tabSelected = False
    workbook.active = 0
    sheet.sheet_view.tabSelected = True


def _save_atomically(workbook, out_dir: Path, name: str) -> Path:
    target = out_dir / name
    try:
        return save_workbook(workbook, target)
    except OSError as error:
        raise OutputError(f"Kan inte skriva {target}: {os_reason(error)}.") from error
