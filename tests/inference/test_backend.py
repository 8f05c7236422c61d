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
from care.inference.backend import (
    KINDS,
    BackendConfig,
    BackendError,
    BackendRegistry,
    BackendSetupError,
    ModelBackend,
    TgiBackend,
    classify,
)
from care.inference.breaker import CIRCUIT_OPEN_KIND
from care.inference.bulkhead import QUEUE_TIMEOUT_KIND
from care.inference.service import _REASONS, describe


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
    assert len(KINDS) == 10
    assert {CIRCUIT_OPEN_KIND, QUEUE_TIMEOUT_KIND} <= set(KINDS)
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


def test_every_kind_has_a_counselor_facing_reason() -> None:
    assert set(_REASONS) == set(KINDS)
    assert describe(BackendError("circuit_open")) == "model backend paused after repeated failures"
    assert describe(BackendError("queue_timeout")) == "model backend busy, no capacity in time"


def models_backend(
    base_url: str, answer: httpx.Response, seen: list[httpx.Request], api: str = "openai"
) -> ModelBackend:
    def handler(outgoing: httpx.Request) -> httpx.Response:
        seen.append(outgoing)
        return answer

    config = BackendConfig(route="he", base_url=base_url, token="t0ken", api=api)  # type: ignore[arg-type]
    return ModelBackend(config, http=httpx.AsyncClient(transport=httpx.MockTransport(handler)))


VLLM_MODELS = {
    "object": "list",
    "data": [
        {"id": "care/he-lora", "object": "model", "parent": "org/base"},
        {"id": "org/base", "object": "model", "parent": None},
    ],
}


@pytest.mark.parametrize(
    ("base_url", "url"),
    [
        ("http://vllm:8000", "http://vllm:8000/v1/models"),
        ("http://vllm:8000/", "http://vllm:8000/v1/models"),
        ("http://vllm:8000/v1", "http://vllm:8000/v1/models"),
    ],
)
async def test_models_are_listed_the_openai_way(base_url: str, url: str) -> None:
    seen: list[httpx.Request] = []
    backend = models_backend(base_url, httpx.Response(200, json=VLLM_MODELS), seen)
    try:
        assert backend.model == ""
        assert await backend.list_models() == ("care/he-lora", "org/base")
        # The base model is the one without a parent, wherever it is listed.
        assert await backend.served_model() == "org/base"
        assert backend.model == "org/base"
    finally:
        await backend.aclose()
    assert [str(request.url) for request in seen] == [url]
    assert seen[0].headers["Authorization"] == "Bearer t0ken"


async def test_the_served_model_is_asked_once() -> None:
    seen: list[httpx.Request] = []
    backend = models_backend("http://vllm:8000", httpx.Response(200, json=VLLM_MODELS), seen)
    try:
        names = await asyncio.gather(*(backend.served_model() for _ in range(5)))
    finally:
        await backend.aclose()
    assert names == ["org/base"] * 5
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("answer", "kind", "status"),
    [
        (httpx.Response(503), "unavailable", 503),
        (httpx.Response(404), "protocol", 404),
        (httpx.Response(200, text="not json"), "protocol", None),
        (httpx.Response(200, json={"object": "list", "data": []}), "protocol", None),
        (httpx.Response(200, json={"data": [{"object": "model"}]}), "protocol", None),
        (httpx.Response(200, json=["org/base"]), "protocol", None),
    ],
)
async def test_model_list_failures_are_backend_errors(
    answer: httpx.Response, kind: str, status: int | None
) -> None:
    backend = models_backend("http://vllm:8000", answer, [])
    try:
        with pytest.raises(BackendError) as caught:
            await backend.served_model()
    finally:
        await backend.aclose()
    assert (caught.value.kind, caught.value.status) == (kind, status)


def test_text_prompts_need_tgi() -> None:
    with pytest.raises(BackendSetupError, match="route he: prompt mode 'text' needs the TGI API"):
        BackendConfig(route="he", base_url="http://vllm:8000", api="openai", prompt_mode="text")


async def test_registry_carries_the_api_and_prompt_mode() -> None:
    registry = BackendRegistry.from_settings(Settings(backend_url="http://vllm:8000", backend_api="openai"))
    try:
        assert {backend.config.api for backend in registry.backends} == {"openai"}
        assert {backend.config.prompt_mode for backend in registry.backends} == {"chat"}
    finally:
        await registry.aclose()
