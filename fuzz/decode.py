"""Event decoding: Kafka record bytes -> ChatEvent / PipelineEvent, then validation.

Every rejection must be a ``DecodeError`` with a known code and a detail that quotes nothing of the
payload; any other exception is a crash. What passes validation must be processable: known type
and role, clean ids, the record key equal to the conversation id.

    python -m fuzz.decode -runs=20000
"""

from __future__ import annotations

import sys

import atheris  # type: ignore[import-untyped]

from fuzz.common import Seed, consume_text, main

with atheris.instrument_imports(include=["care"]):
    from care.streaming.codec import MAX_PAYLOAD_BYTES, DecodeError, decode, validate_chat_event
    from care.v1 import events_pb2

DECODE_CODES = frozenset({"empty_payload", "oversized", "bad_protobuf"})
VALIDATE_CODES = frozenset({"missing_field", "invalid_field", "missing_key", "key_mismatch", "empty_text"})
# How the payload is made: raw fuzzed bytes; a ChatEvent or PipelineEvent built from fuzzed fields
# (with fuzzed bytes after it); a fuzzed unit repeated up to and past the size limit; no value.
RAW, CHAT, PIPELINE, REPEATED, NONE = range(5)
# The record key: none, fuzzed bytes, or the event's own conversation id.
KEY_NONE, KEY_BYTES, KEY_CONVERSATION = range(3)
MAX_RAW = 4096


def consume_chat(fdp: atheris.FuzzedDataProvider) -> events_pb2.ChatEvent:
    event = events_pb2.ChatEvent(
        event_id=consume_text(fdp), conversation_id=consume_text(fdp), text=consume_text(fdp)
    )
    event.type = fdp.ConsumeIntInRange(0, 5)  # 4, 5: unknown
    event.role = fdp.ConsumeIntInRange(0, 4)  # 3, 4: unknown
    return event


def rejected(error: DecodeError, codes: frozenset[str]) -> None:
    if error.code not in codes:
        raise AssertionError(f"unknown code {error.code!r}")
    if not error.detail or not error.detail.isascii() or not error.detail.isprintable():
        # Details name fields and limits only: anything else would be the payload's text leaking
        # to the dead-letter topic (fuzzed texts are mostly not ASCII, so a quote shows here).
        raise AssertionError("a detail that is empty or not plain ASCII")


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    shape = fdp.ConsumeIntInRange(0, 4)
    key_mode = fdp.ConsumeIntInRange(0, 2)
    message_type: type[events_pb2.ChatEvent] | type[events_pb2.PipelineEvent] = events_pb2.ChatEvent
    payload: bytes | None
    if shape == CHAT:
        payload = consume_chat(fdp).SerializeToString()
    elif shape == PIPELINE:
        message_type = events_pb2.PipelineEvent
        routed = events_pb2.PipelineEvent(event=consume_chat(fdp))
        routed.route.name = consume_text(fdp)
        payload = routed.SerializeToString()
    elif shape == REPEATED:
        unit = fdp.ConsumeBytes(fdp.ConsumeIntInRange(1, 64)) or b"\x0a"
        count = fdp.ConsumeIntInRange(0, MAX_PAYLOAD_BYTES // len(unit) + 2)
        payload = unit * count
    elif shape == NONE:
        payload = None
    else:
        payload = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, MAX_RAW))
    if payload is not None and shape != REPEATED:
        payload += fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 64))
    key_bytes = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 64))
    if fdp.ConsumeBool():
        message_type = events_pb2.PipelineEvent

    try:
        message = decode(payload, message_type)
    except DecodeError as error:
        rejected(error, DECODE_CODES)
        return
    if payload is None or len(payload) > MAX_PAYLOAD_BYTES:
        raise AssertionError("an empty or oversized payload decoded")
    chat = message.event if isinstance(message, events_pb2.PipelineEvent) else message
    key = {
        KEY_NONE: None,
        KEY_BYTES: key_bytes,
        KEY_CONVERSATION: chat.conversation_id.encode("utf-8"),
    }[key_mode]
    try:
        validate_chat_event(chat, key)
    except DecodeError as error:
        rejected(error, VALIDATE_CODES)
        return
    if not (chat.event_id and chat.conversation_id and key is not None):
        raise AssertionError("an event without ids or key passed")
    if key.decode("utf-8") != chat.conversation_id:
        raise AssertionError("the key is not the conversation id")
    if chat.type not in (1, 2, 3):
        raise AssertionError("an unknown event type passed")
    if chat.type == events_pb2.CHAT_EVENT_TYPE_MESSAGE and (chat.role not in (1, 2) or not chat.text.strip()):
        raise AssertionError("a message without a known role or text passed")


def seeds() -> list[bytes]:
    def chat(
        shape: int, key_mode: int, event_id: str, conversation: str, text: str, kind: int, role: int
    ) -> bytes:
        seed = Seed().number(shape, 4).number(key_mode, 2)
        seed.text(event_id).text(conversation).text(text).number(kind, 5).number(role, 4)
        if shape == PIPELINE:
            seed.text("he")
        return seed.number(0, 64).number(0, 64).number(0, 1).build()

    valid = events_pb2.ChatEvent(event_id="e1", conversation_id="c1", text="שלום, אני צריכה עזרה")
    valid.type = events_pb2.CHAT_EVENT_TYPE_MESSAGE
    valid.role = events_pb2.ROLE_HELP_SEEKER
    raw = valid.SerializeToString()
    return [
        chat(CHAT, KEY_CONVERSATION, "e1", "c1", "שלום, אני צריכה עזרה", 1, 1),
        chat(CHAT, KEY_CONVERSATION, "e2", "c-7", "مرحبا، اسمي سمير", 1, 2),
        chat(PIPELINE, KEY_CONVERSATION, "e3", "c1", "mar7aba ana 3aref", 1, 1),
        chat(CHAT, KEY_CONVERSATION, "e4", "c1", "", 2, 0),
        chat(CHAT, KEY_CONVERSATION, "e\u202e5", "c1", "hi", 1, 1),
        chat(CHAT, KEY_BYTES, "e6", "c2", "  \u200b ", 1, 1),
        chat(CHAT, KEY_NONE, "e7", "c3", "text", 3, 0),
        Seed()
        .number(RAW, 4)
        .number(KEY_BYTES, 2)
        .number(len(raw), MAX_RAW)
        .data(raw)
        .number(0, 64)
        .number(2, 64)
        .data(b"c1")
        .number(0, 1)
        .build(),
        Seed().number(RAW, 4).number(KEY_BYTES, 2).number(4, MAX_RAW).data(b"\x0a\xff\xfe\xfd").build(),
        Seed()
        .number(REPEATED, 4)
        .number(KEY_NONE, 2)
        .number(1, 64, 1)
        .data(b"\x0a")
        .number(9000, 262146)
        .build(),
        Seed()
        .number(REPEATED, 4)
        .number(KEY_NONE, 2)
        .number(2, 64, 1)
        .data(b"\x08\x01")
        .number(131073, 131074)
        .build(),
        Seed().number(NONE, 4).build(),
    ]


if __name__ == "__main__":
    main("decode", test_one_input, seeds())
    sys.exit(0)
