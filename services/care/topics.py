"""Every Kafka topic of CARE, declared once, as data.

Producers never rely on auto-creation: ``care topics create`` creates these through the admin API
before any stage starts. All topics keyed by conversation id share one partition count so that the
stateful stages are co-partitioned.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from google.protobuf.message import Message

from care.v1 import events_pb2, state_pb2

HOUR_MS = 60 * 60 * 1000
DAY_MS = 24 * HOUR_MS


class Cleanup(StrEnum):
    DELETE = "delete"
    COMPACT = "compact"


@dataclass(frozen=True)
class TopicSpec:
    name: str
    payload: type[Message]
    retention_ms: int
    cleanup: Cleanup = Cleanup.DELETE
    key: str = "conversation_id"
    carries_raw_text: bool = False
    description: str = ""

    def config(self) -> dict[str, str]:
        return {"retention.ms": str(self.retention_ms), "cleanup.policy": self.cleanup.value}


CHAT_INBOUND = TopicSpec(
    "care.chat.inbound",
    events_pb2.ChatEvent,
    1 * DAY_MS,
    carries_raw_text=True,
    description="raw chat events from the platform; contains PII, short retention",
)
CHAT_DEIDENTIFIED = TopicSpec(
    "care.chat.deidentified",
    events_pb2.PipelineEvent,
    7 * DAY_MS,
    description="de-identified events; placeholders only from here on",
)
CHAT_ROUTED = TopicSpec(
    "care.chat.routed",
    events_pb2.PipelineEvent,
    7 * DAY_MS,
    description="de-identified events with the conversation's model route",
)
SUGGESTIONS_INTERNAL = TopicSpec(
    "care.suggestions.internal",
    events_pb2.Suggestion,
    1 * DAY_MS,
    description="suggestions with placeholders, before restore",
)
SUGGESTIONS = TopicSpec(
    "care.suggestions",
    events_pb2.Suggestion,
    1 * DAY_MS,
    carries_raw_text=True,
    description="suggestions restored for display to the counselor",
)
ALERTS = TopicSpec("care.alerts", events_pb2.RiskAlert, 7 * DAY_MS, description="risk alerts")
FEEDBACK = TopicSpec(
    "care.feedback",
    events_pb2.CounselorFeedback,
    30 * DAY_MS,
    carries_raw_text=True,
    description="counselor feedback from the platform",
)
DEADLETTER = TopicSpec(
    "care.deadletter",
    events_pb2.DeadLetter,
    14 * DAY_MS,
    description="what could not be processed, with the reason; never raw text",
)
# Changelogs of the faust Tables, named here so that any worker deployment shares them.
PLACEHOLDERS_CHANGELOG = TopicSpec(
    "care.deid.placeholders-changelog",
    state_pb2.PlaceholderMap,
    7 * DAY_MS,
    Cleanup.COMPACT,
    description="deid's per-conversation placeholder maps, each sealed with AES-GCM (care.deid.vault)",
)
HISTORY_CHANGELOG = TopicSpec(
    "care.assembler.history-changelog",
    state_pb2.ConversationHistory,
    7 * DAY_MS,
    Cleanup.COMPACT,
    description="assembler's complete de-identified history per conversation",
)
ROUTES_CHANGELOG = TopicSpec(
    "care.router.routes-changelog",
    state_pb2.RouteState,
    7 * DAY_MS,
    Cleanup.COMPACT,
    description="router's sticky route per conversation",
)

ALL_TOPICS: tuple[TopicSpec, ...] = (
    CHAT_INBOUND,
    CHAT_DEIDENTIFIED,
    CHAT_ROUTED,
    SUGGESTIONS_INTERNAL,
    SUGGESTIONS,
    ALERTS,
    FEEDBACK,
    DEADLETTER,
    PLACEHOLDERS_CHANGELOG,
    HISTORY_CHANGELOG,
    ROUTES_CHANGELOG,
)

BY_NAME: dict[str, TopicSpec] = {t.name: t for t in ALL_TOPICS}
