"""Everything the assembler does with one routed event, with no I/O: the functional core that the
faust shell (``agent.py``) runs and the benchmark times."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from care.assembler.history import History, Speaker, Turn
from care.assembler.plan import Action, plan_end, plan_message
from care.assembler.prompt import BuiltPrompt, RoutePrompt, account, build_prompt
from care.assembler.risk_step import RiskPolicy, RiskStep, assess_turn
from care.assembler.state import SPEAKERS
from care.streaming.codec import DecodeError
from care.v1 import events_pb2

NO_MODEL_REASON = "No suggestions: no model is configured for this conversation's route."


class MissingRoleError(ValueError):
    """A message event without a role: the shell dead-letters it."""


class ConversationEndedError(DecodeError):
    """A new message for a conversation that has ended: dead-lettered with its code, never answered.

    deid deleted the conversation's placeholder map at the end, so a message after it would restart
    the numbering under the old history; the platform opens a new conversation instead.
    """

    def __init__(self) -> None:
        super().__init__("conversation_ended", "a message arrived after its conversation ended")


@dataclass(frozen=True)
class Assembly:
    history: History
    action: Action
    reason: str = ""
    prompt: BuiltPrompt | None = None
    # A new message or counselor reply makes any generation still running for the conversation moot.
    supersedes: bool = False
    # The risk of a new help-seeker turn (None for other events and for redeliveries).
    risk: RiskStep | None = None


def assemble(
    history: History,
    routed: events_pb2.PipelineEvent,
    prompts: Mapping[str, RoutePrompt],
    risk: RiskPolicy | None = None,
) -> Assembly:
    chat = routed.event
    if chat.type == events_pb2.CHAT_EVENT_TYPE_CONVERSATION_ENDED:
        return Assembly(plan_end(history).history, Action.NOTHING)
    if chat.type != events_pb2.CHAT_EVENT_TYPE_MESSAGE:
        return Assembly(history, Action.NOTHING)
    if chat.role not in SPEAKERS:
        raise MissingRoleError("a message has no role")
    is_new = not history.contains(chat.event_id)
    if history.ended and is_new:
        # A redelivered message that was appended before the end is answered again as usual.
        raise ConversationEndedError
    speaker = SPEAKERS[chat.role]
    step = None
    if risk is not None and is_new and speaker is Speaker.HELP_SEEKER:
        # Every language is read, served or not: a help-seeker at risk needs the alert either way.
        history, step = assess_turn(history, chat.text, risk.detector, risk.alert_threshold)
    turn = Turn(chat.event_id, speaker, chat.text)
    plan = plan_message(history, turn, routed.route.name, routed.route.reason)
    updated = plan.history
    route_prompt = prompts.get(updated.route)
    if route_prompt is not None:
        updated = account(updated, route_prompt)
    if plan.action is not Action.SUGGEST:
        return Assembly(updated, plan.action, plan.reason, supersedes=is_new, risk=step)
    if route_prompt is None:
        return Assembly(updated, Action.NO_SUGGESTION, NO_MODEL_REASON, supersedes=is_new, risk=step)
    built, updated = build_prompt(updated, route_prompt)
    return Assembly(updated, Action.SUGGEST, prompt=built, supersedes=is_new, risk=step)
