"""The gRPC shell of the inference service: decode, call :class:`SuggestionService`, encode.

Nothing of a request's text reaches a log or an error status: errors carry fixed messages, and
logged exceptions keep only their type and location (see care.logging).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any, NamedTuple

import grpc
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from care import metrics
from care.config import Settings
from care.inference.adapters import validate_adapters
from care.inference.backend import BackendRegistry, BackendSetupError
from care.inference.service import InvalidRequestError, SuggestionService
from care.logging import get_logger
from care.telemetry import context_from_grpc, tracer
from care.v1 import inference_pb2_grpc
from care.v1.inference_pb2 import SuggestChunk, SuggestRequest, SuggestResponse

logger = get_logger(__name__)

# Left of the caller's deadline for encoding and sending the answer, so that a slow backend yields
# fallback replies in time instead of DEADLINE_EXCEEDED.
_RESPONSE_MARGIN_S = 0.25

_INTERNAL_DETAILS = "inference service error"

# Strong references: the event loop only keeps weak ones to tasks.
_closers: set[asyncio.Task[None]] = set()

_tracer = tracer(__name__)
STAGE = "inference"


@contextlib.contextmanager
def _served(method: str, request: SuggestRequest, context: grpc.aio.ServicerContext) -> Iterator[trace.Span]:
    """The server span of one call, the child of the caller's span from the call's metadata (W3C
    traceparent), current while the call runs so the model-server calls continue the trace; and
    the inference stage's metrics. Ids and the route only: the prompt never goes into a span."""
    started = time.perf_counter()
    with _tracer.start_as_current_span(
        f"care.v1.InferenceService/{method}",
        context=context_from_grpc(context.invocation_metadata()),
        kind=SpanKind.SERVER,
        attributes={
            "rpc.system": "grpc",
            "rpc.service": "care.v1.InferenceService",
            "rpc.method": method,
            "care.stage": STAGE,
            "care.request_id": request.request_id,
            "care.route": request.route,
        },
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield span
        except InvalidRequestError:
            _failed(span, started, "invalid_request")
            raise
        except asyncio.CancelledError:
            # The caller went away (a superseded suggestion): neither processed nor failed.
            span.set_attribute("care.cancelled", True)
            raise
        except Exception:
            _failed(span, started, "internal_error")
            raise
        metrics.observe_stage(STAGE, time.perf_counter() - started)


def _failed(span: trace.Span, started: float, code: str) -> None:
    span.set_status(Status(StatusCode.ERROR, code))
    span.set_attribute("care.error_code", code)
    metrics.observe_stage(STAGE, time.perf_counter() - started, error_code=code)


class InferenceServicer(inference_pb2_grpc.InferenceServiceServicer):
    def __init__(self, service: SuggestionService, settings: Settings) -> None:
        self._service = service
        self._settings = settings

    def _time_limit(self, context: grpc.aio.ServicerContext) -> float:
        remaining: float | None = context.time_remaining()
        if remaining is None:
            remaining = self._settings.inference_timeout_seconds
        return max(0.0, remaining - _RESPONSE_MARGIN_S)

    async def Suggest(self, request: SuggestRequest, context: grpc.aio.ServicerContext) -> SuggestResponse:
        try:
            with _served("Suggest", request, context) as span:
                response = await self._service.suggest(request, time_limit_s=self._time_limit(context))
                span.set_attribute("care.status", response.status)
                return response
        except InvalidRequestError as error:
            code, details = grpc.StatusCode.INVALID_ARGUMENT, str(error)
        except Exception:
            _log_failure("Suggest", request)
            code, details = grpc.StatusCode.INTERNAL, _INTERNAL_DETAILS
        await context.abort(code, details)
        raise AssertionError("unreachable: abort raises")

    async def StreamSuggest(
        self, request: SuggestRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[SuggestChunk]:
        try:
            # grpc.aio iterates this generator in the call's own task, so the span may be current.
            with _served("StreamSuggest", request, context):
                async for chunk in self._service.stream(request, time_limit_s=self._time_limit(context)):
                    yield chunk
            return
        except InvalidRequestError as error:
            code, details = grpc.StatusCode.INVALID_ARGUMENT, str(error)
        except Exception:
            _log_failure("StreamSuggest", request)
            code, details = grpc.StatusCode.INTERNAL, _INTERNAL_DETAILS
        await context.abort(code, details)


def _log_failure(method: str, request: SuggestRequest) -> None:
    logger.exception(
        "inference request failed",
        extra={
            "fields": {
                "method": method,
                "request_id": request.request_id,
                "conversation_id": request.conversation_id,
                "route": request.route,
            }
        },
    )


async def start_server(
    settings: Settings, *, listen: str | None = None, registry: BackendRegistry | None = None
) -> tuple[Any, int]:
    """A started ``grpc.aio.Server`` and the port it bound (``listen`` may end in ``:0``).

    Backends come from ``settings`` unless ``registry`` is given; a registry built here is closed
    once the server has stopped, one passed in stays the caller's to close. With
    ``backend_validate_adapters`` every configured adapter is checked first. Raises
    :class:`BackendSetupError` for backends the service cannot start with (its message says why),
    OSError when the address cannot be bound.
    """
    running = await start_inference(settings, listen=listen, registry=registry)
    return running.server, running.port


class RunningInference(NamedTuple):
    server: Any  # grpc.aio.Server
    port: int
    # Its breakers, bulkheads and counters per route, for metrics and tests.
    service: SuggestionService


async def start_inference(
    settings: Settings, *, listen: str | None = None, registry: BackendRegistry | None = None
) -> RunningInference:
    """:func:`start_server`, also returning the :class:`SuggestionService` it serves."""
    address = listen or settings.inference_listen
    owned = registry is None
    backends = BackendRegistry.from_settings(settings) if registry is None else registry
    try:
        if settings.backend_validate_adapters:
            await validate_adapters(backends, settings)
        service = SuggestionService(backends, settings)
    except BaseException:
        if owned:
            await backends.aclose()
        raise
    # gRPC sets SO_REUSEPORT by default, which lets a second server silently share a busy port.
    server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
    inference_pb2_grpc.add_InferenceServiceServicer_to_server(InferenceServicer(service, settings), server)
    try:
        port: int = server.add_insecure_port(address)
    except RuntimeError:
        port = 0
    if port == 0:
        if owned:
            await backends.aclose()
        raise OSError(f"inference service could not bind {address}")
    await server.start()
    if owned:
        closer = asyncio.create_task(_close_after_termination(server, backends))
        _closers.add(closer)
        closer.add_done_callback(_closers.discard)
    return RunningInference(server, port, service)


async def _close_after_termination(server: Any, registry: BackendRegistry) -> None:
    await server.wait_for_termination()
    await registry.aclose()


def run_server(settings: Settings) -> None:
    """Serve until SIGINT or SIGTERM, then let in-flight requests finish within a grace period.

    Backends it cannot start with (a bad prompt mode, model directory or adapter) are logged and
    end the process with SystemExit(1).
    """
    try:
        asyncio.run(_serve(settings))
    except BackendSetupError as error:
        logger.error("inference service cannot start", extra={"fields": {"reason": str(error)}})
        raise SystemExit(1) from None


async def _serve(settings: Settings) -> None:
    metrics.serve_metrics(settings.metrics_port)
    registry = BackendRegistry.from_settings(settings)
    metrics.init_series(stages=[STAGE], routes=registry.routes)
    try:
        server, port, _ = await start_inference(settings, registry=registry)
        host = settings.inference_listen.rsplit(":", 1)[0]
        logger.info(
            "inference service listening",
            extra={
                "fields": {
                    "address": f"{host}:{port}",
                    "routes": list(registry.routes),
                    "backend_api": settings.backend_api,
                    "prompt_mode": settings.prompt_mode,
                }
            },
        )
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopping.set)
        await stopping.wait()
        grace = settings.inference_timeout_seconds
        logger.info("inference service stopping", extra={"fields": {"grace_s": grace}})
        await server.stop(grace)
    finally:
        await registry.aclose()
    logger.info("inference service stopped")
