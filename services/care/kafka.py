"""Kafka connection settings shared by every client CARE creates (admin, producers, consumers).

Production points at any Kafka with TLS/SASL through configuration alone; the embedded profile talks
PLAINTEXT to Tansu on 127.0.0.1.
"""

from __future__ import annotations

import ssl
from typing import Any

from care.config import KafkaSecurityProtocol, Settings


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    if settings.kafka_security_protocol not in (KafkaSecurityProtocol.SSL, KafkaSecurityProtocol.SASL_SSL):
        return None
    context = ssl.create_default_context(cafile=settings.kafka_ssl_cafile or None)
    if settings.kafka_ssl_certfile:
        context.load_cert_chain(settings.kafka_ssl_certfile, settings.kafka_ssl_keyfile or None)
    return context


def client_kwargs(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for aiokafka's producer, consumer and admin clients."""
    kwargs: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap_servers,
        "security_protocol": settings.kafka_security_protocol.value,
    }
    context = ssl_context(settings)
    if context is not None:
        kwargs["ssl_context"] = context
    if settings.kafka_security_protocol.value.startswith("SASL"):
        kwargs["sasl_mechanism"] = settings.kafka_sasl_mechanism
        kwargs["sasl_plain_username"] = settings.kafka_sasl_username
        kwargs["sasl_plain_password"] = settings.kafka_sasl_password.get_secret_value()
    return kwargs


def consumer_kwargs(settings: Settings) -> dict[str, Any]:
    kwargs = client_kwargs(settings)
    if settings.is_embedded:
        # Tansu completes a group join after about half the session timeout, and holds a fetch over
        # several partitions for the whole fetch_max_wait_ms even when data is there.
        kwargs.update(session_timeout_ms=6000, heartbeat_interval_ms=1000, fetch_max_wait_ms=10)
    return kwargs
