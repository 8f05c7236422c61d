"""deid's faust shell: de-identify inbound chat events, and restore suggestions for display.

Raw text exists only on care.chat.inbound, in this stage and in its placeholder table, where every
map is sealed with AES-GCM. Fails closed: an event that cannot be de-identified in time becomes a
dead letter and does not travel on; a help-seeker message gets a NO_SUGGESTION so that the counselor
knows no suggestion is coming. A conversation idle for longer than its time to live is ended here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import faust
from opentelemetry import trace

from care import metrics, topics
from care.assembler.suggestion import no_suggestion
from care.config import Settings
from care.deid.core import DeidentificationError, PlaceholderState, deidentify, restore
from care.deid.detectors import DEFAULT_DETECTORS, configured_detectors
from care.deid.vault import PlaceholderVault, VaultError, expired, new_key, parse_keys
from care.logging import get_logger
from care.streaming.codec import decode, validate_chat_event
from care.v1 import events_pb2, state_pb2
from care.worker.app import raw_table, raw_topic
from care.worker.shell import StageError, register_stage_agent, send

log = get_logger(__name__)

STAGE = "deid"
RESTORE_STAGE = "restore"
FAILED_REASON = "This message could not be de-identified safely, so no suggestion is made for it."


def now_ms() -> int:
    return int(time.time() * 1000)


def open_state(vault: PlaceholderVault, conversation_id: str, blob: bytes | None) -> PlaceholderState:
    if not blob:
        return PlaceholderState.empty()
    try:
        stored = state_pb2.PlaceholderMap.FromString(vault.open(conversation_id, blob).plaintext)
    except VaultError as error:
        # Privacy holds either way: numbering restarts and old placeholders stay unrestored.
        log.error(
            "placeholder map unreadable; starting a new one",
            extra={"fields": {"conversation_id": conversation_id, "reason": str(error)}},
        )
        return PlaceholderState.empty()
    return PlaceholderState(dict(stored.values), dict(stored.next_index))


def seal_state(vault: PlaceholderVault, conversation_id: str, state: PlaceholderState) -> bytes:
    plaintext = state_pb2.PlaceholderMap(values=dict(state.values), next_index=dict(state.next_index))
    return vault.seal(conversation_id, plaintext.SerializeToString(), now_ms())


def deidentified_event(
    chat: events_pb2.ChatEvent,
    placeholders: PlaceholderState,
    detectors: Sequence[Any] = DEFAULT_DETECTORS,
) -> tuple[events_pb2.PipelineEvent, PlaceholderState]:
    out = events_pb2.PipelineEvent()
    out.event.CopyFrom(chat)
    out.received_at.GetCurrentTime()
    if chat.type != events_pb2.CHAT_EVENT_TYPE_MESSAGE:
        return out, placeholders
    result = deidentify(chat.text, placeholders, detectors)
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


async def deidentify_within(
    chat: events_pb2.ChatEvent,
    placeholders: PlaceholderState,
    detectors: Sequence[Any],
    timeout_seconds: float,
) -> tuple[events_pb2.PipelineEvent, PlaceholderState]:
    """De-identify in a worker thread, so that a pathological message cannot hold the partition
    past the limit; a timeout is a DeidentificationError like any other failure."""
    try:
        return await asyncio.wait_for(
            asyncio.to_thread(deidentified_event, chat, placeholders, detectors), timeout_seconds
        )
    except TimeoutError:
        raise DeidentificationError("deid_timeout", f"over {timeout_seconds} s") from None


def failed_message_suggestion(chat: events_pb2.ChatEvent) -> events_pb2.Suggestion:
    """NO_SUGGESTION for a message deid could not process; carries ids only, never the text."""
    stub = events_pb2.PipelineEvent()
    stub.event.event_id = chat.event_id
    stub.event.conversation_id = chat.conversation_id
    if chat.HasField("sent_at"):
        stub.event.sent_at.CopyFrom(chat.sent_at)
    return no_suggestion(stub, 0, FAILED_REASON)


def record_published(suggestion: events_pb2.Suggestion) -> None:
    """Metrics of a suggestion just published on care.suggestions: its status and, when complete,
    the end-to-end latency from the chat event's sent_at (the SLO). A SUPERSEDED one is counted
    but not timed: nobody waits for it, its successor is what the counselor waits for."""
    if not suggestion.complete:
        return
    metrics.record_suggestion(suggestion.route, suggestion.status)
    if suggestion.HasField("event_sent_at") and suggestion.status != events_pb2.SUGGESTION_STATUS_SUPERSEDED:
        metrics.observe_end_to_end(time.time() - suggestion.event_sent_at.ToMilliseconds() / 1000)


def expiry_event(conversation_id: str, updated_at_ms: int) -> events_pb2.ChatEvent:
    event = events_pb2.ChatEvent(
        event_id=f"{conversation_id}/expired/{updated_at_ms}",
        conversation_id=conversation_id,
        type=events_pb2.CHAT_EVENT_TYPE_CONVERSATION_ENDED,
        end_reason="ttl",
    )
    event.sent_at.GetCurrentTime()
    return event


def build_vault(settings: Settings) -> PlaceholderVault:
    configured = settings.deid_map_keys.get_secret_value()
    if not configured and settings.is_embedded:
        log.warning("no CARE_DEID_MAP_KEYS: sealing placeholder maps with a key that dies with this process")
        configured = new_key()
    return PlaceholderVault(parse_keys(configured))


def register(app: faust.App, settings: Settings) -> None:
    partitions = settings.topic_partitions
    inbound = raw_topic(app, topics.CHAT_INBOUND, partitions)
    deidentified = raw_topic(app, topics.CHAT_DEIDENTIFIED, partitions)
    internal = raw_topic(app, topics.SUGGESTIONS_INTERNAL, partitions)
    shown = raw_topic(app, topics.SUGGESTIONS, partitions)
    deadletter = raw_topic(app, topics.DEADLETTER, partitions)
    placeholder_maps = raw_table(app, "deid-placeholders", topics.PLACEHOLDERS_CHANGELOG, partitions)
    vault = build_vault(settings)
    detectors = configured_detectors(settings)
    expiring: set[bytes] = set()  # conversations whose expiry event is on its way

    async def handle_inbound(event: Any) -> None:
        started = time.perf_counter()
        chat = decode(event.value, events_pb2.ChatEvent)
        validate_chat_event(chat, event.key)
        # Ids only: the trace of a chat event is found by its id, never by its text.
        trace.get_current_span().set_attribute("care.event_id", chat.event_id)
        conversation_id = chat.conversation_id
        key = conversation_id.encode("utf-8")
        blob = placeholder_maps.get(key)
        previous = open_state(vault, conversation_id, blob)
        try:
            out, placeholders = await deidentify_within(
                chat, previous, detectors, settings.deid_timeout_seconds
            )
        except DeidentificationError as error:
            if chat.role == events_pb2.ROLE_HELP_SEEKER:
                notice = failed_message_suggestion(chat)
                await send(shown, conversation_id, notice)
                record_published(notice)
            raise StageError(error.code, "the message could not be de-identified") from None
        if chat.type == events_pb2.CHAT_EVENT_TYPE_CONVERSATION_ENDED:
            # The map holds the conversation's PII: it goes with the conversation.
            placeholder_maps.pop(key, None)
            expiring.discard(key)
        elif placeholders.values:
            # Sealed again on every message, so that its age measures the conversation's inactivity.
            placeholder_maps[key] = seal_state(vault, conversation_id, placeholders)
        out.timings.deid_ms = (time.perf_counter() - started) * 1000
        await send(deidentified, conversation_id, out)

    async def handle_internal(event: Any) -> None:
        started = time.perf_counter()
        suggestion = decode(event.value, events_pb2.Suggestion)
        key = suggestion.conversation_id.encode("utf-8")
        placeholders = open_state(vault, suggestion.conversation_id, placeholder_maps.get(key))
        out = restored_suggestion(suggestion, placeholders)
        out.timings.restore_ms = (time.perf_counter() - started) * 1000
        if out.HasField("event_sent_at"):
            out.timings.end_to_end_ms = max(0.0, time.time() * 1000 - out.event_sent_at.ToMilliseconds())
        await send(shown, out.conversation_id, out)
        record_published(out)

    @app.timer(interval=settings.deid_map_sweep_seconds)
    async def expire_idle_conversations() -> None:
        now = now_ms()
        for key, blob in list(placeholder_maps.items()):
            if key in expiring:
                continue
            try:
                updated_at = PlaceholderVault.updated_at_ms(blob)
            except VaultError:
                updated_at = 0  # unreadable: expire it
            if expired(updated_at, now, settings.deid_map_ttl_seconds):
                # Tables change only inside stream iteration, so the end goes through the stream;
                # every stage then drops the conversation's state.
                conversation_id = key.decode("utf-8")
                await send(inbound, conversation_id, expiry_event(conversation_id, updated_at))
                expiring.add(key)

    register_stage_agent(app, STAGE, inbound, deadletter, handle_inbound)
    register_stage_agent(app, RESTORE_STAGE, internal, deadletter, handle_internal)
