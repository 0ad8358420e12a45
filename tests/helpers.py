"""Helpers for tests: edit workbooks the way a user would."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from malark.xlsx.sheet_layout import keep_layout, load_for_edit

_ADDRESS = re.compile(r"(?P<sheet>[^!]+)!(?P<cell>[A-Z]+[0-9]+)")


def edit(path: Path, changes: Mapping[str, Any], *, out: Path | None = None) -> Path:
    """Apply `{"Sheet!A1": value}` to a workbook as a user typing in Excel would
    (None clears a cell) and save it (to `out` if given). Like Excel, it keeps a committee
    workbook's fitted rows and formula print areas (`malark.xlsx.sheet_layout`)."""
    workbook = load_for_edit(path)
    for address, value in changes.items():
        match = _ADDRESS.fullmatch(address)
        assert match, f"bad address {address!r}"
        workbook[match["sheet"]][match["cell"]] = value
    target = out or path
    keep_layout(workbook)
    workbook.save(target)
    return target


def edit_text(path: Path, changes: Mapping[str, str]) -> None:
    """Type text that looks like a formula, as Excel stores a value typed with a leading
    apostrophe (or pasted as text): a string cell, not a formula."""
    workbook = load_for_edit(path)
    for address, text in changes.items():
        sheet, cell = address.split("!")
        workbook[sheet][cell].value = text
        workbook[sheet][cell].data_type = "s"
    keep_layout(workbook)
    workbook.save(path)
