"""OpenTelemetry tracing for every CARE process.

Off unless the standard OTEL_* variables ask for it (OTEL_TRACES_EXPORTER=console, or otlp once
an OTLP exporter is installed). Span attributes carry ids, offsets, stages and error codes, never
message text.
"""

from __future__ import annotations

import os

from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

from care.logging import get_logger

log = get_logger(__name__)


def _exporter(name: str) -> SpanExporter | None:
    if name == "console":
        return ConsoleSpanExporter()
    if name == "otlp":
        try:
            from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (  # type: ignore[import-not-found]
                OTLPSpanExporter,
            )
        except ImportError:
            log.warning("OTLP trace export requested but no OTLP exporter is installed")
            return None
        exporter: SpanExporter = OTLPSpanExporter()
        return exporter
    return None


def init_tracing(service_name: str) -> TracerProvider | None:
    """Install a tracer provider when OTEL_TRACES_EXPORTER names an exporter; otherwise the API's
    no-op tracer stays in place and spans cost next to nothing."""
    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return None
    exporter = _exporter(os.environ.get("OTEL_TRACES_EXPORTER", "none").lower())
    if exporter is None:
        return None
    service = os.environ.get("OTEL_SERVICE_NAME", service_name)
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return provider


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)
