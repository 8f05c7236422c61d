"""A conversation's complete de-identified history, in order, safe against redelivery."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Speaker(StrEnum):
    HELP_SEEKER = "help_seeker"
    COUNSELOR = "counselor"


@dataclass(frozen=True)
class Turn:
    event_id: str
    speaker: Speaker
    text: str


@dataclass(frozen=True)
class History:
    turns: tuple[Turn, ...] = ()
    route: str = ""
    ended: bool = False

    def contains(self, event_id: str) -> bool:
        # Redeliveries arrive shortly after the original, so the recent end is searched first.
        return any(t.event_id == event_id for t in reversed(self.turns))


def append_once(history: History, turn: Turn) -> tuple[History, bool]:
    """Append a turn unless the same event was appended before (at-least-once delivery)."""
    if history.contains(turn.event_id):
        return history, False
    return History((*history.turns, turn), history.route, history.ended), True
