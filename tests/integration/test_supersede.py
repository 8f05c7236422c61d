"""Supersede in the real pipeline: a newer help-seeker message or a counselor reply arriving while a
generation is in flight cancels it at the model server and publishes it as SUPERSEDED."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from care.embedded.platform import PlatformClient
from care.embedded.stack import EmbeddedStack
from care.v1 import events_pb2
from tests.integration.fixtures import CO, HS, Message, chat_event, standin_control

pytestmark = pytest.mark.integration

TIMEOUT = 60.0
# Long enough that the next message always arrives while the first generation is running, well
# inside the 8 s suggestion deadline.
SLOW_FIRST_TOKEN_MS = 4000.0
# The first message is in flight at the model well before this (the pipeline takes ~50 ms).
GAP_S = 1.0


@pytest.fixture
async def slow_model(stack: EmbeddedStack) -> AsyncIterator[None]:
    await standin_control(stack, "POST", "latency", {"time_to_first_token_ms": SLOW_FIRST_TOKEN_MS})
    try:
        yield
    finally:
        await standin_control(stack, "POST", "latency", {"time_to_first_token_ms": 0.0})


async def test_a_newer_message_supersedes_the_generation_in_flight(
    stack: EmbeddedStack, platform: PlatformClient, slow_model: None
) -> None:
    conversation_id = "it-sup-1"
    cancelled_before = (await standin_control(stack, "GET", "stats"))["cancelled"]
    first = chat_event(conversation_id, 1, Message(HS, "אני לא מצליחה להירדם"))
    second = chat_event(conversation_id, 2, Message(HS, "וגם לא לאכול כבר יומיים"))
    await platform.send_chat(first)
    await asyncio.sleep(GAP_S)
    # The first generation is already waiting out its slow first token (the stand-in reads the
    # latency when a request starts); the new one must answer well inside the per-attempt timeout.
    await standin_control(stack, "POST", "latency", {"time_to_first_token_ms": 0.0})
    await platform.send_chat(second)
    old = (await platform.wait_for(first.event_id, TIMEOUT)).suggestion
    new = (await platform.wait_for(second.event_id, TIMEOUT)).suggestion
    assert old.status == events_pb2.SUGGESTION_STATUS_SUPERSEDED
    assert not old.candidates
    assert old.status_reason
    assert new.status == events_pb2.SUGGESTION_STATUS_OK
    assert new.history_turns == 2, "the new generation sees both messages"
    # The cancel reached the model server: it saw its HTTP streams closed and stopped generating.
    stats = await standin_control(stack, "GET", "stats")
    assert stats["cancelled"] > cancelled_before


async def test_a_counselor_reply_supersedes_the_generation_in_flight(
    stack: EmbeddedStack, platform: PlatformClient, slow_model: None
) -> None:
    conversation_id = "it-sup-2"
    asked = chat_event(conversation_id, 1, Message(HS, "אני לבד הערב"))
    await platform.send_chat(asked)
    await asyncio.sleep(GAP_S)
    await platform.send_chat(chat_event(conversation_id, 2, Message(CO, "אני כאן איתך")))
    old = (await platform.wait_for(asked.event_id, TIMEOUT)).suggestion
    assert old.status == events_pb2.SUGGESTION_STATUS_SUPERSEDED
