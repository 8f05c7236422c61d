"""ops/prometheus/rules.yaml: valid, unit-tested alert by alert, on the catalog's metric names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from care import metrics

from .conftest import ROOT, check

RULES = ROOT / "ops" / "prometheus" / "rules.yaml"
RULE_TESTS = sorted((ROOT / "ops" / "prometheus" / "tests").glob("*.yaml"))
CHART_COPY = ROOT / "charts" / "care" / "files" / "prometheus-rules.yaml"
CARE_NAME = re.compile(r"\bcare_[a-z0-9_]+")
RECORD_NAME = re.compile(r"\bcare:[a-z0-9_:]+")
HISTOGRAM_SUFFIXES = ("_bucket", "_count", "_sum")


def rules() -> list[dict[str, Any]]:
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    return [rule for group in data["groups"] for rule in group["rules"]]


def catalog_series() -> set[str]:
    """Every series name the catalog exports (histograms as _bucket/_count/_sum)."""
    names = set()
    for metric in metrics.CATALOG:
        name = metric._name
        if metric._type == "counter":
            names.add(f"{name}_total")
        elif metric._type == "histogram":
            names.update(f"{name}{suffix}" for suffix in HISTOGRAM_SUFFIXES)
        else:
            names.add(name)
    return names


def unknown_names(expr: str, records: set[str]) -> set[str]:
    return (set(CARE_NAME.findall(expr)) - catalog_series()) | (set(RECORD_NAME.findall(expr)) - records)


def test_promtool_check_rules(promtool: str) -> None:
    out = check([promtool, "check", "rules", str(RULES)])
    assert "SUCCESS" in out


def test_promtool_unit_tests_pass(promtool: str) -> None:
    out = check([promtool, "test", "rules", *map(str, RULE_TESTS)], cwd=RULES.parent)
    assert "FAILED" not in out


def test_every_alert_is_tested_firing_and_not_firing() -> None:
    alerts = {rule["alert"] for rule in rules() if "alert" in rule}
    firing: set[str] = set()
    silent: set[str] = set()
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]:
            for test in case.get("alert_rule_test", []):
                (firing if test.get("exp_alerts") else silent).add(test["alertname"])
    assert alerts - firing == set(), f"alerts never tested firing: {alerts - firing}"
    assert alerts - silent == set(), f"alerts never tested staying silent: {alerts - silent}"
    assert {
        "CareLatencyBudgetBurnFast",
        "CareLatencyBudgetBurnSlow",
        "CareBackendDown",
        "CareFallbackRateHigh",
        "CareConsumerLagGrowing",
        "CareDeadLetters",
        "CareRiskAlertsWithoutSuggestions",
    } <= alerts


def test_rules_use_only_catalog_metrics_and_defined_records() -> None:
    records = {rule["record"] for rule in rules() if "record" in rule}
    for rule in rules():
        assert not unknown_names(rule["expr"], records), f"{rule.get('alert') or rule.get('record')}"
        if "record" in rule:
            assert re.fullmatch(r"[a-z_]+:[a-z0-9_]+:[a-z0-9_]+", rule["record"]), "level:metric:operations"


def test_alerts_are_labelled_and_explained() -> None:
    for rule in rules():
        if "alert" in rule:
            assert rule["labels"]["severity"] in {"page", "ticket", "warning"}
            assert {"summary", "description", "runbook"} <= set(rule["annotations"])


def test_slo_threshold_is_a_bucket_boundary() -> None:
    text = RULES.read_text(encoding="utf-8")
    assert 'le=~"3|3\\\\.0"' in text
    assert 3.0 in metrics.END_TO_END_SECONDS._upper_bounds


def test_the_chart_serves_the_same_rules() -> None:
    assert CHART_COPY.read_bytes() == RULES.read_bytes(), "run .venv/bin/python deploy/k8s/render.py"


def test_rule_files_are_listed_relative_to_the_tests() -> None:
    for path in RULE_TESTS:
        for rule_file in yaml.safe_load(path.read_text(encoding="utf-8"))["rule_files"]:
            assert (path.parent / Path(rule_file)).resolve() == RULES.resolve()
