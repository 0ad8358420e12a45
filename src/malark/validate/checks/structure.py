"""Structure checks (S002–S008, S012, K005, K006): is this a malark workbook for the right
kommun, year, period and committee, are its sheets and columns there (and nothing typed
outside them), is read-only content intact, are ids unique and shaped as SPEC 3 says?

S001, S009 and S010 come from opening the file (`WorkbookData.findings`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from malark.core.contract import (
    COMMITTEE_AKTIVITETER,
    COMMITTEE_DATA_SHEETS,
    COMMITTEE_INDIKATORER,
    COMMITTEE_KF_MAL,
    COMMITTEE_NAMNDMAL,
    SHEET_META,
    SUPPORTED_FORMAT_VERSIONS,
    a1,
)
from malark.core.findings import Finding
from malark.validate.checks import values
from malark.validate.checks.base import Context, check, header, row_id
from malark.validate.checks.live import Band, Flag, LiveBook, found_earlier, found_in, live
from malark.xlsx.meta import SNAPSHOT_HASH_FIELD, broken_seal, format_version_of
from malark.xlsx.table import Cell, OutsideColumn, Row

__all__ = ["CHECKS"]


def _meta_cell(ctx: Context, field_name: str) -> Cell | None:
    """The `Värde` cell of `field_name` in the `_malark` sheet."""
    for number, raw in enumerate(ctx.submission.data.rows.get(SHEET_META, []), start=1):
        if raw and isinstance(raw[0], str) and raw[0].strip() == field_name:
            return Cell(SHEET_META, a1(1, number), raw[1] if len(raw) > 1 else None)
    return None


def _supported() -> str:
    return ", ".join(str(v) for v in sorted(SUPPORTED_FORMAT_VERSIONS))


@check("S002", "S003", needs_meta=False)
def metadata(ctx: Context) -> Iterator[Finding]:
    meta = ctx.submission.meta
    version_cell = _meta_cell(ctx, "format_version")
    if meta is None:
        raw = format_version_of(ctx.submission.data.rows.get(SHEET_META, []))
        version = values.number(version_cell)
        if raw not in (None, "") and version not in SUPPORTED_FORMAT_VERSIONS:
            yield ctx.finding("S003", version_cell, sheet=SHEET_META, found=values.display(raw),
                              supported=_supported())
        else:
            field_name = ctx.submission.meta_problem_field
            cell = _meta_cell(ctx, field_name) if field_name else None
            yield ctx.finding("S002", cell, reason=ctx.submission.meta_problem or "okänt fel")
        return
    if meta.format_version not in SUPPORTED_FORMAT_VERSIONS:
        yield ctx.finding("S003", version_cell, sheet=SHEET_META, found=meta.format_version,
                          supported=_supported())
    elif meta.kind != "committee":
        yield ctx.finding("S002", _meta_cell(ctx, "kind"), sheet=SHEET_META,
                          reason="det är en sammanställning, inte en nämnds arbetsbok (lägg inte "
                                 "sammanställningar bland de inskickade filerna)")
    elif not meta.nämnd:
        yield ctx.finding("S002", _meta_cell(ctx, "nämnd"), sheet=SHEET_META,
                          reason="fältet nämnd är tomt i _malark")
    elif not meta.snapshot_intact:
        yield ctx.finding(
            "S002", _meta_cell(ctx, SNAPSHOT_HASH_FIELD), sheet=SHEET_META,
            reason="KF-målens ögonblicksbild i det dolda bladet _malark har ändrats")


def _identity_mismatches(ctx: Context) -> list[tuple[str, str, Any, str]]:
    """(field, label, value, what was expected) of every identity field that differs from
    the command's `--period` or the model."""
    meta, model = ctx.meta, ctx.model
    found: list[tuple[str, str, Any, str]] = []
    if ctx.requested_period is not None and meta.period != ctx.requested_period:
        found.append(("period", "perioden", meta.period.value,
                      f"perioden {ctx.requested_period.value}"))
    if model is None:
        return found
    pairs = (
        ("kommun", "kommunen", meta.kommun, model.municipality),
        ("kommunkod", "kommunkoden", meta.kommunkod, model.municipality_code),
        ("budgetår", "budgetåret", meta.budgetår, model.budget_year),
    )
    found += [(name, label, value, f"{label} {expected}") for name, label, value, expected in pairs
              if str(value).strip() != str(expected).strip()]
    if ctx.committee not in model.committee_ids:
        found.append(("nämnd", "nämnden", ctx.committee, "en av målmodellens nämnder ("
                      + ", ".join(model.committee_ids) + ")"))
    return found


@check("S004")
def identity(ctx: Context) -> Iterator[Finding]:
    for name, label, value, expected in _identity_mismatches(ctx):
        yield ctx.finding("S004", _meta_cell(ctx, name), sheet=SHEET_META, field=label,
                          found=value, expected=expected)


@check("S007")
def sealed_identity(ctx: Context) -> Iterator[Finding]:
    """The identity in `_malark` (nämnd, kommun, period, …) is the one the workbook was
    sealed with when it was generated (`malark.xlsx.meta`), with or without the model.
    An edited snapshot is S002's (then the seal cannot be trusted either)."""
    meta = ctx.meta
    if not meta.snapshot_intact:
        return
    reported = {name for name, *_ in _identity_mismatches(ctx)}  # S004's: one edit, one finding
    for field_name, was, now in broken_seal(meta):
        if field_name in reported:
            continue
        yield ctx.finding("S007", _meta_cell(ctx, field_name), sheet=SHEET_META,
                          what=f"Fältet {field_name} i det dolda bladet _malark",
                          expected=_show(was), found=_show(now))
    if meta.snapshot.sealed is None:
        yield from _unsealed_identity(ctx)


def _unsealed_identity(ctx: Context) -> Iterator[Finding]:
    """A workbook written before the seal: its committee must still fit its snapshot (one
    of its committees, every KF goal in it addressed to it, the KF indicators in it of
    goals it coordinates)."""
    snapshot, committee = ctx.meta.snapshot, ctx.committee
    coordinated = {g.id for g in snapshot.kf_goals if g.coordinator == committee}
    fits = (committee in {c.id for c in snapshot.committees}
            and all(committee in g.addressed for g in snapshot.kf_goals)
            and all(i.goal_id in coordinated for i in snapshot.kf_indicators))
    if not fits:
        yield ctx.finding("S007", _meta_cell(ctx, "nämnd"), sheet=SHEET_META,
                          what="Fältet nämnd i det dolda bladet _malark",
                          expected="nämnden som arbetsbokens KF-mål är adresserade till",
                          found=_show(committee))


@check("S005", "S006")
def sheets_and_columns(ctx: Context) -> Iterator[Finding]:
    for spec in COMMITTEE_DATA_SHEETS:
        table = ctx.submission.table(spec.name)
        if table is None:
            yield ctx.finding("S005", sheet=spec.name, sheet_name=spec.name)
            continue
        layout = spec.columns_of(ctx.meta.format_version)
        for index, column in enumerate(layout):
            if column.header in table.missing:
                # where the header belongs in the layout the workbook was generated with
                yield ctx.finding("S006", sheet=spec.name, address=a1(index, 1),
                                  header=column.header)


@check("S012")
def outside_the_table(ctx: Context) -> Iterator[Finding]:
    """One finding per column outside a data sheet's table that holds something typed. Not
    on a sheet with a missing or renamed column: S006 asks for the header first, and the
    values under a renamed header are read again once it is restored."""
    for spec in COMMITTEE_DATA_SHEETS:
        table = ctx.submission.table(spec.name)
        if table is None or any(c.header in table.missing
                                for c in spec.columns_of(ctx.meta.format_version)):
            continue
        for column in table.outside:
            yield ctx.finding("S012", column.cells[0], what=_outside_what(column))


def _outside_what(column: OutsideColumn) -> str:
    if column.header is None:
        why = "saknar rubrik"
    elif column.duplicate:
        why = f"har rubriken {column.header} en andra gång"
    else:
        why = f"har rubriken \"{values.display(column.header)}\", som inte hör till tabellen"
    first, count = column.cells[0], len(column.cells)
    if count == 1:
        return f"Cellen {first.address} står i kolumn {column.letter}, som {why}."
    return (f"Kolumn {column.letter}, som {why}, har {count} ifyllda celler "
            f"({first.address}–{column.cells[-1].address}).")


_KF_FIELDS = ("perspective", "text", "coordinator")
"""KF-mål columns set by the model (besides Id)."""
_INDICATOR_FIELDS = ("goal_id", "name", "unit", "direction", "baseline", "baseline_year",
                     "target", "target_year", "kolada_kpi")
"""Columns of a model-set KF indicator that the model fills (the committee reports Utfall)."""


def _same(expected: Any, cell: Cell | None) -> bool:
    if expected is None or expected == "":
        return values.text(cell) is None
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        found = values.number(cell)
        return found is not None and abs(found - float(expected)) <= 1e-9 * max(1.0, abs(expected))
    return values.text(cell) == str(expected).strip()


def _show(value: Any) -> str:
    shown = values.display(value)
    return f"\"{shown}\"" if shown else "tomt"


def _changed(ctx: Context, row: Row, field_name: str, what: str, expected: Any) -> Finding | None:
    cell = row.cells.get(field_name)
    if cell is None or _same(expected, cell):
        return None
    return ctx.finding("S007", cell, ref=row_id(row),
                       what=f"{header(row.sheet, field_name)} för {what}",
                       expected=_show(expected), found=_show(cell.value))


@check("S007")
def locked_content(ctx: Context) -> Iterator[Finding]:
    """KF goals and model-set KF indicators against the master (with a model) or the
    workbook's own snapshot; Bedömning/Analys on KF goals the committee does not coordinate."""
    if ctx.submission.table(COMMITTEE_KF_MAL.name) is not None:
        yield from _locked_rows(ctx, COMMITTEE_KF_MAL.name, ctx.kf_rows, ctx.addressed,
                                _KF_FIELDS, "KF-målet")
        yield from _not_coordinated(ctx)
    if ctx.submission.table(COMMITTEE_INDIKATORER.name) is not None:
        # the committee's own indicators are not locked: only the model's rows are compared
        model_rows = [r for r in ctx.indicator_rows if row_id(r) in ctx.model_indicators]
        model_rows += _renamed_indicator_rows(ctx, model_rows)
        yield from _locked_rows(ctx, COMMITTEE_INDIKATORER.name, model_rows,
                                ctx.model_indicators, _INDICATOR_FIELDS, "KF-indikatorn")


def _locked_rows(ctx: Context, sheet: str, rows: list[Row], expected: dict[str, Any],
                 fields: tuple[str, ...], noun: str) -> Iterator[Finding]:
    """Each expected item's row must hold the expected values. A row with an unknown id is
    paired with an expected item that has no row (its id was changed), else reported as
    added; an expected item left without a row was deleted."""
    seen: set[str] = set()
    unknown: list[Row] = []
    for row in rows:
        identifier = row_id(row)
        if identifier in expected and identifier not in seen:
            seen.add(identifier)
            item = expected[identifier]
            for field_name in fields:
                finding = _changed(ctx, row, field_name, f"{noun} {identifier}",
                                   getattr(item, field_name))
                if finding is not None:
                    yield finding
        elif identifier not in expected:
            unknown.append(row)
    missing = [key for key in expected if key not in seen]
    for row in unknown:
        replaced = _replaced(row, missing, expected)
        yield ctx.finding("S007", row.cells.get("id") or next(iter(row.cells.values())),
                          ref=row_id(row), what=f"Id för {noun}",
                          expected=_show(replaced) if replaced else "ingen rad",
                          found=_show(row_id(row)))
    for key in missing:
        yield ctx.finding("S007", sheet=sheet, ref=key, what=f"Raden för {noun} {key}",
                          expected="en rad", found="ingen rad (raden är borttagen)")


def _replaced(row: Row, missing: list[str], expected: dict[str, Any]) -> str | None:
    """The expected item an unknown row stands in for (removed from `missing`): the one
    with the row's text (KF goal) or name (indicator), else the first one left."""
    for key in missing:
        item = expected[key]
        for field_name in ("text", "name"):
            wanted = getattr(item, field_name, None)
            if wanted and values.text(row.cells.get(field_name)) == str(wanted).strip():
                missing.remove(key)
                return key
    return missing.pop(0) if missing else None


def _renamed_indicator_rows(ctx: Context, rows: list[Row]) -> list[Row]:
    """Rows of model-set KF indicators whose id was changed or cleared, recognised by the
    indicator's name (so the finding points at the id cell, not at a "deleted" row)."""
    present = {row_id(r) for r in rows}
    names = {i.name.strip() for key, i in ctx.model_indicators.items() if key not in present}
    return [r for r in ctx.indicator_rows if row_id(r) not in ctx.model_indicators
            and values.text(r.cells.get("name")) in names]


def _not_coordinated(ctx: Context) -> Iterator[Finding]:
    for identifier, row in ctx.kf_row_by_id.items():
        goal = ctx.addressed.get(identifier)
        if goal is None or identifier in ctx.coordinated:
            continue
        for field_name in ("assessment", "analysis"):
            cell = row.cells.get(field_name)
            if values.text(cell) is not None:
                why = (f"samordnas av {goal.coordinator}, som gör den samlade bedömningen; skriv "
                       f"nämndens bidrag i {header(row.sheet, 'contribution')}")
                yield ctx.finding("S007", cell, ref=identifier,
                                  what=f"{header(row.sheet, field_name)} för KF-målet {identifier} "
                                       f"({why})",
                                  expected="tomt", found=_show(cell.value))


@live("S008")
def _s008_live(book: LiveBook) -> Iterator[Flag]:
    """An id already used on an earlier row of the same sheet or on an earlier sheet."""
    earlier: list[Band] = []
    for spec in COMMITTEE_DATA_SHEETS:
        band = book.band(spec)
        used = [found_earlier(band, "id")]
        if earlier:
            used.append(found_in(band, "id", [(e, "id") for e in earlier]))
        yield band.flag("S008", "id", "+".join(used))
        earlier.append(band)


@check("S008", "K005", live=(_s008_live,))
def unique_ids(ctx: Context) -> Iterator[Finding]:
    first: dict[str, Row] = {}
    for spec in COMMITTEE_DATA_SHEETS:
        for row in ctx.rows(spec.name):
            id_cell = row.cells.get("id")
            if id_cell is None:
                continue
            identifier = values.text(id_cell)
            if identifier is None:
                if spec.name != COMMITTEE_KF_MAL.name:
                    yield ctx.finding("K005", id_cell, outcome=(
                        "Sammanställningen ger raden nästa lediga id; nästa period behåller det."))
                continue
            if identifier in first:
                earlier = first[identifier]
                where = (f"rad {earlier.number}" if earlier.sheet == row.sheet
                         else f"bladet {earlier.sheet} rad {earlier.number}")
                yield ctx.finding("S008", id_cell, ref=identifier, id=identifier, other=where)
            else:
                first[identifier] = row


def _id_patterns(ctx: Context) -> dict[str, tuple[re.Pattern[str], str, str]]:
    """Sheet → (pattern, pattern shown to the user, example) of SPEC 3's ids. The goal part
    of an indicator or activity id is a committee goal of this committee or a KF goal (the
    workbook's own KF goal ids count, whatever the model calls them)."""
    committee = re.escape(ctx.committee)
    kf_ids = "".join(f"|{re.escape(i)}" for i in sorted(ctx.kf_goal_ids, key=len, reverse=True))
    goal = rf"(?:KF\d+{kf_ids}|{committee}-\d+)"
    own = f"{ctx.committee}-1"
    return {
        COMMITTEE_NAMNDMAL.name: (re.compile(rf"{committee}-\d+"), f"{ctx.committee}-<nummer>", own),
        COMMITTEE_INDIKATORER.name: (re.compile(rf"{goal}-I\d+"), "<mål-id>-I<nummer>",
                                     f"{own}-I1"),
        COMMITTEE_AKTIVITETER.name: (re.compile(rf"{goal}-A\d+"), "<mål-id>-A<nummer>",
                                     f"{own}-A1"),
    }


@check("K006")
def id_format(ctx: Context) -> Iterator[Finding]:
    """Ids the committee typed follow SPEC 3 (the model's KF indicators are S007's). Not
    for a committee the model does not know (S004 says so; every id would be noise)."""
    if ctx.model is not None and ctx.committee not in ctx.model.committee_ids:
        return
    reserved = {i.id for i in ctx.model.kf_indicators} if ctx.model is not None else set()
    for sheet, (pattern, shown, example) in _id_patterns(ctx).items():
        for row in ctx.rows(sheet):
            identifier = row_id(row)
            if identifier is None or identifier in ctx.model_indicators:
                continue
            problem = _id_problem(row, identifier, pattern, shown, sheet, reserved, ctx.committee)
            if problem:
                yield ctx.finding("K006", row.cells.get("id"), ref=identifier, id=identifier,
                                  problem=problem, example=example)


_OTHER_GOAL = re.compile(r"(?P<goal>(?P<owner>[A-Za-zÅÄÖåäö0-9]+)-\d+)(?:-[IA]\d+)?")


def _foreign_owner(identifier: str, committee: str, sheet: str) -> str | None:
    """The problem with an id of SPEC 3's shape that names another committee's goal
    (`KS-1-I9` or `KS-1` in BUN's workbook), or None when the id is not of that shape."""
    match = _OTHER_GOAL.fullmatch(identifier)
    if match is None or match["owner"] == committee or match["owner"].startswith("KF"):
        return None
    if sheet == COMMITTEE_NAMNDMAL.name:
        return (f"har rätt form men en annan nämnds förkortning ({match['owner']}); {committee}:s "
                f"nämndmål heter {committee}-<nummer>")
    return (f"har rätt form men börjar med {match['goal']}, som är ett mål för en annan nämnd "
            f"({match['owner']}); här ska id:t bygga på {committee}:s egna mål eller KF-målen")


def _id_problem(row: Row, identifier: str, pattern: re.Pattern[str], shown: str, sheet: str,
                reserved: set[str], committee: str) -> str | None:
    if not pattern.fullmatch(identifier):
        return _foreign_owner(identifier, committee, sheet) or f"följer inte mönstret {shown}"
    if sheet == COMMITTEE_NAMNDMAL.name:
        return None
    if identifier in reserved:
        return "används redan av målmodellen för en KF-indikator"
    goal = values.text(row.cells.get("goal_id"))
    prefix = identifier.rsplit("-", 1)[0]
    if goal and prefix != goal:
        return f"börjar med målet {prefix} men raden hör till målet {goal}"
    return None


CHECKS = (metadata, identity, sealed_identity, sheets_and_columns, outside_the_table,
          locked_content, unique_ids, id_format)
