"""The assembler's Table value: a conversation's history as protobuf bytes, and back."""

from __future__ import annotations

from typing import cast

from care.assembler.history import History, PromptWindow, Speaker, Turn
from care.v1 import events_pb2, state_pb2

SPEAKERS = {events_pb2.ROLE_HELP_SEEKER: Speaker.HELP_SEEKER, events_pb2.ROLE_COUNSELOR: Speaker.COUNSELOR}
ROLES = {speaker: role for role, speaker in SPEAKERS.items()}


def history_from_proto(blob: bytes | None) -> History:
    if not blob:
        return History()
    stored = state_pb2.ConversationHistory.FromString(blob)
    turns = tuple(Turn(t.event_id, SPEAKERS[t.role], t.text, t.tokens) for t in stored.turns)
    # The window covers the counted turns, which come first (a new turn is counted on arrival).
    counted = next((i for i, turn in enumerate(turns) if turn.tokens == 0), len(turns))
    return History(
        turns,
        stored.route,
        stored.ended,
        PromptWindow(counted, stored.window_cut, stored.window_opening),
        stored.token_fingerprint,
        PromptWindow(stored.prompt_turns, stored.prompt_cut, stored.prompt_opening),
        risk_from_proto(stored.risk_max),
        risk_from_proto(stored.risk_alerted),
    )


def history_to_proto(history: History) -> bytes:
    return state_pb2.ConversationHistory(
        turns=[
            state_pb2.HistoryTurn(event_id=t.event_id, role=ROLES[t.speaker], text=t.text, tokens=t.tokens)
            for t in history.turns
        ],
        route=history.route,
        ended=history.ended,
        window_cut=history.window.cut,
        window_opening=history.window.opening,
        token_fingerprint=history.token_fingerprint,
        prompt_turns=history.last_prompt.turns,
        prompt_cut=history.last_prompt.cut,
        prompt_opening=history.last_prompt.opening,
        risk_max=risk_to_proto(history.risk_max),
        risk_alerted=risk_to_proto(history.risk_alerted),
    ).SerializeToString()


# care.v1.RiskLevel numbers a level one above RiskLevel's value (0 is UNSPECIFIED, read as none).
def risk_from_proto(value: int) -> int:
    return max(0, value - 1)


def risk_to_proto(level: int) -> events_pb2.RiskLevel:
    return cast("events_pb2.RiskLevel", level + 1)
