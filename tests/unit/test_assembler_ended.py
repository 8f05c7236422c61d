"""A message for a conversation that has ended is rejected with a code, unless it is a redelivery of
a message appended before the end (at-least-once delivery after a worker restart)."""

from __future__ import annotations

import pytest

from care.assembler.assemble import ConversationEndedError, assemble
from care.assembler.history import History
from care.assembler.plan import Action
from care.assembler.prompt import RoutePrompt, route_prompt
from care.prompting.tokens import EstimatingCounter
from care.streaming.codec import DecodeError
from care.v1 import events_pb2


def prompts() -> dict[str, RoutePrompt]:
    prompt = route_prompt(
        EstimatingCounter(),
        "system",
        context_tokens=2048,
        max_new_tokens=64,
        opening_turns=2,
        block_fraction=1 / 3,
    )
    return {"he": prompt}


def routed(event_id: str, kind: int = events_pb2.CHAT_EVENT_TYPE_MESSAGE) -> events_pb2.PipelineEvent:
    event = events_pb2.ChatEvent(event_id=event_id, conversation_id="c1", type=kind)  # type: ignore[arg-type]
    if kind == events_pb2.CHAT_EVENT_TYPE_MESSAGE:
        event.role = events_pb2.ROLE_HELP_SEEKER
        event.text = "שלום"
    return events_pb2.PipelineEvent(event=event, route=events_pb2.Route(name="he"))


def ended_history() -> History:
    history = assemble(History(), routed("e1"), prompts()).history
    ended = assemble(history, routed("end", events_pb2.CHAT_EVENT_TYPE_CONVERSATION_ENDED), prompts())
    assert ended.history.ended
    return ended.history


def test_a_new_message_after_the_end_is_rejected_with_a_code() -> None:
    with pytest.raises(ConversationEndedError) as raised:
        assemble(ended_history(), routed("e2"), prompts())
    assert isinstance(raised.value, DecodeError), "the shell dead-letters DecodeErrors with their code"
    assert raised.value.code == "conversation_ended"


def test_a_redelivered_message_from_before_the_end_is_answered_again() -> None:
    history = ended_history()
    again = assemble(history, routed("e1"), prompts())
    assert again.action is Action.SUGGEST
    assert len(again.history.turns) == 1


def test_a_repeated_end_is_harmless() -> None:
    history = ended_history()
    again = assemble(history, routed("end", events_pb2.CHAT_EVENT_TYPE_CONVERSATION_ENDED), prompts())
    assert again.action is Action.NOTHING
    assert again.history.ended
