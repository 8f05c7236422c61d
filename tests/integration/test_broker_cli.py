"""`care broker` and `care topics create` as an operator runs them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from care.broker.embedded import free_port, wait_for_port
from care.topics import ALL_TOPICS

pytestmark = pytest.mark.integration


def care(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "care.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@contextmanager
def running_broker() -> Iterator[tuple[subprocess.Popen[bytes], dict[str, str]]]:
    """`care broker` on a free port, and the environment that points the other commands at it."""
    port = free_port()
    env = {
        **os.environ,
        "CARE_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{port}",
        "CARE_TOPIC_PARTITIONS": "3",
        "CARE_TOPIC_REPLICATION_FACTOR": "1",
    }
    broker = subprocess.Popen(
        [sys.executable, "-m", "care.cli", "broker", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for_port("127.0.0.1", port, 20), "the broker accepts connections"
        yield broker, env
    finally:
        if broker.poll() is None:
            broker.send_signal(signal.SIGTERM)
            broker.wait(20)


def test_broker_serves_topics_create_idempotently_and_stops_on_sigterm() -> None:
    with running_broker() as (broker, env):
        first = care("topics", "create", env=env)
        assert first.returncode == 0, first.stderr[-2000:]
        assert f"created {len(ALL_TOPICS)} topics, 0 already existed" in first.stdout
        second = care("topics", "create", env=env)
        assert second.returncode == 0, second.stderr[-2000:]
        assert f"created 0 topics, {len(ALL_TOPICS)} already existed" in second.stdout
        listing = care("topics", "list", env=env)
        assert [line.split("\t")[0] for line in listing.stdout.splitlines()] == [t.name for t in ALL_TOPICS]
        broker.send_signal(signal.SIGTERM)
        assert broker.wait(20) == 0
    port = int(env["CARE_KAFKA_BOOTSTRAP_SERVERS"].rsplit(":", 1)[1])
    assert not wait_for_port("127.0.0.1", port, 0.5), "the broker's port is closed after SIGTERM"


def test_topics_create_reports_an_unreachable_broker_in_one_line() -> None:
    env = {**os.environ, "CARE_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}"}
    result = care("topics", "create", env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith("care topics: ")
    assert "Traceback" not in result.stderr


def test_topics_create_rejects_a_mismatched_partition_count() -> None:
    with running_broker() as (_, env):
        assert care("topics", "create", env={**env, "CARE_TOPIC_PARTITIONS": "2"}).returncode == 0
        mismatch = care("topics", "create", env={**env, "CARE_TOPIC_PARTITIONS": "4"})
        assert mismatch.returncode == 2
        assert mismatch.stderr.startswith("care topics: topics with a partition count other than 4")
        assert "Traceback" not in mismatch.stderr
