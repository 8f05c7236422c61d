"""Suggested replies: N candidates generated concurrently, one support strategy each.

The core of the inference service, with no gRPC in it: the server decodes, calls this, encodes.
A candidate whose backend call fails is replaced from the fallback bank, so the counselor always
gets something unless there is nothing to suggest.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass

from care.config import Settings
from care.inference.backend import BackendError, BackendRegistry, TgiBackend
from care.inference.fallback import FALLBACK_SOURCE, fallback_text
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
}

_PRINTABLE_ROUTE = re.compile(r"[a-z][a-z_-]{0,15}")

DeltaSink = Callable[[CandidateDelta], None]


class InvalidRequestError(ValueError):
    """A request the service cannot accept; the message is safe to return to the caller."""


@dataclass(frozen=True)
class _Plan:
    request: SuggestRequest
    backend: TgiBackend
    messages: tuple[ChatMessage, ...]
    strategies: tuple[str, ...]
    max_new_tokens: int
    timeout_s: float
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
    def __init__(self, registry: BackendRegistry, settings: Settings) -> None:
        self._registry = registry
        self._settings = settings

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
        if backend is None:
            shown = f" (route {request.route!r})" if _PRINTABLE_ROUTE.fullmatch(request.route) else ""
            return _no_suggestion(f"suggestions are not available for this conversation's language{shown}")
        if not any(message.role != "system" for message in request.messages):
            return _no_suggestion("no conversation messages to suggest a reply to")
        timeout_s = self._settings.backend_timeout_seconds
        if time_limit_s is not None:
            timeout_s = max(0.0, min(timeout_s, time_limit_s))
        return _Plan(
            request=request,
            backend=backend,
            messages=tuple((message.role, message.content) for message in request.messages),
            strategies=tuple(choose_strategies(count)),
            max_new_tokens=request.max_new_tokens or self._settings.max_new_tokens,
            timeout_s=timeout_s,
            variant=_stable_int(request.conversation_id, request.request_id),
        )

    async def _generate(self, plan: _Plan, sink: DeltaSink | None) -> SuggestResponse:
        started = time.perf_counter()
        first_token_at: float | None = None

        async def candidate(index: int, strategy: str) -> _Outcome:
            nonlocal first_token_at
            parts: list[str] = []
            count = 0
            try:
                async with asyncio.timeout(plan.timeout_s):
                    deltas = plan.backend.stream_chat(
                        with_strategy(plan.messages, strategy),
                        max_new_tokens=plan.max_new_tokens,
                        temperature=self._settings.temperature,
                        seed=_stable_int(plan.request.request_id, str(index)),
                        adapter_id=plan.backend.config.adapter_id,
                    )
                    async with contextlib.aclosing(deltas):
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
        response = self._assemble(plan, outcomes)
        response.total_ms = (time.perf_counter() - started) * 1000.0
        if first_token_at is not None:
            response.time_to_first_token_ms = (first_token_at - started) * 1000.0
        self._log(plan, response, outcomes)
        return response

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

    def _log(self, plan: _Plan, response: SuggestResponse, outcomes: Sequence[_Outcome]) -> None:
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
                    "time_to_first_token_ms": round(response.time_to_first_token_ms, 1),
                    "total_ms": round(response.total_ms, 1),
                }
            },
        )
