"""Typed values (D001–D004, D009, D011–D013): numbers, years and dates as Swedes type
them, ranges, dropdown lists and texts longer than an Excel cell holds. D001–D004 are
also checked live on the `Kontroll` sheet (the builders below each rule's check).

Content the committee may not change (KF goal text, model-set KF indicator values) is
judged by S007 only, so one edit gives one finding.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time, timedelta

from malark.core.contract import (
    COMMITTEE_AKTIVITETER,
    COMMITTEE_DATA_SHEETS,
    COMMITTEE_INDIKATORER,
    COMMITTEE_KF_MAL,
    Column,
    Kind,
)
from malark.core.findings import Finding
from malark.core.text import EXCEL_CELL_LIMIT, utf16_length
from malark.validate.checks import values
from malark.validate.checks.base import Context, check, header, row_id
from malark.validate.checks.live import Band, Flag, LiveBook, live
from malark.validate.checks.live_formula import member, quoted, text_of, yyyymmdd
from malark.validate.checks.live_values import date_value, number_value, valid_year
from malark.validate.checks.values import Read, ReadKind
from malark.xlsx.table import Cell, Row
from malark.xlsx.workbook import NONFINITE_TEXT

__all__ = ["CHECKS", "YEAR_RANGE", "locked_live"]

YEAR_RANGE = (2000, 2100)
BASELINE_YEAR_RANGE = (1900, 2100)
PERCENT_FIELDS = ("baseline", "target", "outcome", "previous_outcome")
NOT_SHARE_WORDS = ("resultat", "avvikelse", "förändring", "grad", "ökning", "minskning",
                   "tillväxt", "utveckling")
"""Words in an indicator's name that say a `%` value may be negative or above 100."""
_KF_LOCKED = frozenset({"id", "perspective", "text", "coordinator"})
_INDICATOR_LOCKED = frozenset({"id", "goal_id", "name", "unit", "direction", "baseline",
                               "baseline_year", "target", "target_year", "kolada_kpi"})
_NONFINITE = frozenset(NONFINITE_TEXT.values())


def _locked_fields(ctx: Context, row: Row) -> frozenset[str]:
    """The fields of `row` the committee may not change (judged by S007 only)."""
    if row.sheet == COMMITTEE_KF_MAL.name:
        return _KF_LOCKED
    if row.sheet == COMMITTEE_INDIKATORER.name and row_id(row) in ctx.model_indicators:
        return _INDICATOR_LOCKED
    return frozenset()


def _locked(ctx: Context, row: Row, field_name: str) -> bool:
    return field_name in _locked_fields(ctx, row)


def locked_live(band: Band, field_name: str) -> str:
    """`_locked` as a formula: 1 on the rows where `field_name` is not the committee's."""
    if band.spec.name == COMMITTEE_KF_MAL.name:
        return "1" if field_name in _KF_LOCKED else "0"
    if band.spec.name == COMMITTEE_INDIKATORER.name and field_name in _INDICATOR_LOCKED:
        assert band.book is not None
        ids = band.book.facts.model_indicator_ids
        return band.helper("model-row", lambda: member(band.key("id"), ids)) if ids else "0"
    return "0"


def _typed_columns(book: LiveBook, *kinds: Kind) -> Iterator[tuple[Band, Column, str]]:
    """(band, column, condition) of the columns of `kinds` that `typed_values` judges: the
    condition is 1 where the cell holds a typed value that is not locked."""
    for spec in COMMITTEE_DATA_SHEETS:
        band = book.band(spec)
        for column in spec.columns:
            locked = locked_live(band, column.field)
            if column.kind in kinds and locked != "1":
                yield band, column, f"{band.typed(column.field)}*(1-{locked})"


@live("D001")
def _d001_live(book: LiveBook) -> Iterator[Flag]:
    for band, column, typed in _typed_columns(book, Kind.NUMBER, Kind.YEAR):
        value = number_value(band, column.field)
        wrong = f'({value}="X")'
        if column.kind is Kind.YEAR:
            wrong = f'(({value}="X")+ISNUMBER({value})*(1-{valid_year(value)}))'
        yield band.flag("D001", column.field, f"{typed}*{wrong}")


def _share_live(band: Band) -> str:
    """`_is_share` as a formula."""
    assert band.book is not None
    book = band.book

    def build() -> str:
        name = text_of(band.cells("name"))
        words = "+".join(f"ISNUMBER(SEARCH({quoted(w)},{name}))" for w in NOT_SHARE_WORDS)
        model_set = member(band.key("id"), book.facts.model_non_shares)
        return f'EXACT({band.key("unit")},"%")*(({words})=0)*(1-{model_set})'
    return band.helper("share", build)


@live("D002")
def _d002_live(book: LiveBook) -> Iterator[Flag]:
    for band, column, typed in _typed_columns(book, Kind.YEAR):
        value = number_value(band, column.field)
        low, high = BASELINE_YEAR_RANGE if column.field == "baseline_year" else YEAR_RANGE
        yield band.flag("D002", column.field,
                        f"{typed}*{valid_year(value)}*(({value}<{low})+({value}>{high}))")
    indicators = book.indicators
    for field_name in PERCENT_FIELDS:
        value = number_value(indicators, field_name)
        yield indicators.flag("D002", field_name,
                              f"(1-{locked_live(indicators, field_name)})*{_share_live(indicators)}"
                              f"*ISNUMBER({value})*(({value}<0)+({value}>100))")
    activities = book.band(COMMITTEE_AKTIVITETER)
    start = date_value(activities, "start_date")
    low, high = yyyymmdd(date(YEAR_RANGE[0], 1, 1)), yyyymmdd(date(YEAR_RANGE[1], 12, 31))
    for band, column, typed in _typed_columns(book, Kind.DATE):
        value = date_value(band, column.field)
        outside = f"({value}<{low})+({value}>{high})"
        if column.field == "end_date":
            outside += f"+ISNUMBER({start})*({value}<{start})"
        yield band.flag("D002", column.field, f"{typed}*ISNUMBER({value})*({outside})")


@live("D003")
def _d003_live(book: LiveBook) -> Iterator[Flag]:
    for band, column, typed in _typed_columns(book, Kind.DATE):
        yield band.flag("D003", column.field, f'{typed}*({date_value(band, column.field)}="X")')


@live("D004")
def _d004_live(book: LiveBook) -> Iterator[Flag]:
    for band, column, typed in _typed_columns(book, Kind.CHOICE):
        key = band.key(column.field)
        choices = book.facts.scale.choices if column.field == "assessment" else column.choices
        yield band.flag("D004", column.field,
                        f'{typed}*({key}<>"")*(1-{member(key, choices)})')


@check("D001", "D002", "D003", "D004", "D009", "D011", "D013",
       live=(_d001_live, _d002_live, _d003_live, _d004_live))
def typed_values(ctx: Context) -> Iterator[Finding]:
    for spec in COMMITTEE_DATA_SHEETS:
        typed = [c for c in spec.columns if c.kind is not Kind.FORMULA]
        for row in ctx.rows(spec.name):
            locked = _locked_fields(ctx, row)
            for column in typed:
                cell = row.cells.get(column.field)
                # an empty cell has nothing to judge (most cells of a sheet are empty)
                if (cell is None or column.field in locked
                        or (cell.value is None and cell.formula is None and cell.error is None)):
                    continue
                yield from _typed_cell(ctx, row, column, cell)
            if spec.name == COMMITTEE_INDIKATORER.name:
                yield from _percent_range(ctx, row)


def _not_typed(cell: Cell) -> str | None:
    """What a cell holds instead of a typed value (D009): a formula, an error value or
    SANT/FALSKT (LibreOffice turns a typed SANT into the formula =TRUE(), so the live
    checks cannot tell the two apart either)."""
    if cell.error in _NONFINITE:
        return f"talet {cell.error}, som Excel inte kan visa,"
    if cell.error is not None:
        return f"felvärdet {cell.error}"
    if cell.formula is not None:
        return f"formeln ={cell.formula.lstrip('=')}"
    if isinstance(cell.value, bool):
        return f"värdet {values.display(cell.value)}"
    return None


_FREE_TEXT = frozenset({Kind.ID, Kind.TEXT, Kind.LONG_TEXT, Kind.GOAL_REF})
"""Kinds whose typed value is not judged here (only a formula or an error in them is)."""


def _typed_cell(ctx: Context, row: Row, column: Column, cell: Cell) -> Iterator[Finding]:
    what = _not_typed(cell)
    if what is None and (column.kind in _FREE_TEXT or (column.kind is Kind.NUMBER
                                                        and type(cell.value) in (float, int))):
        return  # free text, or a number typed as a number: nothing to judge here
    if what is not None:
        yield ctx.finding("D009", cell, ref=row_id(row), what=what)
        return
    if column.kind is Kind.NUMBER:
        yield from _read_report(ctx, cell, column, values.read_number(cell), "D001", row)
    elif column.kind is Kind.YEAR:
        read = values.read_year(cell)
        yield from _read_report(ctx, cell, column, read, "D001", row)
        low, high = BASELINE_YEAR_RANGE if column.field == "baseline_year" else YEAR_RANGE
        if read.ok and not low <= read.value <= high:
            yield ctx.finding("D002", cell, ref=row_id(row), header=column.header, found=read.value,
                              allowed=f"rimliga årtal ({low}–{high})")
    elif column.kind is Kind.DATE:
        read = values.read_date(cell)
        yield from _read_report(ctx, cell, column, read, "D003", row)
        if read.ok and not YEAR_RANGE[0] <= read.value.year <= YEAR_RANGE[1]:
            yield ctx.finding("D002", cell, ref=row_id(row), header=column.header,
                              found=values.display(read.value),
                              allowed=f"rimliga datum ({YEAR_RANGE[0]}–{YEAR_RANGE[1]})")
        elif read.ok and column.field == "end_date":
            start = values.date_of(row.cells.get("start_date"))
            if start is not None and read.value < start:
                yield ctx.finding("D002", cell, ref=row_id(row), header=column.header,
                                  found=values.display(read.value),
                                  allowed=f"datum från och med Startdatum "
                                          f"({values.display(start)})")
    elif column.kind is Kind.CHOICE:
        found = values.text(cell)
        choices = ctx.choices(column)
        if found is not None and found not in choices:
            yield ctx.finding("D004", cell, ref=row_id(row), header=column.header,
                              found=values.display(found), allowed=", ".join(choices))


def _read_report(ctx: Context, cell: Cell, column: Column, read: Read, invalid_code: str,
                 row: Row) -> Iterator[Finding]:
    """D013, `invalid_code` or D011 for how `cell` was read (the row's id only looked up
    for a finding: most cells have none)."""
    if isinstance(cell.value, date | time | timedelta) and column.kind is not Kind.DATE:
        yield ctx.finding("D013", cell, ref=row_id(row), header=column.header,
                          found=values.display(cell.value))
    if read.kind is ReadKind.INVALID:
        yield ctx.finding(invalid_code, cell, ref=row_id(row), header=column.header,
                          found=values.display(cell.value))
    elif read.kind is ReadKind.FROM_TEXT:
        how = "är skrivet som text" if isinstance(cell.value, str) else "är ett tal utan datumformat"
        yield ctx.finding("D011", cell, ref=row_id(row), header=column.header,
                          found=values.display(cell.value), how=how,
                          value=values.display(read.value))


def _is_share(ctx: Context, row: Row) -> bool:
    """An indicator with unit `%` is a share (0–100) unless its name says it is a result,
    deviation, change or degree (`Årets resultat`, `Budgetavvikelse`, `Självfinansieringsgrad`
    can be negative or above 100), or the model set its baseline or target outside 0–100
    (a change measure such as −40 % of the 1990 level)."""
    if (values.text(row.cells.get("unit")) or "") != "%":
        return False
    name = (values.text(row.cells.get("name")) or "").lower()
    if any(word in name for word in NOT_SHARE_WORDS):
        return False
    model_set = ctx.model_indicators.get(row_id(row) or "")
    return model_set is None or all(v is None or 0 <= v <= 100
                                    for v in (model_set.baseline, model_set.target))


def _percent_range(ctx: Context, row: Row) -> Iterator[Finding]:
    """Values of a share indicator (see `_is_share`) lie in 0–100."""
    if not _is_share(ctx, row):
        return
    for field_name in PERCENT_FIELDS:
        cell = row.cells.get(field_name)
        if cell is None or _locked(ctx, row, field_name):
            continue
        found = values.number(cell)
        if found is not None and not 0 <= found <= 100:
            yield ctx.finding("D002", cell, ref=row_id(row), header=header(row.sheet, field_name),
                              found=values.display(found), allowed="0–100 % (enheten är %)")


@check("D012")
def text_fits_a_cell(ctx: Context) -> Iterator[Finding]:
    """Every text in a data sheet's table fits in an Excel cell (counted as Excel does)."""
    for spec in COMMITTEE_DATA_SHEETS:
        for row in ctx.rows(spec.name):
            for cell in row.cells.values():
                value = cell.value
                if type(value) is str and len(value) > EXCEL_CELL_LIMIT // 2 \
                        and utf16_length(value) > EXCEL_CELL_LIMIT:
                    yield ctx.finding("D012", cell, ref=row_id(row), length=utf16_length(value))


CHECKS = (typed_values, text_fits_a_cell)
