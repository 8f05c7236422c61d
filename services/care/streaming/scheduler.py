"""Run slow jobs (model calls) concurrently across conversations, in order within each one.

The agent loop keeps consuming while jobs run, so one slow conversation does not hold up the rest
of the partition; a bounded number of jobs in flight gives backpressure to the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from care.logging import get_logger

log = get_logger(__name__)

Job = Callable[[], Awaitable[None]]


class ConversationScheduler:
    def __init__(self, max_in_flight: int) -> None:
        self._slots = asyncio.Semaphore(max_in_flight)
        self._tails: dict[str, asyncio.Task[None]] = {}

    @property
    def in_flight(self) -> int:
        return len(self._tails)

    async def submit(self, conversation_id: str, job: Job) -> None:
        """Wait for a free slot, then start the job after the conversation's previous one."""
        await self._slots.acquire()
        previous = self._tails.get(conversation_id)
        task = asyncio.create_task(self._run(conversation_id, previous, job))
        self._tails[conversation_id] = task

    async def _run(self, conversation_id: str, previous: asyncio.Task[None] | None, job: Job) -> None:
        try:
            if previous is not None:
                # The previous job logs its own failure; order is all that is waited for here.
                with contextlib.suppress(BaseException):
                    await previous
            try:
                await job()
            except Exception:
                log.exception("scheduled job failed", extra={"fields": {"conversation_id": conversation_id}})
        finally:
            self._slots.release()
            if self._tails.get(conversation_id) is asyncio.current_task():
                del self._tails[conversation_id]

    async def drain(self) -> None:
        while self._tails:
            await asyncio.gather(*self._tails.values(), return_exceptions=True)
