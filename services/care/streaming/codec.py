"""Decode and validate Kafka payloads. Every failure is a DecodeError with a stable code and a
detail that never quotes the payload, so that it can go to the dead-letter topic as it is."""

from __future__ import annotations

import unicodedata
from typing import TypeVar

from google.protobuf.message import DecodeError as ProtobufDecodeError
from google.protobuf.message import Message

from care.v1 import events_pb2

M = TypeVar("M", bound=Message)

MAX_PAYLOAD_BYTES = 256 * 1024
MAX_ID_CHARS = 200
# Control, format (bidi overrides and isolates, zero-width characters), surrogate, private-use and
# line/paragraph separator characters: never part of an id; in one they spoof logs and dashboards.
_ID_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_EVENT_TYPES = frozenset(events_pb2.ChatEventType.values())
_ROLES = frozenset(events_pb2.Role.values())


class DecodeError(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def decode(payload: bytes | None, message_type: type[M]) -> M:
    if payload is None:
        raise DecodeError("empty_payload", "record has no value")
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise DecodeError("oversized", f"payload of {len(payload)} bytes exceeds {MAX_PAYLOAD_BYTES}")
    message = message_type()
    try:
        message.ParseFromString(payload)
    except ProtobufDecodeError:
        raise DecodeError("bad_protobuf", f"payload is not a valid {message_type.__name__}") from None
    return message


def key_text(key: bytes | None) -> str:
    """The record key as text, or '' when it is missing or not UTF-8."""
    if not key:
        return ""
    try:
        return key.decode("utf-8")
    except UnicodeDecodeError:
        return ""


def _id_is_clean(value: str) -> bool:
    return value == value.strip() and not any(
        unicodedata.category(ch) in _ID_FORBIDDEN_CATEGORIES for ch in value
    )


def validate_chat_event(event: events_pb2.ChatEvent, key: bytes | None) -> None:
    """Raise DecodeError unless the chat event can be processed."""
    if not event.event_id:
        raise DecodeError("missing_field", "event_id is empty")
    if not event.conversation_id:
        raise DecodeError("missing_field", "conversation_id is empty")
    if len(event.event_id) > MAX_ID_CHARS or len(event.conversation_id) > MAX_ID_CHARS:
        raise DecodeError("invalid_field", f"an id is longer than {MAX_ID_CHARS} characters")
    if not _id_is_clean(event.event_id) or not _id_is_clean(event.conversation_id):
        raise DecodeError("invalid_field", "an id holds control, format (bidi) or separator characters")
    if not key:
        # Keyless records land on any partition: the conversation's order and state would split.
        raise DecodeError("missing_key", "record has no key")
    if key_text(key) != event.conversation_id:
        raise DecodeError("key_mismatch", "record key is not the event's conversation_id")
    if event.type == events_pb2.CHAT_EVENT_TYPE_UNSPECIFIED:
        raise DecodeError("missing_field", "type is unspecified")
    if event.type not in _EVENT_TYPES:
        raise DecodeError("invalid_field", f"unknown event type {int(event.type)}")
    if event.type == events_pb2.CHAT_EVENT_TYPE_MESSAGE:
        if event.role == events_pb2.ROLE_UNSPECIFIED:
            raise DecodeError("missing_field", "a message has no role")
        if event.role not in _ROLES:
            raise DecodeError("invalid_field", f"unknown role {int(event.role)}")
        if not event.text.strip():
            raise DecodeError("empty_text", "a message has no text")
