"""Build the prompt from the COMPLETE conversation so far, within the model's context window.

The model must see every turn, both roles, in order: CARE's fine-tunes were trained on complete
conversations, and the evolving emotional context is what aligns their replies with counselors.
Only when a conversation outgrows the context window are middle turns elided, in large blocks
(``care.prompting.window``), keeping the opening turns and the most recent ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path

from care.assembler.history import History, PromptWindow, Speaker
from care.prompting.build import ChatMessage, build_chat_prompt, merge_turns
from care.prompting.tokens import TokenCounter
from care.prompting.window import (
    ROLE_OVERHEAD,
    WindowPolicy,
    WindowState,
    append,
    fit,
    turn_cost,
    window_policy,
)

ROLE_OF = {Speaker.HELP_SEEKER: "user", Speaker.COUNSELOR: "assistant"}

# The inference service adds a support-strategy line to each candidate's last message; it is not
# part of the history, so its tokens are kept free beside the reply's.
STEERING_RESERVE_TOKENS = 24


class PromptConfigError(ValueError):
    """A system prompt file is missing or empty; the message names the file, never its content."""


@dataclass(frozen=True)
class PromptMessage:
    role: str
    content: str


@cache
def default_system_prompt(route: str) -> str:
    return resources.files("care.assembler").joinpath("prompts", f"{route}.txt").read_text("utf-8").strip()


def system_prompt_for(route: str, directory: str = "") -> str:
    """``<directory>/<route>.txt`` when a directory is configured (mounted from a ConfigMap),
    the packaged prompt otherwise."""
    if not directory:
        return default_system_prompt(route)
    path = Path(directory) / f"{route}.txt"
    try:
        text = path.read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise PromptConfigError(f"cannot read the system prompt {path} ({type(error).__name__})") from None
    if not text:
        raise PromptConfigError(f"the system prompt {path} is empty")
    return text


def build_messages(history: History, system_prompt: str) -> list[PromptMessage]:
    """System prompt, then every turn as a chat role (consecutive turns of one role merged)."""
    turns = [(ROLE_OF[turn.speaker], turn.text) for turn in history.turns]
    return [PromptMessage(role, content) for role, content in merge_turns(system_prompt, turns)]


@dataclass(frozen=True)
class RoutePrompt:
    """What one route's prompts are built with: its system prompt, its model's tokenizer, and the
    budget of its context window."""

    system_prompt: str
    counter: TokenCounter
    policy: WindowPolicy

    @property
    def fingerprint(self) -> str:
        """Changes with anything that changes turn costs or the window, so stored ones are redone."""
        p = self.policy
        budget = f"{p.context_tokens}/{p.reserve_for_generation}/{p.system_cost}/{p.opening_turns}"
        digest = hashlib.sha256(f"{budget}/{p.block_fraction}/{p.marker}".encode()).hexdigest()[:12]
        return f"{self.counter.fingerprint}|{digest}"


def route_prompt(
    counter: TokenCounter,
    system_prompt: str,
    *,
    context_tokens: int,
    max_new_tokens: int,
    opening_turns: int,
    block_fraction: float,
) -> RoutePrompt:
    policy = window_policy(
        counter,
        system_prompt,
        context_tokens=context_tokens,
        reserve_for_generation=max_new_tokens + STEERING_RESERVE_TOKENS,
        opening_turns=opening_turns,
        block_fraction=block_fraction,
    )
    return RoutePrompt(system_prompt, counter, policy)


@dataclass(frozen=True)
class BuiltPrompt:
    messages: tuple[ChatMessage, ...]
    prompt_tokens: int  # budgeted size, system prompt and framing included
    prefix_tokens: int  # of those, the ones repeating the previous request's prefix
    elided: int
    fits: bool


def _state(history: History, costs: Sequence[int]) -> WindowState:
    window = history.window
    return WindowState.restore(costs, window.cut, window.opening)


def account(history: History, prompt: RoutePrompt) -> History:
    """Count the turns that arrived since the last call and move the window to fit them.

    Only new turns are tokenised. When the tokenizer or the budget changed (another model was
    deployed, the route switched), every turn is counted again and the window is laid out afresh.
    """
    fingerprint = prompt.fingerprint
    if history.token_fingerprint != fingerprint:
        history = replace(
            history,
            turns=tuple(replace(turn, tokens=0) for turn in history.turns),
            window=PromptWindow(),
            token_fingerprint=fingerprint,
            last_prompt=PromptWindow(),
        )
    turns = history.turns
    first_new = len(turns)
    while first_new > 0 and turns[first_new - 1].tokens == 0:
        first_new -= 1
    if first_new == len(turns):
        return history
    if history.window.turns != first_new or any(turn.tokens == 0 for turn in turns[:first_new]):
        # Bookkeeping that does not add up (state written by an older release): start afresh.
        turns = tuple(replace(turn, tokens=0) for turn in turns)
        history = replace(history, turns=turns, window=PromptWindow(), last_prompt=PromptWindow())
        first_new = 0
    counted = [*turns[:first_new]]
    state = _state(history, [turn.tokens for turn in counted])
    for turn in turns[first_new:]:
        cost = turn_cost(prompt.counter, turn.text)
        counted.append(replace(turn, tokens=cost))
        state = fit(append(state, cost), prompt.policy)
    return replace(history, turns=tuple(counted), window=PromptWindow(len(counted), state.cut, state.opening))


def build_prompt(history: History, prompt: RoutePrompt) -> tuple[BuiltPrompt, History]:
    """The request's prompt from an accounted history, and the history remembering its window."""
    costs = [turn.tokens for turn in history.turns]
    state = _state(history, costs)
    chat = build_chat_prompt(
        prompt.system_prompt,
        [(ROLE_OF[turn.speaker], turn.text) for turn in history.turns],
        state,
        prompt.policy,
    )
    window = PromptWindow(len(costs), state.cut, state.opening)
    built = BuiltPrompt(
        chat.messages,
        chat.budgeted_tokens,
        min(chat.budgeted_tokens, _repeated_prefix(history.last_prompt, window, costs, prompt.policy)),
        chat.elided,
        chat.fits,
    )
    return built, replace(history, last_prompt=window)


def _repeated_prefix(
    previous: PromptWindow, current: PromptWindow, costs: Sequence[int], policy: WindowPolicy
) -> int:
    """Tokens of the new prompt that repeat the previous request's, from the per-turn costs.

    Both prompts start with the system prompt. While the window has not moved, the new prompt
    extends the previous one up to the end of its last message, where the previous request had
    the strategy line and the generation prompt; after a cut, only the opening turns still match.
    The framing overhead is taken off at each break, so the figure errs low, not high.
    """
    if previous.turns == 0 or previous.turns > len(costs):
        return 0
    shared = policy.system_cost - ROLE_OVERHEAD
    if (previous.cut, previous.opening) == (current.cut, current.opening):
        if current.cut:
            shared += sum(costs[: current.opening]) + policy.marker_cost
            shared += sum(costs[current.cut : previous.turns])
        else:
            shared += sum(costs[: previous.turns])
        return max(0, shared - ROLE_OVERHEAD)
    opening = current.opening if previous.cut == 0 else min(previous.opening, current.opening)
    return max(0, shared + sum(costs[:opening]) - ROLE_OVERHEAD)


def load_route_prompts(
    routes: Sequence[str],
    counters: Mapping[str, TokenCounter],
    *,
    system_prompt_dir: str,
    context_tokens: int,
    max_new_tokens: int,
    opening_turns: int,
    block_fraction: float,
) -> dict[str, RoutePrompt]:
    return {
        route: route_prompt(
            counters[route],
            system_prompt_for(route, system_prompt_dir),
            context_tokens=context_tokens,
            max_new_tokens=max_new_tokens,
            opening_turns=opening_turns,
            block_fraction=block_fraction,
        )
        for route in routes
    }


def as_prompt_messages(messages: Sequence[ChatMessage]) -> list[PromptMessage]:
    return [PromptMessage(role, content) for role, content in messages]
