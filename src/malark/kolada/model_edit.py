"""Editing the model workbook in place: only `Indikatorvärden` changes (SPEC 9).

The workbook is opened with openpyxl, the planned cells are written and new rows are
appended below the last filled row of `Indikatorvärden` (the sheet is added, laid out as
`malark init` lays it out, when the model has none). Every other sheet, cell, style,
data validation and defined name is saved as it was read. The result is written to a
temporary file beside the model, read back as a model (it must still be one, with the
new values), and only then moved into place.

Refused before anything is written: a model open in Excel or LibreOffice (their lock
file lies beside it), and a model with content openpyxl would not keep (formulas, whose
computed values would be lost, drawn shapes, form controls, macros).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

from malark.core.contract import MODEL_INDIKATORVARDEN
from malark.core.errors import InputError, ModelError, OutputError, os_reason
from malark.xlsx.atomic import make_shareable, temporary_beside
from malark.xlsx.indicator_values import write_indicator_values
from malark.xlsx.model_io import read_model
from malark.xlsx.table import Table, build_table

__all__ = ["apply_plan", "check_not_open", "indicator_value_table", "open_for_edit", "save_checked"]

_SPEC = MODEL_INDIKATORVARDEN
_PARTS_OPENPYXL_LOSES = ("xl/activeX/", "xl/ctrlProps/", "xl/vbaProject.bin", "xl/slicers/",
                         "xl/timelines/", "xl/embeddings/")


def lock_files(path: Path) -> list[Path]:
    """Where Excel (`~$name`, or `~$` over the first two letters) and LibreOffice
    (`.~lock.name#`) keep the lock of an open workbook."""
    names = {f"~${path.name}", f"~${path.name[2:]}", f".~lock.{path.name}#"}
    return [path.with_name(n) for n in sorted(names)]


def check_not_open(path: Path) -> None:
    for lock in lock_files(path):
        if lock.exists():
            raise InputError(f"Målmodellen {path.name} är öppen i Excel eller LibreOffice ({lock.name} "
                             "finns bredvid den). Stäng den och kör igen – inget har ändrats.")


def _unkept_parts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        found = [n for n in names if n.startswith(_PARTS_OPENPYXL_LOSES)]
        for name in names:
            if name.startswith("xl/drawings/drawing") and name.endswith(".xml"):
                text = archive.read(name)
                if b"<xdr:sp>" in text or b"<xdr:sp " in text or b"<xdr:grpSp" in text:
                    found.append(name)
    return found


def _formula_cells(workbook) -> list[str]:
    cells = []
    for ws in workbook.worksheets:
        if ws.title == _SPEC.name:
            continue
        for row in ws.iter_rows():
            cells += [f"{ws.title}!{c.coordinate}" for c in row if c.data_type == "f"]
    return cells


def open_for_edit(path: Path):
    """The model as an openpyxl workbook, or `InputError` when editing it would lose
    something."""
    import openpyxl

    try:
        lost = _unkept_parts(path)
        workbook = openpyxl.load_workbook(path)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InputError(f"Målmodellen {path.name} kan inte öppnas för att skrivas: {error}.") from error
    formulas = _formula_cells(workbook)
    if formulas or lost:
        what = (f"formler ({', '.join(formulas[:5])}{' …' if len(formulas) > 5 else ''}), vars "
                "beräknade värden skulle försvinna" if formulas else
                f"objekt som inte kan sparas om ({', '.join(lost[:3])})")
        raise InputError(f"Målmodellen {path.name} innehåller {what}. malark kolada ändrar den "
                         "därför inte. Ersätt formlerna med värden (Klistra in special > Värden) "
                         "eller skriv in Kolada-värdena för hand på bladet Indikatorvärden.")
    return workbook


def indicator_value_table(workbook) -> Table:
    """`Indikatorvärden` as a table (empty when the model has no such sheet yet)."""
    if _SPEC.name not in workbook.sheetnames:
        return build_table(_SPEC, [_SPEC.headers])
    ws = workbook[_SPEC.name]
    return build_table(_SPEC, [list(r) for r in ws.iter_rows(values_only=True)])


def _last_filled_row(ws) -> int:
    last = 1
    for row in ws.iter_rows(min_row=2, max_col=len(_SPEC.columns)):
        if any(c.value not in (None, "") for c in row):
            last = row[0].row
    return last


def apply_plan(workbook, cells: dict[str, Any], new_rows: list[list[Any]], table: Table) -> None:
    """Write the planned cells and append the new rows (columns found by header)."""
    from openpyxl.styles import Alignment

    if _SPEC.name not in workbook.sheetnames:
        write_indicator_values(workbook, ())
    ws = workbook[_SPEC.name]
    for address, value in cells.items():
        ws[address] = value
    columns = {f: table.header[f].address.rstrip("0123456789") if f in table.header
               else _SPEC.letter(f) for f in (c.field for c in _SPEC.columns)}
    number = _last_filled_row(ws)
    wrap = Alignment(wrap_text=True, vertical="top")
    for values in new_rows:
        number += 1
        for column, value in zip(_SPEC.columns, values, strict=True):
            cell = ws[f"{columns[column.field]}{number}"]
            cell.value = value
            cell.alignment = wrap
            if column.field == "year":
                cell.number_format = "0"


def save_checked(workbook, path: Path, expected_values: int) -> None:
    """Save beside `path`, check the copy reads as a model with `expected_values` rows of
    history, then replace `path` in one step."""
    temporary = temporary_beside(path, prefix=f".{path.stem}.", suffix=".tmp.xlsx")
    try:
        workbook.save(temporary)
        try:
            written = read_model(temporary)
        except ModelError as error:
            raise OutputError("Kontrollen efter skrivningen misslyckades – målmodellen är orörd:\n"
                              + "\n".join(error.problems)) from error
        if len(written.indicator_values) != expected_values:
            raise OutputError(f"Kontrollen efter skrivningen misslyckades ({len(written.indicator_values)} "
                              f"rader i Indikatorvärden, väntat {expected_values}). Målmodellen är orörd.")
        make_shareable(temporary)
        os.replace(temporary, path)
    except OSError as error:
        raise OutputError(f"Målmodellen {path} kan inte skrivas ({os_reason(error)}). "
                          "Den är orörd.") from error
    finally:
        temporary.unlink(missing_ok=True)
