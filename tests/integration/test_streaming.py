"""Streamed partial suggestions in a pipeline of their own (streaming is a deployment setting):
partials arrive throttled with complete=false, then the complete suggestion with the same id."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest

from care import topics
from care.embedded.platform import PlatformClient
from care.embedded.stack import EmbeddedStack, StackOptions
from care.v1 import events_pb2
from tests.integration.fixtures import HS, Message, chat_event

pytestmark = pytest.mark.integration

INTERVAL_S = 0.1
TIME_PER_TOKEN_MS = 40.0


@pytest.fixture(scope="module")
async def streaming_stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[EmbeddedStack]:
    options = StackOptions(
        workdir=tmp_path_factory.mktemp("streaming"),
        partitions=2,
        num_candidates=2,
        standin_time_per_token_ms=TIME_PER_TOKEN_MS,
        extra_env={"CARE_STREAM_PARTIALS": "true", "CARE_PARTIAL_INTERVAL_SECONDS": str(INTERVAL_S)},
    )
    async with EmbeddedStack(options) as running:
        yield running


async def test_partials_then_the_complete_suggestion(streaming_stack: EmbeddedStack) -> None:
    async with PlatformClient(streaming_stack.settings, watch=(topics.SUGGESTIONS.name,)) as platform:
        event = chat_event("st-1", 1, Message(HS, "אני לא מצליח להפסיק לחשוב על מה שקרה"))
        await platform.send_chat(event)
        final = (await platform.wait_for(event.event_id, 60.0)).suggestion
        records = [
            events_pb2.Suggestion.FromString(value)
            for _, value in platform.records[topics.SUGGESTIONS.name]
            if events_pb2.Suggestion.FromString(value).event_id == event.event_id
        ]
    partials = [s for s in records if not s.complete]
    assert final.complete
    assert final.status == events_pb2.SUGGESTION_STATUS_OK
    assert records[-1] == final, "the complete suggestion comes last"
    assert len(partials) >= 2, "a reply of several tokens at 40 ms each streams in several partials"
    assert all(p.suggestion_id == final.suggestion_id for p in partials)
    # Each partial extends the one before: text only grows.
    for earlier, later in itertools.pairwise(partials):
        grown = {c.index: c.text for c in later.candidates}
        assert all(grown.get(c.index, "").startswith(c.text) for c in earlier.candidates)
    # Throttled: far fewer partials than tokens generated.
    tokens = sum(c.generated_tokens for c in final.candidates)
    assert len(partials) < tokens / 2
