"""Deadline, retries, circuit breaker and bulkhead, end to end: gRPC -> inference -> TGI stand-in."""

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from care.config import Settings
from care.inference.breaker import BreakerState
from care.standin.server import RunningStandin, StandinConfig, start_standin
from care.v1.events_pb2 import SUGGESTION_STATUS_OK
from tests.inference.support import (
    AR_PROMPT,
    HE_PROMPT,
    RPC_TIMEOUT_S,
    Control,
    assert_fallback,
    assert_model_reply,
    request,
    serving,
)

pytestmark = pytest.mark.integration

# Short backoffs keep the tests quick; the policy's arithmetic is tested in test_resilience.py.
FAST_RETRIES: dict[str, Any] = {
    "backend_retry_base_delay_seconds": 0.01,
    "backend_retry_max_delay_seconds": 0.05,
}


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


def settings_for(standin: RunningStandin, **fields: Any) -> Settings:
    return Settings(backend_url=standin.url, num_candidates=3, **{**FAST_RETRIES, **fields})


# --- deadline ---------------------------------------------------------------------------------------


async def test_slow_backend_gives_fallback_within_the_deadline(
    standin: RunningStandin, control: Control
) -> None:
    await control.latency(ttft_ms=30_000.0)
    async with serving(settings_for(standin, suggestion_deadline_seconds=1.0)) as served:
        started = time.monotonic()
        response = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
        elapsed = time.monotonic() - started
    assert_fallback(response, "he", "model backend timed out")
    # The setting, not the caller's longer deadline, bounds the wait (generously, for a busy machine).
    assert elapsed < RPC_TIMEOUT_S / 2
    assert response.total_ms >= 1000.0


async def test_streamed_suggestion_keeps_the_deadline_too(standin: RunningStandin, control: Control) -> None:
    await control.latency(ttft_ms=30_000.0)
    async with serving(settings_for(standin, suggestion_deadline_seconds=1.0)) as served:
        chunks = [c async for c in served.client.stream(request("ar", AR_PROMPT), timeout=RPC_TIMEOUT_S)]
    assert [chunk.WhichOneof("chunk") for chunk in chunks] == ["final"]
    assert_fallback(chunks[0].final, "ar", "model backend timed out")


async def test_each_attempt_is_bounded_by_the_backend_timeout(
    standin: RunningStandin, control: Control
) -> None:
    # One hung attempt must not use up the whole suggestion deadline.
    await control.faults("timeout")
    settings = settings_for(standin, backend_timeout_seconds=0.5, suggestion_deadline_seconds=20.0)
    async with serving(settings) as served:
        started = time.monotonic()
        response = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
        elapsed = time.monotonic() - started
    assert_fallback(response, "he", "model backend timed out")
    assert elapsed < RPC_TIMEOUT_S / 2


# --- retries ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "kind"), [("503", "unavailable"), ("429", "overloaded")])
async def test_overload_and_unavailability_are_retried_before_the_first_token(
    standin: RunningStandin, control: Control, mode: str, kind: str
) -> None:
    # 503 answers before the stream; TGI's 429 comes as an error event inside it, before any token.
    await control.faults(mode, count=2)
    async with serving(settings_for(standin)) as served:
        response = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
        stats = served.service.stats["he"]
    assert_model_reply(response, "he")
    assert await control.requests() == 3 + 2
    assert stats.retries == {kind: 2}
    assert not stats.failures


async def test_retries_stop_after_the_attempt_limit(standin: RunningStandin, control: Control) -> None:
    await control.faults("503")
    settings = settings_for(standin, backend_max_attempts=2, backend_breaker_failures=100)
    async with serving(settings) as served:
        response = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
        stats = served.service.stats["he"]
    assert_fallback(response, "he", "model backend unavailable (503)")
    assert await control.requests() == 3 * 2
    assert stats.retries == {"unavailable": 3}
    assert stats.failures == {"unavailable": 3}


async def test_errors_after_the_first_token_are_not_retried(
    standin: RunningStandin, control: Control
) -> None:
    await control.faults("500")
    async with serving(settings_for(standin)) as served:
        response = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
        stats = served.service.stats["he"]
    assert_fallback(response, "he", "model backend error (500)")
    assert await control.requests() == 3
    assert not stats.retries


# --- circuit breaker ------------------------------------------------------------------------------


async def test_breaker_opens_after_repeated_failures_then_fails_fast(
    standin: RunningStandin, control: Control
) -> None:
    await control.faults("503")
    settings = settings_for(
        standin, backend_max_attempts=1, backend_breaker_failures=3, backend_breaker_open_seconds=600.0
    )
    async with serving(settings) as served:
        failed = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
        breaker = served.service.breaker("he")
        assert breaker is not None
        assert breaker.state is BreakerState.OPEN
        asked = await control.requests()

        paused = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
        # The other route has a breaker of its own.
        await control.faults("none")
        other = await served.client.suggest(request("ar", AR_PROMPT), timeout=RPC_TIMEOUT_S)
        stats = served.service.stats["he"]

    assert_fallback(failed, "he", "model backend unavailable (503)")
    assert asked == 3
    assert_fallback(paused, "he", "model backend paused after repeated failures")
    assert paused.status_reason == "model backend paused after repeated failures; showing fallback replies"
    assert await control.requests() == asked + 3, "only the other route reached the backend"
    assert_model_reply(other, "ar")
    assert stats.breaker_opened == 1
    assert stats.failures == {"unavailable": 3, "circuit_open": 3}


async def test_breaker_half_opens_and_one_probe_closes_it(standin: RunningStandin, control: Control) -> None:
    await control.faults("503")
    settings = settings_for(
        standin, backend_max_attempts=1, backend_breaker_failures=3, backend_breaker_open_seconds=0.2
    )
    async with serving(settings) as served:
        await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
        breaker = served.service.breaker("he")
        assert breaker is not None
        await control.faults("none")
        # Past the open period on the same monotonic clock the breaker reads: half-open for sure.
        await asyncio.sleep(0.3)
        assert breaker.state is BreakerState.HALF_OPEN

        probing = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
        state_after_probe = breaker.state
        recovered = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)

    # One candidate is the probe; the others are turned away while it is in flight.
    assert probing.status == SUGGESTION_STATUS_OK
    assert probing.status_reason == (
        "2 of 3 replies replaced by fallback replies (model backend paused after repeated failures)"
    )
    assert [c.source for c in probing.candidates] == ["model", "fallback", "fallback"]
    assert state_after_probe is BreakerState.CLOSED
    assert_model_reply(recovered, "he")


# --- bulkhead -------------------------------------------------------------------------------------


async def test_bulkhead_turns_away_candidates_that_get_no_slot_in_time(
    standin: RunningStandin, control: Control
) -> None:
    await control.latency(ttft_ms=30_000.0)
    settings = settings_for(standin, backend_max_in_flight=1, suggestion_deadline_seconds=1.0)
    async with serving(settings) as served:
        response = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
        stats = served.service.stats["he"]
        bulkhead = served.service.bulkhead("he")
    assert_fallback(response, "he", "model backend busy, no capacity in time")
    assert "model backend timed out" in response.status_reason
    # The first candidate held the only slot until the deadline; the others never reached the backend.
    assert await control.requests() == 1
    assert stats.failures == {"timeout": 1, "queue_timeout": 2}
    assert bulkhead is not None
    assert (bulkhead.in_flight, bulkhead.waiting) == (0, 0)


async def test_queue_timeouts_do_not_open_the_breaker(standin: RunningStandin, control: Control) -> None:
    await control.latency(ttft_ms=30_000.0)
    settings = settings_for(
        standin, backend_max_in_flight=1, suggestion_deadline_seconds=0.5, backend_breaker_failures=2
    )
    async with serving(settings) as served:
        await served.client.suggest(request("he", HE_PROMPT, num_candidates=5), timeout=RPC_TIMEOUT_S)
        breaker = served.service.breaker("he")
        assert breaker is not None
        state = breaker.state
        failures = breaker.consecutive_failures
    # Four queue timeouts and one real timeout: only the timeout says anything about the backend.
    assert state is BreakerState.CLOSED
    assert failures == 1
