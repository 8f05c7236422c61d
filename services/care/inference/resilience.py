"""Deadlines, retries and their composition with the breaker and bulkhead around a model backend call.

Never leave the counselor waiting: a suggestion has one :class:`Deadline`, and everything done for
it (waiting for a slot, each attempt, each backoff sleep) fits inside it. huggingface_hub's
``timeout`` bounds one socket read, not a call, so each attempt here runs under ``asyncio.timeout``
as well. When this gives up it raises a :class:`BackendError`, and the service puts a fallback reply
in its place.

:func:`call_with_resilience` is for a call that returns a value. A generation streams, and a stream
may only be retried before its first delta has reached anyone; :func:`stream_with_resilience` retries
opening the stream and reading its first delta, then hands over the rest under the same deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from care.config import Settings
from care.inference.backend import BackendError
from care.inference.breaker import CallRejected, CircuitBreaker, CircuitOpenError
from care.inference.bulkhead import Bulkhead, QueueTimeoutError

__all__ = [
    "DEFAULT_POLICY",
    "DEFAULT_RETRY_KINDS",
    "Bulkhead",
    "CallRejected",
    "CircuitBreaker",
    "CircuitOpenError",
    "Deadline",
    "QueueTimeoutError",
    "RetryPolicy",
    "call_with_resilience",
    "retry_after_of",
    "retry_policy",
    "stream_with_resilience",
]

T = TypeVar("T")
R = TypeVar("R")

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
RetryCallback = Callable[[str], None]
Jitter = Literal["full", "equal", "none"]

DEFAULT_RETRY_KINDS = frozenset({"overloaded", "unavailable"})


class Deadline:
    """A point in time on a monotonic clock; ``Deadline(8.0)`` is eight seconds from now.

    The clock is injectable so tests can move time by hand. ``asyncio.timeout`` is always given a
    relative :meth:`remaining`, so a deadline on a fake clock still bounds real waits sensibly.
    """

    __slots__ = ("_clock", "expires_at")

    def __init__(self, seconds: float, *, clock: Clock = time.monotonic) -> None:
        if math.isnan(seconds):
            raise ValueError("seconds must be a number")
        self._clock = clock
        self.expires_at = clock() + seconds

    @classmethod
    def at(cls, expires_at: float, *, clock: Clock = time.monotonic) -> Deadline:
        deadline = cls(0.0, clock=clock)
        deadline.expires_at = expires_at
        return deadline

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.expires_at - self._clock())

    @property
    def expired(self) -> bool:
        return self._clock() >= self.expires_at

    def child(self, max_seconds: float) -> Deadline:
        """A deadline at most ``max_seconds`` from now and never later than this one."""
        return Deadline.at(min(self.expires_at, self._clock() + max_seconds), clock=self._clock)

    def __repr__(self) -> str:
        return f"Deadline(remaining={self.remaining():.3f})"


@dataclass(frozen=True)
class RetryPolicy:
    """When to try a failed backend call again, and how long to wait first.

    The n-th retry waits ``min(max_delay, base_delay * multiplier ** (n - 1))``, jittered: "full"
    draws uniformly from [0, that], "equal" from [half of it, all of it], "none" waits exactly that.
    A server's Retry-After hint (an error's optional ``retry_after`` attribute, in seconds) raises
    the wait to at least the hint; it is not capped by ``max_delay``, since coming back sooner is
    useless, but the deadline still applies.

    A retry happens only if after the wait at least ``min_attempt_seconds`` of the deadline would
    be left for the attempt; otherwise the last error is raised at once rather than sleeping into a
    deadline that an attempt can no longer meet.

    Each attempt runs under ``asyncio.timeout`` of the deadline's remaining time, or of
    ``attempt_timeout`` if that is shorter. An attempt that times out fails with kind "timeout",
    which is retried only if listed in ``retry_kinds`` (useful with ``attempt_timeout`` set).
    """

    max_attempts: int = 3
    base_delay: float = 0.1
    max_delay: float = 1.0
    multiplier: float = 2.0
    jitter: Jitter = "full"
    retry_kinds: frozenset[str] = field(default=DEFAULT_RETRY_KINDS)
    # A connection that failed before any output is safe to retry; after output it never is, and the
    # helpers here only ever retry before output.
    retry_connection: bool = True
    min_attempt_seconds: float = 0.25
    attempt_timeout: float | None = None

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0 <= self.base_delay <= self.max_delay:
            raise ValueError("delays must satisfy 0 <= base_delay <= max_delay")
        if self.multiplier < 1:
            raise ValueError("multiplier must be at least 1")
        if self.jitter not in ("full", "equal", "none"):
            raise ValueError(f"unknown jitter: {self.jitter!r}")
        if self.min_attempt_seconds < 0:
            raise ValueError("min_attempt_seconds must not be negative")
        if self.attempt_timeout is not None and self.attempt_timeout <= 0:
            raise ValueError("attempt_timeout must be positive")

    def backoff(self, retry: int) -> float:
        """The wait before the ``retry``-th retry (from 1), before jitter."""
        if retry < 1:
            raise ValueError("retry counts from 1")
        # Past the cap the power would only grow (and may overflow), so stop computing it.
        exponent = retry - 1
        if self.multiplier > 1 and self.base_delay > 0:
            exponent = min(exponent, math.ceil(math.log(self.max_delay / self.base_delay, self.multiplier)))
        return float(min(self.max_delay, self.base_delay * self.multiplier**exponent))

    def delay(self, retry: int, rng: random.Random, retry_after: float | None = None) -> float:
        """The jittered wait before the ``retry``-th retry, at least ``retry_after`` if given."""
        ceiling = self.backoff(retry)
        if self.jitter == "full":
            wait = rng.uniform(0.0, ceiling)
        elif self.jitter == "equal":
            wait = ceiling / 2 + rng.uniform(0.0, ceiling / 2)
        else:
            wait = ceiling
        if retry_after is not None:
            wait = max(wait, retry_after)
        return wait

    def is_retryable(self, error: BaseException, *, output_started: bool = False) -> bool:
        """Whether a call that failed with ``error`` may be tried again."""
        if output_started or not isinstance(error, BackendError):
            return False
        # Rejections by our own breaker and bulkhead are answers, not failures to work around.
        if isinstance(error, CallRejected):
            return False
        if error.kind == "connection":
            return self.retry_connection
        return error.kind in self.retry_kinds

    def attempt_seconds(self, deadline: Deadline) -> float:
        remaining = deadline.remaining()
        return remaining if self.attempt_timeout is None else min(remaining, self.attempt_timeout)


DEFAULT_POLICY = RetryPolicy()


def retry_policy(settings: Settings) -> RetryPolicy:
    """The policy the settings describe; each attempt is bounded by ``backend_timeout_seconds``.

    Raises ValueError for settings no policy can follow (a base delay above the maximum delay).
    """
    return RetryPolicy(
        max_attempts=settings.backend_max_attempts,
        base_delay=settings.backend_retry_base_delay_seconds,
        max_delay=settings.backend_retry_max_delay_seconds,
        min_attempt_seconds=settings.backend_min_attempt_seconds,
        attempt_timeout=settings.backend_timeout_seconds,
    )


# Jitter only spreads retries out; it needs no cryptographic randomness.
_RNG = random.Random()  # noqa: S311


def retry_after_of(error: BaseException) -> float | None:
    """A server's Retry-After hint carried by ``error``, in seconds, if it has a usable one."""
    hint = getattr(error, "retry_after", None)
    if isinstance(hint, bool) or not isinstance(hint, int | float):
        return None
    if math.isnan(hint) or hint < 0:
        return None
    return float(hint)


async def _attempts(
    attempt: Callable[[float], Awaitable[R]],
    *,
    deadline: Deadline,
    policy: RetryPolicy,
    breaker: CircuitBreaker | None,
    bulkhead: Bulkhead | None,
    sleep: Sleep,
    rng: random.Random | None,
    on_retry: RetryCallback | None,
) -> tuple[R, contextlib.AsyncExitStack]:
    """The first successful attempt's result, and the still-open breaker admission and bulkhead slot.

    The caller closes the returned stack when the call is really over (for a stream, at its end),
    which records the outcome with the breaker and frees the slot.
    """
    rng = _RNG if rng is None else rng
    retry = 0
    async with contextlib.AsyncExitStack() as call:
        # One breaker admission for the whole call, retries included: the breaker learns whether
        # the backend could serve the call, so transient 429/503 that a retry absorbs never open it,
        # while a backend that is down fails every attempt of every call and opens it quickly.
        if breaker is not None:
            call.enter_context(breaker.admit())
        while True:
            if deadline.expired:
                raise BackendError("timeout")
            try:
                async with contextlib.AsyncExitStack() as stack:
                    if bulkhead is not None:
                        await stack.enter_async_context(bulkhead.slot(deadline.remaining()))
                        # The wait used the time up; an attempt now would time out and blame the backend.
                        if deadline.expired:
                            raise QueueTimeoutError(bulkhead.name)
                    seconds = policy.attempt_seconds(deadline)
                    try:
                        async with asyncio.timeout(seconds):
                            result = await attempt(seconds)
                    except TimeoutError as error:
                        raise BackendError("timeout") from error
                    await call.enter_async_context(stack.pop_all())
                    return result, call.pop_all()
            except BackendError as error:
                retry += 1
                if retry >= policy.max_attempts or not policy.is_retryable(error):
                    raise
                wait = policy.delay(retry, rng, retry_after_of(error))
                if wait + policy.min_attempt_seconds > deadline.remaining():
                    raise
                if on_retry is not None:
                    on_retry(error.kind)
                await sleep(wait)


async def call_with_resilience(
    fn: Callable[[float], Awaitable[T]],
    *,
    deadline: Deadline,
    policy: RetryPolicy = DEFAULT_POLICY,
    breaker: CircuitBreaker | None = None,
    bulkhead: Bulkhead | None = None,
    sleep: Sleep = asyncio.sleep,
    rng: random.Random | None = None,
    on_retry: RetryCallback | None = None,
) -> T:
    """``await fn(seconds)``, retried per ``policy``, within ``deadline``, through breaker and bulkhead.

    ``fn`` gets the seconds its attempt may take (it already runs under ``asyncio.timeout`` of that;
    pass it on to a client's own timeout if it has one). ``on_retry(kind)`` runs before each retry's
    wait, with the kind of the error being retried. Raises the last attempt's :class:`BackendError`;
    kind "timeout" when the deadline ran out (attempt included); :class:`CircuitOpenError` or
    :class:`QueueTimeoutError` when the breaker or bulkhead turned the call away. Cancellation
    propagates at once: the attempt in flight is cancelled and nothing is retried or counted.
    """
    result, held = await _attempts(
        fn,
        deadline=deadline,
        policy=policy,
        breaker=breaker,
        bulkhead=bulkhead,
        sleep=sleep,
        rng=rng,
        on_retry=on_retry,
    )
    await held.aclose()
    return result


class _Resumed(AsyncIterator[T]):
    """A stream whose first item was already read."""

    def __init__(self, first: list[T], rest: AsyncIterator[T]) -> None:
        self._first = first
        self._rest = rest

    def __aiter__(self) -> _Resumed[T]:
        return self

    async def __anext__(self) -> T:
        if self._first:
            return self._first.pop()
        return await anext(self._rest)


@contextlib.asynccontextmanager
async def stream_with_resilience(
    open_stream: Callable[[], AsyncGenerator[T, None]],
    *,
    deadline: Deadline,
    policy: RetryPolicy = DEFAULT_POLICY,
    breaker: CircuitBreaker | None = None,
    bulkhead: Bulkhead | None = None,
    sleep: Sleep = asyncio.sleep,
    rng: random.Random | None = None,
    on_retry: RetryCallback | None = None,
) -> AsyncIterator[AsyncIterator[T]]:
    """A stream from ``open_stream()``, opened with retries, read to its end within ``deadline``::

        async with stream_with_resilience(lambda: backend.stream_chat(...), deadline=deadline,
                                          breaker=breaker, bulkhead=bulkhead) as deltas:
            async for delta in deltas:
                ...

    Each attempt calls ``open_stream()`` and reads its first item (a delta, even an empty one), under
    the per-attempt timeout; a failure there is retried as in :func:`call_with_resilience`. After
    the first item nothing is retried: a later :class:`BackendError` comes out of the iteration, and
    the deadline running out mid-stream comes out of the ``async with`` as kind "timeout". The
    breaker admission and bulkhead slot are held until the block ends; let backend errors leave the
    block, since the breaker learns the stream's outcome from how the block ends. The generator is
    closed when the block ends, however it ends.
    """

    async def first_item(_: float) -> tuple[list[T], AsyncGenerator[T, None]]:
        stream = open_stream()
        try:
            return [await anext(stream)], stream
        except StopAsyncIteration:
            return [], stream
        except BaseException:
            await stream.aclose()
            raise

    (first, stream), held = await _attempts(
        first_item,
        deadline=deadline,
        policy=policy,
        breaker=breaker,
        bulkhead=bulkhead,
        sleep=sleep,
        rng=rng,
        on_retry=on_retry,
    )
    async with held, contextlib.aclosing(stream):
        timeout = asyncio.timeout(deadline.remaining())
        try:
            async with timeout:
                yield _Resumed(first, stream)
        except TimeoutError as error:
            if timeout.expired():
                raise BackendError("timeout") from error
            raise
