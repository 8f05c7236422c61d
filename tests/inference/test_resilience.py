import asyncio
import math
import random
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import pytest

from care.inference.backend import KINDS, BackendError
from care.inference.breaker import (
    CIRCUIT_OPEN_KIND,
    HEALTH_KINDS,
    BreakerState,
    CircuitBreaker,
    CircuitOpenError,
)
from care.inference.bulkhead import QUEUE_TIMEOUT_KIND, Bulkhead, QueueTimeoutError
from care.inference.resilience import (
    Deadline,
    RetryPolicy,
    call_with_resilience,
    retry_after_of,
    stream_with_resilience,
)

NO_JITTER = RetryPolicy(jitter="none")


class FakeClock:
    """A monotonic clock that only moves when a (fake) sleep or a test moves it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class HintedError(BackendError):
    def __init__(self, kind: str, status: int, retry_after: object) -> None:
        super().__init__(kind, status)
        self.retry_after = retry_after


class Script:
    """An attempt function that raises the given errors in turn, then returns "ok"."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls = 0
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> str:
        self.calls += 1
        self.seconds.append(seconds)
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


# Deadline


def test_deadline_counts_down_and_expires() -> None:
    clock = FakeClock()
    deadline = Deadline(8.0, clock=clock)
    assert deadline.remaining() == 8.0
    assert not deadline.expired
    clock.now += 7.5
    assert deadline.remaining() == pytest.approx(0.5)
    clock.now += 1.0
    assert deadline.expired
    assert deadline.remaining() == 0.0


def test_child_deadline_is_capped_by_its_parent() -> None:
    clock = FakeClock()
    parent = Deadline(2.0, clock=clock)
    assert parent.child(0.5).remaining() == 0.5
    assert parent.child(5.0).remaining() == 2.0
    assert parent.child(5.0).expires_at == parent.expires_at
    clock.now += 1.8
    assert parent.child(1.0).remaining() == pytest.approx(0.2)


def test_deadline_rejects_nan() -> None:
    with pytest.raises(ValueError, match="number"):
        Deadline(math.nan)


# Backoff and jitter


def test_backoff_grows_by_the_multiplier_up_to_the_cap() -> None:
    policy = RetryPolicy()
    assert [policy.backoff(retry) for retry in range(1, 7)] == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.0, 1.0])
    assert policy.backoff(10_000) == 1.0
    assert RetryPolicy(multiplier=1.0).backoff(50) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="from 1"):
        policy.backoff(0)


def test_full_jitter_stays_within_zero_and_the_backoff() -> None:
    policy = RetryPolicy(jitter="full")
    rng = random.Random(7)
    for retry in range(1, 6):
        waits = [policy.delay(retry, rng) for _ in range(200)]
        assert all(0.0 <= wait <= policy.backoff(retry) for wait in waits)
        # Spread over the whole range, not clustered at one end.
        assert min(waits) < policy.backoff(retry) * 0.1
        assert max(waits) > policy.backoff(retry) * 0.9


def test_equal_jitter_keeps_at_least_half_the_backoff() -> None:
    policy = RetryPolicy(jitter="equal")
    rng = random.Random(7)
    for retry in range(1, 6):
        ceiling = policy.backoff(retry)
        waits = [policy.delay(retry, rng) for _ in range(200)]
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)


def test_jitter_is_deterministic_with_a_seeded_random() -> None:
    policy = RetryPolicy()
    first = [policy.delay(retry, random.Random(42)) for retry in range(1, 4)]
    second = [policy.delay(retry, random.Random(42)) for retry in range(1, 4)]
    assert first == second
    assert NO_JITTER.delay(2, random.Random(0)) == pytest.approx(0.2)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_attempts": 0},
        {"base_delay": 2.0, "max_delay": 1.0},
        {"base_delay": -0.1},
        {"multiplier": 0.5},
        {"jitter": "decorrelated"},
        {"min_attempt_seconds": -1.0},
        {"attempt_timeout": 0.0},
    ],
)
def test_policy_rejects_nonsense(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("hint", "expected"),
    [(2, 2.0), (0.5, 0.5), (0, 0.0), (None, None), (-1, None), (math.nan, None), ("3", None), (True, None)],
)
def test_retry_after_hint_is_read_only_when_usable(hint: object, expected: float | None) -> None:
    assert retry_after_of(HintedError("overloaded", 429, hint)) == expected


def test_plain_backend_errors_have_no_retry_after() -> None:
    assert retry_after_of(BackendError("overloaded", 429)) is None


@pytest.mark.parametrize(
    ("kind", "retryable"),
    [
        ("overloaded", True),
        ("unavailable", True),
        ("connection", True),
        ("validation", False),
        ("generation", False),
        ("protocol", False),
        ("server", False),
        ("timeout", False),
    ],
)
def test_retryable_kinds(kind: str, retryable: bool) -> None:
    policy = RetryPolicy()
    assert policy.is_retryable(BackendError(kind)) is retryable
    assert not policy.is_retryable(BackendError(kind), output_started=True)


def test_connection_retry_can_be_turned_off_and_own_rejections_never_retry() -> None:
    assert not RetryPolicy(retry_connection=False).is_retryable(BackendError("connection"))
    assert not RetryPolicy().is_retryable(CircuitOpenError("he"))
    assert not RetryPolicy().is_retryable(QueueTimeoutError("he"))
    assert not RetryPolicy().is_retryable(RuntimeError("boom"))


# call_with_resilience: retries


async def test_retries_on_429_and_503_then_succeeds() -> None:
    clock = FakeClock()
    script = Script(BackendError("overloaded", 429), BackendError("unavailable", 503))
    retried: list[str] = []
    result = await call_with_resilience(
        script,
        deadline=Deadline(8.0, clock=clock),
        policy=NO_JITTER,
        sleep=clock.sleep,
        on_retry=retried.append,
    )
    assert result == "ok"
    assert script.calls == 3
    assert retried == ["overloaded", "unavailable"]
    assert clock.sleeps == pytest.approx([0.1, 0.2])


async def test_gives_up_after_max_attempts_with_the_last_error() -> None:
    clock = FakeClock()
    last = BackendError("unavailable", 503)
    script = Script(BackendError("overloaded", 429), BackendError("overloaded", 429), last)
    with pytest.raises(BackendError) as caught:
        await call_with_resilience(
            script, deadline=Deadline(8.0, clock=clock), policy=NO_JITTER, sleep=clock.sleep
        )
    assert caught.value is last
    assert script.calls == 3
    assert len(clock.sleeps) == 2


@pytest.mark.parametrize("kind", ["validation", "generation", "protocol", "server"])
async def test_no_retry_on_errors_a_retry_cannot_fix(kind: str) -> None:
    clock = FakeClock()
    script = Script(BackendError(kind))
    retried: list[str] = []
    with pytest.raises(BackendError) as caught:
        await call_with_resilience(
            script, deadline=Deadline(8.0, clock=clock), sleep=clock.sleep, on_retry=retried.append
        )
    assert caught.value.kind == kind
    assert script.calls == 1
    assert retried == []
    assert clock.sleeps == []


async def test_non_backend_errors_pass_through_untouched() -> None:
    clock = FakeClock()
    script = Script(KeyError("x"))
    with pytest.raises(KeyError):
        await call_with_resilience(script, deadline=Deadline(8.0, clock=clock), sleep=clock.sleep)
    assert script.calls == 1


async def test_jittered_waits_come_from_the_injected_random() -> None:
    runs = []
    for _ in range(2):
        clock = FakeClock()
        script = Script(BackendError("overloaded"), BackendError("overloaded"))
        await call_with_resilience(
            script, deadline=Deadline(8.0, clock=clock), sleep=clock.sleep, rng=random.Random(3)
        )
        runs.append(clock.sleeps)
    assert runs[0] == runs[1]
    assert all(0 <= wait <= 0.1 * 2**index for index, wait in enumerate(runs[0]))


async def test_retry_after_is_honoured_beyond_the_backoff() -> None:
    clock = FakeClock()
    script = Script(HintedError("overloaded", 429, 2.0))
    result = await call_with_resilience(
        script, deadline=Deadline(8.0, clock=clock), policy=NO_JITTER, sleep=clock.sleep
    )
    assert result == "ok"
    assert clock.sleeps == [2.0]


async def test_retry_after_past_the_deadline_gives_up_at_once() -> None:
    clock = FakeClock()
    error = HintedError("unavailable", 503, 30.0)
    script = Script(error)
    with pytest.raises(BackendError) as caught:
        await call_with_resilience(script, deadline=Deadline(8.0, clock=clock), sleep=clock.sleep)
    assert caught.value is error
    assert script.calls == 1
    assert clock.sleeps == []


async def test_gives_up_when_no_useful_attempt_fits_after_the_wait() -> None:
    clock = FakeClock()
    script = Script(BackendError("overloaded", 429))
    # A 0.1 s wait plus the 0.25 s an attempt needs does not fit in 0.3 s.
    with pytest.raises(BackendError, match="overloaded"):
        await call_with_resilience(
            script, deadline=Deadline(0.3, clock=clock), policy=NO_JITTER, sleep=clock.sleep
        )
    assert script.calls == 1
    assert clock.sleeps == []


async def test_retries_while_a_useful_attempt_still_fits() -> None:
    clock = FakeClock()
    script = Script(BackendError("overloaded", 429))
    await call_with_resilience(
        script, deadline=Deadline(0.36, clock=clock), policy=NO_JITTER, sleep=clock.sleep
    )
    assert script.calls == 2
    # The attempt is told what is left of the deadline after the wait.
    assert script.seconds == pytest.approx([0.36, 0.26])


async def test_an_expired_deadline_makes_no_call() -> None:
    clock = FakeClock()
    deadline = Deadline(1.0, clock=clock)
    clock.now += 1.0
    script = Script()
    with pytest.raises(BackendError, match="timeout"):
        await call_with_resilience(script, deadline=deadline, sleep=clock.sleep)
    assert script.calls == 0


async def test_attempt_is_told_the_shorter_of_deadline_and_attempt_timeout() -> None:
    clock = FakeClock()
    script = Script()
    await call_with_resilience(
        script, deadline=Deadline(8.0, clock=clock), policy=RetryPolicy(attempt_timeout=2.0)
    )
    await call_with_resilience(
        script, deadline=Deadline(1.5, clock=clock), policy=RetryPolicy(attempt_timeout=2.0)
    )
    assert script.seconds == [2.0, 1.5]


# call_with_resilience: timeouts and cancellation (real time, kept to a few tens of milliseconds)


class Hang:
    """An attempt that never finishes by itself and records how it ended."""

    def __init__(self, *, then: Callable[[], str] | None = None) -> None:
        self.calls = 0
        self.cancelled = 0
        self.started = asyncio.Event()
        self.then = then

    async def __call__(self, seconds: float) -> str:
        self.calls += 1
        if self.then is not None and self.calls > 1:
            return self.then()
        self.started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        raise AssertionError("unreachable")


async def test_the_deadline_cancels_a_hanging_attempt() -> None:
    hang = Hang()
    breaker = CircuitBreaker("he")
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(BackendError) as caught:
        await call_with_resilience(hang, deadline=Deadline(0.05), breaker=breaker)
    assert caught.value.kind == "timeout"
    assert hang.cancelled == 1
    assert loop.time() - started < 1.0
    assert breaker.consecutive_failures == 1


async def test_a_timed_out_attempt_is_retried_when_timeouts_are_retryable() -> None:
    hang = Hang(then=lambda: "second")
    policy = RetryPolicy(
        attempt_timeout=0.03,
        retry_kinds=frozenset({"overloaded", "unavailable", "timeout"}),
        jitter="none",
        base_delay=0.0,
        min_attempt_seconds=0.0,
    )
    retried: list[str] = []
    result = await call_with_resilience(hang, deadline=Deadline(2.0), policy=policy, on_retry=retried.append)
    assert result == "second"
    assert hang.cancelled == 1
    assert retried == ["timeout"]


async def test_cancellation_propagates_at_once_and_counts_for_nothing() -> None:
    hang = Hang()
    breaker = CircuitBreaker("he", failure_threshold=1)
    bulkhead = Bulkhead("he", limit=1)
    retried: list[str] = []
    task = asyncio.create_task(
        call_with_resilience(
            hang, deadline=Deadline(8.0), breaker=breaker, bulkhead=bulkhead, on_retry=retried.append
        )
    )
    await hang.started.wait()
    assert bulkhead.in_flight == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert hang.calls == 1
    assert hang.cancelled == 1
    assert retried == []
    assert breaker.state is BreakerState.CLOSED
    assert breaker.consecutive_failures == 0
    assert bulkhead.in_flight == 0


async def test_cancellation_during_the_backoff_wait_propagates() -> None:
    clock = FakeClock()
    script = Script(BackendError("overloaded"))
    sleeping = asyncio.Event()

    async def sleep(seconds: float) -> None:
        sleeping.set()
        await asyncio.Event().wait()

    task = asyncio.create_task(call_with_resilience(script, deadline=Deadline(8.0, clock=clock), sleep=sleep))
    await sleeping.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert script.calls == 1


# Circuit breaker


def trip(breaker: CircuitBreaker, times: int, kind: str = "unavailable") -> None:
    for _ in range(times):
        with pytest.raises(BackendError), breaker.admit():
            raise BackendError(kind)


def test_breaker_opens_after_consecutive_failures_and_rejects_at_once() -> None:
    clock = FakeClock()
    changes: list[tuple[str, BreakerState, BreakerState]] = []
    breaker = CircuitBreaker(
        "ar", failure_threshold=3, clock=clock, on_state_change=lambda *change: changes.append(change)
    )
    trip(breaker, 2)
    assert breaker.state is BreakerState.CLOSED
    assert breaker.consecutive_failures == 2
    trip(breaker, 1)
    assert breaker.state is BreakerState.OPEN
    assert changes == [("ar", BreakerState.CLOSED, BreakerState.OPEN)]
    with pytest.raises(CircuitOpenError) as caught:
        breaker.admit()
    assert caught.value.kind == CIRCUIT_OPEN_KIND
    assert caught.value.backend == "ar"


def test_a_success_restarts_the_failure_count() -> None:
    breaker = CircuitBreaker("he", failure_threshold=3, clock=FakeClock())
    trip(breaker, 2)
    with breaker.admit():
        pass
    trip(breaker, 2)
    assert breaker.state is BreakerState.CLOSED


@pytest.mark.parametrize("kind", sorted(set(KINDS) - HEALTH_KINDS))
def test_errors_that_say_nothing_about_health_do_not_trip(kind: str) -> None:
    breaker = CircuitBreaker("he", failure_threshold=1, clock=FakeClock())
    trip(breaker, 3, kind)
    assert breaker.state is BreakerState.CLOSED


@pytest.mark.parametrize("kind", sorted(HEALTH_KINDS))
def test_every_health_kind_trips(kind: str) -> None:
    breaker = CircuitBreaker("he", failure_threshold=1, clock=FakeClock())
    trip(breaker, 1, kind)
    assert breaker.state is BreakerState.OPEN


def test_cancellation_and_foreign_errors_do_not_trip() -> None:
    breaker = CircuitBreaker("he", failure_threshold=1, clock=FakeClock())
    with pytest.raises(asyncio.CancelledError), breaker.admit():
        raise asyncio.CancelledError
    with pytest.raises(RuntimeError), breaker.admit():
        raise RuntimeError("not the backend")
    assert breaker.state is BreakerState.CLOSED


def test_half_open_after_the_open_period_then_a_successful_probe_closes() -> None:
    clock = FakeClock()
    changes: list[BreakerState] = []
    breaker = CircuitBreaker(
        "he",
        failure_threshold=1,
        open_seconds=10.0,
        clock=clock,
        on_state_change=lambda *c: changes.append(c[2]),
    )
    trip(breaker, 1)
    clock.now += 9.9
    assert breaker.state is BreakerState.OPEN
    clock.now += 0.1
    assert breaker.state is BreakerState.HALF_OPEN
    probe = breaker.admit()
    assert probe.probe
    with pytest.raises(CircuitOpenError):
        breaker.admit()
    with probe:
        pass
    assert breaker.state is BreakerState.CLOSED
    assert changes == [BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.CLOSED]
    with breaker.admit() as admission:
        assert not admission.probe


def test_a_failed_probe_opens_the_circuit_for_another_period() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("he", failure_threshold=2, open_seconds=10.0, clock=clock)
    trip(breaker, 2)
    clock.now += 10.0
    trip(breaker, 1, "timeout")
    assert breaker.state is BreakerState.OPEN
    clock.now += 9.0
    assert breaker.state is BreakerState.OPEN
    clock.now += 1.0
    assert breaker.state is BreakerState.HALF_OPEN


def test_a_probe_that_ends_neither_way_frees_the_probe_slot() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("he", failure_threshold=1, open_seconds=1.0, clock=clock)
    trip(breaker, 1)
    clock.now += 1.0
    with pytest.raises(asyncio.CancelledError), breaker.admit():
        raise asyncio.CancelledError
    assert breaker.state is BreakerState.HALF_OPEN
    trip(breaker, 1, "validation")
    assert breaker.state is BreakerState.HALF_OPEN
    with breaker.admit() as admission:
        assert admission.probe
    assert breaker.state is BreakerState.CLOSED


def test_outcomes_of_calls_admitted_before_a_transition_are_ignored() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("he", failure_threshold=1, open_seconds=1.0, clock=clock)
    slow_failure = breaker.admit()
    slow_success = breaker.admit()
    trip(breaker, 1)
    clock.now += 0.5
    slow_failure.settle(BackendError("server"))
    slow_success.settle(None)
    assert breaker.state is BreakerState.OPEN
    # The open period was not extended by the late failure.
    clock.now += 0.5
    assert breaker.state is BreakerState.HALF_OPEN


def test_an_admission_settles_once() -> None:
    breaker = CircuitBreaker("he", failure_threshold=2, clock=FakeClock())
    admission = breaker.admit()
    admission.settle(BackendError("server"))
    admission.settle(BackendError("server"))
    assert breaker.consecutive_failures == 1


def test_state_gauge_values() -> None:
    assert [state.gauge for state in BreakerState] == [0, 1, 2]
    assert [state.value for state in BreakerState] == ["closed", "open", "half_open"]


def test_breaker_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="failure_threshold"):
        CircuitBreaker("he", failure_threshold=0)
    with pytest.raises(ValueError, match="open_seconds"):
        CircuitBreaker("he", open_seconds=-1.0)


async def test_an_open_circuit_makes_no_call_and_no_retry() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("he", failure_threshold=1, clock=clock)
    trip(breaker, 1)
    script = Script()
    with pytest.raises(CircuitOpenError):
        await call_with_resilience(
            script, deadline=Deadline(8.0, clock=clock), breaker=breaker, sleep=clock.sleep
        )
    assert script.calls == 0
    assert clock.sleeps == []


async def test_failures_a_retry_absorbs_never_open_the_circuit() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("he", failure_threshold=2, clock=clock)
    for _ in range(5):
        script = Script(BackendError("unavailable"))
        result = await call_with_resilience(
            script, deadline=Deadline(8.0, clock=clock), breaker=breaker, sleep=clock.sleep
        )
        assert result == "ok"
        assert script.calls == 2
    assert breaker.state is BreakerState.CLOSED
    assert breaker.consecutive_failures == 0


async def test_calls_that_exhaust_their_retries_open_the_circuit() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("he", failure_threshold=2, clock=clock)
    for _ in range(2):
        script = Script(*(BackendError("unavailable") for _ in range(3)))
        with pytest.raises(BackendError):
            await call_with_resilience(
                script,
                deadline=Deadline(8.0, clock=clock),
                policy=RetryPolicy(max_attempts=3),
                breaker=breaker,
                sleep=clock.sleep,
            )
        assert script.calls == 3, "each call counts once, after its last attempt"
    assert breaker.state is BreakerState.OPEN
    script = Script()
    with pytest.raises(CircuitOpenError):
        await call_with_resilience(
            script, deadline=Deadline(8.0, clock=clock), breaker=breaker, sleep=clock.sleep
        )
    assert script.calls == 0


# Bulkhead


async def test_bulkhead_bounds_the_calls_in_flight() -> None:
    bulkhead = Bulkhead("he", limit=2)
    gate = asyncio.Event()
    peak = 0

    async def call(_: float) -> str:
        nonlocal peak
        peak = max(peak, bulkhead.in_flight)
        await gate.wait()
        return "ok"

    tasks = [
        asyncio.create_task(call_with_resilience(call, deadline=Deadline(5.0), bulkhead=bulkhead))
        for _ in range(5)
    ]
    await asyncio.sleep(0)
    assert bulkhead.in_flight == 2
    assert bulkhead.waiting == 3
    gate.set()
    assert await asyncio.gather(*tasks) == ["ok"] * 5
    assert peak == 2
    assert (bulkhead.in_flight, bulkhead.waiting) == (0, 0)


async def test_waiting_for_a_slot_is_bounded_by_the_deadline() -> None:
    bulkhead = Bulkhead("ar", limit=1)
    breaker = CircuitBreaker("ar", failure_threshold=1)
    await bulkhead.acquire(0.0)
    script = Script()
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(QueueTimeoutError) as caught:
        await call_with_resilience(script, deadline=Deadline(0.03), bulkhead=bulkhead, breaker=breaker)
    assert 0.02 <= loop.time() - started < 1.0
    assert caught.value.kind == QUEUE_TIMEOUT_KIND
    assert script.calls == 0
    assert bulkhead.waiting == 0
    # Saturation here is not the backend's failure.
    assert breaker.state is BreakerState.CLOSED
    assert breaker.consecutive_failures == 0
    bulkhead.release()


async def test_a_slot_granted_too_late_is_not_used_or_blamed_on_the_backend() -> None:
    clock = FakeClock()

    class SlowBulkhead(Bulkhead):
        async def acquire(self, timeout: float) -> None:
            await super().acquire(timeout)
            clock.now += timeout

    bulkhead = SlowBulkhead("he", limit=1)
    breaker = CircuitBreaker("he", failure_threshold=1, clock=clock)
    script = Script()
    with pytest.raises(QueueTimeoutError):
        await call_with_resilience(
            script, deadline=Deadline(1.0, clock=clock), bulkhead=bulkhead, breaker=breaker
        )
    assert script.calls == 0
    assert bulkhead.in_flight == 0
    assert breaker.state is BreakerState.CLOSED


async def test_a_released_slot_goes_to_the_waiter() -> None:
    bulkhead = Bulkhead("he", limit=1)
    await bulkhead.acquire(0.0)
    waiter = asyncio.create_task(bulkhead.acquire(5.0))
    await asyncio.sleep(0)
    assert bulkhead.waiting == 1
    bulkhead.release()
    await waiter
    assert (bulkhead.in_flight, bulkhead.waiting) == (1, 0)
    bulkhead.release()


async def test_bulkhead_edges() -> None:
    bulkhead = Bulkhead("he", limit=1)
    # A free slot is taken even with no time left; a busy one is not waited for.
    await bulkhead.acquire(0.0)
    with pytest.raises(QueueTimeoutError):
        await bulkhead.acquire(0.0)
    bulkhead.release()
    with pytest.raises(RuntimeError, match="release"):
        bulkhead.release()
    with pytest.raises(ValueError, match="limit"):
        Bulkhead("he", limit=0)


async def test_a_cancelled_waiter_leaves_the_queue() -> None:
    bulkhead = Bulkhead("he", limit=1)
    await bulkhead.acquire(0.0)
    waiter = asyncio.create_task(bulkhead.acquire(5.0))
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert (bulkhead.in_flight, bulkhead.waiting) == (1, 0)
    bulkhead.release()
    await bulkhead.acquire(0.0)
    bulkhead.release()


# Streams


async def read_all(resilient: AbstractAsyncContextManager[AsyncIterator[str]], into: list[str]) -> None:
    async with resilient as deltas:
        async for delta in deltas:
            into.append(delta)


class Streams:
    """``open_stream`` for a scripted backend: each opening fails with the next error, or streams."""

    def __init__(
        self, deltas: list[str], *errors: BaseException, fail_after: BaseException | None = None
    ) -> None:
        self.deltas = deltas
        self.errors = list(errors)
        self.fail_after = fail_after
        self.opened = 0
        self.closed = 0
        self.hang_after = False

    def __call__(self) -> AsyncGenerator[str, None]:
        return self._stream()

    async def _stream(self) -> AsyncGenerator[str, None]:
        self.opened += 1
        try:
            if self.errors:
                raise self.errors.pop(0)
            for delta in self.deltas:
                yield delta
            if self.hang_after:
                await asyncio.Event().wait()
            if self.fail_after is not None:
                raise self.fail_after
        finally:
            self.closed += 1


async def test_a_stream_is_retried_before_its_first_delta() -> None:
    clock = FakeClock()
    streams = Streams(["", "Hello", " there"], BackendError("overloaded", 429), BackendError("connection"))
    retried: list[str] = []
    breaker = CircuitBreaker("he", clock=clock)
    bulkhead = Bulkhead("he", limit=1)
    async with stream_with_resilience(
        streams,
        deadline=Deadline(8.0, clock=clock),
        breaker=breaker,
        bulkhead=bulkhead,
        sleep=clock.sleep,
        rng=random.Random(1),
        on_retry=retried.append,
    ) as deltas:
        assert bulkhead.in_flight == 1
        received = [delta async for delta in deltas]
    assert received == ["", "Hello", " there"]
    assert retried == ["overloaded", "connection"]
    assert streams.opened == streams.closed == 3
    assert bulkhead.in_flight == 0
    assert breaker.consecutive_failures == 0


async def test_a_failure_after_the_first_delta_is_not_retried_but_counts() -> None:
    clock = FakeClock()
    streams = Streams(["Hel"], fail_after=BackendError("unavailable", 503))
    breaker = CircuitBreaker("he", clock=clock)
    received: list[str] = []
    resilient = stream_with_resilience(
        streams, deadline=Deadline(8.0, clock=clock), breaker=breaker, sleep=clock.sleep
    )
    with pytest.raises(BackendError, match="unavailable"):
        await read_all(resilient, received)
    assert received == ["Hel"]
    assert streams.opened == 1
    assert clock.sleeps == []
    assert breaker.consecutive_failures == 1


async def test_an_empty_stream_is_a_success() -> None:
    streams = Streams([])
    async with stream_with_resilience(streams, deadline=Deadline(8.0)) as deltas:
        assert [delta async for delta in deltas] == []
    assert streams.closed == 1


async def test_leaving_a_stream_early_closes_it() -> None:
    streams = Streams(["a", "b", "c"])
    bulkhead = Bulkhead("he", limit=1)
    async with stream_with_resilience(streams, deadline=Deadline(8.0), bulkhead=bulkhead) as deltas:
        async for delta in deltas:
            assert delta == "a"
            break
    assert streams.closed == 1
    assert bulkhead.in_flight == 0


async def test_the_deadline_ends_a_stalled_stream() -> None:
    streams = Streams(["Hello"])
    streams.hang_after = True
    breaker = CircuitBreaker("he")
    received: list[str] = []
    resilient = stream_with_resilience(streams, deadline=Deadline(0.05), breaker=breaker)
    with pytest.raises(BackendError) as caught:
        await read_all(resilient, received)
    assert caught.value.kind == "timeout"
    assert received == ["Hello"]
    assert streams.closed == 1
    assert breaker.consecutive_failures == 1


async def test_a_stream_that_never_starts_times_out_and_is_closed() -> None:
    streams = Streams([])
    streams.hang_after = True
    with pytest.raises(BackendError, match="timeout"):
        async with stream_with_resilience(streams, deadline=Deadline(0.03)):
            raise AssertionError("the stream never opened")
    assert streams.opened == streams.closed == 1


async def test_a_cancelled_stream_is_closed_and_counts_for_nothing() -> None:
    streams = Streams(["a"])
    streams.hang_after = True
    breaker = CircuitBreaker("he", failure_threshold=1)
    bulkhead = Bulkhead("he", limit=1)
    first = asyncio.Event()

    async def consume() -> None:
        async with stream_with_resilience(
            streams, deadline=Deadline(8.0), breaker=breaker, bulkhead=bulkhead
        ) as deltas:
            async for _ in deltas:
                first.set()

    task = asyncio.create_task(consume())
    await first.wait()
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert streams.closed == 1
    assert breaker.state is BreakerState.CLOSED
    assert bulkhead.in_flight == 0


async def test_an_error_in_the_callers_block_is_not_the_backends() -> None:
    streams = Streams(["a", "b"])
    breaker = CircuitBreaker("he", failure_threshold=1)

    async def sink_fails() -> None:
        async with stream_with_resilience(streams, deadline=Deadline(8.0), breaker=breaker) as deltas:
            async for _ in deltas:
                raise KeyError("sink")

    with pytest.raises(KeyError):
        await sink_fails()
    assert breaker.state is BreakerState.CLOSED
    assert streams.closed == 1
