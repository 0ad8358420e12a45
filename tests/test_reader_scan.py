"""The byte-level worksheet scans agree with each other and with the grid they were
built from, whether cells carry their `r` address or not (hypothesis)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from malark.core.contract import a1
from malark.xlsx.sheet_xml import scan_formulas_and_errors, sheet_extent

_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'

# A cell is None (absent), "styled" (formatting only), a number, a formula, or an error.
_cell = st.one_of(
    st.none(), st.just("styled"), st.integers(0, 999),
    st.tuples(st.just("f"), st.sampled_from(["1+1", "SUM(A1:B2)", 'IF(A1&lt;2,"x","y")'])),
    st.tuples(st.just("e"), st.sampled_from(["#DIV/0!", "#N/A", "#VALUE!", "#REF!"])),
)
_grid = st.lists(st.lists(_cell, max_size=6), max_size=6)


def _xml(grid, *, addressed: bool) -> bytes:
    rows = []
    for r, cells in enumerate(grid, start=1):
        parts = []
        for c, cell in enumerate(cells):
            ref = f' r="{a1(c, r)}"' if addressed else ""
            if cell is None:
                continue  # an absent cell: only an addressed sheet can skip one
            if cell == "styled":
                parts.append(f'<c{ref} s="1"/>')
            elif isinstance(cell, int):
                parts.append(f"<c{ref}><v>{cell}</v></c>")
            elif cell[0] == "f":
                parts.append(f"<c{ref}><f>{cell[1]}</f><v>0</v></c>")
            else:
                parts.append(f'<c{ref} t="e"><v>{cell[1]}</v></c>')
        row_ref = f' r="{r}"' if addressed else ""
        rows.append(f"<row{row_ref}>{''.join(parts)}</row>")
    return b"<worksheet %s><sheetData>%s</sheetData></worksheet>" % (_NS, "".join(rows).encode())


def _expected(grid):
    formulas, errors, last_row, last_column = {}, {}, 0, 0
    for r, cells in enumerate(grid, start=1):
        for c, cell in enumerate(cells):
            if cell is None or cell == "styled":
                continue
            last_row, last_column = max(last_row, r), max(last_column, c + 1)
            if isinstance(cell, tuple) and cell[0] == "f":
                formulas[a1(c, r)] = "=" + cell[1].replace("&lt;", "<")
            elif isinstance(cell, tuple):
                errors[a1(c, r)] = cell[1]
    return formulas, errors, (last_row, last_column)


@given(_grid)
def test_addressed_scan_matches_the_grid(grid):
    xml = _xml(grid, addressed=True)
    formulas, errors, extent = _expected(grid)
    assert scan_formulas_and_errors(xml) == (formulas, errors)
    assert sheet_extent(xml, 10**6) == extent


@given(_grid.map(lambda g: [[c if c is not None else "styled" for c in row] for row in g]))
def test_counted_scan_matches_the_grid(grid):
    xml = _xml(grid, addressed=False)
    assert not re.search(rb"\sr=", xml)
    formulas, errors, extent = _expected(grid)
    assert scan_formulas_and_errors(xml) == (formulas, errors)
    assert sheet_extent(xml, 10**6) == extent
