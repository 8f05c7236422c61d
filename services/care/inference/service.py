"""Suggested replies: N candidates generated concurrently, one support strategy each.

The core of the inference service, with no gRPC in it: the server decodes, calls this, encodes.
A candidate whose backend call fails is replaced from the fallback bank, so the counselor always
gets something unless there is nothing to suggest.

A suggestion has one deadline, the shorter of ``suggestion_deadline_seconds`` and the caller's time
limit. Each candidate's stream goes through :func:`~care.inference.resilience.stream_with_resilience`:
the backend's circuit breaker and bulkhead (one of each per route, shared by every request), then
attempts bounded by ``backend_timeout_seconds``, retried on 429/503 before the first token while
the deadline leaves room.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import time
from collections import Counter
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from care import metrics
from care.config import Settings
from care.inference.backend import BackendError, BackendRegistry, ModelBackend
from care.inference.breaker import BreakerState, CircuitBreaker
from care.inference.bulkhead import Bulkhead
from care.inference.fallback import FALLBACK_SOURCE, fallback_text
from care.inference.resilience import Deadline, RetryPolicy, retry_policy, stream_with_resilience
from care.inference.strategies import MAX_CANDIDATES, ChatMessage, choose_strategies, with_strategy
from care.logging import get_logger
from care.v1.events_pb2 import (
    SUGGESTION_STATUS_FALLBACK,
    SUGGESTION_STATUS_NO_SUGGESTION,
    SUGGESTION_STATUS_OK,
    Candidate,
    SuggestionStatus,
)
from care.v1.inference_pb2 import CandidateDelta, SuggestChunk, SuggestRequest, SuggestResponse

logger = get_logger(__name__)

MODEL_SOURCE = "model"
ROLES = frozenset({"system", "user", "assistant"})

# What each failure kind means to a counselor; the status code is added where there is one.
_REASONS = {
    "overloaded": "model backend overloaded",
    "unavailable": "model backend unavailable",
    "generation": "model generation failed",
    "validation": "model backend rejected the request",
    "server": "model backend error",
    "timeout": "model backend timed out",
    "connection": "model backend unreachable",
    "protocol": "unexpected answer from the model backend",
    "circuit_open": "model backend paused after repeated failures",
    "queue_timeout": "model backend busy, no capacity in time",
}

_PRINTABLE_ROUTE = re.compile(r"[a-z][a-z_-]{0,15}")

DeltaSink = Callable[[CandidateDelta], None]


class InvalidRequestError(ValueError):
    """A request the service cannot accept; the message is safe to return to the caller."""


@dataclass
class RouteStats:
    """Counters of one route's backend since the service started, for metrics and tests."""

    candidates: int = 0
    # Candidates that ended with a fallback reply, by the kind of their last error.
    failures: Counter[str] = field(default_factory=Counter)
    # Attempts tried again, by the kind of the error that was retried.
    retries: Counter[str] = field(default_factory=Counter)
    # Times the circuit breaker opened.
    breaker_opened: int = 0


@dataclass(frozen=True)
class _Guard:
    """What protects one route's backend, shared by every request."""

    breaker: CircuitBreaker
    bulkhead: Bulkhead
    stats: RouteStats


@dataclass(frozen=True)
class _Plan:
    request: SuggestRequest
    backend: ModelBackend
    guard: _Guard
    messages: tuple[ChatMessage, ...]
    strategies: tuple[str, ...]
    max_new_tokens: int
    deadline: Deadline
    variant: int


@dataclass(frozen=True)
class _Outcome:
    index: int
    strategy: str
    text: str = ""
    deltas: int = 0
    error: BackendError | None = None


def describe(error: BackendError) -> str:
    reason = _REASONS[error.kind]
    return reason if error.status is None else f"{reason} ({error.status})"


def _stable_int(*parts: str) -> int:
    # Seeds and fallback variants follow from ids, so a redelivered request gets the same answer.
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:4], "big")


def _no_suggestion(reason: str) -> SuggestResponse:
    return SuggestResponse(status=SUGGESTION_STATUS_NO_SUGGESTION, status_reason=reason)


class SuggestionService:
    def __init__(
        self, registry: BackendRegistry, settings: Settings, *, policy: RetryPolicy | None = None
    ) -> None:
        """``policy`` replaces the retry policy of ``settings`` (:func:`retry_policy`)."""
        self._registry = registry
        self._settings = settings
        self._policy = retry_policy(settings) if policy is None else policy
        self._guards: dict[str, _Guard] = {}
        for route in registry.routes:
            self._guards[route] = _Guard(
                breaker=CircuitBreaker(
                    route,
                    failure_threshold=settings.backend_breaker_failures,
                    open_seconds=settings.backend_breaker_open_seconds,
                    on_state_change=self._breaker_changed,
                ),
                bulkhead=Bulkhead(route, settings.backend_max_in_flight),
                stats=RouteStats(),
            )
            metrics.set_circuit_state(route, BreakerState.CLOSED.value)

    @property
    def stats(self) -> Mapping[str, RouteStats]:
        """The counters of every route with a backend."""
        return {route: guard.stats for route, guard in self._guards.items()}

    def breaker(self, route: str) -> CircuitBreaker | None:
        guard = self._guards.get(route)
        return None if guard is None else guard.breaker

    def bulkhead(self, route: str) -> Bulkhead | None:
        guard = self._guards.get(route)
        return None if guard is None else guard.bulkhead

    def _breaker_changed(self, route: str, old: BreakerState, new: BreakerState) -> None:
        opened = new is BreakerState.OPEN
        if opened:
            self._guards[route].stats.breaker_opened += 1
        metrics.set_circuit_state(route, new.value)
        # Opening means counselors get fallback replies only; that is worth a warning.
        logger.log(
            logging.WARNING if opened else logging.INFO,
            "model backend circuit changed",
            extra={"fields": {"route": route, "from": old.value, "to": new.value}},
        )

    async def suggest(self, request: SuggestRequest, *, time_limit_s: float | None = None) -> SuggestResponse:
        """Every candidate, complete. ``time_limit_s`` shortens the backend deadline to fit the caller's."""
        plan = self._plan(request, time_limit_s)
        if isinstance(plan, SuggestResponse):
            return plan
        return await self._generate(plan, sink=None)

    async def stream(
        self, request: SuggestRequest, *, time_limit_s: float | None = None
    ) -> AsyncIterator[SuggestChunk]:
        """Deltas of every candidate as they arrive, then the complete response as the last chunk.

        The final chunk is authoritative: a candidate whose stream failed midway is replaced there.
        """
        plan = self._plan(request, time_limit_s)
        if isinstance(plan, SuggestResponse):
            yield SuggestChunk(final=plan)
            return
        deltas: asyncio.Queue[CandidateDelta | None] = asyncio.Queue()
        task = asyncio.create_task(self._generate(plan, sink=deltas.put_nowait))
        task.add_done_callback(lambda _: deltas.put_nowait(None))
        try:
            while (delta := await deltas.get()) is not None:
                yield SuggestChunk(delta=delta)
            yield SuggestChunk(final=await task)
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def _plan(self, request: SuggestRequest, time_limit_s: float | None) -> _Plan | SuggestResponse:
        count = request.num_candidates or self._settings.num_candidates
        if count > MAX_CANDIDATES:
            raise InvalidRequestError(f"num_candidates must be at most {MAX_CANDIDATES}")
        for position, message in enumerate(request.messages):
            if message.role not in ROLES:
                raise InvalidRequestError(f"message {position} has an unknown role")
        backend = self._registry.get(request.route)
        guard = self._guards.get(request.route)
        if backend is None or guard is None:
            shown = f" (route {request.route!r})" if _PRINTABLE_ROUTE.fullmatch(request.route) else ""
            return _no_suggestion(f"suggestions are not available for this conversation's language{shown}")
        if not any(message.role != "system" for message in request.messages):
            return _no_suggestion("no conversation messages to suggest a reply to")
        seconds = self._settings.suggestion_deadline_seconds
        if time_limit_s is not None:
            seconds = max(0.0, min(seconds, time_limit_s))
        return _Plan(
            request=request,
            backend=backend,
            guard=guard,
            messages=tuple((message.role, message.content) for message in request.messages),
            strategies=tuple(choose_strategies(count)),
            max_new_tokens=request.max_new_tokens or self._settings.max_new_tokens,
            deadline=Deadline(seconds),
            variant=_stable_int(request.conversation_id, request.request_id),
        )

    async def _generate(self, plan: _Plan, sink: DeltaSink | None) -> SuggestResponse:
        started = time.perf_counter()
        first_token_at: float | None = None
        retried: list[str] = []
        guard = plan.guard

        route = plan.request.route

        def on_retry(kind: str) -> None:
            retried.append(kind)
            guard.stats.retries[kind] += 1
            # The attempt failed (an error of its kind) and is tried again.
            metrics.record_backend_error(route, kind)
            metrics.record_backend_retry(route)

        async def candidate(index: int, strategy: str) -> _Outcome:
            nonlocal first_token_at
            parts: list[str] = []
            count = 0
            messages = with_strategy(plan.messages, strategy)
            seed = _stable_int(plan.request.request_id, str(index))

            def open_stream() -> AsyncGenerator[str, None]:
                return plan.backend.stream(
                    messages,
                    max_new_tokens=plan.max_new_tokens,
                    temperature=self._settings.temperature,
                    seed=seed,
                )

            try:
                # Backend errors must leave this block: the breaker learns the outcome from it.
                async with stream_with_resilience(
                    open_stream,
                    deadline=plan.deadline,
                    policy=self._policy,
                    breaker=guard.breaker,
                    bulkhead=guard.bulkhead,
                    on_retry=on_retry,
                ) as deltas:
                    async for delta in deltas:
                        count += 1
                        if not delta:
                            continue
                        if first_token_at is None:
                            first_token_at = time.perf_counter()
                        parts.append(delta)
                        if sink is not None:
                            sink(CandidateDelta(candidate_index=index, strategy=strategy, text=delta))
            except TimeoutError:
                return _Outcome(index, strategy, error=BackendError("timeout"))
            except BackendError as error:
                return _Outcome(index, strategy, error=error)
            text = "".join(parts).strip()
            if not text:
                return _Outcome(index, strategy, deltas=count, error=BackendError("generation"))
            return _Outcome(index, strategy, text=text, deltas=count)

        outcomes = await asyncio.gather(
            *(candidate(index, strategy) for index, strategy in enumerate(plan.strategies))
        )
        guard.stats.candidates += len(outcomes)
        guard.stats.failures.update(outcome.error.kind for outcome in outcomes if outcome.error is not None)
        response = self._assemble(plan, outcomes)
        response.total_ms = (time.perf_counter() - started) * 1000.0
        if first_token_at is not None:
            response.time_to_first_token_ms = (first_token_at - started) * 1000.0
        ttft = None if first_token_at is None else first_token_at - started
        self._record(plan, response, outcomes, ttft)
        self._log(plan, response, outcomes, retried)
        return response

    def _record(
        self,
        plan: _Plan,
        response: SuggestResponse,
        outcomes: Sequence[_Outcome],
        time_to_first_token_s: float | None,
    ) -> None:
        route = plan.request.route
        for outcome in outcomes:
            if outcome.error is not None:
                # The candidate's last error: it got a reply from the fallback bank instead.
                metrics.record_backend_error(route, outcome.error.kind)
                metrics.record_fallback(route, outcome.error.kind)
        metrics.observe_inference(
            route,
            duration_seconds=response.total_ms / 1000.0,
            time_to_first_token_seconds=time_to_first_token_s,
            # Each stream delta is one token on TGI and vLLM.
            generated_tokens=sum(outcome.deltas for outcome in outcomes if outcome.error is None),
        )

    def _assemble(self, plan: _Plan, outcomes: Sequence[_Outcome]) -> SuggestResponse:
        route = plan.request.route
        candidates = [
            Candidate(
                index=outcome.index,
                text=outcome.text,
                strategy=outcome.strategy,
                source=MODEL_SOURCE,
                generated_tokens=outcome.deltas,
            )
            if outcome.error is None
            else Candidate(
                index=outcome.index,
                text=fallback_text(route, outcome.strategy, plan.variant + outcome.index),
                strategy=outcome.strategy,
                source=FALLBACK_SOURCE,
            )
            for outcome in outcomes
        ]
        errors = [outcome.error for outcome in outcomes if outcome.error is not None]
        reasons = ", ".join(dict.fromkeys(describe(error) for error in errors))
        if not errors:
            status, reason = SUGGESTION_STATUS_OK, ""
        elif len(errors) == len(outcomes):
            status, reason = SUGGESTION_STATUS_FALLBACK, f"{reasons}; showing fallback replies"
        else:
            status = SUGGESTION_STATUS_OK
            reason = f"{len(errors)} of {len(outcomes)} replies replaced by fallback replies ({reasons})"
        return SuggestResponse(
            candidates=candidates, status=status, status_reason=reason, model=plan.backend.model
        )

    def _log(
        self, plan: _Plan, response: SuggestResponse, outcomes: Sequence[_Outcome], retried: Sequence[str]
    ) -> None:
        failures = sorted({outcome.error.kind for outcome in outcomes if outcome.error is not None})
        logger.info(
            "suggestion generated",
            extra={
                "fields": {
                    "request_id": plan.request.request_id,
                    "conversation_id": plan.request.conversation_id,
                    "route": plan.request.route,
                    "model": response.model,
                    "status": SuggestionStatus.Name(response.status),
                    "candidates": len(response.candidates),
                    "failed": sum(outcome.error is not None for outcome in outcomes),
                    "failure_kinds": failures,
                    "retries": len(retried),
                    "breaker": plan.guard.breaker.state.value,
                    "time_to_first_token_ms": round(response.time_to_first_token_ms, 1),
                    "total_ms": round(response.total_ms, 1),
                }
            },
        )
