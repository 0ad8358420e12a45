"""Properties of the traffic-light rule (SPEC 5), for any numbers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from malark.core.contract import Direction
from malark.core.lights import indicator_light

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
maybe = st.none() | values
thresholds = st.floats(min_value=0.05, max_value=1.0)


@given(maybe, values, values, thresholds)
def test_lower_is_better_is_higher_is_better_negated(b, t, u, g):
    negated = None if b is None else -b
    assert indicator_light(b, t, u, Direction.LOWER, g) == indicator_light(negated, -t, -u,
                                                                           Direction.HIGHER, g)


@given(maybe, values, values, values, thresholds)
def test_a_better_outcome_never_gives_a_worse_light(b, t, u1, u2, g):
    low, high = sorted((u1, u2))
    if b is None or b <= t:  # moving towards the target from the baseline's side
        assert indicator_light(b, t, high, Direction.HIGHER, g) >= indicator_light(
            b, t, low, Direction.HIGHER, g)


@given(maybe, st.none() | values, st.none() | values, thresholds)
def test_no_outcome_or_no_target_is_not_assessed(b, t, u, g):
    if t is None or u is None:
        assert indicator_light(b, t, u, Direction.HIGHER, g) is None
    else:
        assert indicator_light(b, t, u, Direction.HIGHER, g) in (1, 2, 3)


@given(maybe, values, thresholds)
def test_reaching_the_target_is_green(b, t, g):
    assert indicator_light(b, t, t, Direction.HIGHER, g) == 3
    assert indicator_light(b, t, t, Direction.LOWER, g) == 3


def test_spec_examples():
    assert indicator_light(60, 80, 70, "Högre är bättre", 0.5) == 2  # halfway → Gul
    assert indicator_light(60, 80, 69.9, "Högre är bättre", 0.5) == 1
    assert indicator_light(None, 100, 90, "Högre är bättre") == 2  # within 10 % of target
    assert indicator_light(None, 100, 89.9, "Högre är bättre") == 1
    assert indicator_light(8.0, 6.5, 7.25, "Lägre är bättre") == 2
    assert indicator_light(50, 50, 49, "Högre är bättre") == 1  # t = b: no Gul by ratio
