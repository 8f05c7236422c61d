"""The per-conversation budget: what is kept, decided incrementally and in large blocks."""

from __future__ import annotations

import math
from dataclasses import replace
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from care.prompting.tokens import EstimatingCounter
from care.prompting.window import (
    DEFAULT_ELISION_MARKER,
    ROLE_OVERHEAD,
    WindowPolicy,
    WindowState,
    append,
    fit,
    fits,
    select,
    system_cost,
    turn_cost,
    used_tokens,
    window_policy,
)


def policy(available: int, *, opening: int = 2, block: float = 1 / 3, marker: int = 5) -> WindowPolicy:
    return WindowPolicy(
        context_tokens=available + 150,
        reserve_for_generation=100,
        system_cost=50,
        marker_cost=marker,
        opening_turns=opening,
        block_fraction=block,
    )


def replay(costs: list[int], p: WindowPolicy) -> list[WindowState]:
    """The state after each turn, as the assembler keeps it: append, then fit."""
    states = []
    state = WindowState()
    for cost in costs:
        state = fit(append(state, cost), p)
        states.append(state)
    return states


def test_everything_kept_while_it_fits() -> None:
    state = replay([10] * 10, policy(100))[-1]
    assert state == WindowState((10,) * 10, cut=0, opening=0, recent_total=100, opening_total=0)
    assert fits(state, policy(100))
    assert used_tokens(state, policy(100)) == 250
    assert select(list(range(10)), state) == (list(range(10)), 0)


def test_first_cut_frees_a_block_and_keeps_the_opening() -> None:
    p = policy(100)  # target after a cut: 100 - ceil(100/3) = 66 for openings + marker + recent
    states = replay([10] * 11, p)
    assert states[9].cut == 0
    state = states[10]
    # 20 (two opening turns) + 5 (marker) + recent <= 66 -> recent 40: the last four turns.
    assert (state.opening, state.cut, state.elided) == (2, 7, 5)
    assert state.kept_cost(p.marker_cost) == 65
    assert select(list(range(11)), state) == ([0, 1, 7, 8, 9, 10], 5)
    # ...after which the next three turns fit without moving anything.
    later = replay([10] * 15, p)
    assert [(s.opening, s.cut) for s in later[10:]] == [(2, 7)] * 4 + [(2, 11)]


def test_opening_turns_dropped_only_when_they_do_not_fit_beside_the_newest() -> None:
    p = policy(100)
    state = replay([30, 30, 10, 10, 60], p)[-1]
    # 30 + 30 + 5 + 60 > 100, 30 + 5 + 60 = 95 fits: one opening turn stays.
    assert (state.opening, state.cut) == (1, 4)
    assert fits(state, p)
    # A newest turn that fits only alone: no opening turns.
    state = replay([30, 30, 10, 10, 90], p)[-1]
    assert (state.opening, state.cut) == (0, 4)
    assert fits(state, p)
    # ...and they come back at the next cut, once they fit again.
    state = replay([30, 30, 10, 10, 90, 10, 10], p)[-1]
    assert (state.opening, state.cut) == (2, 5)
    assert fits(state, p)


def test_a_newest_turn_larger_than_the_budget_is_kept_alone_and_reported() -> None:
    p = policy(100)
    state = replay([10, 10, 10, 500], p)[-1]
    assert (state.opening, state.cut, state.elided) == (0, 3, 3)
    assert not fits(state, p)
    only = replay([500], p)[-1]
    assert (only.cut, only.elided, fits(only, p)) == (0, 0, False)


def test_costs_and_policy_from_a_counter() -> None:
    counter = EstimatingCounter()
    assert turn_cost(counter, "שלום") == 3 + ROLE_OVERHEAD
    assert system_cost(counter, "abcdef") == 2 + 2 * ROLE_OVERHEAD
    p = window_policy(counter, "abcdef", context_tokens=4096, reserve_for_generation=256, opening_turns=1)
    assert p.system_cost == 2 + 2 * ROLE_OVERHEAD
    assert p.marker == DEFAULT_ELISION_MARKER
    assert p.marker_cost == counter.count(DEFAULT_ELISION_MARKER) + ROLE_OVERHEAD
    assert p.available == 4096 - 256 - p.system_cost
    assert p.target == p.available - math.ceil(p.available / 3)


@pytest.mark.parametrize(
    "changes",
    [
        {"context_tokens": -1},
        {"marker_cost": -1},
        {"opening_turns": -1},
        {"block_fraction": 0},
        {"block_fraction": 1},
    ],
)
def test_invalid_policy(changes: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must"):
        replace(policy(100), **changes)


def test_restore_and_its_checks() -> None:
    state = replay([10] * 14, policy(100))[-1]
    assert WindowState.restore(state.costs, state.cut, state.opening) == state
    assert WindowState.restore([1, 2, 3]) == WindowState((1, 2, 3), 0, 0, 6, 0)
    for costs, cut, opening in [([1, -1], 0, 0), ([1, 2], 0, 1), ([1, 2, 3], 3, 0), ([1, 2, 3], 1, 1)]:
        with pytest.raises(ValueError, match="must"):
            WindowState.restore(costs, cut, opening)
    with pytest.raises(ValueError, match="must not be negative"):
        append(WindowState(), -1)
    with pytest.raises(ValueError, match="3 turns but 2 turn costs"):
        select([1, 2, 3], WindowState.restore([1, 2]))


# Property tests over arbitrary conversations and budgets.

policies = st.builds(
    WindowPolicy,
    context_tokens=st.integers(0, 3000),
    reserve_for_generation=st.integers(0, 300),
    system_cost=st.integers(0, 300),
    marker_cost=st.integers(0, 30),
    opening_turns=st.integers(0, 4),
    block_fraction=st.floats(0.05, 0.9),
)
conversations = st.lists(st.integers(0, 400), min_size=1, max_size=80)


@given(conversations, policies)
def test_invariants_after_every_turn(costs: list[int], p: WindowPolicy) -> None:
    previous = WindowState()
    for state in replay(costs, p):
        n = len(state.costs)
        kept, elided = select(list(range(n)), state)
        # Never cut inside a turn, and the newest turn is always kept: whole turns, a prefix and a suffix.
        assert kept[-1] == n - 1
        assert kept == [*range(state.opening), *range(n - len(kept) + state.opening, n)]
        assert len(kept) + elided == n
        # Incremental totals equal recomputed ones.
        assert state.recent_total == sum(state.costs[state.cut :])
        assert state.opening_total == sum(state.costs[: state.opening])
        assert state == WindowState.restore(state.costs, state.cut, state.opening)
        recomputed = sum(state.costs[i] for i in kept) + (p.marker_cost if elided else 0)
        assert used_tokens(state, p) == p.reserve_for_generation + p.system_cost + recomputed
        # The prompt fits the budget whenever keeping only the newest turn would fit.
        if not fits(state, p):
            alone = state.costs[-1] + (p.marker_cost if n > 1 else 0)
            assert alone > p.available
            assert state.opening == 0
            assert state.cut == (n - 1 if n > 1 else 0)
        # Opening turns are kept when they fit beside the kept recent turns.
        if state.cut and state.opening < min(p.opening_turns, state.cut - 1):
            with_next = state.opening_total + state.costs[state.opening] + p.marker_cost + state.recent_total
            assert with_next > p.available
        # The cut only moves forward, and frees a block of the budget when it moves.
        assert state.cut >= previous.cut
        if (state.cut, state.opening) != (previous.cut, previous.opening):
            assert not fits(append(previous, state.costs[-1]), p)
            assert state.kept_cost(p.marker_cost) <= p.target or state.cut == n - 1
        previous = state


@given(conversations, policies)
def test_a_turn_that_fits_leaves_the_kept_prefix_unchanged(costs: list[int], p: WindowPolicy) -> None:
    states = replay(costs, p)
    for before, after in pairwise(states):
        if fits(append(before, after.costs[-1]), p):
            assert (after.cut, after.opening) == (before.cut, before.opening)


@given(st.lists(st.integers(1, 50), min_size=200, max_size=400), st.floats(0.2, 0.5))
def test_cuts_are_rare(costs: list[int], block: float) -> None:
    p = policy(2000, block=block)
    states = replay(costs, p)
    cuts = sum(1 for a, b in pairwise(states) if a.cut != b.cut)
    # Each cut frees block * available and turns cost at most 50, so many turns fit between cuts.
    assert cuts <= sum(costs) / (block * p.available - 50) + 1
