"""The Prometheus metric catalog of CARE: every metric any process exports, declared once.

Conventions (checked by tests/deploy/test_metrics_catalog.py):

- names start with ``care_``, are snake_case, in base units (``_seconds``), counters end in ``_total``;
- labels come from small fixed vocabularies (stage, route, status, level, kind) or stable
  machine-readable codes (reason); never a conversation id, event id, counselor id or any text;
- every label value goes through :class:`LabelGuard`, so a value outside the vocabulary, or a code
  beyond a label's cap of distinct values, is exported as ``other`` instead of growing the series.

The stages call the small helpers at the bottom (``observe_stage``, ``record_suggestion``...) rather
than the metric objects, so label values are always guarded. ``start_metrics_server`` serves
``/metrics`` from this module's own registry (the process, platform and GC collectors included).

The dashboards and alerts that read these names live in ``ops/`` (``ops/prometheus/rules.yaml`` and
``ops/grafana/``); renaming a metric here means changing them too (their tests fail otherwise).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Final

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    start_http_server,
)
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from care.logging import get_logger

log = get_logger(__name__)

__all__ = [
    "BACKEND_ERROR_KINDS",
    "CIRCUIT_STATES",
    "DEFAULT_METRICS_PORT",
    "E2E_BUCKETS",
    "FALLBACK_REASON_KINDS",
    "OTHER",
    "REGISTRY",
    "RISK_LEVELS",
    "ROUTES",
    "SLO_THRESHOLDS_SECONDS",
    "STAGES",
    "SUGGESTION_STATUSES",
    "LabelGuard",
    "init_series",
    "observe_end_to_end",
    "observe_inference",
    "observe_stage",
    "record_backend_error",
    "record_backend_retry",
    "record_deadletter",
    "record_fallback",
    "record_risk_alert",
    "record_safety_block",
    "record_suggestion",
    "record_supersede",
    "remove_consumer_lag",
    "serve_metrics",
    "set_circuit_state",
    "set_consumer_lag",
    "start_metrics_server",
    "time_stage",
]

# The port every CARE process serves /metrics on (CARE_METRICS_PORT in the Helm chart).
DEFAULT_METRICS_PORT: Final = 9464

OTHER: Final = "other"

# Vocabularies of the bounded labels.
STAGES: Final = ("deid", "restore", "router", "assembler", "inference")
ROUTES: Final = ("he", "ar", "multi", "unsupported", "none")
# care.v1.SuggestionStatus without its prefix, lower case.
SUGGESTION_STATUSES: Final = ("ok", "fallback", "no_suggestion", "superseded", "unspecified")
# care.v1.RiskLevel without its prefix, lower case.
RISK_LEVELS: Final = ("none", "low", "moderate", "high", "imminent", "unspecified")
# care.inference.backend.KINDS, plus what the breaker and the bulkhead turn away.
BACKEND_ERROR_KINDS: Final = (
    "overloaded",
    "unavailable",
    "generation",
    "validation",
    "server",
    "timeout",
    "connection",
    "protocol",
    "circuit_open",
    "queue_timeout",
)
# Why a candidate came from the fallback bank: a backend error kind, or one of these.
FALLBACK_REASON_KINDS: Final = (*BACKEND_ERROR_KINDS, "deadline", "no_backend", "safety_gate")
# The stages' own failure codes (care.streaming.codec, care.deid.core, the shells). They always keep
# their own series: the cap on free-form codes only applies to codes outside this list, so a burst
# of unexpected codes can never push a real one into "other".
STAGE_ERROR_CODES: Final = (
    "bad_protobuf",
    "empty_payload",
    "empty_text",
    "invalid_field",
    "key_mismatch",
    "missing_field",
    "missing_key",
    "oversized",
    "conversation_ended",
    "internal_error",
    "deid_timeout",
    "detector_failed",
    "invalid_input",
    "invalid_state",
    "text_too_long",
)
# care.safety.REASONS (tests/deploy/test_metrics_catalog.py checks the two agree); not imported, so
# that loading the metrics does not load the gate's detectors.
SAFETY_REASONS: Final = (
    "method_or_means",
    "minimising",
    "blaming",
    "stigmatising",
    "moralising",
    "secrecy_promise",
    "medical_dosing",
    "hallucinated_identifier",
    "unknown_placeholder",
    "language_mismatch",
)
# The breaker's state as the gauge's value: the higher, the worse.
CIRCUIT_STATES: Final = {"closed": 0, "half_open": 1, "open": 2}

# The end-to-end latency SLO thresholds (seconds); every one of them is a bucket boundary, so the
# fraction of suggestions within any of them is exact (ops/prometheus/rules.yaml uses le="3").
SLO_THRESHOLDS_SECONDS: Final = (0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0)
E2E_BUCKETS: Final = (
    0.1,
    0.25,
    0.5,
    0.75,
    1.0,
    1.5,
    2.0,
    2.5,
    3.0,
    4.0,
    5.0,
    6.5,
    8.0,
    10.0,
    13.0,
    20.0,
    30.0,
)
STAGE_BUCKETS: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0)
TTFT_BUCKETS: Final = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0)
INFERENCE_BUCKETS: Final = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.5, 8.0, 10.0, 13.0, 15.0, 20.0, 30.0)

# A free-form code label (reason) keeps at most this many distinct values per metric.
MAX_CODES_PER_LABEL: Final = 64
CODE_PATTERN: Final = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
TOPIC_PATTERN: Final = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")


@dataclass
class LabelGuard:
    """Keeps one label's values bounded: a fixed vocabulary, or snake_case codes up to a cap.

    Anything else (an unknown value, a value that is not a code, one past the cap) becomes ``other``,
    so a bug that passes an id or a text cannot create a series per conversation.
    """

    name: str
    allowed: tuple[str, ...] | None = None
    max_values: int = MAX_CODES_PER_LABEL
    pattern: re.Pattern[str] = CODE_PATTERN
    # Codes that always keep their own series, outside the cap.
    known: frozenset[str] = frozenset()
    _seen: set[str] = field(default_factory=set, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, value: str) -> str:
        if self.allowed is not None:
            value = str(value).strip().lower().replace("-", "_")
            return value if value in self.allowed else OTHER
        value = str(value).strip().lower()
        if value in self.known:
            return value
        if not self.pattern.match(value):
            return OTHER
        with self._lock:
            if value in self._seen:
                return value
            if len(self._seen) >= self.max_values:
                return OTHER
            self._seen.add(value)
            return value

    @property
    def values(self) -> tuple[str, ...] | None:
        """Every value this label can take, when it is a fixed vocabulary."""
        return None if self.allowed is None else (*self.allowed, OTHER)


stage_label = LabelGuard("stage", STAGES)
route_label = LabelGuard("route", ROUTES)
status_label = LabelGuard("status", SUGGESTION_STATUSES)
level_label = LabelGuard("level", RISK_LEVELS)
kind_label = LabelGuard("kind", BACKEND_ERROR_KINDS)
reason_kind_label = LabelGuard("reason_kind", FALLBACK_REASON_KINDS)
topic_label = LabelGuard("topic", max_values=32, pattern=TOPIC_PATTERN)  # Kafka topic names

# Every label name any metric may carry; a test checks no metric uses another.
BOUNDED_LABELS: Final = frozenset({"stage", "route", "status", "level", "kind", "reason_kind", "topic"})
CODE_LABELS: Final = frozenset({"reason"})
# A partition number is bounded by the topic's partition count (CARE_TOPIC_PARTITIONS).
NUMERIC_LABELS: Final = frozenset({"partition"})

REGISTRY: Final = CollectorRegistry(auto_describe=True)
# The usual process_*, python_info and python_gc_* series, as on the default registry.
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

# ---------------------------------------------------------------------------------------------
# Stages
STAGE_PROCESSED = Counter(
    "care_stage_processed",
    "Records a stage processed successfully (its output sent).",
    ["stage"],
    registry=REGISTRY,
)
STAGE_FAILED = Counter(
    "care_stage_failed",
    "Records a stage failed to process, by stable error code (each also yields a dead letter).",
    ["stage", "reason"],
    registry=REGISTRY,
)
STAGE_PROCESSING_SECONDS = Histogram(
    "care_stage_processing_seconds",
    "Time a stage spent on one record, from taking it to sending its output.",
    ["stage"],
    buckets=STAGE_BUCKETS,
    registry=REGISTRY,
)
DEADLETTERS = Counter(
    "care_deadletters",
    "Dead letters published to care.deadletter, by stage and stable error code.",
    ["stage", "reason"],
    registry=REGISTRY,
)
CONSUMER_LAG = Gauge(
    "care_consumer_lag",
    "Records between a partition's end offset and this consumer group's position.",
    ["topic", "partition"],
    registry=REGISTRY,
)

# End to end
END_TO_END_SECONDS = Histogram(
    "care_end_to_end_seconds",
    "From the chat event's sent_at to the publication of its complete suggestion on care.suggestions.",
    buckets=E2E_BUCKETS,
    registry=REGISTRY,
)
SUGGESTIONS = Counter(
    "care_suggestions",
    "Complete suggestions published to care.suggestions, by route and status.",
    ["route", "status"],
    registry=REGISTRY,
)
SUPERSEDES = Counter(
    "care_supersedes",
    "Suggestion requests abandoned because a newer help-seeker message arrived.",
    ["route"],
    registry=REGISTRY,
)
SAFETY_GATE_BLOCKS = Counter(
    "care_safety_gate_blocks",
    "Candidates the safety gate withheld from the counselor, by stable reason code.",
    ["route", "reason"],
    registry=REGISTRY,
)
RISK_ALERTS = Counter(
    "care_risk_alerts",
    "Risk alerts published to care.alerts, by level.",
    ["level"],
    registry=REGISTRY,
)

# Inference and model backends
INFERENCE_TTFT_SECONDS = Histogram(
    "care_inference_time_to_first_token_seconds",
    "From sending a generation request to the backend to its first token.",
    ["route"],
    buckets=TTFT_BUCKETS,
    registry=REGISTRY,
)
INFERENCE_DURATION_SECONDS = Histogram(
    "care_inference_duration_seconds",
    "One suggestion request in the inference service, all candidates included.",
    ["route"],
    buckets=INFERENCE_BUCKETS,
    registry=REGISTRY,
)
INFERENCE_GENERATED_TOKENS = Counter(
    "care_inference_generated_tokens",
    "Tokens the model backends generated.",
    ["route"],
    registry=REGISTRY,
)
BACKEND_ERRORS = Counter(
    "care_backend_errors",
    "Failed model backend calls, by error kind (care.inference.backend.KINDS).",
    ["route", "kind"],
    registry=REGISTRY,
)
BACKEND_RETRIES = Counter(
    "care_backend_retries",
    "Retried model backend calls.",
    ["route"],
    registry=REGISTRY,
)
BACKEND_CIRCUIT_STATE = Gauge(
    "care_backend_circuit_state",
    "The backend's circuit breaker: 0 closed, 1 half-open, 2 open.",
    ["route"],
    registry=REGISTRY,
)
FALLBACKS = Counter(
    "care_fallbacks",
    "Candidates taken from the fallback bank instead of the model, by why.",
    ["route", "reason_kind"],
    registry=REGISTRY,
)

# Every CARE metric, for the catalog tests and the docs.
CATALOG: Final = (
    STAGE_PROCESSED,
    STAGE_FAILED,
    STAGE_PROCESSING_SECONDS,
    DEADLETTERS,
    CONSUMER_LAG,
    END_TO_END_SECONDS,
    SUGGESTIONS,
    SUPERSEDES,
    SAFETY_GATE_BLOCKS,
    RISK_ALERTS,
    INFERENCE_TTFT_SECONDS,
    INFERENCE_DURATION_SECONDS,
    INFERENCE_GENERATED_TOKENS,
    BACKEND_ERRORS,
    BACKEND_RETRIES,
    BACKEND_CIRCUIT_STATE,
    FALLBACKS,
)

# ---------------------------------------------------------------------------------------------
# Helpers: what the stages call. Label values are guarded here.
_stage_reason = LabelGuard("reason", known=frozenset(STAGE_ERROR_CODES))
_deadletter_reason = LabelGuard("reason", known=frozenset(STAGE_ERROR_CODES))
_safety_reason = LabelGuard("reason", known=frozenset(SAFETY_REASONS))


def observe_stage(stage: str, seconds: float, *, error_code: str | None = None) -> None:
    """One record through ``stage``: its time, and either processed or failed with ``error_code``."""
    label = stage_label(stage)
    STAGE_PROCESSING_SECONDS.labels(stage=label).observe(max(seconds, 0.0))
    if error_code is None:
        STAGE_PROCESSED.labels(stage=label).inc()
    else:
        STAGE_FAILED.labels(stage=label, reason=_stage_reason(error_code)).inc()


@contextmanager
def time_stage(stage: str) -> Iterator[None]:
    """``with time_stage("router"): ...`` observes the block; an exception counts as failed
    (reason: the exception's ``code`` attribute when it has one, else ``internal_error``)."""
    start = time.perf_counter()
    try:
        yield
    except Exception as error:
        code = getattr(error, "code", None)
        observe_stage(
            stage, time.perf_counter() - start, error_code=code if isinstance(code, str) else "internal_error"
        )
        raise
    observe_stage(stage, time.perf_counter() - start)


def record_deadletter(stage: str, error_code: str) -> None:
    DEADLETTERS.labels(stage=stage_label(stage), reason=_deadletter_reason(error_code)).inc()


def set_consumer_lag(topic: str, partition: int, lag: int) -> None:
    CONSUMER_LAG.labels(topic=topic_label(topic), partition=str(int(partition))).set(max(lag, 0))


def remove_consumer_lag(topic: str, partition: int) -> None:
    """Drop a partition's lag series once this worker no longer owns it (a rebalance moved it)."""
    with suppress(KeyError):
        CONSUMER_LAG.remove(topic_label(topic), str(int(partition)))


def observe_end_to_end(seconds: float) -> None:
    END_TO_END_SECONDS.observe(max(seconds, 0.0))


def record_suggestion(route: str, status: str | int) -> None:
    """``status``: a care.v1.SuggestionStatus number or name (``SUGGESTION_STATUS_OK``, ``ok``)."""
    SUGGESTIONS.labels(route=_route(route), status=status_label(_enum_name(status, _STATUS_NAMES))).inc()


def record_supersede(route: str) -> None:
    SUPERSEDES.labels(route=_route(route)).inc()


def record_safety_block(route: str, reason: str) -> None:
    SAFETY_GATE_BLOCKS.labels(route=_route(route), reason=_safety_reason(reason)).inc()


def record_risk_alert(level: str | int) -> None:
    """``level``: a care.v1.RiskLevel number or name (``RISK_LEVEL_HIGH``, ``high``)."""
    RISK_ALERTS.labels(level=level_label(_enum_name(level, _LEVEL_NAMES))).inc()


def observe_inference(
    route: str,
    *,
    duration_seconds: float,
    time_to_first_token_seconds: float | None = None,
    generated_tokens: int = 0,
) -> None:
    label = _route(route)
    INFERENCE_DURATION_SECONDS.labels(route=label).observe(max(duration_seconds, 0.0))
    if time_to_first_token_seconds is not None:
        INFERENCE_TTFT_SECONDS.labels(route=label).observe(max(time_to_first_token_seconds, 0.0))
    if generated_tokens > 0:
        INFERENCE_GENERATED_TOKENS.labels(route=label).inc(generated_tokens)


def record_backend_error(route: str, kind: str) -> None:
    BACKEND_ERRORS.labels(route=_route(route), kind=kind_label(kind)).inc()


def record_backend_retry(route: str) -> None:
    BACKEND_RETRIES.labels(route=_route(route)).inc()


def set_circuit_state(route: str, state: str) -> None:
    """``state``: ``closed``, ``half_open`` or ``open`` (care.inference.breaker.BreakerState.value)."""
    normalized = state.strip().lower().replace("-", "_")
    if normalized not in CIRCUIT_STATES:
        raise ValueError(f"unknown circuit state: {state!r}")
    BACKEND_CIRCUIT_STATE.labels(route=_route(route)).set(CIRCUIT_STATES[normalized])


def record_fallback(route: str, reason_kind: str, candidates: int = 1) -> None:
    if candidates > 0:
        FALLBACKS.labels(route=_route(route), reason_kind=reason_kind_label(reason_kind)).inc(candidates)


def init_series(stages: Iterable[str] = (), routes: Iterable[str] = ()) -> None:
    """Create this process's known series at 0, so that rate() and increase() see their first
    event (a series born at 1 has no increase) and dashboards show 0 instead of "no data".

    A worker calls it with its stages and the line's model routes (Settings.model_routes); the
    inference service with the routes it serves.
    """
    route_labels = [_route(route) for route in routes]
    for stage in stages:
        STAGE_PROCESSED.labels(stage=stage_label(stage))
        STAGE_PROCESSING_SECONDS.labels(stage=stage_label(stage))
    for route in route_labels:
        for status in (s for s in SUGGESTION_STATUSES if s != "unspecified"):
            SUGGESTIONS.labels(route=route, status=status)
        INFERENCE_GENERATED_TOKENS.labels(route=route)
        BACKEND_RETRIES.labels(route=route)
        SUPERSEDES.labels(route=route)
    for level in (lv for lv in RISK_LEVELS if lv != "unspecified"):
        RISK_ALERTS.labels(level=level)


def start_metrics_server(port: int = DEFAULT_METRICS_PORT, addr: str = "0.0.0.0") -> int:  # noqa: S104
    """Serve ``/metrics`` (this module's registry) from a daemon thread; returns the bound port
    (``port=0`` picks a free one). Prometheus scrapes it; the chart's Service names it ``metrics``."""
    server, _thread = start_http_server(port, addr=addr, registry=REGISTRY)
    bound: int = server.server_address[1]
    return bound


def serve_metrics(port: int, addr: str = "0.0.0.0") -> int | None:  # noqa: S104
    """What ``care worker`` and ``care inference`` call at start-up with CARE_METRICS_PORT.

    0 means off (None). A port that cannot be bound is logged as an error and the process goes on
    without /metrics: suggestions for counselors matter more than their metrics, and the alert on
    the missing target (``up == 0``) tells the platform team.
    """
    if port == 0:
        log.info("metrics server off (CARE_METRICS_PORT=0)")
        return None
    try:
        bound = start_metrics_server(port, addr)
    except OSError as error:
        log.error("metrics server could not start", extra={"fields": {"port": port, "errno": error.errno}})
        return None
    log.info("metrics server listening", extra={"fields": {"port": bound, "path": "/metrics"}})
    return bound


# ---------------------------------------------------------------------------------------------
_STATUS_NAMES: Final = {0: "unspecified", 1: "ok", 2: "fallback", 3: "no_suggestion", 4: "superseded"}
_LEVEL_NAMES: Final = {0: "unspecified", 1: "none", 2: "low", 3: "moderate", 4: "high", 5: "imminent"}
_ENUM_PREFIXES: Final = ("suggestion_status_", "risk_level_")


def _enum_name(value: str | int, names: dict[int, str]) -> str:
    if isinstance(value, int):
        return names.get(value, OTHER)
    name = value.strip().lower()
    for prefix in _ENUM_PREFIXES:
        name = name.removeprefix(prefix)
    return name


def _route(route: str) -> str:
    return route_label(route or "none")
