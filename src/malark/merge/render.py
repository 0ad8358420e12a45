"""The text report of `malark merge`: the validation report of every file (shared with
`validate`), then what was merged, what is missing, the row-count check and which
committees' rows were carried from an earlier period."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from malark.core.text import display_path
from malark.merge.merge import MergeResult
from malark.validate.render import plain, render_text

__all__ = ["render_merge_text"]


def render_merge_text(result: MergeResult, console: Console) -> None:
    render_text(result.reports, console)
    console.print()
    if result.output is None:
        console.print(Text(
            f"Ingen sammanställning skrevs: {len(result.not_merged)} fil(er) har fel. Rätta "
            "dem och kör igen, eller använd --skip-invalid för att sammanställa utan dem.",
            style="bold red"))
    else:
        merged = ", ".join(result.merged) or "inga"
        console.print(plain(f"Sammanställning: {display_path(result.output)}", style="bold green"))
        console.print(plain(f"Inlästa nämnder ({len(result.merged)}): {merged}"))
        for file in result.not_merged:
            console.print(plain(f"Ej inläst (fel): {file}", style="red"))
        rows = ", ".join(f"{sheet} {c['output']}" for sheet, c in result.row_counts.items())
        if result.rows_match:
            console.print(plain(f"Rader: {rows} – alla inlästa rader finns i sammanställningen."))
        else:
            console.print(Text(f"Rader: {rows} – antalet skiljer sig från de inlästa filerna!",
                               style="bold red"))
    if result.missing:
        console.print(plain(f"Saknas (ingen fil): {', '.join(result.missing)}", style="yellow"))
    if result.carried:
        carried = ", ".join(f"{c} ({origin})" for c, origin in result.carried.items())
        console.print(plain(f"Senast kända rader förda vidare (kolumnen Från period): {carried}."))
    elif result.output is not None and result.previous is None and _absent(result) \
            and result.period is not None and result.period.is_follow_up:
        console.print(plain(
            f"Obs: {', '.join(_absent(result))} saknar inläst fil, och utan --previous följer "
            "deras mål, indikatorer och aktiviteter inte med till nästa period. Sammanställ med "
            "--previous och sammanställningen från perioden före, så behåller de sina senast "
            "kända rader.", style="yellow"))


def _absent(result: MergeResult) -> list[str]:
    merged = set(result.merged)
    not_merged = {r.committee_id for r in result.reports if r.committee_id and r.committee_id not in merged}
    return [*result.missing, *sorted(not_merged - set(result.missing))]
