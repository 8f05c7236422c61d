import asyncio
import json
import socket

import httpx
import pytest
from huggingface_hub.errors import (
    BadRequestError,
    GenerationError,
    HfHubHTTPError,
    IncompleteGenerationError,
    InferenceTimeoutError,
    OverloadedError,
    UnknownError,
    ValidationError,
)
from pydantic import SecretStr

from care.config import Settings
from care.inference.backend import KINDS, BackendError, BackendRegistry, TgiBackend, classify


def http_error(status: int) -> HfHubHTTPError:
    response = httpx.Response(status, request=httpx.Request("POST", "http://tgi/v1/chat/completions"))
    return HfHubHTTPError("secret prompt text", response=response)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (429, "overloaded"),
        (503, "unavailable"),
        (424, "generation"),
        (422, "validation"),
        (500, "server"),
        (502, "server"),
        (401, "protocol"),
        (404, "protocol"),
    ],
)
def test_http_statuses(status: int, kind: str) -> None:
    error = classify(http_error(status))
    assert (error.kind, error.status) == (kind, status)


def test_bad_request_is_a_validation_failure() -> None:
    response = httpx.Response(400, request=httpx.Request("POST", "http://tgi/v1/chat/completions"))
    assert classify(BadRequestError("x", response=response)).kind == "validation"


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (UnknownError("x"), "server"),
        (InferenceTimeoutError("x"), "timeout"),
        (httpx.ReadTimeout("x"), "timeout"),
        (TimeoutError(), "timeout"),
        (httpx.ConnectError("x"), "connection"),
        (httpx.RemoteProtocolError("x"), "connection"),
        (json.JSONDecodeError("x", "doc", 0), "protocol"),
        (KeyError("choices"), "protocol"),
    ],
)
def test_in_stream_and_transport_errors(error: Exception, kind: str) -> None:
    classified = classify(error)
    assert classified.kind == kind
    assert classified.status is None


@pytest.mark.parametrize(
    ("error", "kind", "status"),
    [
        (OverloadedError("x"), "overloaded", 429),
        (ValidationError("x"), "validation", 422),
        (GenerationError("x"), "generation", 424),
        (IncompleteGenerationError("x"), "server", 500),
    ],
)
def test_in_stream_tgi_errors_get_their_documented_status(error: Exception, kind: str, status: int) -> None:
    classified = classify(error)
    assert (classified.kind, classified.status) == (kind, status)


def test_classified_errors_carry_no_upstream_text() -> None:
    assert "secret" not in str(classify(http_error(503)))


def test_unrelated_errors_are_not_swallowed() -> None:
    with pytest.raises(ZeroDivisionError):
        classify(ZeroDivisionError())


def test_kinds_are_bounded() -> None:
    assert len(KINDS) == 8
    with pytest.raises(ValueError, match="unknown backend error kind"):
        BackendError("anything")


async def test_registry_with_a_url_per_language() -> None:
    settings = Settings(backend_he_url="http://he:80", backend_ar_url="http://ar:80")
    registry = BackendRegistry.from_settings(settings)
    try:
        he, ar = registry.get("he"), registry.get("ar")
        assert he is not None
        assert ar is not None
        assert (he.config.base_url, ar.config.base_url) == ("http://he:80", "http://ar:80")
        assert he.model == ar.model == "tgi"
        assert registry.get("unsupported") is None
    finally:
        await registry.aclose()


async def test_registry_with_one_url_and_adapters() -> None:
    settings = Settings(
        backend_url="http://tgi:80",
        backend_he_adapter="care/he-lora",
        backend_ar_adapter="care/ar-lora",
        backend_token=SecretStr("t0ken"),
        backend_timeout_seconds=3.0,
    )
    registry = BackendRegistry.from_settings(settings)
    try:
        he, ar = registry.get("he"), registry.get("ar")
        assert he is not None
        assert ar is not None
        assert he.config.base_url == ar.config.base_url == "http://tgi:80"
        assert (he.model, ar.model) == ("care/he-lora", "care/ar-lora")
        assert he.config.token == "t0ken"
        assert he.config.timeout_seconds == 3.0
        assert registry.routes == ("he", "ar")
    finally:
        await registry.aclose()


async def test_registry_without_urls_is_empty() -> None:
    registry = BackendRegistry.from_settings(Settings(backend_he_url="http://he:80"))
    try:
        assert registry.routes == ("he",)
        assert registry.get("ar") is None
    finally:
        await registry.aclose()


async def drain(backend: TgiBackend) -> None:
    async with asyncio.timeout(5):
        async for _ in backend.stream_chat([("user", "x")], max_new_tokens=4, temperature=0.0, seed=1):
            pass


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_unreachable_backend_is_a_connection_error() -> None:
    settings = Settings(backend_url=f"http://127.0.0.1:{closed_port()}", backend_timeout_seconds=2.0)
    registry = BackendRegistry.from_settings(settings)
    backend = registry.get("he")
    assert backend is not None
    try:
        with pytest.raises(BackendError) as caught:
            await drain(backend)
        assert caught.value.kind == "connection"
    finally:
        await registry.aclose()
