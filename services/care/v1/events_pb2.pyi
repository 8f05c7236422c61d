import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Role(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROLE_UNSPECIFIED: _ClassVar[Role]
    ROLE_HELP_SEEKER: _ClassVar[Role]
    ROLE_COUNSELOR: _ClassVar[Role]

class ChatEventType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHAT_EVENT_TYPE_UNSPECIFIED: _ClassVar[ChatEventType]
    CHAT_EVENT_TYPE_MESSAGE: _ClassVar[ChatEventType]
    CHAT_EVENT_TYPE_CONVERSATION_STARTED: _ClassVar[ChatEventType]
    CHAT_EVENT_TYPE_CONVERSATION_ENDED: _ClassVar[ChatEventType]

class SuggestionStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SUGGESTION_STATUS_UNSPECIFIED: _ClassVar[SuggestionStatus]
    SUGGESTION_STATUS_OK: _ClassVar[SuggestionStatus]
    SUGGESTION_STATUS_FALLBACK: _ClassVar[SuggestionStatus]
    SUGGESTION_STATUS_NO_SUGGESTION: _ClassVar[SuggestionStatus]
    SUGGESTION_STATUS_SUPERSEDED: _ClassVar[SuggestionStatus]

class FeedbackAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FEEDBACK_ACTION_UNSPECIFIED: _ClassVar[FeedbackAction]
    FEEDBACK_ACTION_ACCEPTED: _ClassVar[FeedbackAction]
    FEEDBACK_ACTION_EDITED: _ClassVar[FeedbackAction]
    FEEDBACK_ACTION_DISMISSED: _ClassVar[FeedbackAction]

class RiskLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RISK_LEVEL_UNSPECIFIED: _ClassVar[RiskLevel]
    RISK_LEVEL_NONE: _ClassVar[RiskLevel]
    RISK_LEVEL_LOW: _ClassVar[RiskLevel]
    RISK_LEVEL_MODERATE: _ClassVar[RiskLevel]
    RISK_LEVEL_HIGH: _ClassVar[RiskLevel]
    RISK_LEVEL_IMMINENT: _ClassVar[RiskLevel]
ROLE_UNSPECIFIED: Role
ROLE_HELP_SEEKER: Role
ROLE_COUNSELOR: Role
CHAT_EVENT_TYPE_UNSPECIFIED: ChatEventType
CHAT_EVENT_TYPE_MESSAGE: ChatEventType
CHAT_EVENT_TYPE_CONVERSATION_STARTED: ChatEventType
CHAT_EVENT_TYPE_CONVERSATION_ENDED: ChatEventType
SUGGESTION_STATUS_UNSPECIFIED: SuggestionStatus
SUGGESTION_STATUS_OK: SuggestionStatus
SUGGESTION_STATUS_FALLBACK: SuggestionStatus
SUGGESTION_STATUS_NO_SUGGESTION: SuggestionStatus
SUGGESTION_STATUS_SUPERSEDED: SuggestionStatus
FEEDBACK_ACTION_UNSPECIFIED: FeedbackAction
FEEDBACK_ACTION_ACCEPTED: FeedbackAction
FEEDBACK_ACTION_EDITED: FeedbackAction
FEEDBACK_ACTION_DISMISSED: FeedbackAction
RISK_LEVEL_UNSPECIFIED: RiskLevel
RISK_LEVEL_NONE: RiskLevel
RISK_LEVEL_LOW: RiskLevel
RISK_LEVEL_MODERATE: RiskLevel
RISK_LEVEL_HIGH: RiskLevel
RISK_LEVEL_IMMINENT: RiskLevel

class Channel(_message.Message):
    __slots__ = ("platform", "medium", "line_id", "locale_hint")
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    MEDIUM_FIELD_NUMBER: _ClassVar[int]
    LINE_ID_FIELD_NUMBER: _ClassVar[int]
    LOCALE_HINT_FIELD_NUMBER: _ClassVar[int]
    platform: str
    medium: str
    line_id: str
    locale_hint: str
    def __init__(self, platform: _Optional[str] = ..., medium: _Optional[str] = ..., line_id: _Optional[str] = ..., locale_hint: _Optional[str] = ...) -> None: ...

class ChatEvent(_message.Message):
    __slots__ = ("event_id", "conversation_id", "type", "role", "text", "sent_at", "channel", "sequence", "end_reason")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    END_REASON_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    conversation_id: str
    type: ChatEventType
    role: Role
    text: str
    sent_at: _timestamp_pb2.Timestamp
    channel: Channel
    sequence: int
    end_reason: str
    def __init__(self, event_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., type: _Optional[_Union[ChatEventType, str]] = ..., role: _Optional[_Union[Role, str]] = ..., text: _Optional[str] = ..., sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., channel: _Optional[_Union[Channel, _Mapping]] = ..., sequence: _Optional[int] = ..., end_reason: _Optional[str] = ...) -> None: ...

class Route(_message.Message):
    __slots__ = ("name", "language", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    language: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., language: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RedactionCount(_message.Message):
    __slots__ = ("entity_type", "count")
    ENTITY_TYPE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    entity_type: str
    count: int
    def __init__(self, entity_type: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class StageTimings(_message.Message):
    __slots__ = ("deid_ms", "route_ms", "assemble_ms", "inference_ms", "time_to_first_token_ms", "restore_ms", "end_to_end_ms")
    DEID_MS_FIELD_NUMBER: _ClassVar[int]
    ROUTE_MS_FIELD_NUMBER: _ClassVar[int]
    ASSEMBLE_MS_FIELD_NUMBER: _ClassVar[int]
    INFERENCE_MS_FIELD_NUMBER: _ClassVar[int]
    TIME_TO_FIRST_TOKEN_MS_FIELD_NUMBER: _ClassVar[int]
    RESTORE_MS_FIELD_NUMBER: _ClassVar[int]
    END_TO_END_MS_FIELD_NUMBER: _ClassVar[int]
    deid_ms: float
    route_ms: float
    assemble_ms: float
    inference_ms: float
    time_to_first_token_ms: float
    restore_ms: float
    end_to_end_ms: float
    def __init__(self, deid_ms: _Optional[float] = ..., route_ms: _Optional[float] = ..., assemble_ms: _Optional[float] = ..., inference_ms: _Optional[float] = ..., time_to_first_token_ms: _Optional[float] = ..., restore_ms: _Optional[float] = ..., end_to_end_ms: _Optional[float] = ...) -> None: ...

class PipelineEvent(_message.Message):
    __slots__ = ("event", "route", "redactions", "timings", "received_at")
    EVENT_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    REDACTIONS_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    event: ChatEvent
    route: Route
    redactions: _containers.RepeatedCompositeFieldContainer[RedactionCount]
    timings: StageTimings
    received_at: _timestamp_pb2.Timestamp
    def __init__(self, event: _Optional[_Union[ChatEvent, _Mapping]] = ..., route: _Optional[_Union[Route, _Mapping]] = ..., redactions: _Optional[_Iterable[_Union[RedactionCount, _Mapping]]] = ..., timings: _Optional[_Union[StageTimings, _Mapping]] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Candidate(_message.Message):
    __slots__ = ("index", "text", "strategy", "source", "generated_tokens")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    GENERATED_TOKENS_FIELD_NUMBER: _ClassVar[int]
    index: int
    text: str
    strategy: str
    source: str
    generated_tokens: int
    def __init__(self, index: _Optional[int] = ..., text: _Optional[str] = ..., strategy: _Optional[str] = ..., source: _Optional[str] = ..., generated_tokens: _Optional[int] = ...) -> None: ...

class Suggestion(_message.Message):
    __slots__ = ("suggestion_id", "conversation_id", "event_id", "candidates", "route", "model", "status", "status_reason", "timings", "created_at", "complete", "history_turns", "event_sent_at", "prompt_tokens", "prefix_tokens", "elided_turns", "risk_level", "safety_blocks")
    SUGGESTION_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_REASON_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    HISTORY_TURNS_FIELD_NUMBER: _ClassVar[int]
    EVENT_SENT_AT_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    PREFIX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    ELIDED_TURNS_FIELD_NUMBER: _ClassVar[int]
    RISK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SAFETY_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    suggestion_id: str
    conversation_id: str
    event_id: str
    candidates: _containers.RepeatedCompositeFieldContainer[Candidate]
    route: str
    model: str
    status: SuggestionStatus
    status_reason: str
    timings: StageTimings
    created_at: _timestamp_pb2.Timestamp
    complete: bool
    history_turns: int
    event_sent_at: _timestamp_pb2.Timestamp
    prompt_tokens: int
    prefix_tokens: int
    elided_turns: int
    risk_level: RiskLevel
    safety_blocks: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, suggestion_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., event_id: _Optional[str] = ..., candidates: _Optional[_Iterable[_Union[Candidate, _Mapping]]] = ..., route: _Optional[str] = ..., model: _Optional[str] = ..., status: _Optional[_Union[SuggestionStatus, str]] = ..., status_reason: _Optional[str] = ..., timings: _Optional[_Union[StageTimings, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complete: _Optional[bool] = ..., history_turns: _Optional[int] = ..., event_sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., prompt_tokens: _Optional[int] = ..., prefix_tokens: _Optional[int] = ..., elided_turns: _Optional[int] = ..., risk_level: _Optional[_Union[RiskLevel, str]] = ..., safety_blocks: _Optional[_Iterable[str]] = ...) -> None: ...

class CounselorFeedback(_message.Message):
    __slots__ = ("feedback_id", "suggestion_id", "conversation_id", "candidate_index", "action", "final_text", "counselor_id", "at")
    FEEDBACK_ID_FIELD_NUMBER: _ClassVar[int]
    SUGGESTION_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_INDEX_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    FINAL_TEXT_FIELD_NUMBER: _ClassVar[int]
    COUNSELOR_ID_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    feedback_id: str
    suggestion_id: str
    conversation_id: str
    candidate_index: int
    action: FeedbackAction
    final_text: str
    counselor_id: str
    at: _timestamp_pb2.Timestamp
    def __init__(self, feedback_id: _Optional[str] = ..., suggestion_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., candidate_index: _Optional[int] = ..., action: _Optional[_Union[FeedbackAction, str]] = ..., final_text: _Optional[str] = ..., counselor_id: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RiskAlert(_message.Message):
    __slots__ = ("alert_id", "conversation_id", "event_id", "level", "previous_level", "categories", "created_at")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_LEVEL_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    conversation_id: str
    event_id: str
    level: RiskLevel
    previous_level: RiskLevel
    categories: _containers.RepeatedScalarFieldContainer[str]
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, alert_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., event_id: _Optional[str] = ..., level: _Optional[_Union[RiskLevel, str]] = ..., previous_level: _Optional[_Union[RiskLevel, str]] = ..., categories: _Optional[_Iterable[str]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DeadLetter(_message.Message):
    __slots__ = ("dead_letter_id", "source_topic", "partition", "offset", "conversation_id", "stage", "error_code", "error_detail", "payload_size", "payload_sha256", "failed_at")
    DEAD_LETTER_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_TOPIC_FIELD_NUMBER: _ClassVar[int]
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    ERROR_DETAIL_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_SHA256_FIELD_NUMBER: _ClassVar[int]
    FAILED_AT_FIELD_NUMBER: _ClassVar[int]
    dead_letter_id: str
    source_topic: str
    partition: int
    offset: int
    conversation_id: str
    stage: str
    error_code: str
    error_detail: str
    payload_size: int
    payload_sha256: str
    failed_at: _timestamp_pb2.Timestamp
    def __init__(self, dead_letter_id: _Optional[str] = ..., source_topic: _Optional[str] = ..., partition: _Optional[int] = ..., offset: _Optional[int] = ..., conversation_id: _Optional[str] = ..., stage: _Optional[str] = ..., error_code: _Optional[str] = ..., error_detail: _Optional[str] = ..., payload_size: _Optional[int] = ..., payload_sha256: _Optional[str] = ..., failed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
