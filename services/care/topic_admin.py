"""Create CARE's topics idempotently through the Kafka admin API (`care topics create`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from care.config import Settings
from care.kafka import client_kwargs
from care.logging import get_logger
from care.topics import ALL_TOPICS, TopicSpec

log = get_logger(__name__)

TOPIC_ALREADY_EXISTS = 36


class TopicAdminError(RuntimeError):
    pass


@dataclass(frozen=True)
class TopicReport:
    created: tuple[str, ...]
    existing: tuple[str, ...]


async def create_topics(settings: Settings, specs: Iterable[TopicSpec] = ALL_TOPICS) -> TopicReport:
    specs = tuple(specs)
    admin = AIOKafkaAdminClient(**client_kwargs(settings))
    await admin.start()
    try:
        present = set(await admin.list_topics())
        missing = [s for s in specs if s.name not in present]
        created: list[str] = []
        if missing:
            response = await admin.create_topics(
                [
                    NewTopic(
                        s.name,
                        settings.topic_partitions,
                        settings.topic_replication_factor,
                        topic_configs=s.config(),
                    )
                    for s in missing
                ]
            )
            for name, code, message in response.topic_errors:
                if code == 0:
                    created.append(name)
                elif code != TOPIC_ALREADY_EXISTS:  # lost a race with another creator: fine
                    raise TopicAdminError(f"creating {name} failed: error {code} {message}")
        await _check_partitions(admin, specs, settings.topic_partitions)
    finally:
        await admin.close()
    existing = tuple(s.name for s in specs if s.name not in created)
    log.info("topics ready", extra={"fields": {"created": len(created), "existing": len(existing)}})
    return TopicReport(tuple(created), existing)


async def _check_partitions(admin: AIOKafkaAdminClient, specs: tuple[TopicSpec, ...], expected: int) -> None:
    # Co-partitioning of the stateful stages breaks silently if one topic has another partition count.
    described = await admin.describe_topics([s.name for s in specs])
    wrong = {d["topic"]: len(d["partitions"]) for d in described if len(d["partitions"]) != expected}
    if wrong:
        raise TopicAdminError(f"topics with a partition count other than {expected}: {wrong}")
