"""The model backends: a model server per route, spoken to with huggingface_hub's AsyncInferenceClient.

The server is TGI (text-generation-inference) or, with ``api="openai"``, any OpenAI-compatible server
(vLLM, SGLang): chat completions are the same request on both. In ``prompt_mode="text"`` (TGI only)
the model's chat template is rendered here and the prompt goes to TGI's ``/generate_stream``.

Every failure leaves as a :class:`BackendError` whose ``kind`` is one of a small fixed set, safe as
a metric label and readable in a counselor-facing reason; the underlying message, which may quote
the prompt, never leaves this module.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from huggingface_hub import AsyncInferenceClient, get_async_session
from huggingface_hub.errors import (
    GenerationError,
    HfHubHTTPError,
    IncompleteGenerationError,
    InferenceTimeoutError,
    OfflineModeIsEnabled,
    OverloadedError,
    TextGenerationError,
    ValidationError,
)
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from care.config import Settings
from care.inference.strategies import ChatMessage
from care.prompting.template import ChatTemplate, TemplateError
from care.telemetry import http_headers, tracer

# TGI serves one base model per server; with multi-LoRA, `model` in a chat completion names the
# adapter, and anything else (TGI ignores it) stands for the base model.
BASE_MODEL = "tgi"

KINDS: tuple[str, ...] = (
    "overloaded",
    "unavailable",
    "generation",
    "validation",
    "server",
    "timeout",
    "connection",
    "protocol",
    # This process turned the call away without making it: see care.inference.breaker and .bulkhead.
    "circuit_open",
    "queue_timeout",
)

BackendApi = Literal["tgi", "openai"]
PromptMode = Literal["chat", "text"]

_KIND_BY_STATUS = {429: "overloaded", 503: "unavailable", 424: "generation", 422: "validation"}


class BackendError(Exception):
    """A model backend call that failed; ``kind`` is one of :data:`KINDS`."""

    def __init__(self, kind: str, status: int | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown backend error kind: {kind!r}")
        super().__init__(kind if status is None else f"{kind} ({status})")
        self.kind = kind
        self.status = status


_tracer = tracer(__name__)


def _model_call_span(config: BackendConfig, path: str) -> trace.Span:
    """The CLIENT span of one HTTP call to the model server (each retry is its own call).

    Started, not made current: the streaming generators that own it are resumed by their reader.
    Attributes carry the route, adapter and endpoint; never the prompt or the generated text.
    """
    return _tracer.start_span(
        f"POST {path}",
        kind=SpanKind.CLIENT,
        attributes={
            "http.request.method": "POST",
            "url.path": path,
            "server.address": httpx.URL(config.base_url).host,
            "gen_ai.system": config.api,
            "care.route": config.route,
            "care.adapter": config.adapter_id,
        },
    )


def _end_model_call(span: trace.Span, error: BackendError | None, deltas: int) -> None:
    span.set_attribute("care.stream_deltas", deltas)
    if error is not None:
        span.set_attribute("error.type", error.kind)
        if error.status is not None:
            span.set_attribute("http.response.status_code", error.status)
        span.set_status(Status(StatusCode.ERROR, error.kind))
    span.end()


class BackendSetupError(Exception):
    """A backend configuration the inference service refuses to start with; the message says why."""


def kind_for_status(status: int) -> str:
    if status in _KIND_BY_STATUS:
        return _KIND_BY_STATUS[status]
    if status == 400:
        return "validation"
    if status >= 500:
        return "server"
    # Redirect loops, auth and not-found answers mean the backend is not speaking TGI to us.
    return "protocol"


def classify(error: Exception) -> BackendError:
    """The :class:`BackendError` for whatever huggingface_hub, httpx or the stream raised."""
    if isinstance(error, BackendError):
        return error
    if isinstance(error, HfHubHTTPError):
        status = error.response.status_code
        return BackendError(kind_for_status(status), status)
    # TGI reports failures after the stream has started as `error` events, which the client raises
    # as TextGenerationError subclasses; each error_type gets the status TGI's API documents for it,
    # so a reason reads the same whether the failure came before or during the stream.
    if isinstance(error, OverloadedError):
        return BackendError("overloaded", 429)
    if isinstance(error, ValidationError):
        return BackendError("validation", 422)
    if isinstance(error, GenerationError):
        return BackendError("generation", 424)
    if isinstance(error, IncompleteGenerationError):
        return BackendError("server", 500)
    if isinstance(error, TextGenerationError):
        return BackendError("server")
    if isinstance(error, InferenceTimeoutError | httpx.TimeoutException | TimeoutError):
        return BackendError("timeout")
    if isinstance(error, httpx.TransportError | OfflineModeIsEnabled | ConnectionError):
        return BackendError("connection")
    # A body that is not the JSON or SSE shape TGI documents (JSONDecodeError is a ValueError).
    if isinstance(error, httpx.HTTPError | ValueError | KeyError | TypeError | AttributeError):
        return BackendError("protocol")
    raise error


@dataclass(frozen=True)
class BackendConfig:
    route: str
    base_url: str
    adapter_id: str = ""
    token: str = ""
    # Bounds one socket read in huggingface_hub; the service bounds whole attempts itself.
    timeout_seconds: float = 15.0
    api: BackendApi = "tgi"
    prompt_mode: PromptMode = "chat"
    model_dir: str = ""

    def __post_init__(self) -> None:
        if self.prompt_mode == "text" and self.api != "tgi":
            raise BackendSetupError(
                f"route {self.route}: prompt mode 'text' needs the TGI API (CARE_BACKEND_API=tgi); "
                "OpenAI-compatible servers apply the chat template themselves, use prompt mode 'chat'"
            )


def _load_template(config: BackendConfig) -> ChatTemplate:
    if not config.model_dir:
        raise BackendSetupError(
            f"route {config.route}: prompt mode 'text' needs the model directory "
            f"(CARE_BACKEND_{config.route.upper()}_MODEL_DIR or CARE_BACKEND_MODEL_DIR)"
        )
    try:
        return ChatTemplate.from_model_dir(config.model_dir)
    except TemplateError as error:
        raise BackendSetupError(f"route {config.route}: no usable chat template: {error}") from None


class ModelBackend:
    """One route's model server.

    AsyncInferenceClient keeps every streamed response open on its exit stack until the client is
    closed, so a long-lived client would hold each prompt in memory forever and leak a pooled
    connection for every stream abandoned on a timeout. Each call therefore gets its own client,
    closed when the call ends; they share this backend's HTTP connection pool, since building an
    httpx client (its TLS context) blocks the event loop for about 20 ms.
    """

    def __init__(
        self,
        config: BackendConfig,
        *,
        http: httpx.AsyncClient | None = None,
        template: ChatTemplate | None = None,
    ) -> None:
        """``http`` replaces huggingface_hub's default HTTP client; the backend closes it either way.

        In text mode the chat template is ``template``, else loaded from ``config.model_dir`` now,
        so that a missing or broken model directory stops the service at start-up
        (:class:`BackendSetupError`) rather than failing every request.
        """
        self.config = config
        self._template = template
        if config.prompt_mode == "text" and template is None:
            self._template = _load_template(config)
        self._http = get_async_session() if http is None else http
        self._served_model = ""
        self._discovery = asyncio.Lock()

    @property
    def route(self) -> str:
        return self.config.route

    @property
    def model(self) -> str:
        """What answers: the adapter, else the base model (for OpenAI APIs, once discovered)."""
        if self.config.adapter_id:
            return self.config.adapter_id
        return BASE_MODEL if self.config.api == "tgi" else self._served_model

    def _base(self) -> str:
        return self.config.base_url.rstrip("/")

    def _client(self, span: trace.Span | None = None) -> AsyncInferenceClient:
        """A client for one call; with ``span``, its requests carry that span's context in their
        headers (W3C traceparent), so the model server's own spans join the message's trace."""
        headers = http_headers(trace.set_span_in_context(span)) if span is not None else None
        client = AsyncInferenceClient(
            base_url=self._base(),
            token=self.config.token or None,
            timeout=self.config.timeout_seconds,
            headers=headers or None,
        )
        # See the class docstring: a preset client is not entered on, so not closed by, the call's exit stack.
        client._async_client = self._http
        return client

    def stream(
        self, messages: Sequence[ChatMessage], *, max_new_tokens: int, temperature: float, seed: int | None
    ) -> AsyncGenerator[str, None]:
        """The generated text for ``messages`` in this backend's prompt mode, through its adapter.

        Raises :class:`BackendError`; close the iterator (``contextlib.aclosing``) when leaving early.
        """
        if self.config.prompt_mode == "text":
            return self._stream_rendered(
                messages, max_new_tokens=max_new_tokens, temperature=temperature, seed=seed
            )
        return self.stream_chat(
            messages,
            max_new_tokens=max_new_tokens,
            temperature=temperature,
            seed=seed,
            adapter_id=self.config.adapter_id,
        )

    async def stream_chat(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_new_tokens: int,
        temperature: float,
        seed: int | None,
        adapter_id: str = "",
    ) -> AsyncGenerator[str, None]:
        """The generated text, one stream delta at a time (a delta may be empty).

        Raises :class:`BackendError`. Close the iterator (``contextlib.aclosing``) when leaving it
        early, so the HTTP response is released at once.
        """
        span = _model_call_span(self.config, "/v1/chat/completions")
        client = self._client(span)
        failure: BackendError | None = None
        deltas = 0
        try:
            if adapter_id:
                model = adapter_id
            elif self.config.api == "tgi":
                model = BASE_MODEL
            else:
                # OpenAI-compatible servers refuse a model they do not serve (vLLM answers 404).
                model = await self.served_model()
            stream = await client.chat_completion(
                [{"role": role, "content": content} for role, content in messages],
                model=model,
                stream=True,
                max_tokens=max_new_tokens,
                temperature=temperature,
                seed=seed,
            )
            async for chunk in stream:
                for choice in chunk.choices or ():
                    content = choice.delta.content if choice.delta is not None else None
                    if content is not None:
                        deltas += 1
                        yield content
        except Exception as error:
            failure = classify(error)
            raise failure from error
        finally:
            _end_model_call(span, failure, deltas)
            await client.close()  # type: ignore[no-untyped-call]  # unannotated in huggingface_hub 1.16

    async def _stream_rendered(
        self, messages: Sequence[ChatMessage], *, max_new_tokens: int, temperature: float, seed: int | None
    ) -> AsyncGenerator[str, None]:
        if self._template is None:
            raise BackendError("validation")
        try:
            prompt = self._template.render(messages)
        except TemplateError:
            # The model's own template refused this conversation (e.g. roles that must alternate).
            raise BackendError("validation") from None
        deltas = self.stream_text(
            prompt,
            max_new_tokens=max_new_tokens,
            temperature=temperature,
            seed=seed,
            adapter_id=self.config.adapter_id,
        )
        async with contextlib.aclosing(deltas):
            async for delta in deltas:
                yield delta

    async def stream_text(
        self,
        prompt: str,
        *,
        max_new_tokens: int,
        temperature: float,
        seed: int | None,
        adapter_id: str = "",
    ) -> AsyncGenerator[str, None]:
        """TGI's ``/generate_stream`` for an already rendered ``prompt``, special tokens left out."""
        span = _model_call_span(self.config, "/generate_stream")
        client = self._client(span)
        failure: BackendError | None = None
        deltas = 0
        sampling = temperature > 0
        try:
            stream = await client.text_generation(
                prompt,
                model=f"{self._base()}/generate_stream",
                stream=True,
                details=True,
                max_new_tokens=max_new_tokens,
                # TGI refuses a temperature of 0; greedy decoding is do_sample false instead.
                do_sample=sampling,
                temperature=temperature if sampling else None,
                seed=seed,
                adapter_id=adapter_id or None,
            )
            async for event in stream:
                if not event.token.special:
                    deltas += 1
                    yield event.token.text
        except Exception as error:
            failure = classify(error)
            raise failure from error
        finally:
            _end_model_call(span, failure, deltas)
            await client.close()  # type: ignore[no-untyped-call]  # unannotated in huggingface_hub 1.16

    async def generate_text(self, prompt: str, *, max_new_tokens: int, adapter_id: str = "") -> str:
        """A short greedy generation on TGI's ``/generate``: the same prompt always gives the same text."""
        client = self._client()
        try:
            return await client.text_generation(
                prompt,
                model=f"{self._base()}/generate",
                max_new_tokens=max_new_tokens,
                do_sample=False,
                adapter_id=adapter_id or None,
            )
        except Exception as error:
            raise classify(error) from error
        finally:
            await client.close()  # type: ignore[no-untyped-call]  # unannotated in huggingface_hub 1.16

    async def list_models(self) -> tuple[str, ...]:
        """The model ids of an OpenAI-style ``GET /v1/models``: the base model first on vLLM, then its
        LoRA adapters. Also learns the served model (see :meth:`served_model`). Raises BackendError."""
        base = self._base()
        # Like huggingface_hub's chat completion URL: a base URL may already end in /v1.
        url = f"{base}/models" if base.endswith("/v1") else f"{base}/v1/models"
        headers = {"Authorization": f"Bearer {self.config.token}"} if self.config.token else {}
        try:
            response = await self._http.get(url, headers=headers, timeout=self.config.timeout_seconds)
        except Exception as error:
            raise classify(error) from error
        if response.status_code >= 400:
            raise BackendError(kind_for_status(response.status_code), response.status_code)
        try:
            entries = _model_entries(response.json())
        except ValueError:
            raise BackendError("protocol") from None
        # vLLM marks an adapter with the model it extends; the base model has no parent.
        self._served_model = next((ident for ident, parent in entries if not parent), entries[0][0])
        return tuple(ident for ident, _ in entries)

    async def served_model(self) -> str:
        """The id the server serves its base model under, asked once and then remembered."""
        async with self._discovery:
            if not self._served_model:
                await self.list_models()
        return self._served_model

    async def aclose(self) -> None:
        await self._http.aclose()


# The name this class had while TGI was the only backend.
TgiBackend = ModelBackend


def _model_entries(body: Any) -> list[tuple[str, str]]:
    """(id, parent) of each model of an OpenAI model list; ValueError for any other shape."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise ValueError("not a model list")
    entries: list[tuple[str, str]] = []
    for item in data:
        ident = item.get("id") if isinstance(item, dict) else None
        if not isinstance(ident, str) or not ident:
            raise ValueError("a model without an id")
        parent = item.get("parent")
        entries.append((ident, parent if isinstance(parent, str) else ""))
    if not entries:
        raise ValueError("no models")
    return entries


class BackendRegistry:
    """The backend of every route that has one configured."""

    def __init__(self, backends: Sequence[ModelBackend]) -> None:
        self._backends = {backend.route: backend for backend in backends}

    @classmethod
    def from_settings(cls, settings: Settings) -> BackendRegistry:
        """Raises :class:`BackendSetupError` for settings no backend can run with."""
        if settings.prompt_mode == "text" and settings.backend_api != "tgi":
            raise BackendSetupError(
                "CARE_PROMPT_MODE=text needs CARE_BACKEND_API=tgi: OpenAI-compatible servers "
                "(vLLM, SGLang) apply the chat template themselves; use CARE_PROMPT_MODE=chat"
            )
        token = settings.backend_token.get_secret_value()
        templates: dict[str, ChatTemplate] = {}
        planned: list[tuple[BackendConfig, ChatTemplate | None]] = []
        # Every configuration and template is checked before any HTTP client exists, so a refusal
        # leaves nothing open.
        for route in settings.model_routes:
            if not settings.backend_url_for(route):
                continue
            config = BackendConfig(
                route=route,
                base_url=settings.backend_url_for(route),
                adapter_id=settings.backend_adapter_for(route),
                token=token,
                timeout_seconds=settings.backend_timeout_seconds,
                api=settings.backend_api,
                prompt_mode=settings.prompt_mode,
                model_dir=settings.model_dir_for(route),
            )
            template = None
            if config.prompt_mode == "text":
                # Routes sharing one model directory share its template.
                if config.model_dir not in templates:
                    templates[config.model_dir] = _load_template(config)
                template = templates[config.model_dir]
            planned.append((config, template))
        backends = [ModelBackend(config, template=template) for config, template in planned]
        return cls(backends)

    @property
    def routes(self) -> tuple[str, ...]:
        return tuple(self._backends)

    @property
    def backends(self) -> tuple[ModelBackend, ...]:
        return tuple(self._backends.values())

    def get(self, route: str) -> ModelBackend | None:
        return self._backends.get(route)

    async def aclose(self) -> None:
        for backend in self._backends.values():
            await backend.aclose()
