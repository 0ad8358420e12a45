"""How the inspection of a file stops: one finding, S001 (unreadable, with what to do) or
S009 (refused as unsafe or too large). Shared by `malark.xlsx.safety` and
`malark.xlsx.parts`."""

from __future__ import annotations

from malark.core.findings import Finding, rule

__all__ = ["SAVE_AS_XLSX", "Refused", "size_text", "unreadable", "unsafe"]

SAVE_AS_XLSX = "Öppna filen i Excel och spara den som Excel-arbetsbok (.xlsx) utan lösenord."
_MB = 1024 * 1024


class Refused(Exception):
    """Stops the inspection with one finding."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


def unreadable(file: str, reason: str, what_to_do: str = SAVE_AS_XLSX) -> Finding:
    return rule("S001").finding(file=file, reason=reason, what_to_do=what_to_do)


def unsafe(file: str, reason: str) -> Refused:
    return Refused(rule("S009").finding(file=file, reason=reason))


def size_text(count: int) -> str:
    return f"{count / _MB:.0f} MB" if count >= _MB else f"{max(count // 1024, 1)} kB"
