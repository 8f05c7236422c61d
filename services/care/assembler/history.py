"""A conversation's complete de-identified history, in order, safe against redelivery.

Besides the turns it carries the context-window bookkeeping (``care.prompting.window``): each
turn's token cost, counted once when it arrives, and where the window is cut, so that budgeting a
new turn never re-tokenises the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Speaker(StrEnum):
    HELP_SEEKER = "help_seeker"
    COUNSELOR = "counselor"


@dataclass(frozen=True)
class Turn:
    event_id: str
    speaker: Speaker
    text: str
    tokens: int = 0  # 0 = not counted yet (a counted turn always costs its framing, so never 0)


@dataclass(frozen=True)
class PromptWindow:
    """Which turns a model request kept: all ``turns`` of them while ``cut`` is 0, otherwise the
    first ``opening`` and those from ``cut`` on."""

    turns: int = 0
    cut: int = 0
    opening: int = 0


@dataclass(frozen=True)
class History:
    turns: tuple[Turn, ...] = ()
    route: str = ""
    ended: bool = False
    # The window as of the newest turn, and which tokenizer and budget counted it.
    window: PromptWindow = PromptWindow()
    token_fingerprint: str = ""
    # The window of the previous model request, to tell how much of its prefix the next repeats.
    last_prompt: PromptWindow = PromptWindow()
    # Risk: the running maximum level of the help-seeker's turns, and the highest level already
    # alerted (a new alert only on a rise). RiskLevel values (care.risk.levels), kept as plain ints.
    risk_max: int = 0
    risk_alerted: int = 0

    def contains(self, event_id: str) -> bool:
        # Redeliveries arrive shortly after the original, so the recent end is searched first.
        return any(t.event_id == event_id for t in reversed(self.turns))


def append_once(history: History, turn: Turn) -> tuple[History, bool]:
    """Append a turn unless the same event was appended before (at-least-once delivery)."""
    if history.contains(turn.event_id):
        return history, False
    return replace(history, turns=(*history.turns, turn)), True
