"""A caller that gives up stops the generation on the model server, not only on our side."""

from collections.abc import AsyncIterator

import httpx
import pytest

from care.config import Settings
from care.standin.server import RunningStandin, StandinConfig, start_standin
from care.v1.events_pb2 import SUGGESTION_STATUS_FALLBACK
from tests.inference.support import HE_PROMPT, RPC_TIMEOUT_S, Control, Served, request, serving

pytestmark = pytest.mark.integration

STREAMS = 3


@pytest.fixture(scope="module")
async def standin() -> AsyncIterator[RunningStandin]:
    running = await start_standin(StandinConfig(port=0))
    yield running
    await running.stop()


@pytest.fixture
async def control(standin: RunningStandin) -> AsyncIterator[Control]:
    async with httpx.AsyncClient() as http:
        control = Control(standin, http)
        await control.reset()
        yield control
        await control.reset()


@pytest.fixture
async def served(standin: RunningStandin) -> AsyncIterator[Served]:
    settings = Settings(backend_url=standin.url, num_candidates=STREAMS, suggestion_deadline_seconds=30.0)
    async with serving(settings) as served:
        yield served


async def test_cancelled_stream_suggest_cancels_the_model_streams(control: Control, served: Served) -> None:
    # Slow enough that no reply can finish while the test looks (a phrase has several tokens).
    await control.latency(ttft_ms=0.0, tpt_ms=2000.0)
    chunks = served.client.stream(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
    first = await anext(chunks)
    assert first.WhichOneof("chunk") == "delta"
    await control.wait_for(lambda stats: stats["in_flight"] == STREAMS)

    # Leaving the iteration cancels the gRPC call (InferenceClient.stream).
    await chunks.aclose()

    stats = await control.wait_for(lambda stats: stats["cancelled"] == STREAMS and stats["in_flight"] == 0)
    assert stats["tokens_generated"] == 0, "no generation ran to its end"
    assert stats["responses"]["/v1/chat/completions"] == {"499": STREAMS}


async def test_suggest_deadline_cancels_the_model_streams(control: Control, served: Served) -> None:
    await control.latency(ttft_ms=0.0, tpt_ms=2000.0)
    response = await served.client.suggest(request("he", HE_PROMPT), timeout=1.0)
    assert response.status == SUGGESTION_STATUS_FALLBACK
    assert "model backend timed out" in response.status_reason

    stats = await control.wait_for(lambda stats: stats["cancelled"] == STREAMS and stats["in_flight"] == 0)
    assert stats["tokens_generated"] == 0
