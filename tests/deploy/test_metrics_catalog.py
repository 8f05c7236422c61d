"""The metric catalog (care.metrics): names by Prometheus conventions, bounded labels."""

from __future__ import annotations

import re
import urllib.request
import uuid
from pathlib import Path

import pytest
from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.metrics import MetricWrapperBase

from care import metrics
from care.v1 import events_pb2

NAME = re.compile(r"^care_[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# Labels that would make a series per conversation, person or message.
FORBIDDEN_LABELS = {
    "conversation_id",
    "conversation",
    "event_id",
    "suggestion_id",
    "alert_id",
    "counselor_id",
    "user",
    "id",
    "text",
    "message",
    "prompt",
    "error",
    "detail",
}
UNITS = ("_seconds", "_bytes", "_ratio", "_total")
NOT_BASE_UNITS = ("_milliseconds", "_ms", "_microseconds", "_minutes", "_hours", "_kilobytes", "_megabytes")

# The catalog the lead wires into the stages (issue 7): name -> (type, labels).
REQUIRED = {
    "care_stage_processed_total": (Counter, ("stage",)),
    "care_stage_failed_total": (Counter, ("stage", "reason")),
    "care_stage_processing_seconds": (Histogram, ("stage",)),
    "care_end_to_end_seconds": (Histogram, ()),
    "care_suggestions_total": (Counter, ("route", "status")),
    "care_inference_time_to_first_token_seconds": (Histogram, ("route",)),
    "care_inference_duration_seconds": (Histogram, ("route",)),
    "care_inference_generated_tokens_total": (Counter, ("route",)),
    "care_backend_errors_total": (Counter, ("route", "kind")),
    "care_backend_retries_total": (Counter, ("route",)),
    "care_backend_circuit_state": (Gauge, ("route",)),
    "care_fallbacks_total": (Counter, ("route", "reason_kind")),
    "care_supersedes_total": (Counter, ("route",)),
    "care_safety_gate_blocks_total": (Counter, ("route", "reason")),
    "care_risk_alerts_total": (Counter, ("level",)),
    "care_consumer_lag": (Gauge, ("topic", "partition")),
    "care_deadletters_total": (Counter, ("stage", "reason")),
}


def exported_name(metric: MetricWrapperBase) -> str:
    name: str = metric._name
    return f"{name}_total" if isinstance(metric, Counter) else name


def labels_of(metric: MetricWrapperBase) -> tuple[str, ...]:
    return tuple(metric._labelnames)


CATALOG = {exported_name(m): m for m in metrics.CATALOG}


def test_the_catalog_has_every_required_metric_with_its_type_and_labels() -> None:
    for name, (kind, labels) in REQUIRED.items():
        assert name in CATALOG, f"{name} missing from care.metrics.CATALOG"
        assert isinstance(CATALOG[name], kind), f"{name} is not a {kind.__name__}"
        assert labels_of(CATALOG[name]) == labels, f"{name} labels {labels_of(CATALOG[name])} != {labels}"


def test_every_metric_is_registered_once_in_the_care_registry() -> None:
    registered = {family.name for family in metrics.REGISTRY.collect()}
    for metric in metrics.CATALOG:
        assert metric._name in registered
    assert len(CATALOG) == len(metrics.CATALOG)


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_names_follow_prometheus_conventions(name: str) -> None:
    metric = CATALOG[name]
    assert NAME.match(name), f"{name}: care_ prefix, snake_case"
    assert not any(part in name for part in NOT_BASE_UNITS), f"{name}: use base units (seconds, bytes)"
    if isinstance(metric, Counter):
        assert name.endswith("_total")
    else:
        assert not name.endswith("_total"), f"{name}: only counters end in _total"
    if isinstance(metric, Histogram):
        assert name.endswith("_seconds"), f"{name}: CARE's histograms measure time, in seconds"
    assert metric._documentation.strip(), f"{name} has no help text"


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_labels_are_bounded(name: str) -> None:
    allowed = metrics.BOUNDED_LABELS | metrics.CODE_LABELS | metrics.NUMERIC_LABELS
    for label in labels_of(CATALOG[name]):
        assert label not in FORBIDDEN_LABELS, f"{name} has a high-cardinality label {label}"
        assert label in allowed, f"{name}: label {label} is not one of the bounded labels {sorted(allowed)}"


def test_end_to_end_buckets_hold_every_slo_threshold() -> None:
    buckets = set(metrics.END_TO_END_SECONDS._upper_bounds)
    for threshold in (0.5, 1, 2, 3, 5, 8, 13):
        assert float(threshold) in buckets
    assert set(metrics.SLO_THRESHOLDS_SECONDS) <= buckets


def test_vocabularies_follow_the_contracts() -> None:
    from care.inference.backend import KINDS

    assert set(KINDS) <= set(metrics.BACKEND_ERROR_KINDS)
    statuses = {
        name.removeprefix("SUGGESTION_STATUS_").lower() for name, _ in events_pb2.SuggestionStatus.items()
    }
    assert statuses == set(metrics.SUGGESTION_STATUSES)
    levels = {name.removeprefix("RISK_LEVEL_").lower() for name, _ in events_pb2.RiskLevel.items()}
    assert levels == set(metrics.RISK_LEVELS)
    for number, name in metrics._STATUS_NAMES.items():
        assert events_pb2.SuggestionStatus.Name(number) == f"SUGGESTION_STATUS_{name.upper()}"
    for number, name in metrics._LEVEL_NAMES.items():
        assert events_pb2.RiskLevel.Name(number) == f"RISK_LEVEL_{name.upper()}"


def test_circuit_state_gauge_is_0_closed_1_half_open_2_open() -> None:
    from care.inference.breaker import BreakerState

    expected = {"closed": 0, "half_open": 1, "open": 2}
    for state in BreakerState:
        metrics.set_circuit_state("he", state.value)
        assert (
            metrics.REGISTRY.get_sample_value("care_backend_circuit_state", {"route": "he"})
            == expected[state.value]
        )
    with pytest.raises(ValueError, match="unknown circuit state"):
        metrics.set_circuit_state("he", "ajar")


def test_guards_map_unknown_values_and_ids_to_other() -> None:
    assert metrics.route_label("he") == "he"
    assert metrics.route_label("HE") == "he"
    assert metrics.route_label("conv-1234") == metrics.OTHER
    guard = metrics.LabelGuard("reason", max_values=3)
    assert guard("deid_failed") == "deid_failed"
    assert guard(str(uuid.uuid4())) == metrics.OTHER  # not a code
    assert guard("Help me, my name is Dana") == metrics.OTHER  # never text
    assert [guard(f"code_{i}") for i in range(4)] == ["code_0", "code_1", metrics.OTHER, metrics.OTHER]
    assert guard("deid_failed") == "deid_failed"  # values seen before the cap stay


def test_known_codes_keep_their_series_past_the_cap() -> None:
    guard = metrics.LabelGuard("reason", max_values=1, known=frozenset({"missing_field"}))
    assert guard("code_0") == "code_0"
    assert guard("code_1") == metrics.OTHER
    assert guard("missing_field") == "missing_field"


def test_the_safety_reasons_are_the_gates() -> None:
    from care.safety import REASONS

    assert tuple(REASONS) == metrics.SAFETY_REASONS


def test_the_stage_error_codes_are_the_ones_the_code_raises() -> None:
    raised = set()
    for path in (Path(__file__).parents[2] / "services" / "care").rglob("*.py"):
        raised |= set(
            re.findall(r'(?:StageError|DecodeError|DeidentificationError)\(\s*"([a-z_]+)"', path.read_text())
        )
    assert raised
    assert raised <= set(metrics.STAGE_ERROR_CODES)


def series(name: str) -> list[dict[str, str]]:
    base = name.removesuffix("_total")
    return [
        sample.labels
        for family in metrics.REGISTRY.collect()
        if family.name == base
        for sample in family.samples
        if sample.name in (name, f"{base}_total", f"{base}_count")
    ]


def test_hostile_label_values_cannot_grow_the_series_without_bound() -> None:
    for i in range(500):
        conversation = str(uuid.uuid4())
        metrics.record_suggestion(conversation, f"status {i}")
        metrics.record_deadletter(conversation, f"reason_{i}")
        metrics.record_backend_error(conversation, conversation)
        metrics.record_fallback("he", conversation)
        metrics.record_risk_alert(conversation)
        metrics.observe_stage(conversation, 0.01, error_code=f"code_{i}")
        metrics.record_safety_block("ar", f"Some text {i}")
    vocab = metrics.route_label.values
    assert vocab is not None
    routes = len(vocab)
    assert len(series("care_suggestions_total")) <= routes * (len(metrics.SUGGESTION_STATUSES) + 1)
    assert len(series("care_deadletters_total")) <= (len(metrics.STAGES) + 1) * (
        metrics.MAX_CODES_PER_LABEL + 1
    )
    assert len(series("care_backend_errors_total")) <= routes * (len(metrics.BACKEND_ERROR_KINDS) + 1)
    assert len(series("care_risk_alerts_total")) <= len(metrics.RISK_LEVELS) + 1
    assert len(series("care_safety_gate_blocks_total")) <= routes * 2
    for labels in series("care_suggestions_total"):
        assert labels["route"] in vocab


def test_helpers_record_what_they_say() -> None:
    before = (
        metrics.REGISTRY.get_sample_value("care_suggestions_total", {"route": "ar", "status": "fallback"})
        or 0
    )
    metrics.record_suggestion("ar", events_pb2.SUGGESTION_STATUS_FALLBACK)
    metrics.record_suggestion("ar", "SUGGESTION_STATUS_FALLBACK")
    after = metrics.REGISTRY.get_sample_value("care_suggestions_total", {"route": "ar", "status": "fallback"})
    assert after == before + 2

    metrics.observe_end_to_end(2.5)
    assert (metrics.REGISTRY.get_sample_value("care_end_to_end_seconds_bucket", {"le": "3.0"}) or 0) >= 1

    failed_before = sum(1 for labels in series("care_stage_failed_total") if labels["stage"] == "router")
    with pytest.raises(RuntimeError), metrics.time_stage("router"):
        raise RuntimeError("boom")
    # reason internal_error, or "other" once another test filled the reason label's cap
    failed = [labels for labels in series("care_stage_failed_total") if labels["stage"] == "router"]
    assert len(failed) >= max(failed_before, 1)
    assert {labels["reason"] for labels in failed} & {"internal_error", metrics.OTHER}

    metrics.set_consumer_lag("care.deid.placeholders-changelog", 2, 42)
    assert (
        metrics.REGISTRY.get_sample_value(
            "care_consumer_lag", {"topic": "care.deid.placeholders-changelog", "partition": "2"}
        )
        == 42
    )
    metrics.observe_inference(
        "he", duration_seconds=1.2, time_to_first_token_seconds=0.3, generated_tokens=40
    )
    assert (
        metrics.REGISTRY.get_sample_value("care_inference_generated_tokens_total", {"route": "he"}) or 0
    ) >= 40


def test_init_series_creates_zeroed_series() -> None:
    metrics.init_series(stages=["assembler"], routes=["he", "multi"])
    sample = metrics.REGISTRY.get_sample_value
    assert sample("care_suggestions_total", {"route": "multi", "status": "ok"}) is not None
    assert sample("care_risk_alerts_total", {"level": "imminent"}) is not None
    assert sample("care_stage_processing_seconds_count", {"stage": "assembler"}) is not None


def test_the_metrics_server_serves_the_catalog() -> None:
    port = metrics.start_metrics_server(0, addr="127.0.0.1")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        body = response.read().decode()
    assert "# TYPE care_end_to_end_seconds histogram" in body
    assert "# TYPE care_suggestions_total counter" in body
    assert "process_cpu_seconds_total" in body or "python_info" in body
