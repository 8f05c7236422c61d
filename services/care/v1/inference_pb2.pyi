from care.v1 import events_pb2 as _events_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PromptMessage(_message.Message):
    __slots__ = ("role", "content")
    ROLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    role: str
    content: str
    def __init__(self, role: _Optional[str] = ..., content: _Optional[str] = ...) -> None: ...

class SuggestRequest(_message.Message):
    __slots__ = ("request_id", "conversation_id", "route", "messages", "num_candidates", "max_new_tokens", "prompt_tokens", "risk_level")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    NUM_CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    MAX_NEW_TOKENS_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    RISK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    conversation_id: str
    route: str
    messages: _containers.RepeatedCompositeFieldContainer[PromptMessage]
    num_candidates: int
    max_new_tokens: int
    prompt_tokens: int
    risk_level: _events_pb2.RiskLevel
    def __init__(self, request_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., route: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[PromptMessage, _Mapping]]] = ..., num_candidates: _Optional[int] = ..., max_new_tokens: _Optional[int] = ..., prompt_tokens: _Optional[int] = ..., risk_level: _Optional[_Union[_events_pb2.RiskLevel, str]] = ...) -> None: ...

class SuggestResponse(_message.Message):
    __slots__ = ("candidates", "status", "status_reason", "model", "time_to_first_token_ms", "total_ms", "safety_blocks")
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_REASON_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    TIME_TO_FIRST_TOKEN_MS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_MS_FIELD_NUMBER: _ClassVar[int]
    SAFETY_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[_events_pb2.Candidate]
    status: _events_pb2.SuggestionStatus
    status_reason: str
    model: str
    time_to_first_token_ms: float
    total_ms: float
    safety_blocks: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, candidates: _Optional[_Iterable[_Union[_events_pb2.Candidate, _Mapping]]] = ..., status: _Optional[_Union[_events_pb2.SuggestionStatus, str]] = ..., status_reason: _Optional[str] = ..., model: _Optional[str] = ..., time_to_first_token_ms: _Optional[float] = ..., total_ms: _Optional[float] = ..., safety_blocks: _Optional[_Iterable[str]] = ...) -> None: ...

class CandidateDelta(_message.Message):
    __slots__ = ("candidate_index", "strategy", "text")
    CANDIDATE_INDEX_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    candidate_index: int
    strategy: str
    text: str
    def __init__(self, candidate_index: _Optional[int] = ..., strategy: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class SuggestChunk(_message.Message):
    __slots__ = ("delta", "final")
    DELTA_FIELD_NUMBER: _ClassVar[int]
    FINAL_FIELD_NUMBER: _ClassVar[int]
    delta: CandidateDelta
    final: SuggestResponse
    def __init__(self, delta: _Optional[_Union[CandidateDelta, _Mapping]] = ..., final: _Optional[_Union[SuggestResponse, _Mapping]] = ...) -> None: ...
