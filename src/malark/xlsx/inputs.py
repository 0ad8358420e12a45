"""Turning the files and folders a user names into the workbook files to read.

Used by `validate` and `merge`: a file is taken as given (whatever its extension, so the
reader can say why a `.xls` or a PDF is not accepted); a folder contributes its
`*.xlsx`/`*.xlsm` files (not recursively), sorted by name, skipping Excel's lock files
(`~$Bok1.xlsx`, left behind while a workbook is open) and hidden files.

A folder also contributes spreadsheets in other formats (`.xls`, `.xlsb`, `.ods`): a
committee that saved its answer as `.xls` has submitted, and must hear "spara som .xlsx"
(S001) rather than be listed as missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from malark.core.errors import InputError

__all__ = ["WORKBOOK_SUFFIXES", "expand_inputs"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
OTHER_SPREADSHEET_SUFFIXES = (".xls", ".xlsb", ".ods")
"""Found in a folder and reported as unreadable (S001) with what to do."""


def expand_inputs(inputs: Sequence[Path | str]) -> list[Path]:
    """Files and folders → workbook files, in the order given, each file once.

    Raises `InputError` (Swedish message) when a path does not exist.
    """
    missing = [str(p) for p in inputs if not Path(p).exists()]
    if missing:
        names = ", ".join(missing)
        raise InputError(f"Hittar inte {names}. Kontrollera sökvägen (fil eller mapp).")
    result: list[Path] = []
    seen: set[Path] = set()
    for item in inputs:
        path = Path(item)
        for file in _folder_workbooks(path) if path.is_dir() else [path]:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                result.append(file)
    return result


def _folder_workbooks(folder: Path) -> list[Path]:
    return sorted(
        (
            p for p in folder.iterdir()
            if p.is_file()
            and p.suffix.lower() in WORKBOOK_SUFFIXES + OTHER_SPREADSHEET_SUFFIXES
            and not p.name.startswith(("~$", "."))
        ),
        key=lambda p: p.name.lower(),
    )
