import pytest

from care.streaming.codec import MAX_PAYLOAD_BYTES, DecodeError, decode, key_text, validate_chat_event
from care.streaming.deadletter import RecordRef, build_dead_letter
from care.v1 import events_pb2

SECRET = "my number is 050-0000000"


def message(**overrides: object) -> events_pb2.ChatEvent:
    fields: dict[str, object] = {
        "event_id": "e1",
        "conversation_id": "c1",
        "type": events_pb2.CHAT_EVENT_TYPE_MESSAGE,
        "role": events_pb2.ROLE_HELP_SEEKER,
        "text": SECRET,
    }
    fields.update(overrides)
    return events_pb2.ChatEvent(**fields)  # type: ignore[arg-type]


def test_round_trip() -> None:
    payload = message().SerializeToString()
    assert decode(payload, events_pb2.ChatEvent) == message()


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (None, "empty_payload"),
        (b"\xff\xff\xff\xff", "bad_protobuf"),
        (b"x" * (MAX_PAYLOAD_BYTES + 1), "oversized"),
        # field 5 (text), length 2, bytes that are not UTF-8
        (b"\x2a\x02\xc3\x28", "bad_protobuf"),
    ],
)
def test_undecodable_payloads_get_a_code_and_no_content(payload: bytes | None, code: str) -> None:
    with pytest.raises(DecodeError) as raised:
        decode(payload, events_pb2.ChatEvent)
    assert raised.value.code == code
    assert "\\x" not in raised.value.detail


@pytest.mark.parametrize(
    ("event", "key", "code"),
    [
        (message(event_id=""), b"c1", "missing_field"),
        (message(conversation_id=""), None, "missing_field"),
        (message(), b"other", "key_mismatch"),
        (message(type=events_pb2.CHAT_EVENT_TYPE_UNSPECIFIED), b"c1", "missing_field"),
        (message(role=events_pb2.ROLE_UNSPECIFIED), b"c1", "missing_field"),
        (message(text="   "), b"c1", "empty_text"),
        (message(event_id="x" * 500), b"c1", "invalid_field"),
        # Keyless records land on any partition, splitting the conversation's order and state.
        (message(), None, "missing_key"),
        (message(), b"", "missing_key"),
        # Bidi overrides, isolates, zero-width and control characters never belong in an id.
        (message(conversation_id="c1\u202e", event_id="e1"), "c1\u202e".encode(), "invalid_field"),
        (message(event_id="e\u2066 1\u2069"), b"c1", "invalid_field"),
        (message(event_id="e1\u200b"), b"c1", "invalid_field"),
        (message(event_id="e1\n"), b"c1", "invalid_field"),
        (message(conversation_id=" c1"), b" c1", "invalid_field"),
        # Enum values this version does not know (protobuf keeps them as plain numbers).
        (message(type=42), b"c1", "invalid_field"),
        (message(role=7), b"c1", "invalid_field"),
    ],
)
def test_invalid_chat_events_are_rejected(event: events_pb2.ChatEvent, key: bytes | None, code: str) -> None:
    with pytest.raises(DecodeError) as raised:
        validate_chat_event(event, key)
    assert raised.value.code == code
    assert SECRET not in str(raised.value)


def test_ids_in_any_script_are_accepted() -> None:
    validate_chat_event(message(conversation_id="שיחה-17", event_id="محادثة/3"), "שיחה-17".encode())


def test_bidi_controls_in_the_text_are_not_an_error() -> None:
    # Right-to-left keyboards insert marks in numbers; deid's normalisation reads through them.
    validate_chat_event(message(text="\u202e050-1234567\u202c \u200fשלום"), b"c1")


def test_lifecycle_events_need_no_text() -> None:
    validate_chat_event(message(type=events_pb2.CHAT_EVENT_TYPE_CONVERSATION_ENDED, text="", role=0), b"c1")


def test_key_text_survives_bad_bytes() -> None:
    assert key_text(b"\xff") == ""
    assert key_text(None) == ""
    assert key_text("שיחה".encode()) == "שיחה"


def test_dead_letter_carries_location_and_reason_never_the_payload() -> None:
    payload = message().SerializeToString()
    letter = build_dead_letter(RecordRef("care.chat.inbound", 3, 42, "c1", payload), "deid", "bad", "why")
    assert (letter.source_topic, letter.partition, letter.offset) == ("care.chat.inbound", 3, 42)
    assert letter.dead_letter_id == "care.chat.inbound/3/42"
    assert letter.payload_size == len(payload)
    assert len(letter.payload_sha256) == 64
    assert SECRET.encode() not in letter.SerializeToString()
