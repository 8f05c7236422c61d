"""Create the faust App for a set of stages.

Each Kubernetes Deployment runs one stage (its own consumer group); the embedded mode runs them all
in one worker. Table changelogs have fixed names from care.topics, so any grouping shares them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import faust

from care.config import KafkaSecurityProtocol, Settings
from care.kafka import ssl_context
from care.logging import get_logger
from care.topics import TopicSpec
from care.worker.lag import register_lag_monitor
from care.worker.transport import care_app_class

log = get_logger(__name__)

STAGES = ("deid", "router", "assembler")


def faust_settings(settings: Settings, stages: Sequence[str]) -> dict[str, Any]:
    """faust's keyword settings for these stages; pure, so the profiles are tested directly."""
    conf: dict[str, Any] = {
        "id": f"{settings.app_id_prefix}-{'-'.join(stages)}",
        "broker": [f"kafka://{server}" for server in settings.kafka_bootstrap_servers.split(",")],
        "store": "memory://",
        "processing_guarantee": "at_least_once",
        # Topics are created by `care topics create` from care.topics, never by a worker.
        "topic_allow_declare": False,
        "topic_disable_leader": True,
        "topic_partitions": settings.topic_partitions,
        "topic_replication_factor": settings.topic_replication_factor,
        "consumer_auto_offset_reset": "earliest",
        "web_enabled": False,
        "datadir": settings.data_dir,
    }
    credentials = _credentials(settings)
    if credentials is not None:
        conf["broker_credentials"] = credentials
    if settings.is_embedded:
        conf.update(
            # Tansu answers ListOffsets with the last batch's base offset + 1, so changelog recovery
            # misses updates unless every batch holds one record. Never the production default.
            producer_max_batch_size=1,
            # Tansu completes a group join after about half the session timeout.
            broker_session_timeout=6.0,
            broker_heartbeat_interval=1.0,
            broker_rebalance_timeout=6.0,
            table_standby_replicas=0,
        )
    return conf


def _credentials(settings: Settings) -> Any:
    protocol = settings.kafka_security_protocol
    if protocol is KafkaSecurityProtocol.PLAINTEXT:
        return None
    context = ssl_context(settings)
    if protocol is KafkaSecurityProtocol.SSL:
        return faust.SSLCredentials(context)
    return faust.SASLCredentials(
        username=settings.kafka_sasl_username,
        password=settings.kafka_sasl_password.get_secret_value(),
        ssl_context=context,
        mechanism=settings.kafka_sasl_mechanism,
    )


def raw_topic(app: faust.App, spec: TopicSpec, partitions: int) -> faust.TopicT:
    """Payloads are protobuf bytes decoded by the stage itself, so a bad record becomes a dead
    letter with a reason instead of a deserialisation crash inside faust."""
    return app.topic(
        spec.name,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=partitions,
        internal=False,
    )


def raw_table(app: faust.App, name: str, changelog: TopicSpec, partitions: int) -> Any:
    return app.Table(
        name,
        default=None,
        key_type=bytes,
        value_type=bytes,
        partitions=partitions,
        changelog_topic=raw_topic(app, changelog, partitions),
    )


def create_app(settings: Settings, stages: Sequence[str], ready_file: Path | None = None) -> faust.App:
    unknown = set(stages) - set(STAGES)
    if unknown or not stages:
        raise ValueError(f"unknown stages {sorted(unknown)}; choose from {STAGES}")
    app = care_app_class(settings.is_embedded)(**faust_settings(settings, stages))
    registrars: dict[str, Callable[[faust.App, Settings], None]] = _registrars()
    for stage in stages:
        registrars[stage](app, settings)
    register_lag_monitor(app, settings)
    if ready_file is not None:
        _signal_readiness(app, ready_file)
    return app


def _registrars() -> dict[str, Callable[[faust.App, Settings], None]]:
    from care.assembler.agent import register as register_assembler
    from care.deid.agent import register as register_deid
    from care.router.agent import register as register_router

    return {"deid": register_deid, "router": register_router, "assembler": register_assembler}


def _signal_readiness(app: faust.App, ready_file: Path) -> None:
    # Sent once partitions are assigned and the tables recovered: the worker can take traffic.
    @app.on_rebalance_complete.connect
    async def _ready(sender: faust.App, **_: Any) -> None:
        ready_file.write_text(str(os.getpid()))  # noqa: ASYNC240 - once, a few bytes
        log.info("worker ready", extra={"fields": {"app_id": sender.conf.id}})
