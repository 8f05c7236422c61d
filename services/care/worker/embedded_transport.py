"""faust's Kafka transport with the embedded broker's fetch workaround.

Tansu holds a fetch that spans several partitions for the full fetch_max_wait_ms even when one of
them has data (measured: latency ~= the wait, up to 1.5 s per hop with faust's fixed 1500 ms), so
in the embedded profile the worker's consumer polls with a short wait. Real Kafka answers as soon as
data arrives, so production keeps faust's default.
"""

from __future__ import annotations

from typing import Any

import faust
from faust.transport.drivers import aiokafka as faust_aiokafka

EMBEDDED_FETCH_MAX_WAIT_MS = 10


class _ShortFetchConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):  # type: ignore[misc]
    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        # faust passes a fixed fetch_max_wait_ms; aiokafka reads this attribute when it starts.
        consumer._fetch_max_wait_ms = EMBEDDED_FETCH_MAX_WAIT_MS
        return consumer


class _ShortFetchConsumer(faust_aiokafka.Consumer):  # type: ignore[misc]
    def _new_consumer_thread(self) -> Any:
        return _ShortFetchConsumerThread(self, loop=self.loop, beacon=self.beacon)


class _ShortFetchTransport(faust_aiokafka.Transport):  # type: ignore[misc]
    Consumer = _ShortFetchConsumer


class EmbeddedApp(faust.App):  # type: ignore[misc]
    def _new_transport(self) -> Any:
        return _ShortFetchTransport(self.conf.broker_consumer, self)
