"""OpenTelemetry tracing for every CARE process, and the W3C trace context carried between them.

Off unless the standard OTEL_* variables ask for it:

- ``OTEL_TRACES_EXPORTER=otlp`` exports over OTLP/gRPC, configured by the exporter's own
  ``OTEL_EXPORTER_OTLP_*`` variables (endpoint, headers, certificates); ``console`` prints spans;
- ``OTEL_TRACES_EXPORTER=file`` (CARE's own) writes every finished span as one JSON line to
  ``<CARE_TRACES_DIR>/<service>-<pid>.jsonl`` at once: the pipeline runs as separate processes, so
  the tracing test and a developer read the spans of all of them there;
- ``OTEL_SERVICE_NAME``, ``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_TRACES_SAMPLER`` and ``OTEL_PROPAGATORS``
  as the SDK defines them; ``OTEL_SDK_DISABLED=true`` turns everything off.

One trace per chat event: the context travels as a W3C ``traceparent`` in Kafka record headers
(:func:`kafka_headers`, :func:`context_from_kafka`), gRPC metadata (:func:`grpc_metadata`,
:func:`context_from_grpc`) and the HTTP headers of model-server calls (:func:`http_headers`),
always through opentelemetry's propagate API. Without a tracer provider nothing is injected.

Span attributes carry ids, offsets, stages, routes and error codes, never message text.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)

from care.logging import get_logger

log = get_logger(__name__)

# The name of CARE's file exporter in OTEL_TRACES_EXPORTER.
FILE_EXPORTER = "file"


def _span_line(span: ReadableSpan) -> str:
    line: str = span.to_json(indent=None)
    return line + "\n"


class _FileSpanExporter(ConsoleSpanExporter):
    """The SDK's console exporter, on a file of its own that it closes when the provider shuts down."""

    def shutdown(self) -> None:
        self.out.close()


def _processor(name: str, service: str, traces_dir: str) -> SpanProcessor | None:
    if name == "console":
        return BatchSpanProcessor(ConsoleSpanExporter(service_name=service))
    if name == FILE_EXPORTER:
        if not traces_dir:
            log.warning("OTEL_TRACES_EXPORTER=file needs CARE_TRACES_DIR; tracing stays off")
            return None
        directory = Path(traces_dir)
        directory.mkdir(parents=True, exist_ok=True)
        # Line-buffered, one file per process: lines of several processes never interleave.
        out = (directory / f"{service}-{os.getpid()}.jsonl").open("a", encoding="utf-8", buffering=1)
        # Written as each span ends, so a reader never waits for a batch or the process's exit.
        return SimpleSpanProcessor(_FileSpanExporter(service_name=service, out=out, formatter=_span_line))
    if name == "otlp":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        exporter: SpanExporter = OTLPSpanExporter()
        return BatchSpanProcessor(exporter)
    if name not in ("", "none"):
        log.warning("unknown OTEL_TRACES_EXPORTER; tracing stays off", extra={"fields": {"exporter": name}})
    return None


def init_tracing(service_name: str, traces_dir: str = "") -> TracerProvider | None:
    """Install a tracer provider when OTEL_TRACES_EXPORTER names an exporter; otherwise the API's
    no-op tracer stays in place and spans cost next to nothing."""
    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return None
    service = os.environ.get("OTEL_SERVICE_NAME", service_name)
    exporter = os.environ.get("OTEL_TRACES_EXPORTER", "none").strip().lower()
    processor = _processor(exporter, service, traces_dir)
    if processor is None:
        return None
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    return provider


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)


# ---------------------------------------------------------------------------------------------
# Propagation. Carriers are plain dicts handed to the configured propagators (W3C trace context
# and baggage by default), so header names and formats are never written by hand here.

KafkaHeaders = Mapping[str, Any] | Iterable[tuple[str, Any]] | None


def kafka_headers(context: Context | None = None) -> list[tuple[str, bytes]]:
    """Record headers carrying ``context`` (default: the current one); empty when not tracing."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=context)
    return [(key, value.encode("utf-8")) for key, value in carrier.items()]


def context_from_kafka(headers: KafkaHeaders) -> Context:
    """The upstream context in a consumed record's headers (aiokafka gives a list of pairs)."""
    items = headers.items() if isinstance(headers, Mapping) else (headers or ())
    carrier: dict[str, str] = {}
    for key, value in items:
        text = value.decode("utf-8", "replace") if isinstance(value, bytes | bytearray) else str(value)
        carrier[str(key).lower()] = text
    return propagate.extract(carrier)


def grpc_metadata(context: Context | None = None) -> list[tuple[str, str]]:
    """gRPC call metadata carrying ``context`` (keys are lower case, as gRPC requires)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=context)
    return [(key.lower(), value) for key, value in carrier.items()]


def context_from_grpc(metadata: Iterable[Any] | None) -> Context:
    """The caller's context in a server call's invocation metadata (pairs of key and value)."""
    carrier: dict[str, str] = {}
    for key, value in metadata or ():
        if isinstance(value, str):  # binary (-bin) entries carry no trace context
            carrier[str(key).lower()] = value
    return propagate.extract(carrier)


def http_headers(context: Context | None = None) -> dict[str, str]:
    """HTTP request headers carrying ``context`` (TGI continues the trace from ``traceparent``)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=context)
    return carrier
