"""assembler's faust shell: keep every conversation's complete history in a Table and, on each
help-seeker message, ask the inference service for suggestions built from all of it.

Model calls run concurrently across conversations and in order within each; a routed event is
acknowledged only once its suggestion is published, so a crash means redelivery, never loss.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import Any

import faust

from care import topics
from care.assembler.history import History, Speaker, Turn
from care.assembler.plan import Action, plan_end, plan_message
from care.assembler.prompt import build_messages, default_system_prompt
from care.assembler.suggestion import fallback, from_response, no_suggestion, suggest_request
from care.config import Settings
from care.inference.client import InferenceClient
from care.inference.fallback import fallback_candidates
from care.inference.strategies import choose_strategies
from care.logging import get_logger
from care.streaming.codec import decode
from care.streaming.scheduler import ConversationScheduler
from care.v1 import events_pb2, inference_pb2, state_pb2
from care.worker.app import raw_table, raw_topic
from care.worker.shell import StageError, process_or_dead_letter, send

log = get_logger(__name__)

STAGE = "assembler"
SPEAKERS = {events_pb2.ROLE_HELP_SEEKER: Speaker.HELP_SEEKER, events_pb2.ROLE_COUNSELOR: Speaker.COUNSELOR}
ROLES = {speaker: role for role, speaker in SPEAKERS.items()}


def history_from_proto(blob: bytes | None) -> History:
    if not blob:
        return History()
    stored = state_pb2.ConversationHistory.FromString(blob)
    turns = tuple(Turn(t.event_id, SPEAKERS[t.role], t.text) for t in stored.turns)
    return History(turns, stored.route, stored.ended)


def history_to_proto(history: History) -> bytes:
    return state_pb2.ConversationHistory(
        turns=[
            state_pb2.HistoryTurn(event_id=t.event_id, role=ROLES[t.speaker], text=t.text)
            for t in history.turns
        ],
        route=history.route,
        ended=history.ended,
    ).SerializeToString()


class LazyInferenceClient:
    """The gRPC channel must be created inside the worker's running event loop."""

    def __init__(self, target: str) -> None:
        self._target = target
        self._client: InferenceClient | None = None

    def get(self) -> InferenceClient:
        if self._client is None:
            self._client = InferenceClient(self._target)
        return self._client


@dataclass(frozen=True)
class PendingSuggestion:
    """A help-seeker message waiting for its suggestion; request is None when there is nothing to
    ask the model and the suggestion is a NO_SUGGESTION with the reason."""

    event: Any
    routed_event: events_pb2.PipelineEvent
    history_turns: int
    request: inference_pb2.SuggestRequest | None
    reason: str = ""

    @property
    def conversation_id(self) -> str:
        return self.routed_event.event.conversation_id


def register(app: faust.App, settings: Settings) -> None:
    partitions = settings.topic_partitions
    routed = raw_topic(app, topics.CHAT_ROUTED, partitions)
    internal = raw_topic(app, topics.SUGGESTIONS_INTERNAL, partitions)
    deadletter = raw_topic(app, topics.DEADLETTER, partitions)
    histories = raw_table(app, "assembler-history", topics.HISTORY_CHANGELOG, partitions)
    inference = LazyInferenceClient(settings.inference_target)
    scheduler = ConversationScheduler(settings.max_inference_in_flight)

    @app.agent(routed, name="care.assembler")
    async def assemble(stream: Any) -> None:
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
        if chat.type == events_pb2.CHAT_EVENT_TYPE_MESSAGE:
            if chat.role not in SPEAKERS:
                raise StageError("missing_field", "a message has no role")
            turn = Turn(chat.event_id, SPEAKERS[chat.role], chat.text)
            plan = plan_message(history, turn, routed_event.route.name, routed_event.route.reason)
        elif chat.type == events_pb2.CHAT_EVENT_TYPE_CONVERSATION_ENDED:
            plan = plan_end(history)
        else:
            return None
        if plan.history != history:
            histories[key] = history_to_proto(plan.history)
        turns = len(plan.history.turns)
        request = None
        if plan.action is Action.SUGGEST:
            messages = build_messages(plan.history, default_system_prompt(routed_event.route.name))
            request = suggest_request(
                routed_event, messages, settings.num_candidates, settings.max_new_tokens
            )
        routed_event.timings.assemble_ms = (time.perf_counter() - started) * 1000
        if plan.action is Action.NOTHING:
            return None
        return PendingSuggestion(event, routed_event, turns, request, plan.reason)

    async def publish(pending: PendingSuggestion) -> None:
        if pending.request is None:
            suggestion = no_suggestion(pending.routed_event, pending.history_turns, pending.reason)
        else:
            suggestion = await ask(pending, pending.request)
        await send(internal, pending.conversation_id, suggestion)
        pending.event.ack()

    async def ask(pending: PendingSuggestion, request: inference_pb2.SuggestRequest) -> events_pb2.Suggestion:
        try:
            response = await inference.get().suggest(request, timeout=settings.inference_timeout_seconds)
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
            return fallback(
                pending.routed_event,
                pending.history_turns,
                candidates,
                "The suggestion service is unavailable; showing general supportive replies.",
            )
        return from_response(pending.routed_event, pending.history_turns, response)
