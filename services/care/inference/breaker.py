"""A circuit breaker per model backend, so a backend that is down costs a counselor no waiting.

The rule is consecutive failures: ``failure_threshold`` backend-health failures in a row open the
circuit (one success in between starts the count again). Open, every call is rejected at once with
:class:`CircuitOpenError` for ``open_seconds``; then the circuit is half-open and lets exactly one
probe through, rejecting the rest. The probe's success closes the circuit, its failure opens it for
another ``open_seconds``.

Only errors that say something about the backend's health count: the kinds in
:data:`HEALTH_KINDS`. A request the backend rejected (validation), an answer we could not parse
(protocol), a failed generation, the caller's cancellation, a :class:`CallRejected` (the call was
never made) and any other exception leave the breaker as it was; a half-open probe that ends that
way frees the probe slot for the next call.

Outcomes are tied to the state they were admitted in: a call admitted while closed that fails after
the circuit has opened neither extends the open period nor, if it succeeds, closes the circuit on
stale evidence.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from types import TracebackType
from typing import Final

from care.inference.backend import BackendError

CIRCUIT_OPEN: Final = "circuit_open"
CIRCUIT_OPEN_KIND: Final = CIRCUIT_OPEN

HEALTH_KINDS: Final = frozenset({"overloaded", "unavailable", "server", "timeout", "connection"})

Clock = Callable[[], float]


class BreakerState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"

    @property
    def gauge(self) -> int:
        """The state as a number for a metric gauge: closed 0, open 1, half-open 2."""
        return _GAUGE[self]


_GAUGE: Final = {BreakerState.CLOSED: 0, BreakerState.OPEN: 1, BreakerState.HALF_OPEN: 2}

StateChange = Callable[[str, BreakerState, BreakerState], None]


class CallRejected(BackendError):
    """The backend was not called: this process turned the call away (breaker or bulkhead).

    It says nothing about the backend's health, so no breaker counts it, and no retry policy retries it.
    """


class CircuitOpenError(CallRejected):
    """The call was not made: the backend's circuit is open, or half-open with its probe in flight."""

    def __init__(self, backend: str) -> None:
        super().__init__(CIRCUIT_OPEN_KIND)
        self.backend = backend


class CircuitBreaker:
    """The breaker of one backend; ``name`` (the route) labels its state changes.

    ``on_state_change(name, old, new)`` runs synchronously on every transition, including the lazy
    open to half-open one that happens when the state is next looked at; it must not raise.
    """

    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 5,
        open_seconds: float = 10.0,
        clock: Clock = time.monotonic,
        on_state_change: StateChange | None = None,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if open_seconds < 0:
            raise ValueError("open_seconds must not be negative")
        self.name = name
        self.failure_threshold = failure_threshold
        self.open_seconds = open_seconds
        self._clock = clock
        self._on_state_change = on_state_change
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_in_flight = False
        # Bumped on every transition; an outcome counts only in the epoch its call was admitted in.
        self._epoch = 0

    @property
    def state(self) -> BreakerState:
        self._refresh()
        return self._state

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    def admit(self) -> Admission:
        """Permission for one call, or :class:`CircuitOpenError`; use the result as a ``with`` block.

        Leaving the block normally is a success; leaving it with a :class:`BackendError` of a health
        kind is a failure; anything else (cancellation included) is neither.
        """
        self._refresh()
        if self._state is BreakerState.OPEN:
            raise CircuitOpenError(self.name)
        probe = self._state is BreakerState.HALF_OPEN
        if probe:
            if self._probe_in_flight:
                raise CircuitOpenError(self.name)
            self._probe_in_flight = True
        return Admission(self, self._epoch, probe=probe)

    def _refresh(self) -> None:
        if self._state is BreakerState.OPEN and self._clock() - self._opened_at >= self.open_seconds:
            self._transition(BreakerState.HALF_OPEN)

    def _transition(self, new: BreakerState) -> None:
        old = self._state
        self._state = new
        self._epoch += 1
        self._probe_in_flight = False
        if new is BreakerState.OPEN:
            self._opened_at = self._clock()
        if new is not BreakerState.HALF_OPEN:
            self._failures = 0
        if self._on_state_change is not None:
            self._on_state_change(self.name, old, new)

    def _settle(self, admission: Admission, error: BaseException | None) -> None:
        if admission.epoch != self._epoch:
            return
        if admission.probe:
            self._probe_in_flight = False
        if error is None:
            if admission.probe:
                self._transition(BreakerState.CLOSED)
            else:
                self._failures = 0
            return
        if isinstance(error, CallRejected) or not (
            isinstance(error, BackendError) and error.kind in HEALTH_KINDS
        ):
            return
        if admission.probe:
            self._transition(BreakerState.OPEN)
            return
        self._failures += 1
        if self._failures >= self.failure_threshold:
            self._transition(BreakerState.OPEN)


class Admission:
    """One admitted call; settles at most once, on leaving its ``with`` block or by the methods."""

    __slots__ = ("_breaker", "_settled", "epoch", "probe")

    def __init__(self, breaker: CircuitBreaker, epoch: int, *, probe: bool) -> None:
        self._breaker = breaker
        self._settled = False
        self.epoch = epoch
        self.probe = probe

    def settle(self, error: BaseException | None) -> None:
        """Record the call's outcome: ``None`` for success, else what it raised."""
        if not self._settled:
            self._settled = True
            self._breaker._settle(self, error)

    def __enter__(self) -> Admission:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.settle(exc)
