"""An idle conversation's placeholder map is deleted after its time to live, on the real pipeline
(a stack of its own with a time to live of one second)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from care import topics
from care.embedded.platform import PlatformClient
from care.embedded.stack import EmbeddedStack, StackOptions
from care.v1 import events_pb2
from tests.integration.fixtures import HS, PII, Message, chat_event

pytestmark = pytest.mark.integration

TIMEOUT = 60.0


@pytest.fixture(scope="module")
async def short_ttl_platform(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[PlatformClient]:
    workdir: Path = tmp_path_factory.mktemp("ttl-stack")
    options = StackOptions(
        workdir=workdir,
        partitions=2,
        num_candidates=1,
        extra_env={"CARE_DEID_MAP_TTL_SECONDS": "1", "CARE_DEID_MAP_SWEEP_SECONDS": "0.2"},
    )
    async with EmbeddedStack(options) as stack:
        watched = (topics.SUGGESTIONS.name, topics.CHAT_DEIDENTIFIED.name, topics.PLACEHOLDERS_CHANGELOG.name)
        async with PlatformClient(stack.settings, watch=watched) as client:
            yield client


async def test_an_idle_conversation_is_ended_and_its_map_deleted(short_ttl_platform: PlatformClient) -> None:
    platform = short_ttl_platform
    conversation_id = "ttl-1"
    event = chat_event(conversation_id, 1, Message(HS, f"המספר שלי {PII['phone_he']}"))
    await platform.send_chat(event)
    await platform.wait_for(event.event_id, TIMEOUT)
    changelog = topics.PLACEHOLDERS_CHANGELOG.name
    await platform.wait_until(lambda: platform.tombstoned(changelog, conversation_id), TIMEOUT)

    def ended_by_ttl() -> bool:
        events = [
            events_pb2.PipelineEvent.FromString(value).event
            for key, value in platform.records.get(topics.CHAT_DEIDENTIFIED.name, [])
            if key == conversation_id
        ]
        return any(
            e.type == events_pb2.CHAT_EVENT_TYPE_CONVERSATION_ENDED and e.end_reason == "ttl" for e in events
        )

    # The end travels on, so every stage drops the conversation's state.
    await platform.wait_until(ended_by_ttl, TIMEOUT)
