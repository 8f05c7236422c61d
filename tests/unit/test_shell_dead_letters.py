"""The shell every agent shares: a failing record becomes a dead letter and an error span, and
neither carries the record's text. A stand-in object takes faust's place here (the integration
tests run the real faust topics); everything else is real, including the OpenTelemetry SDK."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from care.streaming.codec import decode
from care.v1 import events_pb2
from care.worker.shell import StageError, process_or_dead_letter
from tests.otel import memory_exporter

SECRET = "my phone is 050-0000000"
_EXPORTER = memory_exporter()


@pytest.fixture
def spans() -> InMemorySpanExporter:
    _EXPORTER.clear()
    return _EXPORTER


@dataclass
class CollectingTopic:
    sent: list[tuple[bytes, bytes]] = field(default_factory=list)

    headers: list[object] = field(default_factory=list)

    async def send(self, key: bytes, value: bytes, headers: object = None) -> None:
        self.sent.append((key, value))
        self.headers.append(headers)


def record(value: bytes) -> SimpleNamespace:
    return SimpleNamespace(
        key=b"conv-1", value=value, message=SimpleNamespace(topic="care.chat.inbound", partition=2, offset=7)
    )


async def test_success_returns_the_result_and_sends_no_dead_letter(spans: InMemorySpanExporter) -> None:
    topic = CollectingTopic()

    async def handle() -> str:
        return "done"

    assert await process_or_dead_letter("deid", record(b""), topic, handle) == "done"  # type: ignore[arg-type]
    assert topic.sent == []
    (span,) = spans.get_finished_spans()
    assert span.name == "deid process"
    assert span.attributes is not None
    assert span.attributes["messaging.kafka.offset"] == 7
    assert span.status.status_code is trace.StatusCode.UNSET


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (StageError("empty_text", "a message has no text"), "empty_text"),
        (ValueError(SECRET), "internal_error"),
    ],
)
async def test_failure_becomes_a_dead_letter_and_an_error_span_without_text(
    spans: InMemorySpanExporter, failure: Exception, code: str
) -> None:
    topic = CollectingTopic()
    payload = events_pb2.ChatEvent(text=SECRET).SerializeToString()

    async def handle() -> None:
        raise failure

    assert await process_or_dead_letter("deid", record(payload), topic, handle) is None  # type: ignore[arg-type]
    ((key, value),) = topic.sent
    letter = decode(value, events_pb2.DeadLetter)
    assert key == b"conv-1"
    assert (letter.error_code, letter.partition, letter.offset) == (code, 2, 7)
    assert SECRET.encode() not in value
    (span,) = spans.get_finished_spans()
    assert span.status.status_code is trace.StatusCode.ERROR
    assert span.status.description == code
    assert SECRET not in repr(span.attributes) + repr(span.events) + str(span.status.description)
