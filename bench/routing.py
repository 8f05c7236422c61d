"""Language routing per message on one CPU core: detection and the sticky route decision.

Measures what the router stage does per help-seeker message, ``MessageLanguageDetector`` then
``decide_route``, over the benchmark's synthetic conversations (Hebrew, Arabic, spoken Arabic with
Arabizi, English, Russian, mixed). Also the start-up cost: importing lingua and building the
detector with its models preloaded, which a worker pays once before joining its consumer group.
"""

from __future__ import annotations

import gc
import os
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from bench.deid import latency_summary, machine_info, pinned_to_one_core
from bench.messages import conversations

NAME = "routing"
TARGET_P50_MS = 0.1
FULL_CONVERSATIONS = 3000
QUICK_CONVERSATIONS = 100
MESSAGES_PER_CONVERSATION = 10
SEED = 20261122


def run(*, quick: bool = False, messages: int | None = None, cpu: int | None = None) -> dict[str, Any]:
    count = QUICK_CONVERSATIONS if quick else FULL_CONVERSATIONS
    if messages is not None:
        count = max(1, -(-messages // MESSAGES_PER_CONVERSATION))
    convs = list(conversations(count, length=MESSAGES_PER_CONVERSATION, seed=SEED))
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    with pinned_to_one_core(cpu) as pinned:
        started = time.perf_counter()
        from care.router.core import RouteState, decide_route
        from care.router.detect import MessageLanguageDetector

        imported = time.perf_counter()
        detector = MessageLanguageDetector()
        built = time.perf_counter()
        detector("warm-up: first call")

        latencies: list[int] = []
        by_label: dict[str, list[int]] = defaultdict(list)
        routes: Counter[str] = Counter()
        gc.collect()
        clock = time.perf_counter_ns
        wall = clock()
        for conversation in convs:
            state: RouteState | None = None
            for message in conversation:
                before = clock()
                label = detector(message.text)
                state = decide_route(state, label)
                elapsed = clock() - before
                latencies.append(elapsed)
                by_label[label].append(elapsed)
            if state is not None:
                routes[state.route] += 1
        wall_ns = clock() - wall
    summary = latency_summary(latencies)
    return {
        "benchmark": NAME,
        "mode": "quick" if quick else "full",
        "machine": machine_info(pinned, available),
        "workload": {"conversations": len(convs), "messages": len(latencies), "seed": SEED},
        "startup_seconds": {
            "import": round(imported - started, 3),
            "build_detector": round(built - imported, 3),
        },
        "per_message": summary,
        "wall_messages_per_second": round(len(latencies) / (wall_ns / 1e9), 1),
        "by_label": {
            label: latency_summary(values)
            for label, values in sorted(by_label.items(), key=lambda kv: -len(kv[1]))
        },
        "final_routes": dict(routes),
        "targets": {
            "p50_ms": {"target": TARGET_P50_MS, "met": summary["latency_ms"]["p50"] <= TARGET_P50_MS},
        },
    }


def _row(name: str, figures: Mapping[str, Any]) -> str:
    lat = figures["latency_ms"]
    return (
        f"| {name} | {figures['messages']} | {lat['p50']:.4f} | {lat['p95']:.4f} | {lat['p99']:.4f} "
        f"| {lat['max']:.3f} |"
    )


def render_markdown(result: Mapping[str, Any]) -> str:
    machine = result["machine"]
    target = result["targets"]["p50_ms"]
    startup = result["startup_seconds"]
    return "\n".join(
        [
            f"# routing benchmark ({result['mode']} run)",
            "",
            f"{machine['date']}: {machine['cpu_model']}, pinned to CPU {machine['pinned_cpu']} "
            f"(of {machine['logical_cpus']}), Python {machine['python']}.",
            "",
            f"Start-up: import {startup['import']} s, build the detector (lingua models preloaded) "
            f"{startup['build_detector']} s.",
            "",
            "Per message (detect + sticky route decision), "
            f"{result['wall_messages_per_second']:,.0f} msgs/s:",
            "",
            "| messages | count | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---:|---:|---:|---:|---:|",
            _row("all", result["per_message"]),
            *(_row(label, figures) for label, figures in result["by_label"].items()),
            "",
            f"Target: median <= {target['target']} ms per message: "
            f"**{'met' if target['met'] else 'NOT met'}**.",
            "",
            f"Final routes over the conversations: {result['final_routes']}.",
            "",
        ]
    )
