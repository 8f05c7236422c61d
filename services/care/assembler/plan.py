"""What the assembler does with one routed event: pure decisions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from care.assembler.history import History, Speaker, Turn, append_once
from care.router.core import MODEL_ROUTES

UNSERVED_REASON = "the conversation's language is not served by a model on this line"


class Action(StrEnum):
    NOTHING = "nothing"  # state may change; nothing to publish
    SUGGEST = "suggest"  # ask the inference service
    NO_SUGGESTION = "no_suggestion"  # publish a NO_SUGGESTION suggestion with a reason


@dataclass(frozen=True)
class Plan:
    history: History
    action: Action
    reason: str = ""


def plan_message(history: History, turn: Turn, route: str, route_reason: str = "") -> Plan:
    """A redelivered help-seeker message is not appended twice but is answered again: its first
    suggestion may not have been published before the redelivery, and the repeat carries the same
    suggestion id, which consumers drop."""
    updated, _ = append_once(history, turn)
    updated = replace(updated, route=route or updated.route)
    if turn.speaker is not Speaker.HELP_SEEKER:
        return Plan(updated, Action.NOTHING)
    if route not in MODEL_ROUTES:
        # The router's reason names the language; it never quotes the help-seeker.
        return Plan(updated, Action.NO_SUGGESTION, f"No suggestions: {route_reason or UNSERVED_REASON}.")
    return Plan(updated, Action.SUGGEST)


def plan_end(history: History) -> Plan:
    return Plan(replace(history, ended=True), Action.NOTHING)
