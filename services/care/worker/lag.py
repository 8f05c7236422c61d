"""Consumer lag per topic and partition, as Prometheus gauges (care_consumer_lag).

Every ``consumer_lag_interval_seconds`` a worker asks, through aiokafka, for the end offsets of the
partitions assigned to it and for its group's committed offsets, and exports the difference: the
records waiting for this stage, the figure Kafka's own tools and KEDA's Kafka scaler call lag.
Table changelogs are left out: faust reads them only to recover a table, never commits them.
Partitions this worker gave up in a rebalance lose their series, so a sum over workers counts
each partition once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import faust

from care import metrics, topics
from care.config import Settings
from care.logging import get_logger

log = get_logger(__name__)

CHANGELOGS = frozenset(
    spec.name for spec in (topics.PLACEHOLDERS_CHANGELOG, topics.HISTORY_CHANGELOG, topics.ROUTES_CHANGELOG)
)


def is_changelog(topic: str) -> bool:
    # faust's naming, kept by every table's changelog in care.topics (and any table added later).
    return topic in CHANGELOGS or topic.endswith("-changelog")


def partition_lag(end_offset: int | None, committed: int | None, position: int | None) -> int | None:
    """Records after the group's committed offset; before the first commit, after the consumer's
    position (the committed offset is unknown then). None when the end offset is unknown."""
    if end_offset is None:
        return None
    consumed = committed if committed is not None else position
    if consumed is None:
        return None
    return max(end_offset - consumed, 0)


class LagMonitor:
    """Samples the lag of one faust app's consumer; keeps track of the series it exports."""

    def __init__(self, app: faust.App) -> None:
        self._app = app
        self._exported: set[tuple[str, int]] = set()

    async def sample(self) -> Mapping[tuple[str, int], int]:
        consumer = self._app.consumer
        try:
            assigned = [tp for tp in consumer.assignment() if not is_changelog(tp.topic)]
        except Exception:  # not started yet, or mid-rebalance: the next tick tries again
            return {}
        lags: dict[tuple[str, int], int] = {}
        if assigned:
            ends: Mapping[Any, int] = await consumer.highwaters(*assigned)
            committed = await self._committed(consumer, assigned)
            for tp in assigned:
                position = await consumer.position(tp)
                lag = partition_lag(ends.get(tp), committed.get(tp), position)
                if lag is not None:
                    lags[(tp.topic, tp.partition)] = lag
        self._export(lags)
        return lags

    @staticmethod
    async def _committed(consumer: Any, partitions: Iterable[Any]) -> dict[Any, int | None]:
        # aiokafka's committed() asks the group coordinator; faust's consumer delegates every
        # aiokafka call to its consumer thread, and so does this.
        thread = consumer._thread
        client = thread._ensure_consumer()
        return {tp: await thread.call_thread(client.committed, tp) for tp in partitions}

    def _export(self, lags: Mapping[tuple[str, int], int]) -> None:
        for topic, partition in self._exported - set(lags):
            metrics.remove_consumer_lag(topic, partition)
        for (topic, partition), lag in lags.items():
            metrics.set_consumer_lag(topic, partition, lag)
        self._exported = set(lags)


def register_lag_monitor(app: faust.App, settings: Settings) -> LagMonitor:
    monitor = LagMonitor(app)

    @app.timer(interval=settings.consumer_lag_interval_seconds)  # type: ignore[untyped-decorator]  # faust
    async def sample_consumer_lag() -> None:
        try:
            await monitor.sample()
        except Exception as error:  # a failed sample must not stop the worker; the gauges stay
            log.warning("consumer lag not sampled", extra={"fields": {"error": type(error).__name__}})

    return monitor
