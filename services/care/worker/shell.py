"""What every faust agent of CARE does around its stage's core: take a record, send protobuf,
and turn any failure into a dead letter with a reason so that nothing crashes a worker."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, TypeVar

import faust
from google.protobuf.message import Message
from opentelemetry.trace import SpanKind, Status, StatusCode

from care import metrics
from care.logging import get_logger
from care.streaming.codec import DecodeError, key_text
from care.streaming.deadletter import RecordRef, build_dead_letter
from care.telemetry import context_from_kafka, kafka_headers, tracer

log = get_logger(__name__)

T = TypeVar("T")

_tracer = tracer(__name__)


def record_ref(event: Any) -> RecordRef:
    message = event.message
    key = event.key if isinstance(event.key, bytes | None) else None
    value = event.value if isinstance(event.value, bytes | None) else None
    return RecordRef(message.topic, message.partition, message.offset, key_text(key), value)


async def send(topic: faust.TopicT, conversation_id: str, message: Message) -> None:
    """Send ``message`` keyed by its conversation, with the current trace context in the record's
    headers (W3C traceparent), so the next stage's span continues this trace."""
    await topic.send(
        key=conversation_id.encode("utf-8"),
        value=message.SerializeToString(),
        headers=kafka_headers() or None,
    )


def _record_headers(event: Any) -> Any:
    headers = getattr(event, "headers", None)
    return headers if headers else getattr(event.message, "headers", None)


class StageError(Exception):
    """A record this stage cannot process; the code and detail go to the dead letter."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


async def process_or_dead_letter(
    stage: str,
    event: Any,
    deadletter_topic: faust.TopicT,
    handle: Callable[[], Awaitable[T]],
) -> T | None:
    """Run the handler and return its result; on any failure publish a dead letter instead.

    Each record gets a span, the child of the context its producer put in the record's headers,
    and the stage's metrics: processing time, processed or failed by code, dead letters by code.
    """
    started = time.perf_counter()
    ref = record_ref(event)
    attributes: dict[str, str | int] = {
        "messaging.system": "kafka",
        "messaging.destination.name": ref.topic,
        "messaging.destination.partition.id": str(ref.partition),
        "messaging.kafka.offset": ref.offset,
        "messaging.kafka.message.key": ref.conversation_id,
        "care.stage": stage,
    }
    with _tracer.start_as_current_span(
        f"{stage} process",
        context=context_from_kafka(_record_headers(event)),
        kind=SpanKind.CONSUMER,
        attributes=attributes,
        record_exception=False,
    ) as span:
        try:
            result = await handle()
        except (DecodeError, StageError) as error:
            code, detail = error.code, error.detail
        except Exception as error:  # a worker must survive any single bad record
            code, detail = "internal_error", f"{type(error).__name__} in {stage}"
            log.exception(
                "stage failed", extra={"fields": {"stage": stage, "topic": ref.topic, "offset": ref.offset}}
            )
        else:
            metrics.observe_stage(stage, time.perf_counter() - started)
            return result
        # The code only: exception messages may quote the input.
        span.set_status(Status(StatusCode.ERROR, code))
        span.set_attribute("care.error_code", code)
        metrics.observe_stage(stage, time.perf_counter() - started, error_code=code)
        letter = build_dead_letter(ref, stage, code, detail)
        await send(deadletter_topic, ref.conversation_id, letter)
    metrics.record_deadletter(stage, code)
    fields = {
        "stage": stage,
        "error_code": code,
        "topic": ref.topic,
        "partition": ref.partition,
        "offset": ref.offset,
    }
    log.warning("dead letter", extra={"fields": fields})
    return None


def register_stage_agent(
    app: faust.App,
    name: str,
    source: faust.TopicT,
    deadletter_topic: faust.TopicT,
    handle: Callable[[Any], Awaitable[None]],
) -> None:
    """An agent that runs ``handle`` on every record of ``source`` in order, dead-lettering failures."""

    async def agent(stream: Any) -> None:
        async for event in stream.events():
            await process_or_dead_letter(name, event, deadletter_topic, partial(handle, event))

    app.agent(source, name=f"care.{name}")(agent)
