"""The four assessment labels of a workbook (SPEC 3c) and their fixed light codes.

A template may call the assessments something else (Vårgårda: "uppfyllt", "delvis uppfyllt",
"ej uppfyllt", "kan ej bedömas"); the codes 3/2/1 (empty = not assessed) never change, so
municipalities compare. A workbook records its labels in `_malark`, so validation and
merge read them from the file itself. Kept apart from `malark.core.template` so the
validation engine (also in the browser) needs no template files.
"""

from __future__ import annotations

from dataclasses import dataclass

from malark.core.contract import LIGHT_CODES, Assessment

__all__ = ["DEFAULT_SCALE", "AssessmentScale"]

_ASSESSMENTS = (Assessment.GRON, Assessment.GUL, Assessment.ROD, Assessment.EJ_BEDOMD)


@dataclass(frozen=True, slots=True)
class AssessmentScale:
    """The four assessment labels (SPEC's `Grön`, `Gul`, `Röd`, `Ej bedömd` by default).
    Light codes 3/2/1 (empty = not assessed) never change, so municipalities compare."""

    green: str = Assessment.GRON.value
    yellow: str = Assessment.GUL.value
    red: str = Assessment.ROD.value
    not_assessed: str = Assessment.EJ_BEDOMD.value

    @property
    def choices(self) -> tuple[str, str, str, str]:
        return (self.green, self.yellow, self.red, self.not_assessed)

    def code(self, label: str | None) -> int | None:
        """3/2/1 for a label (surrounding spaces ignored), None for not assessed or unknown."""
        text = label.strip() if isinstance(label, str) else None
        return {self.green: LIGHT_CODES[Assessment.GRON], self.yellow: LIGHT_CODES[Assessment.GUL],
                self.red: LIGHT_CODES[Assessment.ROD]}.get(text or "")

    def label(self, code: int | None) -> str:
        return {3: self.green, 2: self.yellow, 1: self.red}.get(code or 0, self.not_assessed)

    def label_of(self, assessment: Assessment | str) -> str:
        """This scale's word for a SPEC assessment (`Röd` → `Ej uppfyllt`)."""
        return dict(zip(_ASSESSMENTS, self.choices, strict=True))[Assessment(assessment)]

    def translate(self, value: object, into: AssessmentScale) -> object:
        """A cell value of this scale as `into` writes it: a label becomes `into`'s label
        for the same assessment (surrounding spaces dropped); anything else is unchanged."""
        name = self.standard_name(value) if isinstance(value, str) else None
        return into.label_of(name) if name is not None else value

    def standard_name(self, label: str | None) -> Assessment | None:
        """The SPEC assessment a label stands for (`uppfyllt` → `Grön`), or None."""
        text = label.strip() if isinstance(label, str) else None
        return dict(zip(self.choices, _ASSESSMENTS, strict=True)).get(text or "")


DEFAULT_SCALE = AssessmentScale()
