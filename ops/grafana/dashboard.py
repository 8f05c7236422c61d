"""Generates ops/grafana/care-overview.json, CARE's Grafana dashboard (standard library only).

    python ops/grafana/dashboard.py            # write the JSON
    python ops/grafana/dashboard.py --check    # exit 1 when the committed JSON differs

The metric names are services/care/metrics.py's; the recording rules are ops/prometheus/rules.yaml's.
tests/deploy checks every expression here with promtool and every metric name against the catalog.
The Helm chart ships the JSON in a ConfigMap labelled grafana_dashboard: "1" (Grafana's sidecar).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("care-overview.json")
UID = "care-overview"
DS = {"type": "prometheus", "uid": "${datasource}"}
ROUTE = 'route=~"$route"'
RATE = "$__rate_interval"


def le_matcher(le: float) -> str:
    """A bucket boundary as Prometheus 2 ("3.0", the client's spelling) or 3 ("3") stores it."""
    return f'le=~"{le:g}|{le:g}\\\\.0"' if float(le).is_integer() else f'le="{le:g}"'


# The SLO threshold bucket.
LE_3S = le_matcher(3)

Panel = dict[str, Any]


def target(expr: str, legend: str = "", ref: str = "A", instant: bool = False) -> dict[str, Any]:
    t: dict[str, Any] = {"datasource": DS, "expr": expr, "legendFormat": legend or "__auto", "refId": ref}
    if instant:
        t["instant"] = True
        t["range"] = False
    return t


def timeseries(
    title: str,
    targets: list[dict[str, Any]],
    unit: str = "short",
    description: str = "",
    stack: bool = False,
    thresholds: list[tuple[str, float | None]] | None = None,
) -> Panel:
    steps = [{"color": c, "value": v} for c, v in (thresholds or [("green", None)])]
    custom: dict[str, Any] = {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10, "showPoints": "never"}
    if stack:
        custom["stacking"] = {"mode": "normal", "group": "A"}
    if thresholds:
        custom["thresholdsStyle"] = {"mode": "line"}
    return {
        "type": "timeseries",
        "title": title,
        "description": description,
        "datasource": DS,
        "targets": _refs(targets),
        "fieldConfig": {
            "defaults": {
                "unit": unit,
                "custom": custom,
                "thresholds": {"mode": "absolute", "steps": steps},
            },
            "overrides": [],
        },
        "options": {
            "legend": {"displayMode": "table", "placement": "bottom", "calcs": ["lastNotNull", "max"]}
        },
    }


def stat(
    title: str, expr: str, unit: str, thresholds: list[tuple[str, float | None]], description: str = ""
) -> Panel:
    return {
        "type": "stat",
        "title": title,
        "description": description,
        "datasource": DS,
        "targets": [target(expr, instant=True)],
        "fieldConfig": {
            "defaults": {
                "unit": unit,
                "decimals": 2,
                "thresholds": {
                    "mode": "absolute",
                    "steps": [{"color": c, "value": v} for c, v in thresholds],
                },
            },
            "overrides": [],
        },
        "options": {
            "colorMode": "background",
            "graphMode": "none",
            "reduceOptions": {"calcs": ["lastNotNull"]},
        },
    }


def row(title: str) -> Panel:
    return {"type": "row", "title": title, "collapsed": False, "panels": []}


def _refs(targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**t, "refId": chr(ord("A") + i)} for i, t in enumerate(targets)]


def quantiles(metric: str, by: str = "", selector: str = "") -> list[dict[str, Any]]:
    """p50, p95 and p99 of a histogram, optionally per label."""
    group = f"{by}, le" if by else "le"
    legend_by = f"{{{{{by}}}}} " if by else ""
    series = f"{metric}_bucket{{{selector}}}" if selector else f"{metric}_bucket"
    return [
        target(
            f"histogram_quantile({q}, sum by ({group}) (rate({series}[{RATE}])))",
            f"{legend_by}p{round(q * 100)}",
        )
        for q in (0.5, 0.95, 0.99)
    ]


def slo_good(window: str) -> str:
    """Share of suggestions within the 3 s SLO threshold over ``window``."""
    return (
        f"sum(rate(care_end_to_end_seconds_bucket{{{LE_3S}}}[{window}]))"
        f" / sum(rate(care_end_to_end_seconds_count[{window}]))"
    )


def panels() -> list[Panel]:
    slo_thresholds = [("red", None), ("orange", 0.9), ("green", 0.95)]
    out: list[Panel] = [
        row("End to end: help-seeker message to suggestion (SLO: 95% within 3 s)"),
        stat(
            "SLO attainment (dashboard range)",
            slo_good("$__range"),
            "percentunit",
            slo_thresholds,
            "Share of suggestions published within 3 s of the help-seeker's message.",
        ),
        stat(
            "SLO attainment (30 days)",
            slo_good("30d"),
            "percentunit",
            slo_thresholds,
        ),
        stat(
            "Error budget burn rate (1 h)",
            "care:end_to_end_slo_errors:ratio_rate1h / 0.05",
            "x",
            [("green", None), ("orange", 6), ("red", 14.4)],
            "1 = spending the 5% budget exactly over 30 days; 14.4 pages (CareLatencyBudgetBurnFast).",
        ),
        stat(
            "Suggestions / s",
            f"sum(rate(care_suggestions_total{{{ROUTE}}}[{RATE}]))",
            "reqps",
            [("blue", None)],
        ),
        timeseries(
            "End-to-end latency",
            quantiles("care_end_to_end_seconds"),
            "s",
            "From ChatEvent.sent_at to the suggestion's publication on care.suggestions.",
            thresholds=[("green", None), ("red", 3)],
        ),
        timeseries(
            "Share within each SLO threshold",
            [
                target(
                    f"sum(rate(care_end_to_end_seconds_bucket{{{le_matcher(le)}}}[{RATE}]))"
                    f" / sum(rate(care_end_to_end_seconds_count[{RATE}]))",
                    f"≤ {le:g} s",
                )
                for le in (0.5, 1, 2, 3, 5, 8, 13)
            ],
            "percentunit",
        ),
        row("Stages"),
        timeseries(
            "Stage latency p95",
            [
                target(
                    "histogram_quantile(0.95, sum by (stage, le) "
                    f"(rate(care_stage_processing_seconds_bucket[{RATE}])))",
                    "{{stage}}",
                )
            ],
            "s",
        ),
        timeseries(
            "Stage throughput",
            [target(f"sum by (stage) (rate(care_stage_processed_total[{RATE}]))", "{{stage}}")],
            "ops",
        ),
        timeseries(
            "Stage failures",
            [
                target(
                    f"sum by (stage, reason) (rate(care_stage_failed_total[{RATE}]))", "{{stage}} {{reason}}"
                )
            ],
            "ops",
            stack=True,
        ),
        row("Inference and model backends"),
        timeseries(
            "Time to first token",
            quantiles("care_inference_time_to_first_token_seconds", "route", ROUTE),
            "s",
        ),
        timeseries(
            "Inference duration",
            quantiles("care_inference_duration_seconds", "route", ROUTE),
            "s",
        ),
        timeseries(
            "Generated tokens / s",
            [
                target(
                    f"sum by (route) (rate(care_inference_generated_tokens_total{{{ROUTE}}}[{RATE}]))",
                    "{{route}}",
                )
            ],
            "short",
        ),
        timeseries(
            "Suggestions by status",
            [
                target(
                    f"sum by (route, status) (rate(care_suggestions_total{{{ROUTE}}}[{RATE}]))",
                    "{{route}} {{status}}",
                )
            ],
            "ops",
            stack=True,
        ),
        timeseries(
            "Backend errors",
            [
                target(
                    f"sum by (route, kind) (rate(care_backend_errors_total{{{ROUTE}}}[{RATE}]))",
                    "{{route}} {{kind}}",
                ),
                target(
                    f"sum by (route) (rate(care_backend_retries_total{{{ROUTE}}}[{RATE}]))",
                    "{{route}} retries",
                ),
            ],
            "ops",
        ),
        timeseries(
            "Fallbacks",
            [
                target(
                    f"sum by (route, reason_kind) (rate(care_fallbacks_total{{{ROUTE}}}[{RATE}]))",
                    "{{route}} {{reason_kind}}",
                ),
                target(
                    f"care:suggestions_fallback:ratio_rate10m{{{ROUTE}}}",
                    "{{route}} fallback share (10m)",
                ),
            ],
            "short",
        ),
        timeseries(
            "Circuit breaker (0 closed, 1 half-open, 2 open)",
            [target(f"max by (route) (care_backend_circuit_state{{{ROUTE}}})", "{{route}}")],
            "short",
            thresholds=[("green", None), ("orange", 1), ("red", 2)],
        ),
        timeseries(
            "Superseded requests and safety-gate blocks",
            [
                target(
                    f"sum by (route) (rate(care_supersedes_total{{{ROUTE}}}[{RATE}]))", "{{route}} superseded"
                ),
                target(
                    f"sum by (route, reason) (rate(care_safety_gate_blocks_total{{{ROUTE}}}[{RATE}]))",
                    "{{route}} blocked: {{reason}}",
                ),
            ],
            "ops",
        ),
        row("Kafka"),
        timeseries(
            "Consumer lag by topic",
            [target("sum by (topic) (care_consumer_lag)", "{{topic}}")],
            "short",
        ),
        timeseries(
            "Consumer lag by partition",
            [target("max by (topic, partition) (care_consumer_lag)", "{{topic}}[{{partition}}]")],
            "short",
        ),
        timeseries(
            "Dead letters",
            [
                target(
                    f"sum by (stage, reason) (increase(care_deadletters_total[{RATE}]))",
                    "{{stage}} {{reason}}",
                )
            ],
            "short",
            stack=True,
        ),
        row("Risk"),
        timeseries(
            "Risk alerts by level",
            [target(f"sum by (level) (increase(care_risk_alerts_total[{RATE}]))", "{{level}}")],
            "short",
            stack=True,
        ),
        timeseries(
            "Risk alerts vs delivered suggestions (10 min)",
            [
                target(
                    'sum(increase(care_risk_alerts_total{level!~"none|unspecified"}[10m]))', "risk alerts"
                ),
                target('sum(increase(care_suggestions_total{status=~"ok|fallback"}[10m]))', "suggestions"),
            ],
            "short",
            "CareRiskAlertsWithoutSuggestions pages when the first line rises while the second stays at 0.",
        ),
    ]
    return _layout(out)


def _layout(items: list[Panel]) -> list[Panel]:
    """Rows span the width; stats are 6 wide, graphs 12 wide, two per line."""
    x = y = 0
    line_height = 0
    for pid, panel in enumerate(items, start=1):
        panel["id"] = pid
        if panel["type"] == "row":
            if x:
                y += line_height
            x, line_height = 0, 0
            panel["gridPos"] = {"h": 1, "w": 24, "x": 0, "y": y}
            y += 1
            continue
        w, h = (6, 4) if panel["type"] == "stat" else (12, 8)
        if x + w > 24:
            x, y = 0, y + line_height
            line_height = 0
        panel["gridPos"] = {"h": h, "w": w, "x": x, "y": y}
        x += w
        line_height = max(line_height, h)
    return items


def dashboard() -> dict[str, Any]:
    return {
        "uid": UID,
        "title": "CARE overview",
        "description": (
            "CARE pipeline: end-to-end SLO, stages, inference, Kafka, risk "
            "(generated by ops/grafana/dashboard.py)"
        ),
        "tags": ["care"],
        "timezone": "",
        "editable": True,
        "graphTooltip": 1,
        "refresh": "30s",
        "schemaVersion": 39,
        "version": 1,
        "time": {"from": "now-6h", "to": "now"},
        "annotations": {"list": []},
        "links": [],
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Data source",
                    "type": "datasource",
                    "query": "prometheus",
                    "current": {},
                    "hide": 0,
                },
                {
                    "name": "route",
                    "label": "Route",
                    "type": "query",
                    "datasource": DS,
                    "query": {"query": "label_values(care_suggestions_total, route)", "refId": "route"},
                    "definition": "label_values(care_suggestions_total, route)",
                    "includeAll": True,
                    "allValue": ".*",
                    "multi": True,
                    "refresh": 2,
                    "current": {},
                    "hide": 0,
                },
            ]
        },
        "panels": panels(),
    }


def render() -> str:
    return json.dumps(dashboard(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail when the committed JSON differs")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not args.out.exists() or args.out.read_text(encoding="utf-8") != text:
            sys.stderr.write(f"{args.out} is out of date: run python {Path(__file__).as_posix()}\n")
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
