"""End to end over real protocols: every help-seeker message gets exactly one suggestion, keyed by
its conversation and in order; no topic after deid carries the fictional PII; bad input becomes a
dead letter with a reason; history survives a worker killed with SIGKILL."""

from __future__ import annotations

import asyncio
import re

import aiohttp
import pytest

from care import topics
from care.deid.agent import FAILED_REASON
from care.embedded.platform import PlatformClient
from care.embedded.stack import EmbeddedStack
from care.v1 import events_pb2
from tests.integration.fixtures import ARABIC, ARABIZI, HEBREW, HS, PII, RUSSIAN, Message, chat_event

pytestmark = pytest.mark.integration

TIMEOUT = 60.0
CONVERSATIONS = {
    "it-he-1": HEBREW,
    "it-ar-1": ARABIC,
    "it-ru-1": RUSSIAN,
    "it-he-2": HEBREW,
    "it-ar-2": ARABIC,
    "it-az-1": ARABIZI,
}


async def replay_burst(
    platform: PlatformClient, conversation_id: str, messages: tuple[Message, ...]
) -> list[str]:
    """Send a whole conversation without waiting, as a help-seeker typing fast would."""
    await platform.send_chat(
        chat_event(conversation_id, 0, kind=events_pb2.CHAT_EVENT_TYPE_CONVERSATION_STARTED)
    )
    asked = []
    for index, message in enumerate(messages, start=1):
        event = chat_event(conversation_id, index, message)
        await platform.send_chat(event)
        if message.role == HS:
            asked.append(event.event_id)
    return asked


@pytest.fixture(scope="module")
async def replayed(platform: PlatformClient) -> dict[str, list[str]]:
    asked = await asyncio.gather(*(replay_burst(platform, c, m) for c, m in CONVERSATIONS.items()))
    by_conversation = dict(zip(CONVERSATIONS, asked, strict=True))
    for event_ids in by_conversation.values():
        for event_id in event_ids:
            await platform.wait_for(event_id, TIMEOUT)
    return by_conversation


def answered(platform: PlatformClient, event_ids: list[str]) -> list[events_pb2.Suggestion]:
    """The suggestions of a burst that were generated. A message that a newer one in the same
    burst overtook may be SUPERSEDED (timing decides), but never the burst's last message."""
    suggestions = [platform.deliveries[event_id].suggestion for event_id in event_ids]
    for suggestion in suggestions[:-1]:
        if suggestion.status == events_pb2.SUGGESTION_STATUS_SUPERSEDED:
            assert not suggestion.candidates
            assert suggestion.status_reason
    assert suggestions[-1].status != events_pb2.SUGGESTION_STATUS_SUPERSEDED
    return [s for s in suggestions if s.status != events_pb2.SUGGESTION_STATUS_SUPERSEDED]


def suggestion_records(platform: PlatformClient) -> list[tuple[str, events_pb2.Suggestion]]:
    return [(k, events_pb2.Suggestion.FromString(v)) for k, v in platform.records[topics.SUGGESTIONS.name]]


async def test_every_help_seeker_message_gets_exactly_one_suggestion(
    platform: PlatformClient, replayed: dict[str, list[str]]
) -> None:
    await asyncio.sleep(1.0)  # give a duplicate, if any, time to arrive
    records = suggestion_records(platform)
    for conversation_id, asked in replayed.items():
        published = [s.event_id for key, s in records if s.conversation_id == conversation_id]
        assert published == asked, "one suggestion per help-seeker message, in conversation order"
        assert all(key == conversation_id for key, s in records if s.conversation_id == conversation_id)


async def test_hebrew_and_arabic_get_model_suggestions_in_their_language(
    platform: PlatformClient, replayed: dict[str, list[str]]
) -> None:
    scripts = {"he": re.compile(r"[\u05d0-\u05ea]"), "ar": re.compile(r"[\u0620-\u064a]")}
    for conversation_id in ("it-he-1", "it-ar-1"):
        for suggestion in answered(platform, replayed[conversation_id]):
            event_id = suggestion.event_id
            assert suggestion.status == events_pb2.SUGGESTION_STATUS_OK
            assert suggestion.route == conversation_id[3:5]
            assert len(suggestion.candidates) == 2
            assert len({c.strategy for c in suggestion.candidates}) == 2
            for candidate in suggestion.candidates:
                assert scripts[suggestion.route].search(candidate.text)
            assert suggestion.suggestion_id == f"{event_id}/suggestion"
            assert suggestion.timings.end_to_end_ms > 0
            assert suggestion.prompt_tokens > 0
            assert suggestion.prefix_tokens < suggestion.prompt_tokens


async def test_the_prompt_is_built_from_the_complete_history(
    platform: PlatformClient, replayed: dict[str, list[str]]
) -> None:
    for conversation_id in ("it-he-1", "it-ar-1"):
        messages = CONVERSATIONS[conversation_id]
        for event_id in replayed[conversation_id]:
            index = int(event_id.rsplit("-", 1)[1])  # turns up to and including this one
            assert platform.deliveries[event_id].suggestion.history_turns == index
        assert index <= len(messages)


async def test_unsupported_language_gets_no_suggestion_with_a_reason(
    platform: PlatformClient, replayed: dict[str, list[str]]
) -> None:
    for event_id in replayed["it-ru-1"]:
        suggestion = platform.deliveries[event_id].suggestion
        assert suggestion.status == events_pb2.SUGGESTION_STATUS_NO_SUGGESTION
        assert suggestion.route == "unsupported"
        assert "Russian" in suggestion.status_reason
        assert not suggestion.candidates


async def test_arabizi_is_routed_to_the_arabic_model(
    platform: PlatformClient, replayed: dict[str, list[str]]
) -> None:
    for suggestion in answered(platform, replayed["it-az-1"]):
        assert suggestion.route == "ar"
        assert suggestion.status == events_pb2.SUGGESTION_STATUS_OK
        assert all(re.search("[\u0620-\u064a]", c.text) for c in suggestion.candidates)


def _forms(value: str) -> set[bytes]:
    digits = "".join(str(int(ch)) for ch in value if ch.isdigit())
    return {value.encode(), digits.encode()} if len(digits) >= 7 else {value.encode()}


async def test_no_topic_after_deid_carries_the_fictional_pii(
    platform: PlatformClient, replayed: dict[str, list[str]]
) -> None:
    after_deid = [t for t in topics.ALL_TOPICS if not t.carries_raw_text]
    assert {t.name for t in after_deid} >= {
        "care.chat.deidentified",
        "care.chat.routed",
        "care.suggestions.internal",
    }
    seen = 0
    for spec in after_deid:
        for _, value in platform.records.get(spec.name, []):
            seen += 1
            for kind, secret in PII.items():
                for form in _forms(secret):
                    assert form not in value, f"the fictional {kind} reached {spec.name}"
    assert seen > 0
    routed = [events_pb2.PipelineEvent.FromString(v) for _, v in platform.records[topics.CHAT_ROUTED.name]]
    redacted = {r.entity_type for e in routed for r in e.redactions}
    assert {"PHONE", "EMAIL", "NATIONAL_ID"} <= redacted


async def test_malformed_events_go_to_the_dead_letter_topic_with_a_reason(
    platform: PlatformClient, replayed: dict[str, list[str]]
) -> None:
    good = chat_event("it-bad-1", 1, Message(HS, "טקסט תקין"))
    no_text = chat_event("it-bad-1", 2, Message(HS, ""))
    no_role = chat_event("it-bad-1", 3, Message(HS, "x"))
    no_role.role = events_pb2.ROLE_UNSPECIFIED
    bad = [
        ("it-bad-1", b"\xff\xff\xff\xff"),  # not protobuf
        ("it-bad-1", b"\x2a\x02\xc3\x28"),  # text field holding invalid UTF-8
        ("it-bad-1", no_text.SerializeToString()),
        ("it-bad-1", no_role.SerializeToString()),
        ("another-key", good.SerializeToString()),  # key is not the conversation id
    ]
    before = len(platform.records.get(topics.DEADLETTER.name, []))
    for key, value in bad:
        await platform.send(topics.CHAT_INBOUND.name, key, value)
    records = await platform.wait_for_records(topics.DEADLETTER.name, before + len(bad), TIMEOUT)
    letters = [events_pb2.DeadLetter.FromString(v) for _, v in records[before:]]
    assert sorted(letter.error_code for letter in letters) == sorted(
        ["bad_protobuf", "bad_protobuf", "empty_text", "missing_field", "key_mismatch"]
    )
    for letter in letters:
        assert letter.source_topic == topics.CHAT_INBOUND.name
        assert letter.stage == "deid"
        assert letter.error_detail
        assert len(letter.payload_sha256) == 64
        assert "טקסט".encode() not in letter.SerializeToString()


async def test_history_survives_a_worker_killed_with_sigkill(
    stack: EmbeddedStack, platform: PlatformClient, replayed: dict[str, list[str]]
) -> None:
    conversation_id = "it-he-1"
    turns_before = len(CONVERSATIONS[conversation_id])
    await stack.restart_worker(kill=True)
    event = chat_event(conversation_id, turns_before + 1, Message(HS, "אני עדיין כאן"))
    await platform.send_chat(event)
    suggestion = (await platform.wait_for(event.event_id, TIMEOUT)).suggestion
    assert suggestion.status == events_pb2.SUGGESTION_STATUS_OK
    assert suggestion.history_turns == turns_before + 1, "the history table was recovered from its changelog"


async def test_the_model_server_never_receives_the_fictional_pii(
    stack: EmbeddedStack, platform: PlatformClient, replayed: dict[str, list[str]]
) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{stack.standin_url}/_standin/requests") as response,
    ):
        bodies = (await response.json())["requests"]
    assert bodies, "the stand-in recorded the model requests"
    seen = "\n".join(bodies).encode()
    assert b"[PHONE_1]" in seen, "placeholders reach the model instead"
    for kind, secret in PII.items():
        for form in _forms(secret):
            assert form not in seen, f"the fictional {kind} reached the model server"


async def test_no_process_log_carries_message_text_or_pii(
    stack: EmbeddedStack, platform: PlatformClient, replayed: dict[str, list[str]]
) -> None:
    logs = b"".join(path.read_bytes() for path in stack.options.workdir.glob("*.log"))
    assert logs, "the processes wrote logs"
    for kind, secret in PII.items():
        for form in _forms(secret):
            assert form not in logs, f"the fictional {kind} appears in a log"
    for messages in CONVERSATIONS.values():
        for message in messages:
            assert message.text.encode() not in logs


async def test_a_message_that_cannot_be_deidentified_fails_closed(
    platform: PlatformClient, replayed: dict[str, list[str]]
) -> None:
    too_long = chat_event("it-fail-1", 1, Message(HS, f"הטלפון שלי {PII['phone_he']} " + "מילה " * 2000))
    before = len(platform.records.get(topics.DEADLETTER.name, []))
    await platform.send_chat(too_long)
    suggestion = (await platform.wait_for(too_long.event_id, TIMEOUT)).suggestion
    assert suggestion.status == events_pb2.SUGGESTION_STATUS_NO_SUGGESTION
    assert suggestion.status_reason == FAILED_REASON
    records = await platform.wait_for_records(topics.DEADLETTER.name, before + 1, TIMEOUT)
    letter = events_pb2.DeadLetter.FromString(records[before][1])
    assert (letter.error_code, letter.stage) == ("text_too_long", "deid")
    routed = [
        events_pb2.PipelineEvent.FromString(v) for _, v in platform.records.get(topics.CHAT_ROUTED.name, [])
    ]
    assert too_long.event_id not in {e.event.event_id for e in routed}, "the message did not travel on"


async def test_the_placeholder_map_is_deleted_when_the_conversation_ends(
    platform: PlatformClient, replayed: dict[str, list[str]]
) -> None:
    conversation_id = "it-ar-2"
    changelog = topics.PLACEHOLDERS_CHANGELOG.name
    assert any(key == conversation_id and value for key, value in platform.records.get(changelog, []))
    await platform.send_chat(
        chat_event(conversation_id, 99, kind=events_pb2.CHAT_EVENT_TYPE_CONVERSATION_ENDED)
    )
    await platform.wait_until(lambda: platform.tombstoned(changelog, conversation_id), TIMEOUT)
