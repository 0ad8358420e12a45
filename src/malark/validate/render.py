"""Presenting validation results: the SPEC 4 JSON document and the Swedish text report.

`json_document` is the one shape programs read (`validate --format json`, and `merge`
adds its keys to it). `render_text` writes rich tables to a `rich` console: one table per
file, rows grouped by sheet, severities coloured when the console is a terminal, and a
Swedish summary line. Nothing here decides anything about the findings.

Everything a file brought (its name, sheet names, ids, the values quoted in messages) is
shown as plain text: never interpreted as rich markup (`[/bold]` is printed as typed) and
with control characters made visible (`malark.core.text.printable`), so nothing typed in
a cell can move the cursor or recolour the controller's terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from malark import __version__
from malark.core.findings import CATALOGUE, SEVERITY_SV, Severity
from malark.core.text import printable
from malark.validate.submission import FileReport

if TYPE_CHECKING:  # rich is imported only when text is rendered (JSON starts faster)
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

__all__ = ["json_document", "plain", "render_rules", "render_text", "summary_line",
           "workbook_summary"]

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def json_document(reports: Sequence[FileReport], **extra: Any) -> dict[str, Any]:
    """`{"malark_version", "files": [...]}` plus any `extra` keys (merge's output etc.)."""
    return {"malark_version": __version__, "files": [r.to_dict() for r in reports], **extra}


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def workbook_summary(errors: int, warnings: int, unmarked: int = 0) -> str:
    """What the Validera button (xlwings or Office add-in) tells about the open workbook:
    "Inga fel – filen kan skickas in." or "3 fel och 2 varningar, se Valideringsresultat. …"."""
    if errors == 0 and warnings == 0:
        text = "Inga fel – filen kan skickas in."
    elif errors == 0:
        text = (f"Inga fel – filen kan skickas in. {_plural(warnings, 'varning', 'varningar')} "
                "att se över, se Valideringsresultat.")
    else:
        parts = [_plural(errors, "fel", "fel")]
        if warnings:
            parts.append(_plural(warnings, "varning", "varningar"))
        text = f"{' och '.join(parts)}, se Valideringsresultat. Rätta felen innan du skickar in filen."
    if unmarked:
        text += (f"\n\n{_plural(unmarked, 'cell', 'celler')} kunde inte markeras (skyddat blad eller "
                 "för många fynd); de finns ändå i listan.")
    return text


def summary_line(reports: Sequence[FileReport]) -> str:
    """`3 filer kontrollerade: 2 fel, 5 varningar, 1 info. 1 fil har fel.`"""
    errors = sum(r.errors for r in reports)
    warnings = sum(r.warnings for r in reports)
    infos = sum(1 for r in reports for f in r.findings if f.severity is Severity.INFO)
    failed = sum(1 for r in reports if not r.ok)
    head = (f"{_plural(len(reports), 'fil kontrollerad', 'filer kontrollerade')}: {errors} fel, "
            f"{_plural(warnings, 'varning', 'varningar')}, {infos} info.")
    if failed:
        return f"{head} {_plural(failed, 'fil har', 'filer har')} fel och måste rättas."
    return f"{head} Inga fel."


def _title(report: FileReport) -> str:
    parts = [report.file]
    if report.committee_id:
        parts.append(f"nämnd {report.committee_id}")
    if report.period:
        parts.append(f"period {report.period}")
    return " – ".join(parts)


def plain(text: str | None, style: str = "") -> Text:
    """User text as a rich `Text`: no markup, control characters made visible."""
    from rich.text import Text

    return Text(printable(text or ""), style=style)


def _file_table(report: FileReport) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=plain(_title(report)), title_justify="left", show_lines=False, expand=True)
    table.add_column("Allvarlighet", no_wrap=True)
    table.add_column("Kod", no_wrap=True)
    table.add_column("Blad", no_wrap=True)
    table.add_column("Cell", no_wrap=True)
    table.add_column("Gäller", no_wrap=True)
    table.add_column("Meddelande", ratio=1)
    previous_sheet: object = object()
    for finding in report.findings:
        if finding.sheet != previous_sheet and table.row_count:
            table.add_section()
        previous_sheet = finding.sheet
        style = SEVERITY_STYLE[finding.severity]
        table.add_row(Text(SEVERITY_SV[finding.severity], style=style), Text(finding.code, style=style),
                      plain(finding.sheet), plain(finding.cell), plain(finding.ref),
                      plain(finding.message))
    return table


def render_text(reports: Sequence[FileReport], console: Console) -> None:
    """The text report: per file a table of its findings (or `Inga fynd.`), then a summary."""
    from rich.text import Text

    for report in reports:
        if report.findings:
            console.print(_file_table(report))
        else:
            # one line whatever the path's length: a long folder name must not break it up
            console.print(plain(f"{_title(report)}: inga fynd.", style="green"), soft_wrap=True)
        console.print()
    style = "bold red" if any(not r.ok for r in reports) else "bold green"
    console.print(Text(summary_line(reports), style=style))


def render_rules(console: Console) -> None:
    """`malark rules`: the catalogue as a table (code, severity, title, periods, whether the
    `Kontroll` sheet checks it too); the explanations are in `docs/rules.md`."""
    from rich.table import Table
    from rich.text import Text

    from malark.validate.checks import live_builders

    live = live_builders()
    table = Table(title="Regelkatalog (förklaringar: docs/rules.md)", title_justify="left")
    table.add_column("Kod", no_wrap=True)
    table.add_column("Allvarlighet", no_wrap=True)
    table.add_column("Regel")
    table.add_column("Perioder")
    table.add_column("Kontrolleras")
    for rule in CATALOGUE.values():
        style = SEVERITY_STYLE[rule.severity]
        where = "bladet Kontroll och vid inlämning" if rule.code in live else "vid inlämning"
        table.add_row(Text(rule.code, style=style), Text(SEVERITY_SV[rule.severity], style=style),
                      rule.title, rule.periods, where)
    console.print(table)
