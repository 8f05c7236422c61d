"""ops/grafana: the dashboard JSON is what its generator writes, and every PromQL expression in it
parses (promtool check rules, each expression as a recording rule) and names real series."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from .conftest import ROOT, check
from .test_prometheus_rules import RULES, unknown_names

GENERATOR = ROOT / "ops" / "grafana" / "dashboard.py"
DASHBOARD = ROOT / "ops" / "grafana" / "care-overview.json"
CHART_COPY = ROOT / "charts" / "care" / "files" / "care-overview.json"
# Grafana's variables, replaced by what they stand for at query time.
VARIABLES = {
    "$__rate_interval": "5m",
    "$__interval": "1m",
    "$__range": "6h",
    "${route:regex}": ".*",
    "$route": ".*",
}


def dashboard() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return data


def panels() -> list[dict[str, Any]]:
    return [p for p in dashboard()["panels"] if p["type"] != "row"]


def expressions() -> list[tuple[str, str]]:
    """(panel title / refId, expr) for every query of the dashboard, variables substituted."""
    out = []
    for panel in panels():
        for target in panel["targets"]:
            expr = target["expr"]
            for variable, value in VARIABLES.items():
                expr = expr.replace(variable, value)
            out.append((f"{panel['title']} / {target['refId']}", expr))
    return out


def test_the_json_is_what_the_generator_writes() -> None:
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_the_chart_ships_the_same_dashboard() -> None:
    assert CHART_COPY.read_bytes() == DASHBOARD.read_bytes(), "run .venv/bin/python deploy/k8s/render.py"


def test_every_expression_parses(promtool: str, tmp_path: Path) -> None:
    exprs = expressions()
    assert len(exprs) >= 20
    for _, expr in exprs:
        assert "$" not in expr, f"unsubstituted Grafana variable in {expr}"
    rules = {
        "groups": [
            {
                "name": "dashboard-expressions",
                "rules": [
                    {"record": f"dashboard:expr_{i}:check", "expr": e} for i, (_, e) in enumerate(exprs)
                ],
            }
        ]
    }
    path = tmp_path / "dashboard-rules.yaml"
    path.write_text(yaml.safe_dump(rules), encoding="utf-8")
    out = check([promtool, "check", "rules", str(path)])
    assert f"SUCCESS: {len(exprs)} rules found" in out


def test_every_expression_names_catalog_metrics_or_recorded_series() -> None:
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    records = {r["record"] for g in data["groups"] for r in g["rules"] if "record" in r}
    for where, expr in expressions():
        assert not unknown_names(expr, records), f"{where}: {unknown_names(expr, records)}"


def test_the_dashboard_covers_what_operators_need() -> None:
    text = " ".join(f"{p['title']} {' '.join(t['expr'] for t in p['targets'])}" for p in panels())
    for needed in (
        "care_end_to_end_seconds_bucket",  # e2e latency and SLO attainment
        "histogram_quantile(0.99",
        "care_stage_processing_seconds_bucket",
        "care_inference_time_to_first_token_seconds_bucket",
        "care_inference_generated_tokens_total",  # tokens/s
        "care_backend_errors_total",
        "care_fallbacks_total",
        "care_consumer_lag",
        "care_risk_alerts_total",
        "care_deadletters_total",
        "SLO attainment",
    ):
        assert needed in text, needed


def test_layout_and_datasource() -> None:
    data = dashboard()
    ids = [p["id"] for p in data["panels"]]
    assert len(ids) == len(set(ids))
    assert data["uid"] == "care-overview"
    for panel in panels():
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        pos = panel["gridPos"]
        assert pos["x"] + pos["w"] <= 24
    variables = {v["name"] for v in data["templating"]["list"]}
    assert {"datasource", "route"} <= variables
    # the route variable is used as a regex matcher only
    for _, expr in expressions():
        assert not re.search(r'route="\.\*"', expr)
