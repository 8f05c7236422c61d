"""ESConv support strategies: which one each candidate follows, and how the prompt asks for it.

Each candidate of a suggestion follows a different strategy, so the counselor chooses between
genuinely different replies instead of near-duplicates.
"""

from __future__ import annotations

from collections.abc import Sequence

# The label set of the ESConv corpus (Liu et al., 2021), spelled exactly as the fine-tunes saw it.
STRATEGIES: tuple[str, ...] = (
    "Question",
    "Restatement or Paraphrasing",
    "Reflection of feelings",
    "Self-disclosure",
    "Affirmation and Reassurance",
    "Providing Suggestions",
    "Information",
    "Others",
)

# On a crisis line the first reply should make the person feel heard and keep them talking;
# advice, information and the counselor's own experience come later, if at all.
DEFAULT_ORDER: tuple[str, ...] = (
    "Reflection of feelings",
    "Question",
    "Affirmation and Reassurance",
    "Restatement or Paraphrasing",
    "Providing Suggestions",
    "Information",
    "Self-disclosure",
    "Others",
)

MAX_CANDIDATES = len(STRATEGIES)

STEERING_PREFIX = "Support strategy for this reply: "

ChatMessage = tuple[str, str]
"""(role, content), role being "system", "user" (help-seeker) or "assistant" (counselor)."""


def choose_strategies(count: int) -> list[str]:
    """The strategies of ``count`` candidates, all distinct, in :data:`DEFAULT_ORDER`."""
    if not 1 <= count <= MAX_CANDIDATES:
        raise ValueError(f"candidate count must be between 1 and {MAX_CANDIDATES}, got {count}")
    return list(DEFAULT_ORDER[:count])


def steering_line(strategy: str) -> str:
    if strategy not in STRATEGIES:
        raise ValueError(f"not an ESConv strategy: {strategy!r}")
    return f"{STEERING_PREFIX}{strategy}."


def with_strategy(messages: Sequence[ChatMessage], strategy: str) -> list[ChatMessage]:
    """The prompt of one candidate: ``messages`` with the strategy line ending the final message.

    The line goes last, after the help-seeker's latest message, so that every candidate of a
    suggestion, and the next turn's prompt, share the whole conversation before it: a model server's
    prefix cache then reuses that prefix instead of diverging right after the system prompt. When
    the conversation does not end with a help-seeker message, the line comes as a user message of
    its own. A steering line already ending the final message is replaced, so a prompt never asks
    for two strategies at once. Messages before the final one are never changed.
    """
    line = steering_line(strategy)
    result = list(messages)
    if result and result[-1][0] == "user":
        role, content = result[-1]
        kept = [part for part in content.splitlines() if not part.startswith(STEERING_PREFIX)]
        body = "\n".join(kept).rstrip()
        result[-1] = (role, f"{body}\n{line}" if body else line)
        return result
    return [*result, ("user", line)]
