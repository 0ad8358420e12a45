"""`validate --annotate`: a marked-up copy of a returned workbook.

The copy (same file name, in another folder) has every offending cell filled (red for
errors, yellow for warnings, blue for info) with a note (author "malark") carrying the
messages, and a first sheet `Valideringsresultat` listing every finding with a link to
its cell. Nothing the user typed changes: openpyxl loads and saves the workbook as is
(rich text, data validations, protection, the very hidden `_malark` sheet and, for
`.xlsm`, the VBA project are kept), and only fills and notes are added.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from malark.core.contract import RESULT_HEADERS, SHEET_RESULTS
from malark.core.errors import OutputError, os_reason
from malark.core.findings import SEVERITY_SV, Finding, Severity
from malark.validate.result_sheet import result_rows
from malark.xlsx.atomic import save_workbook

__all__ = ["FILL_COLOURS", "annotate_workbook"]

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


def _mark_cells(workbook, findings: Sequence[Finding]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        match = _A1.fullmatch(finding.cell or "")
        if finding.sheet in workbook.sheetnames and match:
            by_cell[(finding.sheet, "".join(match.groups()))].append(finding)
    for (sheet_name, address), found in by_cell.items():
        cell = _target_cell(workbook[sheet_name], address)
        found.sort(key=lambda f: (_RANK[f.severity], f.code))
        colour = FILL_COLOURS[found[0].severity]
        cell.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
        text = "\n".join(f"{SEVERITY_SV[f.severity]} {f.code}: {f.message}" for f in found)
        if cell.comment is not None and cell.comment.author != AUTHOR:
            text += f"\n\nTidigare kommentar ({cell.comment.author or 'okänd'}):\n{cell.comment.text}"
        lines = sum(1 + len(line) // 60 for line in text.splitlines())
        cell.comment = Comment(text, AUTHOR, width=360, height=min(600, 20 + 15 * lines))


def _write_results_sheet(workbook, findings: Sequence[Finding], sheet_order: list[str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    if SHEET_RESULTS in workbook.sheetnames:
        workbook.remove(workbook[SHEET_RESULTS])
        sheet_order = [s for s in sheet_order if s != SHEET_RESULTS]
    sheet = workbook.create_sheet(SHEET_RESULTS, 0)
    sheet.append(list(RESULT_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill(fill_type="solid", start_color=_HEADER_FILL, end_color=_HEADER_FILL)
    severity_of = {SEVERITY_SV[s]: s for s in Severity}
    sheet_col, cell_col = RESULT_HEADERS.index("Blad"), RESULT_HEADERS.index("Cell")
    wrap = Alignment(wrap_text=True, vertical="top")
    for values in result_rows(findings, sheet_order):
        sheet.append(values)
        row = sheet.max_row
        colour = FILL_COLOURS[severity_of[values[0]]]
        sheet.cell(row, 1).fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
        target_sheet, target_cell = values[sheet_col], values[cell_col]
        if target_sheet in workbook.sheetnames and _A1.fullmatch(target_cell):
            link = sheet.cell(row, cell_col + 1)
            quoted = target_sheet.replace("'", "''")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!{target_cell}")
            link.style = "Hyperlink"
        for cell in sheet[row]:
            cell.alignment = wrap
        lines = -(-len(values[-1]) // int(_WIDTHS["Meddelande"] * 1.1))
        if lines > 1:  # wrapped text: give the row room, Excel does not grow it on opening
            sheet.row_dimensions[row].height = 15 * lines
    for index, header in enumerate(RESULT_HEADERS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = _WIDTHS.get(header, 14)
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.auto_filter.ref = f"A1:{chr(64 + len(RESULT_HEADERS))}{max(sheet.max_row, 1)}"
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
