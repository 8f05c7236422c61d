from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from care.standin.server import RunningStandin, StandinConfig, start_standin

StartStandin = Callable[..., Awaitable[RunningStandin]]


@pytest.fixture
async def start() -> AsyncIterator[StartStandin]:
    """Starts stand-ins on free ports (StandinConfig fields as keywords); all are stopped afterwards."""
    running: list[RunningStandin] = []

    async def _start(**overrides: Any) -> RunningStandin:
        standin = await start_standin(StandinConfig(port=0, **overrides))
        running.append(standin)
        return standin

    yield _start
    for standin in running:
        await standin.stop()


@pytest.fixture
async def standin(start: StartStandin) -> RunningStandin:
    """A fresh stand-in with the default configuration, so every test sees zeroed stats."""
    return await start()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
