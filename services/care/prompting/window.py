"""Which turns of a conversation fit the model's context window, decided incrementally.

The prompt always holds the system prompt, the first ``opening_turns`` turns (who reached out and
why) and the most recent turns; when the conversation outgrows the budget, a contiguous block of
middle turns is elided and an elision marker stands in their place. Turns are never cut inside.

Prefix stability: inference servers reuse the cached key/value state of a prompt prefix they saw
before. While the conversation fits, each prompt extends the previous one. When it stops fitting,
the cut moves forward far enough to free ``block_fraction`` of the budget at once, so the new
prefix (system prompt, opening turns, marker, first kept turn...) then stays fixed for many turns
instead of shifting by a turn on every request.

Bookkeeping is incremental: each turn is tokenised once, when it arrives, and its cost is carried
in :class:`WindowState`; totals are running sums, and the cut only moves forward, so a cut costs
amortised O(1) per turn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from care.prompting.tokens import TokenCounter

# Charged per turn on top of its text: a chat template's per-message framing (role header,
# end-of-turn token: about 5 tokens in ChatML or Llama 3 templates) or, for a turn merged into the
# previous message of the same role, its joining newline. The surplus is slack for tokens that
# merge differently across a turn boundary than within the separately counted texts.
ROLE_OVERHEAD = 8
DEFAULT_OPENING_TURNS = 2
DEFAULT_BLOCK_FRACTION = 1 / 3
DEFAULT_ELISION_MARKER = "[earlier messages omitted]"

T = TypeVar("T")


def turn_cost(counter: TokenCounter, text: str, role_overhead: int = ROLE_OVERHEAD) -> int:
    return counter.count(text) + role_overhead


def system_cost(counter: TokenCounter, system_prompt: str, role_overhead: int = ROLE_OVERHEAD) -> int:
    # The system message's own framing, plus the generation prompt (BOS and the header that opens
    # the model's reply) which every rendered prompt ends with.
    return counter.count(system_prompt) + 2 * role_overhead


@dataclass(frozen=True)
class WindowPolicy:
    """The budget of one route's model and system prompt; build it with :func:`window_policy`.

    ``context_tokens`` is what the server accepts for prompt plus reply (TGI's
    ``max_total_tokens``); ``reserve_for_generation`` is kept free for the reply
    (``max_new_tokens``). ``marker_cost`` is the cost of ``marker``, the elision marker, as a line
    of a turn.
    """

    context_tokens: int
    reserve_for_generation: int
    system_cost: int
    marker_cost: int = 0
    opening_turns: int = DEFAULT_OPENING_TURNS
    block_fraction: float = DEFAULT_BLOCK_FRACTION
    marker: str = DEFAULT_ELISION_MARKER

    def __post_init__(self) -> None:
        if min(self.context_tokens, self.reserve_for_generation, self.system_cost, self.marker_cost) < 0:
            raise ValueError("token budgets and costs must not be negative")
        if self.opening_turns < 0:
            raise ValueError("opening_turns must not be negative")
        if not 0 < self.block_fraction < 1:
            raise ValueError("block_fraction must be between 0 and 1")

    @property
    def available(self) -> int:
        """Tokens left for turns (and the marker) after the system prompt and the reply."""
        return self.context_tokens - self.reserve_for_generation - self.system_cost

    @property
    def target(self) -> int:
        """What the kept turns may cost right after a cut: a block of the budget is freed."""
        return self.available - math.ceil(self.block_fraction * max(self.available, 0))


def window_policy(
    counter: TokenCounter,
    system_prompt: str,
    *,
    context_tokens: int,
    reserve_for_generation: int,
    opening_turns: int = DEFAULT_OPENING_TURNS,
    block_fraction: float = DEFAULT_BLOCK_FRACTION,
    marker: str = DEFAULT_ELISION_MARKER,
    role_overhead: int = ROLE_OVERHEAD,
) -> WindowPolicy:
    return WindowPolicy(
        context_tokens=context_tokens,
        reserve_for_generation=reserve_for_generation,
        system_cost=system_cost(counter, system_prompt, role_overhead),
        # The marker is a line of its own in the first kept turn's message.
        marker_cost=counter.count(marker) + role_overhead,
        opening_turns=opening_turns,
        block_fraction=block_fraction,
        marker=marker,
    )


@dataclass(frozen=True)
class WindowState:
    """One conversation's per-turn costs and what is kept of them.

    Kept turns: all of them while ``cut == 0``; otherwise the first ``opening`` turns and the
    turns from ``cut`` on, with turns ``opening .. cut-1`` (at least one) elided.
    ``recent_total`` and ``opening_total`` are running sums of the kept turns' costs.
    Persist ``costs``, ``cut`` and ``opening``; :meth:`restore` recomputes the sums.
    """

    costs: tuple[int, ...] = ()
    cut: int = 0
    opening: int = 0
    recent_total: int = 0
    opening_total: int = 0

    @classmethod
    def restore(cls, costs: Sequence[int], cut: int = 0, opening: int = 0) -> WindowState:
        costs = tuple(costs)
        if any(c < 0 for c in costs):
            raise ValueError("turn costs must not be negative")
        if cut == 0 and opening != 0:
            raise ValueError("opening must be 0 when no turn is elided")
        if cut != 0 and not 0 <= opening < cut < len(costs):
            raise ValueError("cut must elide at least one turn and keep the newest")
        return cls(costs, cut, opening, sum(costs[cut:]), sum(costs[:opening]))

    @property
    def elided(self) -> int:
        return self.cut - self.opening if self.cut else 0

    def kept_cost(self, marker_cost: int) -> int:
        if not self.cut:
            return self.recent_total
        return self.opening_total + marker_cost + self.recent_total


def append(state: WindowState, cost: int) -> WindowState:
    """The state with a newest turn of ``cost`` tokens; always kept. O(1) besides the tuple."""
    if cost < 0:
        raise ValueError("turn costs must not be negative")
    return WindowState(
        (*state.costs, cost), state.cut, state.opening, state.recent_total + cost, state.opening_total
    )


def used_tokens(state: WindowState, policy: WindowPolicy) -> int:
    """The budgeted size of the prompt plus the reply's reserve."""
    return policy.reserve_for_generation + policy.system_cost + state.kept_cost(policy.marker_cost)


def fits(state: WindowState, policy: WindowPolicy) -> bool:
    return used_tokens(state, policy) <= policy.context_tokens


def fit(state: WindowState, policy: WindowPolicy) -> WindowState:
    """Unchanged while the kept turns fit; otherwise a cut that frees a block of the budget.

    The cut only moves forward, never inside a turn, and never past the newest turn. Opening turns
    are kept when they fit beside the newest turn (fewer of them otherwise); the layout is chosen
    afresh only at a cut, when the prefix changes anyway. When not even the newest turn fits, only
    it is kept, and :func:`fits` reports the overflow.
    """
    n = len(state.costs)
    if fits(state, policy) or n < 2:
        return state
    costs = state.costs
    newest = costs[-1]
    available = policy.available
    # Drop opening turns only when they do not fit beside the newest turn.
    opening = min(policy.opening_turns, n - 2)
    opening_total = sum(costs[:opening])
    while opening > 0 and opening_total + policy.marker_cost + newest > available:
        opening -= 1
        opening_total -= costs[opening]
    head = opening_total + policy.marker_cost
    cut = max(state.cut, opening + 1)
    recent = state.recent_total - sum(costs[state.cut : cut])
    while cut < n - 1 and head + recent > policy.target:
        recent -= costs[cut]
        cut += 1
    return WindowState(costs, cut, opening, recent, opening_total)


def select(turns: Sequence[T], state: WindowState) -> tuple[list[T], int]:
    """The kept turns, in order, and how many were elided; when any were, they sat between the
    first ``state.opening`` kept turns and the rest."""
    if len(turns) != len(state.costs):
        raise ValueError(f"{len(turns)} turns but {len(state.costs)} turn costs")
    if not state.cut:
        return list(turns), 0
    return [*turns[: state.opening], *turns[state.cut :]], state.elided
