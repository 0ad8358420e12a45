"""Traffic lights: the indicator light rules, each once in Python and once as the Excel
formula written into committee workbooks (SPEC 5 and 3c).

- `andel_av_vagen` (SPEC 5, the default): how far the outcome has come from the baseline
  towards the target; Gul from the Gul-gräns (default 0,5).
- `andel_av_malvarde`: Gul when the outcome reaches a share of the target (Vansbro: 80 %).
- `trend`: Grön when better than the previous outcome, Gul when unchanged within a
  tolerance, Röd when worse (Malmö's better / unchanged / worse).

The rule's parameter (Gul-gräns, share, tolerance) is read in Excel through the defined
name `GulGrans`. Every rule's formula must agree with its Python function on every case; a
test recalculates the formulas in LibreOffice and compares.
"""

from __future__ import annotations

from enum import StrEnum

from malark.core.contract import (
    COMMITTEE_INDIKATORER,
    DEFAULT_YELLOW_THRESHOLD,
    GUL_GRANS_NAME,
    LIGHT_GREEN,
    LIGHT_RED,
    LIGHT_YELLOW,
    Direction,
)

__all__ = ["LIGHT_NAMES", "LightRule", "indicator_light", "light_formula", "rule_light",
           "share_of_target_light", "trend_light"]

LIGHT_NAMES = {LIGHT_GREEN: "Grön", LIGHT_YELLOW: "Gul", LIGHT_RED: "Röd", None: "Ej bedömd"}

_SPREADSHEET_EPSILON = 2.0**-48


class LightRule(StrEnum):
    """The indicator light rules a workbook template may choose (SPEC 3c)."""

    SHARE_OF_WAY = "andel_av_vagen"
    SHARE_OF_TARGET = "andel_av_malvarde"
    TREND = "trend"

    @property
    def default_parameter(self) -> float:
        return _DEFAULT_PARAMETERS[self]


_DEFAULT_PARAMETERS = {LightRule.SHARE_OF_WAY: DEFAULT_YELLOW_THRESHOLD,
                       LightRule.SHARE_OF_TARGET: 0.8, LightRule.TREND: 0.0}


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


def share_of_target_light(target: float | None, outcome: float | None,
                          direction: Direction | str = Direction.HIGHER,
                          share: float = 0.8) -> int | None:
    """`andel_av_malvarde`: Grön when the outcome reaches the target; Gul when it reaches
    `share` of it (Högre är bättre: u ≥ share·t; Lägre är bättre: share·u ≤ t, i.e. t/u ≥
    share), only for a positive target (a share of zero or of a negative number means
    nothing); otherwise Röd. No outcome or target → Ej bedömd."""
    if outcome is None or target is None:
        return None
    t, u = float(target), float(outcome)
    lower = Direction(direction) is Direction.LOWER
    if _at_least(-u, -t) if lower else _at_least(u, t):
        return LIGHT_GREEN
    if t > 0 and not _approx_equal(t, 0):
        reached = _at_least(t, share * u) if lower else _at_least(u, share * t)
        if reached:
            return LIGHT_YELLOW
    return LIGHT_RED


def trend_light(previous: float | None, outcome: float | None,
                direction: Direction | str = Direction.HIGHER,
                tolerance: float = 0.0) -> int | None:
    """`trend`: compare the outcome with the previous outcome p. Grön when better by more
    than tolerance·|p|, Gul when within it (unchanged), Röd when worse. No outcome or no
    previous outcome → Ej bedömd."""
    if outcome is None or previous is None:
        return None
    u, p = float(outcome), float(previous)
    sign = -1.0 if Direction(direction) is Direction.LOWER else 1.0
    change = 0.0 if _approx_equal(u, p) else sign * (u - p)  # spreadsheets snap u−p≈0 to 0
    band = tolerance * abs(p)
    if change > band and not _approx_equal(change, band):
        return LIGHT_GREEN
    if _at_least(change, -band):
        return LIGHT_YELLOW
    return LIGHT_RED


def rule_light(rule: LightRule | str, *, baseline: float | None, target: float | None,
               outcome: float | None, previous: float | None,
               direction: Direction | str = Direction.HIGHER,
               parameter: float | None = None) -> int | None:
    """The light code of one indicator under `rule` (3/2/1, None = Ej bedömd)."""
    rule = LightRule(rule)
    value = rule.default_parameter if parameter is None else parameter
    if rule is LightRule.SHARE_OF_TARGET:
        return share_of_target_light(target, outcome, direction, value)
    if rule is LightRule.TREND:
        return trend_light(previous, outcome, direction, value)
    return indicator_light(baseline, target, outcome, direction, value)


def light_formula(row: int, threshold: str = GUL_GRANS_NAME,
                  rule: LightRule | str = LightRule.SHARE_OF_WAY) -> str:
    """The Trafikljus formula for Excel row `row` of the committee `Indikatorer` sheet: the
    same rule as its Python function (`rule_light`), as Excel evaluates it.

    Reads Riktning, Utgångsvärde, Målvärde, Föregående utfall and Utfall of the same row and
    the rule's parameter through the defined name `threshold`. Gives 3/2/1, or "" (Ej
    bedömd) when a value the rule needs is not a number. A non-numeric Utgångsvärde counts
    as missing and an empty or unknown Riktning as `Högre är bättre`.
    """
    direction, b, t, p, u = (f"{COMMITTEE_INDIKATORER.letter(f)}{row}" for f in
                             ("direction", "baseline", "target", "previous_outcome", "outcome"))
    sign = f'IF({direction}="{Direction.LOWER.value}",-1,1)'
    rule = LightRule(rule)
    if rule is LightRule.SHARE_OF_TARGET:
        reached = (f'IF({direction}="{Direction.LOWER.value}",{threshold}*{u}<={t},'
                   f"{u}>={threshold}*{t})")
        return (f'=IF(OR(NOT(ISNUMBER({u})),NOT(ISNUMBER({t}))),"",'
                f"IF({sign}*{u}>={sign}*{t},{LIGHT_GREEN},"
                f"IF(AND({t}>0,{reached}),{LIGHT_YELLOW},{LIGHT_RED})))")
    if rule is LightRule.TREND:
        change, band = f"{sign}*({u}-{p})", f"{threshold}*ABS({p})"
        return (f'=IF(OR(NOT(ISNUMBER({u})),NOT(ISNUMBER({p}))),"",'
                f"IF({change}>{band},{LIGHT_GREEN},IF({change}>=-{band},{LIGHT_YELLOW},{LIGHT_RED})))")
    # andel_av_vagen (SPEC 5). The ratio is tested only when Målvärde ≠ Utgångsvärde
    # (Excel's IF is lazy, so no #DIV/0! is ever computed).
    with_baseline = f"IF({t}={b},{LIGHT_RED},IF(({u}-{b})/({t}-{b})>={threshold},{LIGHT_YELLOW},{LIGHT_RED}))"
    without_baseline = f"IF({sign}*{u}>={sign}*{t}-0.1*ABS({t}),{LIGHT_YELLOW},{LIGHT_RED})"
    return (
        f'=IF(OR(NOT(ISNUMBER({u})),NOT(ISNUMBER({t}))),"",'
        f"IF({sign}*{u}>={sign}*{t},{LIGHT_GREEN},"
        f"IF(ISNUMBER({b}),{with_baseline},{without_baseline})))"
    )
