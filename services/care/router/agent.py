"""router's faust shell: give every de-identified event its conversation's sticky route."""

from __future__ import annotations

import time
from typing import Any

import faust

from care import topics
from care.config import Settings
from care.router.core import RoutePolicy, RouteState, decide_route
from care.router.detect import MessageLanguageDetector
from care.router.setup import detector_from_settings, policy_from_settings
from care.streaming.codec import decode
from care.v1 import events_pb2, state_pb2
from care.worker.app import raw_table, raw_topic
from care.worker.shell import register_stage_agent, send

STAGE = "router"


def state_from_proto(blob: bytes | None) -> RouteState | None:
    if not blob:
        return None
    stored = state_pb2.RouteState.FromString(blob)
    return RouteState(stored.route, stored.language, stored.reason, tuple(stored.recent_languages))


def state_to_proto(state: RouteState) -> bytes:
    return state_pb2.RouteState(
        route=state.route, language=state.language, reason=state.reason, recent_languages=list(state.recent)
    ).SerializeToString()


def route_event(
    event: events_pb2.PipelineEvent,
    state: RouteState | None,
    detect: MessageLanguageDetector,
    policy: RoutePolicy,
) -> RouteState | None:
    """The route is decided by what the help-seeker writes; other events carry the current one."""
    chat = event.event
    if chat.type == events_pb2.CHAT_EVENT_TYPE_MESSAGE and chat.role == events_pb2.ROLE_HELP_SEEKER:
        state = decide_route(state, detect(chat.text), policy)
    if state is not None:
        event.route.name = state.route
        event.route.language = state.language
        event.route.reason = state.reason
    return state


def register(app: faust.App, settings: Settings) -> None:
    partitions = settings.topic_partitions
    deidentified = raw_topic(app, topics.CHAT_DEIDENTIFIED, partitions)
    routed = raw_topic(app, topics.CHAT_ROUTED, partitions)
    deadletter = raw_topic(app, topics.DEADLETTER, partitions)
    routes = raw_table(app, "router-routes", topics.ROUTES_CHANGELOG, partitions)
    # Built before the worker joins its group: lingua's models take about a second to load.
    detect = detector_from_settings(settings)
    policy = policy_from_settings(settings)

    async def handle(event: Any) -> None:
        started = time.perf_counter()
        pipeline_event = decode(event.value, events_pb2.PipelineEvent)
        conversation_id = pipeline_event.event.conversation_id
        key = conversation_id.encode("utf-8")
        previous = state_from_proto(routes.get(key))
        state = route_event(pipeline_event, previous, detect, policy)
        if pipeline_event.event.type == events_pb2.CHAT_EVENT_TYPE_CONVERSATION_ENDED:
            routes.pop(key, None)
        elif state is not None and state != previous:
            routes[key] = state_to_proto(state)
        pipeline_event.timings.route_ms = (time.perf_counter() - started) * 1000
        await send(routed, conversation_id, pipeline_event)

    register_stage_agent(app, STAGE, deidentified, deadletter, handle)
