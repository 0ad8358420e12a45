"""`Föregående utfall` from the model's indicator history (SPEC 9).

An indicator's previous outcome is the latest value the model's `Indikatorvärden` has for
the municipality before the period being generated (a whole-year value counts as
reported at the year's end). This holds for the model's KF indicators and for a
committee's indicators carried with `--previous`. The outcome carried from the earlier
consolidation is kept when it is newer than the history's value; when the history is as
new or newer, the history wins (the central office may have corrected it there).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from malark.core.contract import Period
from malark.core.history import History, period_rank
from malark.core.model import GoalModel
from malark.generate.previous import Carried

__all__ = ["with_history"]


def with_history(model: GoalModel, period: Period, carried: Carried) -> Carried:
    """`carried` with the previous outcomes the history has newer (a copy)."""
    if not model.indicator_values:
        return carried
    history = History(model.indicator_values)
    as_of = (carried.as_of[0], period_rank(carried.as_of[1])) if carried.as_of else None

    def previous(indicator_id: Any, carried_value: Any) -> Any:
        if not isinstance(indicator_id, str):
            return carried_value
        latest = history.latest_before(indicator_id, model.budget_year, period)
        if latest is None:
            return carried_value
        if carried_value is not None and as_of is not None and \
                (latest.year, period_rank(latest.period)) < as_of:
            return carried_value
        return latest.value

    outcomes = dict(carried.kf_previous_outcomes)
    for indicator in model.kf_indicators:
        value = previous(indicator.id, outcomes.get(indicator.id))
        if value is not None:
            outcomes[indicator.id] = value
    indicators = [{**row, "previous_outcome": previous(row.get("id"), row.get("previous_outcome"))}
                  for row in carried.indicators]
    return replace(carried, kf_previous_outcomes=outcomes, indicators=indicators)
