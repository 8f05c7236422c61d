"""Trace context propagation helpers, the span file exporter, the shell's spans and metrics, the
consumer-lag sampler and the metrics server switch; no servers."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

from care import metrics, telemetry
from care.worker.lag import LagMonitor, is_changelog, partition_lag
from care.worker.shell import StageError, process_or_dead_letter, send
from tests.otel import memory_exporter

_LOCAL = TracerProvider()  # never global: propagation only reads the span context
_EXPORTER = memory_exporter()


def sample(name: str, labels: dict[str, str]) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def local_span() -> trace.Span:
    return _LOCAL.get_tracer("test").start_span("upstream")


def test_kafka_headers_carry_the_w3c_traceparent_and_come_back() -> None:
    span = local_span()
    headers = telemetry.kafka_headers(trace.set_span_in_context(span))
    names = [name for name, _ in headers]
    assert "traceparent" in names
    assert all(isinstance(value, bytes) for _, value in headers)
    ours = span.get_span_context()
    for carrier in (headers, dict(headers), tuple(headers)):
        extracted = trace.get_current_span(telemetry.context_from_kafka(carrier)).get_span_context()
        assert (extracted.trace_id, extracted.span_id) == (ours.trace_id, ours.span_id)
        assert extracted.is_remote


def test_grpc_and_http_carriers_round_trip() -> None:
    span = local_span()
    context = trace.set_span_in_context(span)
    metadata = telemetry.grpc_metadata(context)
    assert all(key == key.lower() for key, _ in metadata)
    back = trace.get_current_span(telemetry.context_from_grpc([*metadata, ("x-bin", b"\x00")]))
    assert back.get_span_context().trace_id == span.get_span_context().trace_id
    headers = telemetry.http_headers(context)
    version, trace_id, span_id, flags = headers["traceparent"].split("-")
    assert version == "00"
    assert int(flags, 16) & 1  # sampled
    assert int(trace_id, 16) == span.get_span_context().trace_id
    assert int(span_id, 16) == span.get_span_context().span_id


def test_nothing_is_injected_without_a_span_and_nothing_extracted_from_nothing() -> None:
    assert telemetry.kafka_headers(trace.set_span_in_context(trace.INVALID_SPAN)) == []
    assert telemetry.http_headers(trace.set_span_in_context(trace.INVALID_SPAN)) == {}
    for empty in (None, [], {}):
        context = telemetry.context_from_kafka(empty)
        assert not trace.get_current_span(context).get_span_context().is_valid


def test_the_file_exporter_writes_each_span_as_one_json_line(tmp_path: Path) -> None:
    processor = telemetry._processor("file", "care-test", str(tmp_path / "spans"))
    assert isinstance(processor, SimpleSpanProcessor)
    provider = TracerProvider()
    provider.add_span_processor(processor)
    with provider.get_tracer("t").start_as_current_span(
        "router process", attributes={"care.stage": "router"}
    ):
        pass
    (path,) = (tmp_path / "spans").glob("care-test-*.jsonl")
    (line,) = path.read_text(encoding="utf-8").splitlines()  # written when the span ended
    span = json.loads(line)
    assert span["name"] == "router process"
    assert span["attributes"]["care.stage"] == "router"
    provider.shutdown()


def test_exporters_by_name(tmp_path: Path) -> None:
    assert telemetry._processor("none", "s", "") is None
    assert telemetry._processor("file", "s", "") is None  # no directory: off, with a warning
    assert telemetry._processor("zipkin-typo", "s", "") is None
    otlp = telemetry._processor("otlp", "s", "")
    assert isinstance(otlp, BatchSpanProcessor)
    otlp.shutdown()


def test_tracing_is_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_TRACES_EXPORTER", raising=False)
    assert telemetry.init_tracing("care-test") is None
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert telemetry.init_tracing("care-test") is None


# ---------------------------------------------------------------------------------------------
# The shell: spans continue the producer's trace, sends carry it on, metrics count each record.


@dataclass
class Topic:
    sent: list[tuple[bytes, bytes, Any]] = field(default_factory=list)

    async def send(self, key: bytes, value: bytes, headers: Any = None) -> None:
        self.sent.append((key, value, headers))


def record(headers: Any) -> SimpleNamespace:
    message = SimpleNamespace(topic="care.chat.routed", partition=1, offset=3, headers=headers)
    return SimpleNamespace(key=b"conv-t", value=b"", headers=headers, message=message)


async def test_a_stage_span_is_the_child_of_the_records_context_and_sends_carry_it_on() -> None:
    _EXPORTER.clear()
    upstream = local_span()
    headers = telemetry.kafka_headers(trace.set_span_in_context(upstream))
    out = Topic()
    before = sample("care_stage_processed_total", {"stage": "router"})
    timed = sample("care_stage_processing_seconds_count", {"stage": "router"})

    async def handle() -> None:
        await send(out, "conv-t", metrics_free_message())  # type: ignore[arg-type]

    await process_or_dead_letter("router", record(headers), Topic(), handle)  # type: ignore[arg-type]
    (span,) = _EXPORTER.get_finished_spans()
    assert span.name == "router process"
    assert span.kind is trace.SpanKind.CONSUMER
    assert span.parent is not None
    assert span.parent.span_id == upstream.get_span_context().span_id
    assert span.context is not None
    assert span.context.trace_id == upstream.get_span_context().trace_id
    ((_, _, sent_headers),) = out.sent
    sent = trace.get_current_span(telemetry.context_from_kafka(sent_headers)).get_span_context()
    assert (sent.trace_id, sent.span_id) == (span.context.trace_id, span.context.span_id)
    assert sample("care_stage_processed_total", {"stage": "router"}) == before + 1
    assert sample("care_stage_processing_seconds_count", {"stage": "router"}) == timed + 1


async def test_a_failed_record_counts_as_failed_and_as_a_dead_letter() -> None:
    labels = {"stage": "router", "reason": "missing_field"}
    failed = sample("care_stage_failed_total", labels)
    letters = sample("care_deadletters_total", labels)
    deadletter = Topic()

    async def handle() -> None:
        raise StageError("missing_field", "no role")

    await process_or_dead_letter("router", record(None), deadletter, handle)  # type: ignore[arg-type]
    assert sample("care_stage_failed_total", labels) == failed + 1
    assert sample("care_deadletters_total", labels) == letters + 1
    assert len(deadletter.sent) == 1


def metrics_free_message() -> Any:
    from care.v1 import events_pb2

    return events_pb2.PipelineEvent()


# ---------------------------------------------------------------------------------------------
# Consumer lag


def test_partition_lag_is_from_the_committed_offset_else_the_position() -> None:
    assert partition_lag(120, 100, 110) == 20
    assert partition_lag(120, None, 110) == 10
    assert partition_lag(120, None, None) is None
    assert partition_lag(None, 100, 100) is None
    assert partition_lag(100, 120, 120) == 0  # never negative (offsets read at different times)


def test_changelogs_are_not_lag() -> None:
    assert is_changelog("care.assembler.history-changelog")
    assert is_changelog("care.router.routes-changelog")
    assert not is_changelog("care.chat.routed")


@dataclass(frozen=True)
class TP:
    topic: str
    partition: int


class FakeThread:
    def __init__(self, committed: dict[TP, int | None]) -> None:
        self.committed_offsets = committed

    def _ensure_consumer(self) -> Any:
        return SimpleNamespace(committed=self._committed)

    async def _committed(self, tp: TP) -> int | None:
        return self.committed_offsets.get(tp)

    async def call_thread(self, fn: Any, *args: Any) -> Any:
        return await fn(*args)


class FakeConsumer:
    def __init__(
        self, ends: dict[TP, int], committed: dict[TP, int | None], positions: dict[TP, int]
    ) -> None:
        self.ends, self.positions = ends, positions
        self._thread = FakeThread(committed)

    def assignment(self) -> set[TP]:
        return set(self.ends)

    async def highwaters(self, *tps: TP) -> dict[TP, int]:
        return {tp: self.ends[tp] for tp in tps}

    async def position(self, tp: TP) -> int:
        return self.positions[tp]


async def test_the_lag_monitor_exports_source_partitions_and_drops_revoked_ones() -> None:
    inbound0, inbound1 = TP("care.chat.inbound", 0), TP("care.chat.inbound", 1)
    changelog = TP("care.deid.placeholders-changelog", 0)
    consumer = FakeConsumer(
        ends={inbound0: 50, inbound1: 7, changelog: 900},
        committed={inbound0: 45, inbound1: None, changelog: None},
        positions={inbound0: 48, inbound1: 5, changelog: 0},
    )
    monitor = LagMonitor(SimpleNamespace(consumer=consumer))  # type: ignore[arg-type]
    lags = await monitor.sample()
    assert lags == {("care.chat.inbound", 0): 5, ("care.chat.inbound", 1): 2}
    assert sample("care_consumer_lag", {"topic": "care.chat.inbound", "partition": "0"}) == 5
    assert (
        metrics.REGISTRY.get_sample_value("care_consumer_lag", {"topic": changelog.topic, "partition": "0"})
        is None
    )
    # A rebalance takes partition 1 away: its series goes with it.
    del consumer.ends[inbound1]
    await monitor.sample()
    assert (
        metrics.REGISTRY.get_sample_value(
            "care_consumer_lag", {"topic": "care.chat.inbound", "partition": "1"}
        )
        is None
    )
    assert sample("care_consumer_lag", {"topic": "care.chat.inbound", "partition": "0"}) == 5


async def test_the_lag_monitor_waits_for_the_consumer() -> None:
    class NotStarted:
        def assignment(self) -> set[TP]:
            raise RuntimeError("consumer not started")

    monitor = LagMonitor(SimpleNamespace(consumer=NotStarted()))  # type: ignore[arg-type]
    assert await monitor.sample() == {}


# ---------------------------------------------------------------------------------------------
# The metrics server switch


def test_metrics_port_0_is_off_and_a_busy_port_does_not_stop_the_process() -> None:
    assert metrics.serve_metrics(0) is None
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert metrics.serve_metrics(busy.getsockname()[1], addr="127.0.0.1") is None
