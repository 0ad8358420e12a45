"""Counting assessments, and the sentence the annual report needs.

`Counts` holds how many goals are Grön, Gul, Röd and Ej bedömd; `sentence("KF-mål", c)`
says it in Swedish: "Av 6 KF-mål bedöms 2 uppfyllda, 3 delvis uppfyllda och 1 inte
uppfyllt." (Grön = uppfyllt, Gul = delvis uppfyllt, Röd = inte uppfyllt, as in the
annual reports of Swedish municipalities). Every goal noun the report counts (KF-mål,
nämndmål, finansiella mål, verksamhetsmål) is a neuter `mål`.
"""

from __future__ import annotations

from dataclasses import dataclass

from malark.core.contract import Assessment
from malark.core.swedish import format_readable

__all__ = ["ORDER", "Counts", "count_text", "sentence"]

ORDER = (Assessment.GRON, Assessment.GUL, Assessment.ROD, Assessment.EJ_BEDOMD)
_FULFILMENT = {
    Assessment.GRON: ("uppfyllt", "uppfyllda"),
    Assessment.GUL: ("delvis uppfyllt", "delvis uppfyllda"),
    Assessment.ROD: ("inte uppfyllt", "inte uppfyllda"),
}


@dataclass(slots=True)
class Counts:
    green: int = 0
    yellow: int = 0
    red: int = 0
    not_assessed: int = 0

    def add(self, assessment: Assessment | None) -> None:
        if assessment is Assessment.GRON:
            self.green += 1
        elif assessment is Assessment.GUL:
            self.yellow += 1
        elif assessment is Assessment.ROD:
            self.red += 1
        else:
            self.not_assessed += 1

    def of(self, assessment: Assessment) -> int:
        return {Assessment.GRON: self.green, Assessment.GUL: self.yellow,
                Assessment.ROD: self.red}.get(assessment, self.not_assessed)

    @property
    def values(self) -> tuple[int, int, int, int]:
        """Grön, Gul, Röd, Ej bedömd."""
        return self.green, self.yellow, self.red, self.not_assessed

    @property
    def total(self) -> int:
        return sum(self.values)


def count_text(n: int) -> str:
    """`1 680`: a count as the rest of the report writes numbers."""
    return format_readable(float(n))


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def sentence(noun: str, counts: Counts) -> str:
    """"Av 6 KF-mål bedöms 2 uppfyllda, 3 delvis uppfyllda och 1 inte uppfyllt; 1 är inte
    bedömt." – zero counts are left out."""
    if counts.total == 0:
        return f"Det finns inga {noun} att redovisa."
    assessed = [f"{count_text(n)} {_FULFILMENT[a][n != 1]}" for a in ORDER[:3] if (n := counts.of(a))]
    total = count_text(counts.total)
    if not assessed:
        return f"Av {total} {noun} är inget bedömt."
    text = f"Av {total} {noun} bedöms {_join(assessed)}"
    if counts.not_assessed:
        text += (f"; {count_text(counts.not_assessed)} är inte "
                 f"{'bedömt' if counts.not_assessed == 1 else 'bedömda'}")
    return text + "."
