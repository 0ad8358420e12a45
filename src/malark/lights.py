"""Traffic lights (SPEC 5): the one Python reference implementation of the indicator rule.

The Excel formula written into committee workbooks must agree with `indicator_light` on
every case; a test recalculates the formula in LibreOffice and compares.
"""

from __future__ import annotations

from malark.contract import (
    DEFAULT_YELLOW_THRESHOLD,
    LIGHT_GREEN,
    LIGHT_RED,
    LIGHT_YELLOW,
    Direction,
)

__all__ = ["indicator_light", "LIGHT_NAMES"]

LIGHT_NAMES = {LIGHT_GREEN: "Grön", LIGHT_YELLOW: "Gul", LIGHT_RED: "Röd", None: "Ej bedömd"}


def indicator_light(
    baseline: float | None,
    target: float | None,
    outcome: float | None,
    direction: Direction | str = Direction.HIGHER,
    yellow_threshold: float = DEFAULT_YELLOW_THRESHOLD,
) -> int | None:
    """Light code 3 (Grön), 2 (Gul), 1 (Röd), or None (Ej bedömd).

    b = baseline, t = target, u = outcome; for `Lägre är bättre` all three are negated.
    No outcome or no target → Ej bedömd. u ≥ t → Grön. With a baseline and t ≠ b:
    (u − b)/(t − b) ≥ Gul-gräns → Gul. Without a baseline: u ≥ t − 0.1·|t| → Gul.
    Otherwise Röd.
    """
    if outcome is None or target is None:
        return None
    b, t, u = baseline, float(target), float(outcome)
    if Direction(direction) is Direction.LOWER:
        t, u = -t, -u
        b = -b if b is not None else None
    if u >= t:
        return LIGHT_GREEN
    if b is not None:
        if t != b and (u - b) / (t - b) >= yellow_threshold:
            return LIGHT_YELLOW
        return LIGHT_RED
    if u >= t - 0.1 * abs(t):
        return LIGHT_YELLOW
    return LIGHT_RED
