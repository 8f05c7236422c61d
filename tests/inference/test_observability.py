"""The inference service's traces and metrics, end to end over gRPC and HTTP to the TGI stand-in:
the caller's trace continues in the server and reaches the model server as a W3C traceparent;
time to first token, duration, tokens, backend errors, retries, fallbacks and the breaker state
are recorded by route."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from opentelemetry import trace

from care import metrics
from care.config import Settings
from care.inference.backend import BackendRegistry, ModelBackend
from care.standin.server import RunningStandin, StandinConfig, start_standin
from tests.inference.support import HE_PROMPT, RPC_TIMEOUT_S, Control, Served, request, serving
from tests.otel import memory_exporter

pytestmark = pytest.mark.integration

_EXPORTER = memory_exporter()
_tracer = trace.get_tracer(__name__)


def value(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


@dataclass
class Wire:
    """The trace headers of every request the backend sent."""

    traceparents: list[str] = field(default_factory=list)

    async def record(self, outgoing: httpx.Request) -> None:
        if outgoing.url.path == "/v1/chat/completions":
            self.traceparents.append(outgoing.headers.get("traceparent", ""))


@dataclass
class Stack:
    served: Served
    control: Control
    wire: Wire


@pytest.fixture(scope="module")
async def stack() -> AsyncIterator[Stack]:
    standin: RunningStandin = await start_standin(StandinConfig(port=0))
    settings = Settings(
        backend_url=standin.url,
        backend_timeout_seconds=1.0,
        num_candidates=2,
        backend_breaker_failures=1000,
        backend_retry_base_delay_seconds=0.01,
        backend_retry_max_delay_seconds=0.02,
    )
    wire = Wire()
    configured = BackendRegistry.from_settings(settings)
    await configured.aclose()
    backend = configured.get("he")
    assert backend is not None
    recording = BackendRegistry(
        [ModelBackend(backend.config, http=httpx.AsyncClient(event_hooks={"request": [wire.record]}))]
    )
    try:
        async with httpx.AsyncClient() as http, serving(settings, recording) as served:
            yield Stack(served, Control(standin, http), wire)
    finally:
        await standin.stop()


async def test_the_callers_trace_continues_in_the_server_and_reaches_the_model_server(stack: Stack) -> None:
    _EXPORTER.clear()
    stack.wire.traceparents.clear()
    with _tracer.start_as_current_span("assembler suggest") as caller:
        response = await stack.served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
    assert len(response.candidates) == 2
    trace_id = caller.get_span_context().trace_id
    spans = {(s.name, s.kind): s for s in _EXPORTER.get_finished_spans()}
    client = spans[("care.v1.InferenceService/Suggest", trace.SpanKind.CLIENT)]
    server = spans[("care.v1.InferenceService/Suggest", trace.SpanKind.SERVER)]
    calls = [s for s in _EXPORTER.get_finished_spans() if s.name == "POST /v1/chat/completions"]
    assert len(calls) == 2
    assert client.parent is not None
    assert client.parent.span_id == caller.get_span_context().span_id
    assert server.parent is not None
    assert server.parent.span_id == client.context.span_id
    assert server.parent.is_remote  # it came through the gRPC metadata
    for call in calls:
        assert call.kind is trace.SpanKind.CLIENT
        assert call.parent is not None
        assert call.parent.span_id == server.context.span_id
        assert call.context.trace_id == trace_id
    # What the model server received: each call's own span as the parent, in this trace.
    assert len(stack.wire.traceparents) == 2
    sent = {(int(tp.split("-")[1], 16), int(tp.split("-")[2], 16)) for tp in stack.wire.traceparents}
    assert sent == {(trace_id, call.context.span_id) for call in calls}
    # Ids and the route in the attributes; no prompt text anywhere.
    everything = repr(
        [(s.attributes, s.events, s.status.description) for s in _EXPORTER.get_finished_spans()]
    )
    for _, text in HE_PROMPT:
        assert text not in everything
    for candidate in response.candidates:
        assert candidate.text not in everything


async def test_a_suggestion_records_ttft_duration_tokens_and_the_inference_stage(stack: Stack) -> None:
    before = {
        "ttft": value("care_inference_time_to_first_token_seconds_count", route="he"),
        "duration": value("care_inference_duration_seconds_count", route="he"),
        "tokens": value("care_inference_generated_tokens_total", route="he"),
        "stage": value("care_stage_processed_total", stage="inference"),
    }
    response = await stack.served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
    tokens = sum(candidate.generated_tokens for candidate in response.candidates)
    assert tokens > 0
    assert value("care_inference_time_to_first_token_seconds_count", route="he") == before["ttft"] + 1
    assert value("care_inference_duration_seconds_count", route="he") == before["duration"] + 1
    assert value("care_inference_generated_tokens_total", route="he") == before["tokens"] + tokens
    assert value("care_stage_processed_total", stage="inference") == before["stage"] + 1
    assert value("care_backend_circuit_state", route="he") == 0  # closed


async def test_backend_failures_count_errors_by_kind_retries_and_fallbacks(stack: Stack) -> None:
    errors = value("care_backend_errors_total", route="he", kind="unavailable")
    retries = value("care_backend_retries_total", route="he")
    fallbacks = value("care_fallbacks_total", route="he", reason_kind="unavailable")
    await stack.control.faults("503", rate=1.0)
    try:
        response = await stack.served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
    finally:
        await stack.control.faults("none")
    assert all(candidate.source == "fallback" for candidate in response.candidates)
    attempts = 3  # CARE_BACKEND_MAX_ATTEMPTS' default, for each of the 2 candidates
    assert value("care_backend_errors_total", route="he", kind="unavailable") == errors + 2 * attempts
    assert value("care_backend_retries_total", route="he") == retries + 2 * (attempts - 1)
    assert value("care_fallbacks_total", route="he", reason_kind="unavailable") == fallbacks + 2


async def test_a_streamed_suggestion_is_traced_the_same_way(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    _EXPORTER.clear()
    with _tracer.start_as_current_span("assembler suggest") as caller:
        chunks = [
            chunk
            async for chunk in stack.served.client.stream(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
        ]
    assert chunks[-1].HasField("final")
    spans = {(s.name, s.kind): s for s in _EXPORTER.get_finished_spans()}
    client = spans[("care.v1.InferenceService/StreamSuggest", trace.SpanKind.CLIENT)]
    server = spans[("care.v1.InferenceService/StreamSuggest", trace.SpanKind.SERVER)]
    assert client.parent is not None
    assert client.parent.span_id == caller.get_span_context().span_id
    assert server.parent is not None
    assert server.parent.span_id == client.context.span_id
    calls = [s for s in _EXPORTER.get_finished_spans() if s.name == "POST /v1/chat/completions"]
    assert len(calls) == 2
    assert all(call.parent is not None and call.parent.span_id == server.context.span_id for call in calls)
    # The server span was current across the generator's yields without leaking out of its context.
    assert "Failed to detach context" not in caplog.text
