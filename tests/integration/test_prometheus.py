"""A real Prometheus scrapes the running pipeline's /metrics; after a short replay its HTTP API
answers the end-to-end latency histogram, a quantile of it and the per-stage counters.

Prometheus is the Debian package `prometheus` (scripts/install-tools.sh, `make tools`). Without
it this test skips with the reason, unless CARE_REQUIRE_DEPLOY_TOOLS is set (CI, `make test`).
"""

from __future__ import annotations

import asyncio
import math
import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from care.broker.embedded import free_port
from care.embedded.platform import PlatformClient
from care.embedded.stack import EmbeddedStack
from care.v1 import events_pb2
from tests.integration.fixtures import ARABIC, HEBREW, HS, chat_event

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60.0
SCRAPE_INTERVAL = "1s"
STAGES = ("deid", "router", "assembler", "restore", "inference")


def prometheus_binary() -> str:
    for candidate in (ROOT / ".tools" / "bin" / "prometheus", Path("/usr/bin/prometheus")):
        if candidate.exists() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("prometheus")
    if found is not None:
        return found
    message = "prometheus is not installed: run scripts/install-tools.sh (or make tools)"
    if os.environ.get("CARE_REQUIRE_DEPLOY_TOOLS"):
        pytest.fail(f"{message}; CARE_REQUIRE_DEPLOY_TOOLS is set")
    pytest.skip(message)


def scrape_config(targets: list[str]) -> str:
    # job="care", as the chart's ServiceMonitor names it (ops/prometheus/rules.yaml selects nothing else).
    listed = ", ".join(f'"{t}"' for t in targets)
    return (
        "global:\n"
        f"  scrape_interval: {SCRAPE_INTERVAL}\n"
        f"  scrape_timeout: {SCRAPE_INTERVAL}\n"
        "scrape_configs:\n"
        "  - job_name: care\n"
        "    static_configs:\n"
        f"      - targets: [{listed}]\n"
    )


@dataclass
class Prometheus:
    url: str
    http: aiohttp.ClientSession

    async def query(self, expr: str) -> list[dict[str, Any]]:
        async with self.http.get(f"{self.url}/api/v1/query", params={"query": expr}) as response:
            body = await response.json()
        assert body["status"] == "success", body
        result: list[dict[str, Any]] = body["data"]["result"]
        return result

    async def value(self, expr: str) -> float | None:
        """The single value of an instant query (None when it has no result)."""
        result = await self.query(expr)
        if not result:
            return None
        assert len(result) == 1, result
        return float(result[0]["value"][1])

    async def eventually(self, expr: str, check: Any, timeout: float = 30.0) -> float:
        stop = time.monotonic() + timeout
        while True:
            value = await self.value(expr)
            if value is not None and check(value):
                return value
            if time.monotonic() > stop:
                # What each target reported last, to tell a missed scrape from a missing record.
                targets = await self.query("up")
                raise AssertionError(f"{expr} never passed its check (last value {value}); up: {targets}")
            await asyncio.sleep(0.5)


@pytest.fixture(scope="module")
def prometheus_process(stack: EmbeddedStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = prometheus_binary()
    workdir = tmp_path_factory.mktemp("prometheus")
    targets = [f"127.0.0.1:{port}" for port in stack.metrics_ports.values()]
    config = workdir / "prometheus.yml"
    config.write_text(scrape_config(targets), encoding="utf-8")
    port = free_port()
    log = (workdir / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={workdir / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
async def prometheus(prometheus_process: str, stack: EmbeddedStack) -> AsyncIterator[Prometheus]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        server = Prometheus(prometheus_process, http)
        stop = time.monotonic() + 30.0
        while True:
            try:
                async with http.get(f"{server.url}/-/ready") as response:
                    if response.status == 200:
                        break
            except aiohttp.ClientError:
                pass
            if time.monotonic() > stop:
                raise AssertionError("prometheus did not become ready")
            await asyncio.sleep(0.2)
        # Both of the pipeline's /metrics endpoints are up and scraped.
        await server.eventually('sum(up{job="care"})', lambda v: v == len(stack.metrics_ports))
        yield server


async def replay(platform: PlatformClient, conversation_id: str, messages: tuple[Any, ...]) -> list[str]:
    """One turn at a time, as a counselor would see them: each help-seeker message answered first."""
    await platform.send_chat(
        chat_event(conversation_id, 0, kind=events_pb2.CHAT_EVENT_TYPE_CONVERSATION_STARTED)
    )
    answered = []
    for index, message in enumerate(messages, start=1):
        event = chat_event(conversation_id, index, message)
        await platform.send_chat(event)
        if message.role == HS:
            await platform.wait_for(event.event_id, TIMEOUT)
            answered.append(event.event_id)
    return answered


async def test_prometheus_scrapes_end_to_end_latency_and_stage_counters(
    prometheus: Prometheus, platform: PlatformClient
) -> None:
    count = "sum(care_end_to_end_seconds_count)"
    before = await prometheus.eventually(count, lambda v: v >= 0)
    asked = await asyncio.gather(
        replay(platform, "prom-he-1", HEBREW[:4]), replay(platform, "prom-ar-1", ARABIC[:4])
    )
    answered = sum(len(ids) for ids in asked)
    assert answered >= 4

    # Every answered message is one observation of the end-to-end histogram.
    after = await prometheus.eventually(count, lambda v: v >= before + answered)
    assert after >= before + answered
    # Its buckets hold the SLO thresholds; the quantiles over the replay are real latencies.
    within_8s = await prometheus.value('sum(care_end_to_end_seconds_bucket{le="8.0"})')
    assert within_8s is not None
    assert within_8s >= answered
    p95 = await prometheus.eventually(
        "histogram_quantile(0.95, sum by (le) (rate(care_end_to_end_seconds_bucket[1m])))",
        lambda v: not math.isnan(v),
    )
    assert 0 < p95 <= 30.0
    p50_all = await prometheus.value("histogram_quantile(0.5, sum by (le) (care_end_to_end_seconds_bucket))")
    assert p50_all is not None
    assert 0 < p50_all <= p95 * 10

    # Per-stage counters and latency, from both the worker and the inference service.
    for stage in STAGES:
        processed = await prometheus.eventually(
            f'sum(care_stage_processed_total{{job="care",stage="{stage}"}})', lambda v: v > 0
        )
        assert processed > 0
        timed = await prometheus.value(f'sum(care_stage_processing_seconds_count{{stage="{stage}"}})')
        assert timed is not None
        assert timed >= processed
    # Each target is scraped on its own schedule, and a busy machine may delay a scrape: wait for
    # the inference service's samples to include the replay too.
    await prometheus.eventually('sum(care_suggestions_total{status="ok"})', lambda v: v >= answered)
    await prometheus.eventually(
        "sum(care_inference_time_to_first_token_seconds_count)", lambda v: v >= answered
    )
    await prometheus.eventually("sum(care_inference_generated_tokens_total)", lambda v: v > 0)
    # The breaker of each served route is reported, closed.
    states = await prometheus.query("care_backend_circuit_state")
    assert {r["metric"]["route"] for r in states} >= {"he", "ar"}
    assert all(float(r["value"][1]) == 0 for r in states)
    # Consumer lag per topic and partition, sampled by the worker (the inbound topic is read by deid).
    lag = await prometheus.eventually(
        'count(care_consumer_lag{topic="care.chat.inbound"})', lambda v: v >= 1, timeout=30.0
    )
    assert lag <= stack_partitions(platform)


def stack_partitions(platform: PlatformClient) -> int:
    return platform.settings.topic_partitions
