"""A bound on the calls in flight to one model backend, so one slow backend cannot take every task.

A call waits for a slot no longer than it was told to (the time left of its suggestion's deadline);
a call that gets none raises :class:`QueueTimeoutError`, which is a :class:`BackendError` so the
service falls back as for any other failure (kind "queue_timeout"). Slots go to waiters in arrival order.

A queue timeout says that this process is saturated, not that the backend is unhealthy, so no
circuit breaker counts it (it is a :class:`CallRejected`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final

from care.inference.breaker import CallRejected

QUEUE_TIMEOUT: Final = "queue_timeout"
QUEUE_TIMEOUT_KIND: Final = QUEUE_TIMEOUT


class QueueTimeoutError(CallRejected):
    """No slot to call the backend became free in the time the call had."""

    def __init__(self, backend: str) -> None:
        super().__init__(QUEUE_TIMEOUT_KIND)
        self.backend = backend


class Bulkhead:
    """At most ``limit`` calls in flight to the backend ``name``."""

    def __init__(self, name: str, limit: int = 32) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.name = name
        self.limit = limit
        self._semaphore = asyncio.Semaphore(limit)
        self._in_flight = 0
        self._waiting = 0

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @property
    def waiting(self) -> int:
        return self._waiting

    async def acquire(self, timeout: float) -> None:
        """Take a slot, waiting at most ``timeout`` seconds; raises :class:`QueueTimeoutError`."""
        # A free slot is taken even with no time left: the caller decides whether to use it.
        if not self._semaphore.locked():
            await self._semaphore.acquire()
        elif timeout <= 0:
            raise QueueTimeoutError(self.name)
        else:
            self._waiting += 1
            try:
                async with asyncio.timeout(timeout):
                    await self._semaphore.acquire()
            except TimeoutError:
                raise QueueTimeoutError(self.name) from None
            finally:
                self._waiting -= 1
        self._in_flight += 1

    def release(self) -> None:
        if self._in_flight == 0:
            raise RuntimeError("release without acquire")
        self._in_flight -= 1
        self._semaphore.release()

    @asynccontextmanager
    async def slot(self, timeout: float) -> AsyncIterator[None]:
        """A slot held for the block; see :meth:`acquire`."""
        await self.acquire(timeout)
        try:
            yield
        finally:
            self.release()
