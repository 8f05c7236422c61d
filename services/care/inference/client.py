"""The caller's side of the inference service (the assembler stage uses it)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any, Self, cast

import grpc
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from care.telemetry import grpc_metadata, tracer
from care.v1 import inference_pb2_grpc
from care.v1.inference_pb2 import SuggestChunk, SuggestRequest, SuggestResponse

_tracer = tracer(__name__)
_SERVICE = "care.v1.InferenceService"


def _span_attributes(method: str, request: SuggestRequest) -> dict[str, str]:
    # Ids and the route only; the prompt never goes into a span.
    return {
        "rpc.system": "grpc",
        "rpc.service": _SERVICE,
        "rpc.method": method,
        "care.request_id": request.request_id,
        "care.route": request.route,
    }


def _end_with(span: trace.Span, error: BaseException | None) -> None:
    if isinstance(error, grpc.aio.AioRpcError):
        span.set_attribute("rpc.grpc.status_code", error.code().value[0])
        span.set_status(Status(StatusCode.ERROR, error.code().name))
    elif error is not None:
        span.set_status(Status(StatusCode.ERROR, type(error).__name__))
    span.end()


class InferenceClient:
    """One gRPC channel to the inference service. Errors surface as ``grpc.aio.AioRpcError``."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._channel: Any = grpc.aio.insecure_channel(target)
        self._stub: Any = inference_pb2_grpc.InferenceServiceStub(self._channel)

    async def wait_ready(self, timeout: float) -> None:
        """Wait until the channel is connected; raises ``TimeoutError`` after ``timeout`` seconds."""
        async with asyncio.timeout(timeout):
            await self._channel.channel_ready()

    async def suggest(self, request: SuggestRequest, timeout: float) -> SuggestResponse:
        """``timeout`` becomes the call's gRPC deadline, which the server sees and fits its backend
        calls into: a slow model yields fallback replies in time rather than DEADLINE_EXCEEDED.

        The call's span context goes to the service in the call's metadata (W3C traceparent)."""
        span = _tracer.start_span(
            f"{_SERVICE}/Suggest", kind=SpanKind.CLIENT, attributes=_span_attributes("Suggest", request)
        )
        metadata = grpc_metadata(trace.set_span_in_context(span))
        try:
            response = await self._stub.Suggest(request, timeout=timeout, metadata=metadata or None)
        except BaseException as error:
            _end_with(span, error)
            raise
        _end_with(span, None)
        return cast(SuggestResponse, response)

    async def stream(self, request: SuggestRequest, timeout: float) -> AsyncIterator[SuggestChunk]:
        """Chunks as the service sends them; the last one carries the complete response."""
        # Not the current span: this generator is resumed by its consumer, so its span is only
        # handed to the call's metadata explicitly.
        span = _tracer.start_span(
            f"{_SERVICE}/StreamSuggest",
            kind=SpanKind.CLIENT,
            attributes=_span_attributes("StreamSuggest", request),
        )
        metadata = grpc_metadata(trace.set_span_in_context(span))
        call = self._stub.StreamSuggest(request, timeout=timeout, metadata=metadata or None)
        failure: BaseException | None = None
        try:
            async for chunk in call:
                yield cast(SuggestChunk, chunk)
        except BaseException as error:
            # Leaving early (GeneratorExit) is the caller's choice, not a failed call.
            failure = None if isinstance(error, GeneratorExit) else error
            raise
        finally:
            # Leaving early must not leave the server generating for nobody.
            call.cancel()
            _end_with(span, failure)

    async def close(self) -> None:
        await self._channel.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
