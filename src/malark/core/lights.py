"""Traffic lights (SPEC 5): the one Python reference implementation of the indicator rule.

The Excel formula written into committee workbooks must agree with `indicator_light` on
every case; a test recalculates the formula in LibreOffice and compares.
"""

from __future__ import annotations

from malark.core.contract import (
    COMMITTEE_INDIKATORER,
    DEFAULT_YELLOW_THRESHOLD,
    GUL_GRANS_NAME,
    LIGHT_GREEN,
    LIGHT_RED,
    LIGHT_YELLOW,
    Direction,
)

__all__ = ["indicator_light", "light_formula", "LIGHT_NAMES"]

LIGHT_NAMES = {LIGHT_GREEN: "Grön", LIGHT_YELLOW: "Gul", LIGHT_RED: "Röd", None: "Ej bedömd"}

_SPREADSHEET_EPSILON = 2.0**-48


def _approx_equal(a: float, b: float) -> bool:
    """Equality as spreadsheets compare numbers: two values that differ only in the last
    few bits of a double are equal (LibreOffice's rtl::math::approxEqual; Excel behaves
    alike at 15 significant digits). Without it, an outcome typed exactly on a boundary
    (20,55 halfway between 27,7 and 13,4) would be Gul in Excel and Röd in Python."""
    if a == b:
        return True
    if a == 0 or b == 0:
        return False
    difference = abs(a - b)
    return difference < abs(a) * _SPREADSHEET_EPSILON and difference < abs(b) * _SPREADSHEET_EPSILON


def _at_least(a: float, b: float) -> bool:
    """`a >= b` as a spreadsheet evaluates it."""
    return a >= b or _approx_equal(a, b)


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
    Otherwise Röd. Comparisons use the spreadsheet's tolerance, so the Excel formula
    (`light_formula`) and this function agree on values typed exactly on a boundary.
    """
    if outcome is None or target is None:
        return None
    b, t, u = baseline, float(target), float(outcome)
    if Direction(direction) is Direction.LOWER:
        t, u = -t, -u
        b = -b if b is not None else None
    if _at_least(u, t):
        return LIGHT_GREEN
    if b is not None:
        if not _approx_equal(t, b) and _at_least((u - b) / (t - b), yellow_threshold):
            return LIGHT_YELLOW
        return LIGHT_RED
    if _at_least(u, t - 0.1 * abs(t)):
        return LIGHT_YELLOW
    return LIGHT_RED


def light_formula(row: int, threshold: str = GUL_GRANS_NAME) -> str:
    """The Trafikljus formula (SPEC 5) for Excel row `row` of the committee `Indikatorer`
    sheet: the same rule as `indicator_light`, as Excel evaluates it.

    Reads Riktning, Utgångsvärde, Målvärde and Utfall of the same row and the yellow
    threshold through the defined name `threshold`. Gives 3/2/1, or "" (Ej bedömd) when
    Utfall or Målvärde is not a number. A non-numeric Utgångsvärde counts as missing and
    an empty or unknown Riktning as `Högre är bättre`. The ratio is tested only when
    Målvärde ≠ Utgångsvärde (Excel's IF is lazy, so no #DIV/0! is ever computed).
    """
    direction, b, t, u = (f"{COMMITTEE_INDIKATORER.letter(f)}{row}"
                          for f in ("direction", "baseline", "target", "outcome"))
    sign = f'IF({direction}="{Direction.LOWER.value}",-1,1)'
    with_baseline = f"IF({t}={b},{LIGHT_RED},IF(({u}-{b})/({t}-{b})>={threshold},{LIGHT_YELLOW},{LIGHT_RED}))"
    without_baseline = f"IF({sign}*{u}>={sign}*{t}-0.1*ABS({t}),{LIGHT_YELLOW},{LIGHT_RED})"
    return (
        f'=IF(OR(NOT(ISNUMBER({u})),NOT(ISNUMBER({t}))),"",'
        f"IF({sign}*{u}>={sign}*{t},{LIGHT_GREEN},"
        f"IF(ISNUMBER({b}),{with_baseline},{without_baseline})))"
    )
