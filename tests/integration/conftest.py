"""The real pipeline for integration tests: Tansu, the TGI stand-in, the inference service and a
faust worker, each its own process on 127.0.0.1, started once per test session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from care import topics
from care.embedded.platform import PlatformClient
from care.embedded.stack import EmbeddedStack, StackOptions

WATCHED = tuple(t.name for t in topics.ALL_TOPICS if t is not topics.CHAT_INBOUND)


@pytest.fixture(scope="session")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[EmbeddedStack]:
    workdir: Path = tmp_path_factory.mktemp("stack")
    options = StackOptions(
        workdir=workdir,
        partitions=4,
        num_candidates=2,
        inference_timeout_seconds=10.0,
        record_model_requests=True,
        # Every process writes its spans here (OTEL_TRACES_EXPORTER=file): tests/integration/test_tracing.py.
        traces_dir=workdir / "traces",
        # Lag is sampled often enough for tests/integration/test_prometheus.py to see it.
        extra_env={"CARE_CONSUMER_LAG_INTERVAL_SECONDS": "2"},
    )
    async with EmbeddedStack(options) as running:
        yield running


@pytest.fixture(scope="session")
async def platform(stack: EmbeddedStack) -> AsyncIterator[PlatformClient]:
    async with PlatformClient(stack.settings, watch=WATCHED) as client:
        yield client
