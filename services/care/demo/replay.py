"""Replay conversations as the chat platform would and collect what the counselor is shown."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from care.embedded.platform import Delivery, PlatformClient
from care.v1 import events_pb2

ROLES = {"help_seeker": events_pb2.ROLE_HELP_SEEKER, "counselor": events_pb2.ROLE_COUNSELOR}


@dataclass(frozen=True)
class SampleTurn:
    role: str
    text: str


@dataclass(frozen=True)
class SampleConversation:
    conversation_id: str
    channel: dict[str, str]
    turns: tuple[SampleTurn, ...]


@dataclass
class TurnOutcome:
    event_id: str
    role: str
    text: str
    delivery: Delivery | None = None
    latency_ms: float | None = None


@dataclass
class ConversationOutcome:
    conversation: SampleConversation
    turns: list[TurnOutcome] = field(default_factory=list)


def load_samples() -> list[SampleConversation]:
    raw = json.loads(resources.files("care.demo").joinpath("conversations.json").read_text("utf-8"))
    return [parse_sample(item) for item in raw]


def parse_sample(item: dict[str, Any]) -> SampleConversation:
    return SampleConversation(
        item["conversation_id"],
        dict(item.get("channel", {})),
        tuple(SampleTurn(t["role"], t["text"]) for t in item["turns"]),
    )


def chat_event(
    conversation: SampleConversation, index: int, kind: int, turn: SampleTurn | None = None
) -> events_pb2.ChatEvent:
    event = events_pb2.ChatEvent(
        event_id=f"{conversation.conversation_id}-{index:04d}",
        conversation_id=conversation.conversation_id,
        type=kind,  # type: ignore[arg-type]
        sequence=index,
        channel=events_pb2.Channel(**conversation.channel),
    )
    if turn is not None:
        event.role = ROLES[turn.role]
        event.text = turn.text
    event.sent_at.GetCurrentTime()
    return event


async def replay(
    platform: PlatformClient, conversation: SampleConversation, timeout: float
) -> ConversationOutcome:
    """Send the turns in order; after each help-seeker message wait for its suggestion, as a
    counselor would before answering."""
    outcome = ConversationOutcome(conversation)
    await platform.send_chat(chat_event(conversation, 0, events_pb2.CHAT_EVENT_TYPE_CONVERSATION_STARTED))
    for index, turn in enumerate(conversation.turns, start=1):
        event = chat_event(conversation, index, events_pb2.CHAT_EVENT_TYPE_MESSAGE, turn)
        started = time.perf_counter()
        await platform.send_chat(event)
        result = TurnOutcome(event.event_id, turn.role, turn.text)
        if turn.role == "help_seeker":
            try:
                result.delivery = await platform.wait_for(event.event_id, timeout)
            except TimeoutError:
                outcome.turns.append(result)
                break  # the pipeline is stuck; the demo reports it and fails
            result.latency_ms = (result.delivery.received_at - started) * 1000
        outcome.turns.append(result)
    last = len(conversation.turns) + 1
    await platform.send_chat(chat_event(conversation, last, events_pb2.CHAT_EVENT_TYPE_CONVERSATION_ENDED))
    return outcome
