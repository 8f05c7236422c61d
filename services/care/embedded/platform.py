"""What the contact-center chat platform does with CARE: produce chat events, consume suggestions.

Used by the demo, the integration tests and the benchmarks. Complete suggestions are de-duplicated
by suggestion id, as a platform consuming an at-least-once stream must: a redelivered input yields
the same id, and only its first arrival is delivered.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import RecordMetadata
from google.protobuf.message import Message

from care import topics
from care.config import Settings
from care.kafka import client_kwargs, consumer_kwargs
from care.v1 import events_pb2


@dataclass
class Delivery:
    suggestion: events_pb2.Suggestion
    received_at: float  # time.perf_counter()
    partition: int
    key: str


@dataclass
class PlatformClient:
    settings: Settings
    watch: Iterable[str] = (topics.SUGGESTIONS.name,)
    deliveries: dict[str, Delivery] = field(default_factory=dict)  # by the event id answered
    duplicates: int = 0  # complete suggestions dropped because their suggestion id was delivered
    # The event ids answered, per conversation, in the order their suggestions were delivered.
    delivery_order: dict[str, list[str]] = field(default_factory=dict)
    # When the first streamed partial (complete: false) of each event's suggestion arrived.
    first_partials: dict[str, float] = field(default_factory=dict)
    _delivered_ids: set[str] = field(default_factory=set)  # suggestion ids
    records: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)  # topic -> [(key, value)]
    _producer: AIOKafkaProducer | None = None
    _consumer: AIOKafkaConsumer | None = None
    _task: asyncio.Task[None] | None = None
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(**client_kwargs(self.settings), acks="all", linger_ms=0)
        await self._producer.start()
        # No consumer group: the platform's view reads every partition from the start.
        self._consumer = AIOKafkaConsumer(
            *self.watch,
            **consumer_kwargs(self.settings),
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await self._consumer.start()
        self._task = asyncio.create_task(self._consume())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._consumer is not None:
            await self._consumer.stop()
        if self._producer is not None:
            await self._producer.stop()

    async def send(self, topic: str, key: str | bytes | None, value: Message | bytes) -> RecordMetadata:
        """Produce one record; returns where it landed (topic, partition, offset)."""
        assert self._producer is not None
        payload = value if isinstance(value, bytes) else value.SerializeToString()
        raw_key = key.encode("utf-8") if isinstance(key, str) else key
        metadata: RecordMetadata = await self._producer.send_and_wait(topic, payload, key=raw_key)
        return metadata

    async def send_chat(self, event: events_pb2.ChatEvent) -> float:
        """Produce a chat event to care.chat.inbound; returns the perf_counter time it was acknowledged."""
        await self.send(topics.CHAT_INBOUND.name, event.conversation_id, event)
        return time.perf_counter()

    async def _consume(self) -> None:
        assert self._consumer is not None
        async for record in self._consumer:
            key = record.key.decode("utf-8", "replace") if record.key else ""
            self.records.setdefault(record.topic, []).append((key, record.value or b""))
            if record.topic == topics.SUGGESTIONS.name:
                suggestion = events_pb2.Suggestion.FromString(record.value or b"")
                if not suggestion.complete:
                    self.first_partials.setdefault(suggestion.event_id, time.perf_counter())
                    continue
                if suggestion.suggestion_id in self._delivered_ids:
                    self.duplicates += 1
                    continue
                self._delivered_ids.add(suggestion.suggestion_id)
                self.deliveries[suggestion.event_id] = Delivery(
                    suggestion, time.perf_counter(), record.partition, key
                )
                self.delivery_order.setdefault(suggestion.conversation_id, []).append(suggestion.event_id)
            async with self._arrived:
                self._arrived.notify_all()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> None:
        """Wait until ``predicate`` holds, checked whenever a record arrives."""
        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(predicate)

    async def wait_for(self, event_id: str, timeout: float) -> Delivery:
        await self.wait_until(lambda: event_id in self.deliveries, timeout)
        return self.deliveries[event_id]

    async def wait_for_records(self, topic: str, count: int, timeout: float) -> list[tuple[str, bytes]]:
        await self.wait_until(lambda: len(self.records.get(topic, [])) >= count, timeout)
        return self.records[topic]

    def tombstoned(self, topic: str, key: str) -> bool:
        """Whether a record with this key and no value (a deletion) arrived on the topic."""
        return any(k == key and not v for k, v in self.records.get(topic, []))

    async def __aenter__(self) -> PlatformClient:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()
