"""S011: more than one file for the same committee and period, and which of them is newest.

Files are the same committee's when their `_malark` names the same kommun, budget year,
period and committee (a Plan and a T1 file of one committee are not duplicates). Every
file of such a group gets S011, so that none is chosen in silence; the message names at
most `MAX_LISTED` of the files and counts the rest (5,000 copies of one file give 5,000
short messages, not 25 million file names), and says which file is newest:

1. the one generated last (`generated_at` in `_malark`: a workbook sent out again
   replaces the earlier one);
2. of files generated together, the one saved last (`dcterms:modified` in the file's
   own properties, which Excel sets on every save and which survives e-mail and copying);
3. then the file system's modification time.

Files with identical content (same sha256) are said to be copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from malark.core.findings import Finding, rule
from malark.validate.submission import FileReport
from malark.xlsx.saved import last_saved

__all__ = ["MAX_LISTED", "duplicate_findings"]

CODE = "S011"
MAX_LISTED = 3
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class _Age:
    generated: datetime
    saved: datetime
    modified: datetime

    @property
    def key(self) -> tuple[datetime, datetime, datetime]:
        return (self.generated, self.saved, self.modified)


def _age(report: FileReport) -> _Age:
    meta = report.submission.meta if report.submission else None
    generated = meta.generated_at if meta else _NEVER
    generated = generated if generated.tzinfo else generated.replace(tzinfo=UTC)
    path = Path(report.file)
    saved = last_saved(path) if path.is_file() else None
    try:
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError:
        modified = _NEVER
    return _Age(generated, saved or _NEVER, modified)


def _groups(reports: Sequence[FileReport]) -> list[list[FileReport]]:
    groups: dict[tuple, list[FileReport]] = {}
    for report in reports:
        meta = report.submission.meta if report.submission else None
        if meta is None or meta.kind != "committee" or not meta.nämnd:
            continue
        key = (str(meta.kommunkod).strip(), meta.budgetår, meta.period, meta.nämnd)
        groups.setdefault(key, []).append(report)
    return [g for g in groups.values() if len(g) > 1]


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _why(newest: _Age, next_one: _Age) -> str:
    if newest.generated != next_one.generated:
        return f"skapad av ekonomikontoret {_stamp(newest.generated)}"
    if newest.saved != next_one.saved:
        return f"senast sparad {_stamp(newest.saved)}"
    if newest.modified != next_one.modified:
        return f"senast ändrad {_stamp(newest.modified)} enligt filsystemet"
    return "alla är lika gamla; den står först i namnordning"


def _listing(files: list[str]) -> str:
    shown = ", ".join(files[:MAX_LISTED])
    rest = len(files) - MAX_LISTED
    return f"{shown} och {rest} till" if rest > 0 else shown


def duplicate_findings(reports: Sequence[FileReport]) -> list[tuple[FileReport, Finding]]:
    """An S011 finding for every file that shares its committee and period with another."""
    result: list[tuple[FileReport, Finding]] = []
    for group in _groups(reports):
        ages = {id(r): _age(r) for r in group}
        ranked = sorted(sorted(group, key=lambda r: r.file),
                        key=lambda r: ages[id(r)].key, reverse=True)
        newest = ranked[0]
        same = len({r.submission.data.sha256 for r in group if r.submission}) == 1
        why = _why(ages[id(newest)], ages[id(ranked[1])])
        meta = newest.submission.meta
        for report in group:
            others = [r.file for r in ranked if r is not report]
            if same:
                verdict = "Filerna har samma innehåll (samma sha256): behåll en av dem."
            elif report is newest:
                verdict = f"Den här filen är den nyaste ({why})."
            else:
                verdict = f"Nyast är {newest.file} ({why})."
            result.append((report, rule(CODE).finding(
                file=report.file, ref=meta.nämnd, committee=meta.nämnd,
                period=meta.period.label(meta.budgetår), count=len(group),
                others=_listing(others), verdict=verdict)))
    return result
