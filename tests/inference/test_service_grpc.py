"""The inference service end to end: gRPC client -> grpc.aio server -> TGI stand-in over HTTP."""

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import grpc
import httpx
import pytest

from care.config import Settings
from care.inference.backend import BackendRegistry, TgiBackend
from care.inference.client import InferenceClient
from care.inference.strategies import STEERING_PREFIX, choose_strategies
from care.standin.server import RunningStandin, StandinConfig, start_standin
from care.v1.events_pb2 import SUGGESTION_STATUS_NO_SUGGESTION, SUGGESTION_STATUS_OK
from care.v1.inference_pb2 import SuggestRequest
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


@dataclass
class Stack:
    standin: RunningStandin
    client: InferenceClient
    control: Control

    async def faults(self, mode: str, rate: float = 1.0, count: int | None = None) -> None:
        await self.control.faults(mode, rate, count)

    async def chat_requests(self) -> int:
        return await self.control.requests()


@pytest.fixture(scope="module")
async def standin() -> AsyncIterator[RunningStandin]:
    running = await start_standin(StandinConfig(port=0))
    yield running
    await running.stop()


@pytest.fixture(scope="module")
async def stack(standin: RunningStandin) -> AsyncIterator[Stack]:
    # The breaker would open on the failures these tests inject on purpose; tests/inference/
    # test_resilience_grpc.py tests it on a stack of its own.
    settings = Settings(
        backend_url=standin.url, backend_timeout_seconds=1.0, num_candidates=3, backend_breaker_failures=1000
    )
    async with httpx.AsyncClient() as http, serving(settings) as served:
        yield Stack(standin=standin, client=served.client, control=Control(standin, http))


@pytest.fixture
async def faults(stack: Stack) -> AsyncIterator[Stack]:
    """The stack, with the stand-in's faults switched off again after the test."""
    yield stack
    await stack.faults("none")


@pytest.mark.parametrize(("route", "prompt"), [("he", HE_PROMPT), ("ar", AR_PROMPT)])
async def test_candidates_in_the_language_of_the_route(
    stack: Stack, route: str, prompt: Sequence[tuple[str, str]]
) -> None:
    response = await stack.client.suggest(request(route, prompt), timeout=RPC_TIMEOUT_S)
    assert_model_reply(response, route)
    assert response.model == "tgi"


async def test_candidate_count_comes_from_the_request(stack: Stack) -> None:
    response = await stack.client.suggest(request("he", HE_PROMPT, num_candidates=5), timeout=RPC_TIMEOUT_S)
    assert_model_reply(response, "he", count=5)


async def test_same_request_same_suggestion(stack: Stack) -> None:
    first = await stack.client.suggest(request("ar", AR_PROMPT), timeout=RPC_TIMEOUT_S)
    again = await stack.client.suggest(request("ar", AR_PROMPT), timeout=RPC_TIMEOUT_S)
    assert [c.text for c in first.candidates] == [c.text for c in again.candidates]


async def test_stream_yields_deltas_then_the_final_response(stack: Stack) -> None:
    chunks = [chunk async for chunk in stack.client.stream(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)]
    *deltas, last = chunks
    assert deltas, "text arrives before the final chunk"
    assert all(chunk.WhichOneof("chunk") == "delta" for chunk in deltas)
    assert last.WhichOneof("chunk") == "final"
    final = last.final
    assert_model_reply(final, "he")
    for candidate in final.candidates:
        streamed = [c.delta for c in deltas if c.delta.candidate_index == candidate.index]
        assert {delta.strategy for delta in streamed} == {candidate.strategy}
        assert "".join(delta.text for delta in streamed).strip() == candidate.text


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("503", "model backend unavailable (503)"),
        ("429", "model backend overloaded (429)"),
        ("424", "model generation failed (424)"),
        ("timeout", "model backend timed out"),
    ],
)
async def test_backend_failure_gives_fallback_then_recovers(faults: Stack, mode: str, reason: str) -> None:
    await faults.faults(mode)
    failed = await faults.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
    assert_fallback(failed, "he", reason)
    assert failed.model == "tgi"

    await faults.faults("none")
    recovered = await faults.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
    assert_model_reply(recovered, "he")


async def test_streamed_failure_ends_with_a_fallback_response(faults: Stack) -> None:
    await faults.faults("503")
    chunks = [chunk async for chunk in faults.client.stream(request("ar", AR_PROMPT), timeout=RPC_TIMEOUT_S)]
    assert [chunk.WhichOneof("chunk") for chunk in chunks] == ["final"]
    assert_fallback(chunks[0].final, "ar", "model backend unavailable (503)")


async def test_one_failed_candidate_is_replaced(faults: Stack) -> None:
    # A generation error strikes midway through a stream, after its first token: never retried.
    await faults.faults("424", count=1)
    response = await faults.client.suggest(request("ar", AR_PROMPT), timeout=RPC_TIMEOUT_S)
    assert response.status == SUGGESTION_STATUS_OK
    assert (
        response.status_reason
        == "1 of 3 replies replaced by fallback replies (model generation failed (424))"
    )
    sources = sorted(c.source for c in response.candidates)
    assert sources == ["fallback", "model", "model"]
    assert [c.strategy for c in response.candidates] == choose_strategies(3)


async def test_caller_deadline_shorter_than_the_backend_timeout_still_gets_fallback(
    standin: RunningStandin, faults: Stack
) -> None:
    settings = Settings(backend_url=standin.url, backend_timeout_seconds=60.0)
    async with serving(settings) as served:
        await faults.faults("timeout")
        response = await served.client.suggest(request("he", HE_PROMPT), timeout=2.0)
    assert_fallback(response, "he", "model backend timed out")


async def test_unknown_route_asks_no_backend(stack: Stack) -> None:
    before = await stack.chat_requests()
    response = await stack.client.suggest(request("unsupported", HE_PROMPT), timeout=RPC_TIMEOUT_S)
    assert response.status == SUGGESTION_STATUS_NO_SUGGESTION
    assert "not available" in response.status_reason
    assert not response.candidates
    assert await stack.chat_requests() == before


async def test_no_conversation_no_suggestion(stack: Stack) -> None:
    before = await stack.chat_requests()
    for prompt in ((), (("system", "You suggest replies."),)):
        response = await stack.client.suggest(request("he", prompt), timeout=RPC_TIMEOUT_S)
        assert response.status == SUGGESTION_STATUS_NO_SUGGESTION
        assert response.status_reason
    assert await stack.chat_requests() == before


@pytest.mark.parametrize(
    "bad",
    [
        request("he", HE_PROMPT, num_candidates=9),
        request("he", [("user", "secret text"), ("robot", "secret text")]),
    ],
)
async def test_invalid_requests_are_refused_without_echoing_text(stack: Stack, bad: SuggestRequest) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stack.client.suggest(bad, timeout=RPC_TIMEOUT_S)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "secret" not in (caught.value.details() or "")


async def test_one_url_with_adapters_sends_the_adapter_as_model() -> None:
    standin = await start_standin(StandinConfig(port=0, adapters=("care/he-lora", "care/ar-lora")))
    settings = Settings(
        backend_url=standin.url, backend_he_adapter="care/he-lora", backend_ar_adapter="care/ar-lora"
    )
    sent: list[dict[str, Any]] = []

    async def record(outgoing: httpx.Request) -> None:
        if outgoing.url.path == "/v1/chat/completions":
            sent.append(json.loads(outgoing.content))

    configured = BackendRegistry.from_settings(settings)
    await configured.aclose()
    # The configured backends, over an HTTP client that shows what went on the wire.
    recording = BackendRegistry(
        [
            TgiBackend(backend.config, http=httpx.AsyncClient(event_hooks={"request": [record]}))
            for backend in (configured.get("he"), configured.get("ar"))
            if backend is not None
        ]
    )
    try:
        async with serving(settings, recording) as served:
            he = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
            he_sent, sent[:] = list(sent), []
            ar = await served.client.suggest(request("ar", AR_PROMPT), timeout=RPC_TIMEOUT_S)
    finally:
        await standin.stop()

    assert_model_reply(he, "he")
    assert_model_reply(ar, "ar")
    assert (he.model, ar.model) == ("care/he-lora", "care/ar-lora")
    assert [body["model"] for body in he_sent] == ["care/he-lora"] * 3
    assert [body["model"] for body in sent] == ["care/ar-lora"] * 3


async def test_candidates_share_the_whole_conversation_as_a_prefix(standin: RunningStandin) -> None:
    sent: list[dict[str, Any]] = []

    async def record(outgoing: httpx.Request) -> None:
        sent.append(json.loads(outgoing.content))

    settings = Settings(backend_url=standin.url)
    configured = BackendRegistry.from_settings(settings)
    await configured.aclose()
    he = configured.get("he")
    assert he is not None
    recording = BackendRegistry(
        [TgiBackend(he.config, http=httpx.AsyncClient(event_hooks={"request": [record]}))]
    )
    async with serving(settings, recording) as served:
        response = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
    assert_model_reply(response, "he")

    conversation = [{"role": role, "content": content} for role, content in HE_PROMPT]
    for body in sent:
        # Everything up to the latest message is the request's own, unchanged; the steering line
        # alone ends the latest message.
        assert body["messages"][:-1] == conversation[:-1]
        last = body["messages"][-1]
        assert last["role"] == "user"
        text, line = last["content"].rsplit("\n", 1)
        assert text == conversation[-1]["content"]
        assert line.startswith(STEERING_PREFIX)
    steering = sorted(body["messages"][-1]["content"].rsplit("\n", 1)[1] for body in sent)
    assert steering == sorted(f"{STEERING_PREFIX}{label}." for label in choose_strategies(3))


async def _log_line(stream: asyncio.StreamReader, message: str, seen: list[str]) -> dict[str, Any]:
    while line := await stream.readline():
        seen.append(line.decode())
        entry: dict[str, Any] = json.loads(line)
        if entry["msg"] == message:
            return entry
    raise AssertionError(f"the process ended without logging {message!r}")


async def test_run_server_serves_until_sigterm(standin: RunningStandin) -> None:
    env = {**os.environ, "CARE_INFERENCE_LISTEN": "127.0.0.1:0", "CARE_BACKEND_URL": standin.url}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "care.cli",
        "inference",
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    logged: list[str] = []
    try:
        async with asyncio.timeout(30):
            listening = await _log_line(process.stderr, "inference service listening", logged)
            host, port = listening["address"].rsplit(":", 1)
            assert (host, listening["routes"]) == ("127.0.0.1", ["he", "ar"])
            async with InferenceClient(f"{host}:{port}") as client:
                response = await client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
            assert_model_reply(response, "he")
            process.send_signal(signal.SIGTERM)
            await _log_line(process.stderr, "inference service stopped", logged)
            assert await process.wait() == 0
            logged.append((await process.stderr.read()).decode())
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert any('"suggestion generated"' in line for line in logged)
    for _, content in HE_PROMPT:
        assert not any(content in line for line in logged), "message text never reaches the logs"
