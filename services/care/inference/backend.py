"""The model backends: a TGI server per route, spoken to with huggingface_hub's AsyncInferenceClient.

Every failure leaves as a :class:`BackendError` whose ``kind`` is one of a small fixed set, safe as
a metric label and readable in a counselor-facing reason; the underlying message, which may quote
the prompt, never leaves this module.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass

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

from care.config import Settings
from care.inference.strategies import ChatMessage

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
)

_KIND_BY_STATUS = {429: "overloaded", 503: "unavailable", 424: "generation", 422: "validation"}


class BackendError(Exception):
    """A model backend call that failed; ``kind`` is one of :data:`KINDS`."""

    def __init__(self, kind: str, status: int | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown backend error kind: {kind!r}")
        super().__init__(kind if status is None else f"{kind} ({status})")
        self.kind = kind
        self.status = status


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
    timeout_seconds: float = 15.0


class TgiBackend:
    """One route's TGI server.

    AsyncInferenceClient keeps every streamed response open on its exit stack until the client is
    closed, so a long-lived client would hold each prompt in memory forever and leak a pooled
    connection for every stream abandoned on a timeout. Each call therefore gets its own client,
    closed when the call ends; they share this backend's HTTP connection pool, since building an
    httpx client (its TLS context) blocks the event loop for about 20 ms.
    """

    def __init__(self, config: BackendConfig, *, http: httpx.AsyncClient | None = None) -> None:
        """``http`` replaces huggingface_hub's default HTTP client; the backend closes it either way."""
        self.config = config
        self._http = get_async_session() if http is None else http

    @property
    def route(self) -> str:
        return self.config.route

    @property
    def model(self) -> str:
        return self.config.adapter_id or BASE_MODEL

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
        client = AsyncInferenceClient(
            base_url=self.config.base_url,
            token=self.config.token or None,
            timeout=self.config.timeout_seconds,
        )
        # See the class docstring: a preset client is not entered on, so not closed by, the call's exit stack.
        client._async_client = self._http
        try:
            stream = await client.chat_completion(
                [{"role": role, "content": content} for role, content in messages],
                model=adapter_id or BASE_MODEL,
                stream=True,
                max_tokens=max_new_tokens,
                temperature=temperature,
                seed=seed,
            )
            async for chunk in stream:
                for choice in chunk.choices or ():
                    content = choice.delta.content if choice.delta is not None else None
                    if content is not None:
                        yield content
        except Exception as error:
            raise classify(error) from error
        finally:
            await client.close()  # type: ignore[no-untyped-call]  # unannotated in huggingface_hub 1.16

    async def aclose(self) -> None:
        await self._http.aclose()


class BackendRegistry:
    """The backend of every route that has one configured."""

    def __init__(self, backends: Sequence[TgiBackend]) -> None:
        self._backends = {backend.route: backend for backend in backends}

    @classmethod
    def from_settings(cls, settings: Settings) -> BackendRegistry:
        token = settings.backend_token.get_secret_value()
        backends = [
            TgiBackend(
                BackendConfig(
                    route=route,
                    base_url=settings.backend_url_for(route),
                    adapter_id=settings.backend_adapter_for(route),
                    token=token,
                    timeout_seconds=settings.backend_timeout_seconds,
                )
            )
            for route in settings.model_routes
            if settings.backend_url_for(route)
        ]
        return cls(backends)

    @property
    def routes(self) -> tuple[str, ...]:
        return tuple(self._backends)

    def get(self, route: str) -> TgiBackend | None:
        return self._backends.get(route)

    async def aclose(self) -> None:
        for backend in self._backends.values():
            await backend.aclose()
