from care.v1 import events_pb2 as _events_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PlaceholderMap(_message.Message):
    __slots__ = ("values", "next_index")
    class ValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class NextIndexEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    VALUES_FIELD_NUMBER: _ClassVar[int]
    NEXT_INDEX_FIELD_NUMBER: _ClassVar[int]
    values: _containers.ScalarMap[str, str]
    next_index: _containers.ScalarMap[str, int]
    def __init__(self, values: _Optional[_Mapping[str, str]] = ..., next_index: _Optional[_Mapping[str, int]] = ...) -> None: ...

class HistoryTurn(_message.Message):
    __slots__ = ("event_id", "role", "text", "tokens")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    role: _events_pb2.Role
    text: str
    tokens: int
    def __init__(self, event_id: _Optional[str] = ..., role: _Optional[_Union[_events_pb2.Role, str]] = ..., text: _Optional[str] = ..., tokens: _Optional[int] = ...) -> None: ...

class ConversationHistory(_message.Message):
    __slots__ = ("turns", "route", "ended", "window_cut", "window_opening", "token_fingerprint", "prompt_turns", "prompt_cut", "prompt_opening", "risk_max", "risk_alerted")
    TURNS_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    ENDED_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CUT_FIELD_NUMBER: _ClassVar[int]
    WINDOW_OPENING_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TURNS_FIELD_NUMBER: _ClassVar[int]
    PROMPT_CUT_FIELD_NUMBER: _ClassVar[int]
    PROMPT_OPENING_FIELD_NUMBER: _ClassVar[int]
    RISK_MAX_FIELD_NUMBER: _ClassVar[int]
    RISK_ALERTED_FIELD_NUMBER: _ClassVar[int]
    turns: _containers.RepeatedCompositeFieldContainer[HistoryTurn]
    route: str
    ended: bool
    window_cut: int
    window_opening: int
    token_fingerprint: str
    prompt_turns: int
    prompt_cut: int
    prompt_opening: int
    risk_max: _events_pb2.RiskLevel
    risk_alerted: _events_pb2.RiskLevel
    def __init__(self, turns: _Optional[_Iterable[_Union[HistoryTurn, _Mapping]]] = ..., route: _Optional[str] = ..., ended: _Optional[bool] = ..., window_cut: _Optional[int] = ..., window_opening: _Optional[int] = ..., token_fingerprint: _Optional[str] = ..., prompt_turns: _Optional[int] = ..., prompt_cut: _Optional[int] = ..., prompt_opening: _Optional[int] = ..., risk_max: _Optional[_Union[_events_pb2.RiskLevel, str]] = ..., risk_alerted: _Optional[_Union[_events_pb2.RiskLevel, str]] = ...) -> None: ...

class RouteState(_message.Message):
    __slots__ = ("route", "language", "reason", "recent_languages")
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RECENT_LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    route: str
    language: str
    reason: str
    recent_languages: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, route: _Optional[str] = ..., language: _Optional[str] = ..., reason: _Optional[str] = ..., recent_languages: _Optional[_Iterable[str]] = ...) -> None: ...
