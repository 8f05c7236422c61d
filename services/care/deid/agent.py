"""deid's faust shell: de-identify inbound chat events, and restore suggestions for display.

Raw text exists only on care.chat.inbound, in this stage and in its placeholder table. Fails
closed: an event that cannot be de-identified becomes a dead letter and does not travel on.
"""

from __future__ import annotations

import time
from typing import Any

import faust

from care import topics
from care.config import Settings
from care.deid.core import PlaceholderState, deidentify, restore
from care.streaming.codec import decode, validate_chat_event
from care.v1 import events_pb2, state_pb2
from care.worker.app import raw_table, raw_topic
from care.worker.shell import register_stage_agent, send

STAGE = "deid"
RESTORE_STAGE = "restore"


def state_from_proto(blob: bytes | None) -> PlaceholderState:
    if not blob:
        return PlaceholderState.empty()
    stored = state_pb2.PlaceholderMap.FromString(blob)
    return PlaceholderState(dict(stored.values), dict(stored.next_index))


def state_to_proto(state: PlaceholderState) -> bytes:
    return state_pb2.PlaceholderMap(
        values=dict(state.values), next_index=dict(state.next_index)
    ).SerializeToString()


def deidentified_event(
    chat: events_pb2.ChatEvent, placeholders: PlaceholderState
) -> tuple[events_pb2.PipelineEvent, PlaceholderState]:
    out = events_pb2.PipelineEvent()
    out.event.CopyFrom(chat)
    out.received_at.GetCurrentTime()
    if chat.type != events_pb2.CHAT_EVENT_TYPE_MESSAGE:
        return out, placeholders
    result = deidentify(chat.text, placeholders)
    out.event.text = result.text
    for entity_type, count in sorted(result.redactions.items()):
        out.redactions.add(entity_type=entity_type, count=count)
    return out, result.state


def restored_suggestion(
    suggestion: events_pb2.Suggestion, placeholders: PlaceholderState
) -> events_pb2.Suggestion:
    shown = events_pb2.Suggestion()
    shown.CopyFrom(suggestion)
    for candidate in shown.candidates:
        # Unknown placeholders stay as they are: the counselor sees "[PHONE_3]", never a wrong value.
        candidate.text = restore(candidate.text, placeholders).text
    return shown


def register(app: faust.App, settings: Settings) -> None:
    partitions = settings.topic_partitions
    inbound = raw_topic(app, topics.CHAT_INBOUND, partitions)
    deidentified = raw_topic(app, topics.CHAT_DEIDENTIFIED, partitions)
    internal = raw_topic(app, topics.SUGGESTIONS_INTERNAL, partitions)
    shown = raw_topic(app, topics.SUGGESTIONS, partitions)
    deadletter = raw_topic(app, topics.DEADLETTER, partitions)
    placeholder_maps = raw_table(app, "deid-placeholders", topics.PLACEHOLDERS_CHANGELOG, partitions)

    async def handle_inbound(event: Any) -> None:
        started = time.perf_counter()
        chat = decode(event.value, events_pb2.ChatEvent)
        validate_chat_event(chat, event.key)
        key = chat.conversation_id.encode("utf-8")
        previous = state_from_proto(placeholder_maps.get(key))
        out, placeholders = deidentified_event(chat, previous)
        if chat.type == events_pb2.CHAT_EVENT_TYPE_CONVERSATION_ENDED:
            # The map holds the conversation's PII: it goes with the conversation.
            placeholder_maps.pop(key, None)
        elif placeholders != previous:
            placeholder_maps[key] = state_to_proto(placeholders)
        out.timings.deid_ms = (time.perf_counter() - started) * 1000
        await send(deidentified, chat.conversation_id, out)

    async def handle_internal(event: Any) -> None:
        started = time.perf_counter()
        suggestion = decode(event.value, events_pb2.Suggestion)
        key = suggestion.conversation_id.encode("utf-8")
        out = restored_suggestion(suggestion, state_from_proto(placeholder_maps.get(key)))
        out.timings.restore_ms = (time.perf_counter() - started) * 1000
        if out.HasField("event_sent_at"):
            out.timings.end_to_end_ms = max(0.0, time.time() * 1000 - out.event_sent_at.ToMilliseconds())
        await send(shown, out.conversation_id, out)

    register_stage_agent(app, STAGE, inbound, deadletter, handle_inbound)
    register_stage_agent(app, RESTORE_STAGE, internal, deadletter, handle_internal)
