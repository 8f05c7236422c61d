"""One help-seeker message is one trace, across every process of the real pipeline.

The stages run as separate processes (deid, router and assembler in the worker, the inference
service, the stand-in model server), so an in-memory exporter in this test process would see none
of their spans. Instead the session's stack runs every process with OTEL_TRACES_EXPORTER=file
(care.telemetry): the real SDK tracer provider in each process, the real propagation through Kafka
record headers, gRPC metadata and HTTP headers, and each finished span written at once as a JSON
line that this test reads back.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest

from care.embedded.platform import PlatformClient
from care.embedded.stack import EmbeddedStack
from care.streaming.ids import suggestion_id
from care.v1 import events_pb2
from tests.integration.fixtures import HEBREW, PII, chat_event

pytestmark = pytest.mark.integration

TIMEOUT = 60.0
Span = dict[str, Any]


def read_spans(directory: Path) -> tuple[list[Span], str]:
    spans: list[Span] = []
    raw = []
    for path in sorted(directory.glob("*.jsonl")):
        text = path.read_text(encoding="utf-8")
        raw.append(text)
        spans.extend(json.loads(line) for line in text.splitlines() if line.strip())
    return spans, "".join(raw)


def attribute(span: Span, name: str) -> Any:
    return (span.get("attributes") or {}).get(name)


def service(span: Span) -> str:
    name: str = span["resource"]["attributes"]["service.name"]
    return name


async def trace_of(directory: Path, event_id: str, expected: set[str]) -> tuple[list[Span], str]:
    """The spans of the trace whose deid span processed ``event_id``, once ``expected`` span names
    are all there (each process writes its spans as they end, a little after the suggestion)."""
    stop = time.monotonic() + 15.0
    while True:
        spans, raw = read_spans(directory)
        roots = [
            s for s in spans if s["name"] == "deid process" and attribute(s, "care.event_id") == event_id
        ]
        if roots:
            trace_id = roots[0]["context"]["trace_id"]
            members = [s for s in spans if s["context"]["trace_id"] == trace_id]
            if expected <= {s["name"] for s in members}:
                return members, raw
        if time.monotonic() > stop:
            names = sorted({s["name"] for s in spans})
            raise AssertionError(f"no complete trace for {event_id}; span names seen: {names}")
        await asyncio.sleep(0.2)


async def test_one_help_seeker_message_is_one_trace_across_every_stage(
    stack: EmbeddedStack, platform: PlatformClient
) -> None:
    assert stack.options.traces_dir is not None
    conversation = "trace-he-1"
    await platform.send_chat(
        chat_event(conversation, 0, kind=events_pb2.CHAT_EVENT_TYPE_CONVERSATION_STARTED)
    )
    message = HEBREW[1]  # a name, an address and a school: PII
    event = chat_event(conversation, 1, message)
    await platform.send_chat(event)
    delivery = await platform.wait_for(event.event_id, TIMEOUT)
    assert delivery.suggestion.status == events_pb2.SUGGESTION_STATUS_OK

    chat_call = "POST /v1/chat/completions"
    expected = {
        "deid process",
        "router process",
        "assembler process",
        "assembler suggest",
        "care.v1.InferenceService/Suggest",
        chat_call,
        "restore process",
    }
    spans, raw = await trace_of(stack.options.traces_dir, event.event_id, expected)
    names = [s["name"] for s in spans]

    # Every stage and the model-server call, in the processes that run them.
    by_name = {(s["name"], s["kind"]): s for s in spans}
    assert service(by_name[("router process", "SpanKind.CONSUMER")]) == "care-worker"
    assert service(by_name[("care.v1.InferenceService/Suggest", "SpanKind.CLIENT")]) == "care-worker"
    server = by_name[("care.v1.InferenceService/Suggest", "SpanKind.SERVER")]
    assert service(server) == "care-inference"
    assert attribute(server, "care.request_id") == suggestion_id(event.event_id)
    model_calls = [s for s in spans if s["name"] == chat_call]
    assert len(model_calls) >= stack.settings.num_candidates  # one per candidate (and per retry)
    assert all(service(s) == "care-inference" for s in model_calls)

    # One tree: deid's span is the root (the chat platform sends no trace context), every other
    # span's parent is in the same trace, and each hop is the child of the one before it.
    ids = {s["context"]["span_id"]: s for s in spans}
    roots = [s for s in spans if s["parent_id"] is None]
    assert [r["name"] for r in roots] == ["deid process"], names
    for span in spans:
        if span["parent_id"] is not None:
            assert span["parent_id"] in ids, f"{span['name']} has a parent outside the trace"

    def parent(span: Span) -> str:
        parent_name: str = ids[span["parent_id"]]["name"]
        return parent_name

    assert parent(by_name[("router process", "SpanKind.CONSUMER")]) == "deid process"
    assert parent(by_name[("assembler process", "SpanKind.CONSUMER")]) == "router process"
    assert parent(by_name[("assembler suggest", "SpanKind.INTERNAL")]) == "assembler process"
    assert parent(server) == "care.v1.InferenceService/Suggest"
    assert {parent(s) for s in model_calls} == {"care.v1.InferenceService/Suggest"}
    assert all(ids[s["parent_id"]]["kind"] == "SpanKind.SERVER" for s in model_calls)
    assert parent(by_name[("restore process", "SpanKind.CONSUMER")]) == "assembler suggest"

    # The inference call of this message is in no other trace.
    request_spans = [
        s
        for s in read_spans(stack.options.traces_dir)[0]
        if attribute(s, "care.request_id") == server["attributes"]["care.request_id"]
    ]
    assert {s["context"]["trace_id"] for s in request_spans} == {spans[0]["context"]["trace_id"]}

    # No message text, no PII, no generated reply in any span of any process.
    for secret in (message.text, PII["person_he"], PII["address_he"], PII["org_he"]):
        assert secret not in raw
    assert json.dumps(PII["person_he"])[1:-1] not in raw  # nor JSON-escaped
    for candidate in delivery.suggestion.candidates:
        assert candidate.text not in raw
