"""Rows carried from an earlier period (K007, S007): `generate --previous` records every
carried row's id in the workbook's snapshot (`Snapshot.carried`, with a digest of the
row's text). A carried row that is gone is K007; one whose locked `Id` was changed (its
text still recognises it) is S007, like any other locked content."""

from __future__ import annotations

from collections.abc import Iterator

from malark.core.contract import COMMITTEE_AKTIVITETER, COMMITTEE_INDIKATORER, COMMITTEE_NAMNDMAL
from malark.core.findings import Finding
from malark.validate.checks import values
from malark.validate.checks.base import Context, check, header, row_id
from malark.xlsx.meta import row_digest
from malark.xlsx.table import Row

__all__ = ["CHECKS"]

_TEXT_FIELD = {COMMITTEE_NAMNDMAL.name: "text", COMMITTEE_INDIKATORER.name: "name",
               COMMITTEE_AKTIVITETER.name: "text"}
_NOUN = {COMMITTEE_NAMNDMAL.name: "nämndmålet", COMMITTEE_INDIKATORER.name: "indikatorn",
         COMMITTEE_AKTIVITETER.name: "aktiviteten"}
_ASK_CENTRAL_OFFICE = ("Återställ raden (kopiera den från den utskickade arbetsboken) och lämna den "
                       "kvar. Ska {noun} upphöra ber du ekonomikontoret ta bort {pronoun}; det görs "
                       "i sammanställningen inför nästa utskick, inte i nämndens arbetsbok.")
_WHAT_TO_DO = {
    COMMITTEE_NAMNDMAL.name: _ASK_CENTRAL_OFFICE.format(noun="målet", pronoun="det"),
    COMMITTEE_INDIKATORER.name: _ASK_CENTRAL_OFFICE.format(noun="indikatorn", pronoun="den"),
    COMMITTEE_AKTIVITETER.name: (
        "Återställ raden (kopiera den från den utskickade arbetsboken) och sätt "
        f"{COMMITTEE_AKTIVITETER.column('status').header} till Avbruten i stället för att ta bort "
        "aktiviteten, så syns det i uppföljningen att den avbröts."),
}


@check("K007", "S007")
def carried_rows_kept(ctx: Context) -> Iterator[Finding]:
    snapshot = ctx.meta.snapshot
    for sheet, expected in snapshot.carried.items():
        if sheet not in _TEXT_FIELD or ctx.submission.table(sheet) is None:
            continue  # an unknown sheet name, or a missing sheet (S005 says so)
        rows = ctx.rows(sheet)
        present = {row_id(r) for r in rows}
        missing = [identifier for identifier in expected if identifier not in present]
        if not missing:
            continue
        newcomers = _by_digest([r for r in rows if row_id(r) not in expected], _TEXT_FIELD[sheet])
        for identifier in missing:
            renamed = newcomers.get(expected[identifier], [])
            if renamed:
                yield _id_changed(ctx, renamed.pop(0), identifier, snapshot.carried_from)
            else:
                yield ctx.finding("K007", sheet=sheet, ref=identifier, noun=_NOUN[sheet].capitalize(),
                                  id=identifier, period=_from(snapshot.carried_from),
                                  what_to_do=_WHAT_TO_DO[sheet])


def _by_digest(rows: list[Row], field_name: str) -> dict[str, list[Row]]:
    result: dict[str, list[Row]] = {}
    for row in rows:
        text = values.text(row.cells.get(field_name))
        if text:
            result.setdefault(row_digest(text), []).append(row)
    return result


def _id_changed(ctx: Context, row: Row, identifier: str, source: str | None) -> Finding:
    cell = row.cells.get("id")
    found = row_id(row)
    return ctx.finding("S007", cell, ref=identifier,
                       what=f"{header(row.sheet, 'id')} för {_NOUN[row.sheet]} {identifier} "
                            f"({_from(source)})",
                       expected=f"\"{identifier}\"", found=f"\"{found}\"" if found else "tomt")


def _from(source: str | None) -> str:
    return f"från {source}" if source else "från en tidigare period"


CHECKS = (carried_rows_kept,)
