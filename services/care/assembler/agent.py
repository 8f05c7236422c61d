"""assembler's faust shell: keep every conversation's complete history in a Table and, on each
help-seeker message, ask the inference service for suggestions built from all of it.

Model calls run concurrently across conversations and in order within each; a routed event is
acknowledged only once its suggestion is published, so a crash means redelivery, never loss.
A newer message or a counselor reply supersedes a generation still running for the conversation:
it is cancelled (the gRPC cancel reaches the model server and stops it generating) and its
suggestion is published as SUPERSEDED.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import faust
import grpc
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from care import metrics, topics
from care.assembler import suggestion as suggestions
from care.assembler.assemble import Assembly, MissingRoleError, assemble
from care.assembler.history import History
from care.assembler.partials import PartialCandidates
from care.assembler.plan import Action
from care.assembler.prompt import RoutePrompt, as_prompt_messages, load_route_prompts
from care.assembler.risk_step import RiskPolicy, risk_alert
from care.assembler.safeguard import (
    apply_safety,
    known_placeholders,
    model_candidate_count,
    risk_level_to_proto,
    safety_policy,
    shown_partials,
)
from care.assembler.state import history_from_proto, history_to_proto
from care.config import Settings
from care.inference.client import InferenceClient
from care.inference.fallback import fallback_candidates
from care.inference.strategies import choose_strategies
from care.logging import get_logger
from care.prompting.tokens import TokenCounter, load_token_counter
from care.risk import RiskDetector, RiskLevel, default_detector
from care.risk.classifier import OnnxRiskClassifier
from care.safety import protocol_candidate
from care.safety import warm_up as warm_up_safety
from care.streaming.codec import decode
from care.streaming.scheduler import ConversationScheduler
from care.telemetry import tracer
from care.v1 import events_pb2, inference_pb2
from care.worker.app import raw_table, raw_topic
from care.worker.shell import StageError, process_or_dead_letter, send

log = get_logger(__name__)

STAGE = "assembler"
# The gRPC deadline leaves the service time to answer with fallback replies at the suggestion deadline.
GRPC_MARGIN_S = 1.0
UNAVAILABLE_REASON = "The suggestion service is unavailable; showing general supportive replies."

_tracer = tracer(__name__)


class LazyInferenceClient:
    """The gRPC channel must be created inside the worker's running event loop."""

    def __init__(self, target: str) -> None:
        self._target = target
        self._client: InferenceClient | None = None

    def get(self) -> InferenceClient:
        if self._client is None:
            self._client = InferenceClient(self._target)
        return self._client


@dataclass
class PendingSuggestion:
    """A help-seeker message waiting for its suggestion; request is None when there is nothing to
    ask the model and the suggestion is a NO_SUGGESTION with the reason."""

    event: Any
    routed_event: events_pb2.PipelineEvent
    history_turns: int
    request: inference_pb2.SuggestRequest | None
    reason: str = ""
    assembly: Assembly | None = None
    generation: int = 0
    task: asyncio.Task[events_pb2.Suggestion] | None = field(default=None, repr=False)
    superseded: bool = False
    # The trace context of the record's stage span: the suggestion is asked for and published
    # later, from the scheduler, and its spans continue the message's trace.
    trace_context: otel_context.Context | None = field(default=None, repr=False)

    @property
    def conversation_id(self) -> str:
        return self.routed_event.event.conversation_id


class Generations:
    """Which generation of each conversation is current, and the model call running for it.

    Every new message bumps the conversation's generation; a job whose generation is no longer
    current is superseded, whether it is still queued or already asking the model.
    """

    def __init__(self) -> None:
        self._current: dict[str, int] = {}
        self._running: dict[str, PendingSuggestion] = {}

    def bump(self, conversation_id: str) -> int:
        generation = self._current.get(conversation_id, 0) + 1
        self._current[conversation_id] = generation
        running = self._running.get(conversation_id)
        if running is not None and running.generation < generation and running.task is not None:
            running.superseded = True
            running.task.cancel()
        return generation

    def current(self, conversation_id: str) -> int:
        return self._current.get(conversation_id, 0)

    def is_stale(self, pending: PendingSuggestion) -> bool:
        return pending.generation < self.current(pending.conversation_id)

    def start(self, pending: PendingSuggestion) -> None:
        self._running[pending.conversation_id] = pending

    def finish(self, pending: PendingSuggestion) -> None:
        if self._running.get(pending.conversation_id) is pending:
            del self._running[pending.conversation_id]

    def forget(self, conversation_id: str) -> None:
        """At the end of a conversation; a job still queued for it keeps its own generation."""
        if conversation_id not in self._running:
            self._current.pop(conversation_id, None)


def service_failure_kind(error: BaseException) -> str:
    """The fallback reason kind when the inference service itself could not answer."""
    if isinstance(error, grpc.aio.AioRpcError) and error.code() is grpc.StatusCode.DEADLINE_EXCEEDED:
        return "deadline"
    if isinstance(error, TimeoutError):
        return "deadline"
    return "connection"


def token_counters(settings: Settings) -> dict[str, TokenCounter]:
    return {
        route: load_token_counter(settings.model_dir_for(route) or None) for route in settings.model_routes
    }


def route_prompts(settings: Settings) -> dict[str, RoutePrompt]:
    """Built once at start-up: a missing system prompt or tokenizer stops the worker with the reason."""
    return load_route_prompts(
        settings.model_routes,
        token_counters(settings),
        system_prompt_dir=settings.system_prompt_dir,
        context_tokens=settings.context_tokens,
        max_new_tokens=settings.max_new_tokens,
        opening_turns=settings.context_opening_turns,
        block_fraction=settings.context_block_fraction,
    )


def risk_policy(settings: Settings) -> RiskPolicy:
    """The lexicon detector, with the fine-tuned classifier beside it when a model is mounted."""
    if not settings.risk_model_dir:
        return RiskPolicy(default_detector(), RiskLevel.parse(settings.risk_alert_threshold))
    classifier = OnnxRiskClassifier.from_directory(settings.risk_model_dir)
    detector = RiskDetector(classifier=classifier)
    return RiskPolicy(detector, RiskLevel.parse(settings.risk_alert_threshold))


def register(app: faust.App, settings: Settings) -> None:
    partitions = settings.topic_partitions
    routed = raw_topic(app, topics.CHAT_ROUTED, partitions)
    internal = raw_topic(app, topics.SUGGESTIONS_INTERNAL, partitions)
    deadletter = raw_topic(app, topics.DEADLETTER, partitions)
    alerts = raw_topic(app, topics.ALERTS, partitions)
    histories = raw_table(app, "assembler-history", topics.HISTORY_CHANGELOG, partitions)
    risk = risk_policy(settings)
    safety = safety_policy(settings)
    # Lexicons, detectors and protocol texts load now: a broken configuration stops the worker at
    # start-up with the reason, and the first help-seeker does not pay for the loading.
    warm_up_safety(safety)
    for route in settings.model_routes:
        protocol_candidate(route, safety)
    inference = LazyInferenceClient(settings.inference_target)
    scheduler = ConversationScheduler(settings.max_inference_in_flight)
    prompts: Mapping[str, RoutePrompt] = route_prompts(settings)
    generations = Generations()
    grpc_timeout = settings.suggestion_deadline_seconds + GRPC_MARGIN_S

    @app.agent(routed, name="care.assembler")
    async def assemble_stream(stream: Any) -> None:
        async for event in stream.noack().events():
            pending = await process_or_dead_letter(STAGE, event, deadletter, partial(handle, event))
            if pending is None:
                event.ack()
            else:
                await scheduler.submit(pending.conversation_id, partial(publish, pending))

    async def handle(event: Any) -> PendingSuggestion | None:
        started = time.perf_counter()
        routed_event = decode(event.value, events_pb2.PipelineEvent)
        chat = routed_event.event
        key = chat.conversation_id.encode("utf-8")
        history = history_from_proto(histories.get(key))
        try:
            assembly = assemble(history, routed_event, prompts, risk)
        except MissingRoleError as error:
            raise StageError("missing_field", str(error)) from None
        if assembly.risk is not None and assembly.risk.alert:
            # At once, before the suggestion is even asked for, and before the history that records
            # the alert is stored: a crash in between re-sends it (same id), never loses it.
            alert = risk_alert(chat.conversation_id, chat.event_id, assembly.risk)
            await send(alerts, chat.conversation_id, alert)
            metrics.record_risk_alert(assembly.risk.level_max.label)
            log.warning(
                "risk alert",
                extra={
                    "fields": {
                        "conversation_id": chat.conversation_id,
                        "event_id": chat.event_id,
                        "level": assembly.risk.level_max.label,
                        "categories": list(assembly.risk.turn.categories),
                    }
                },
            )
        if assembly.history != history:
            histories[key] = history_to_proto(assembly.history)
        if chat.type == events_pb2.CHAT_EVENT_TYPE_CONVERSATION_ENDED:
            generations.forget(chat.conversation_id)
        generation = (
            generations.bump(chat.conversation_id)
            if assembly.supersedes
            else generations.current(chat.conversation_id)
        )
        routed_event.timings.assemble_ms = (time.perf_counter() - started) * 1000
        if assembly.action is Action.NOTHING:
            return None
        request = None
        if assembly.action is Action.SUGGEST and assembly.prompt is not None:
            risk_level = RiskLevel(assembly.history.risk_max)
            request = suggestions.suggest_request(
                routed_event,
                as_prompt_messages(assembly.prompt.messages),
                model_candidate_count(settings.num_candidates, risk_level),
                settings.max_new_tokens,
                assembly.prompt.prompt_tokens,
                risk_level_to_proto(risk_level),
            )
        turns = len(assembly.history.turns)
        return PendingSuggestion(
            event,
            routed_event,
            turns,
            request,
            assembly.reason,
            assembly,
            generation=generation,
            trace_context=otel_context.get_current(),
        )

    async def publish(pending: PendingSuggestion) -> None:
        with _tracer.start_as_current_span(
            "assembler suggest",
            context=pending.trace_context,
            kind=SpanKind.INTERNAL,
            attributes={"care.stage": STAGE, "care.route": pending.routed_event.route.name},
        ) as span:
            await publish_traced(pending)
            span.set_attribute("care.generation", pending.generation)

    async def publish_traced(pending: PendingSuggestion) -> None:
        if pending.request is None:
            suggestion = suggestions.no_suggestion(
                pending.routed_event, pending.history_turns, pending.reason
            )
        elif generations.is_stale(pending):
            metrics.record_supersede(pending.routed_event.route.name)
            suggestion = suggestions.superseded(pending.routed_event, pending.history_turns)
        else:
            suggestion = await generate(pending, pending.request)
        if pending.assembly is not None:
            gated = apply_safety(
                suggestion,
                history=pending.assembly.history,
                risk_level=RiskLevel(pending.assembly.history.risk_max),
                policy=safety,
                variant=pending.history_turns,
            )
            for reason in gated.blocks:
                metrics.record_safety_block(suggestion.route, reason)
        if pending.assembly is not None and pending.assembly.prompt is not None:
            prompt = pending.assembly.prompt
            suggestion.prompt_tokens = prompt.prompt_tokens
            suggestion.prefix_tokens = prompt.prefix_tokens
            suggestion.elided_turns = prompt.elided
        await send(internal, pending.conversation_id, suggestion)
        pending.event.ack()

    async def generate(
        pending: PendingSuggestion, request: inference_pb2.SuggestRequest
    ) -> events_pb2.Suggestion:
        pending.task = asyncio.create_task(ask(pending, request))
        generations.start(pending)
        try:
            return await asyncio.shield(pending.task)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if not pending.superseded or (task is not None and task.cancelling()):
                pending.task.cancel()
                raise
            metrics.record_supersede(pending.routed_event.route.name)
            return suggestions.superseded(pending.routed_event, pending.history_turns)
        finally:
            generations.finish(pending)

    async def ask(pending: PendingSuggestion, request: inference_pb2.SuggestRequest) -> events_pb2.Suggestion:
        try:
            if settings.stream_partials:
                response = await stream(pending, request)
            else:
                response = await inference.get().suggest(request, timeout=grpc_timeout)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.warning(
                "inference service call failed",
                extra={"fields": {"conversation_id": pending.conversation_id, "error": type(error).__name__}},
            )
            strategies = choose_strategies(request.num_candidates or settings.num_candidates)
            candidates = [
                events_pb2.Candidate(index=r.index, text=r.text, strategy=r.strategy, source=r.source)
                for r in fallback_candidates(request.route, strategies)
            ]
            metrics.record_fallback(request.route, service_failure_kind(error), len(candidates))
            trace.get_current_span().set_attribute("care.fallback", service_failure_kind(error))
            return suggestions.fallback(
                pending.routed_event, pending.history_turns, candidates, UNAVAILABLE_REASON
            )
        return suggestions.from_response(pending.routed_event, pending.history_turns, response)

    async def stream(
        pending: PendingSuggestion, request: inference_pb2.SuggestRequest
    ) -> inference_pb2.SuggestResponse:
        partials = PartialCandidates(settings.partial_interval_seconds)
        history = pending.assembly.history if pending.assembly is not None else History()
        # Once per generation, not per partial: the history does not change while it runs.
        placeholders = known_placeholders(history)
        async for chunk in inference.get().stream(request, timeout=grpc_timeout):
            if chunk.HasField("final"):
                return chunk.final
            partials.add(chunk.delta)
            now = time.monotonic()
            if partials.due(now):
                shown = shown_partials(
                    partials.take(now),
                    route=pending.routed_event.route.name,
                    placeholders=placeholders,
                    risk_level=RiskLevel(history.risk_max),
                    policy=safety,
                )
                update = suggestions.partial(pending.routed_event, pending.history_turns, shown)
                await send(internal, pending.conversation_id, update)
        raise ConnectionError("the inference stream ended without a final response")
