"""`Föregående utfall` of the model's KF indicators from the indicator history (SPEC 9).

A KF indicator's previous outcome is the latest value the model's `Indikatorvärden` has
for the municipality before the period being generated (a whole-year value counts as
reported at the year's end). With `--previous`, the outcome carried from the earlier
consolidation is kept when it is newer than the history's value; when the history is as
new or newer, the history wins (the central office may have corrected it there).
"""

from __future__ import annotations

from typing import Any

from malark.core.contract import Period
from malark.core.history import History, period_rank
from malark.core.model import GoalModel
from malark.generate.previous import Carried

__all__ = ["kf_previous_outcomes"]


def kf_previous_outcomes(model: GoalModel, period: Period, carried: Carried) -> dict[str, Any]:
    """KF indicator id → the value for its `Föregående utfall`."""
    history = History(model.indicator_values)
    outcomes = dict(carried.kf_previous_outcomes)
    carried_rank = ((carried.as_of[0], period_rank(carried.as_of[1]))
                    if carried.as_of is not None else None)
    for indicator in model.kf_indicators:
        latest = history.latest_before(indicator.id, model.budget_year, period)
        if latest is None:
            continue
        if (indicator.id in outcomes and carried_rank is not None
                and (latest.year, period_rank(latest.period)) < carried_rank):
            continue
        outcomes[indicator.id] = latest.value
    return outcomes
