"""A local stand-in for a text-generation-inference (TGI 3.3.x) server.

It speaks TGI's HTTP protocol (``shared/specs/tgi-openapi.json``) closely enough for the real client
(``huggingface_hub.AsyncInferenceClient``) and CARE's inference service, but replies from a small
phrase bank (:mod:`care.standin.phrases`) instead of a model.

Where TGI's behaviour is surprising, the stand-in keeps it, since hiding it here would only move the
surprise to production:

- ``/generate_stream`` (and ``POST /`` with ``stream: true``) answers HTTP 200 as soon as the JSON body
  has been read; parameter validation errors, "overloaded" and generation errors then arrive in-stream
  as ``data:{"error": ..., "error_type": ...}``. Only a body that cannot be read (bad JSON, missing or
  mistyped fields) is refused with HTTP 422 before streaming. ``/v1/chat/completions`` with
  ``stream: true`` does the same, then ends with ``data: [DONE]``.
- ``POST /`` (the route ``AsyncInferenceClient.text_generation`` uses for a base URL) returns a
  one-element list and, like TGI for a ``text-generation`` model, prepends the prompt to the generated
  text unless ``return_full_text`` is false.

LoRA adapters (``StandinConfig.adapters``): a loaded adapter changes the reply deterministically (another
phrase of the same strategy and language). In the ``tgi`` flavour an unknown adapter, as ``adapter_id``
or as a chat completion's ``model``, silently yields the base model's reply, as TGI does
(huggingface/text-generation-inference#2505). The ``openai`` flavour stands for vLLM: ``/v1/models``
lists the base model and its adapters, a chat completion for a model it does not serve is refused
with vLLM's 404 body, and TGI's own routes (``/generate``, ``/generate_stream``, ``POST /``, ``/info``,
``/tokenize``) do not exist.

Stand-in only: a ``503`` fault (and the matching ``/health``) and a ``timeout`` fault, both of which
stand for a backend that is down or hung rather than for anything TGI's router says; the control
endpoints under ``/_standin/``; the ``x-care-standin: 1`` header on every response. A client that
leaves a response early (a closed stream) is counted in ``/_standin/stats`` as ``cancelled``, and its
generation stops there.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import re
import signal
import time
import zlib
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Final, Literal, NoReturn

from aiohttp import web
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics_core import GaugeMetricFamily, Metric, UnknownMetricFamily

from care.logging import configure_logging, get_logger
from care.standin.faults import FaultMode, FaultPlan, FaultPlanError, decide
from care.standin.phrases import detect_language, has_route_script, pick_phrase, strategy_from_text

log = get_logger(__name__)

TGI_VERSION: Final = "3.3.6-dev0"
SYSTEM_FINGERPRINT: Final = f"care-standin-{TGI_VERSION}"
MARKER_HEADER: Final = "x-care-standin"

# TGI's launcher defaults, reported by /info and enforced like TGI enforces them.
MAX_CONCURRENT_REQUESTS: Final = 128
MAX_BEST_OF: Final = 2
MAX_STOP_SEQUENCES: Final = 4
MAX_TOP_N_TOKENS: Final = 5
VALIDATION_WORKERS: Final = 2
MAX_CLIENT_BATCH_SIZE: Final = 4
# TGI's default payload limit; aiohttp's own default (1 MiB) is smaller.
MAX_PAYLOAD_BYTES: Final = 2_000_000
RECORDED_REQUESTS: Final = 10_000

# A "timeout" fault is meant to outlast the client; the cap only keeps a forgotten server from
# accumulating held requests forever.
TIMEOUT_FAULT_CAP_S: Final = 120.0
# stop() cancels in-flight handlers first, so this only bounds aiohttp's own connection shutdown.
SHUTDOWN_GRACE_S: Final = 1.0

_VOCAB_SIZE: Final = 32_000
_FIRST_ORDINARY_ID: Final = 3  # ids below are special tokens (pad, bos, eos) in most vocabularies
_CONTROL_PREFIX: Final = "/_standin/"

Endpoint = Literal["generate", "stream", "compat"]
Flavour = Literal["tgi", "openai"]
FLAVOURS: Final[tuple[Flavour, ...]] = ("tgi", "openai")


@dataclass(frozen=True)
class StandinConfig:
    host: str = "127.0.0.1"
    port: int = 8080  # 0 = pick a free port
    time_to_first_token_ms: float = 0.0
    time_per_token_ms: float = 0.0
    model_id: str = "care-standin"
    fault_mode: str = "none"
    fault_rate: float = 0.0
    seed: int = 0
    max_input_tokens: int = 8192
    max_total_tokens: int = 8704
    # Keep the bodies of the last requests in memory for privacy tests (GET /_standin/requests).
    record_requests: bool = False
    # "tgi", or "openai" for a vLLM-like OpenAI-compatible server (see the module docstring).
    flavour: Flavour = "tgi"
    # The LoRA adapters loaded next to the base model.
    adapters: tuple[str, ...] = ()


def parse_adapters(value: str) -> tuple[str, ...]:
    """Adapter ids from a comma-separated list (the form of a command-line option or variable)."""
    return tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))


# ---------------------------------------------------------------------------------------------------
# Errors


class ApiError(Exception):
    """An error answered with TGI's ErrorResponse body."""

    def __init__(self, status: int, message: str, error_type: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_type = error_type

    def body(self) -> dict[str, Any]:
        return {"error": self.message, "error_type": self.error_type}


class OpenAiError(ApiError):
    """An error answered with the body of vLLM's OpenAI-compatible server."""

    def body(self) -> dict[str, Any]:
        return {
            "object": "error",
            "message": self.message,
            "type": self.error_type,
            "param": None,
            "code": self.status,
        }


def _unreadable(detail: str) -> ApiError:
    # TGI (axum) refuses these before its handler runs; the message never quotes the input.
    return ApiError(422, f"Failed to deserialize the JSON body into the target type: {detail}", "validation")


def _invalid(detail: str) -> ApiError:
    return ApiError(422, f"Input validation error: {detail}", "validation")


def _overloaded() -> ApiError:
    return ApiError(429, "Model is overloaded", "overloaded")


def _fault_error(mode: FaultMode, *, streaming: bool) -> ApiError:
    if mode == "429":
        return _overloaded()
    if mode == "424":
        return ApiError(424, "Request failed during generation: injected fault", "generation")
    if mode == "500":
        message = "Incomplete generation stream" if streaming else "Incomplete generation"
        return ApiError(500, message, "incomplete_generation")
    return ApiError(503, "Service unavailable", "unavailable")


# ---------------------------------------------------------------------------------------------------
# Request parsing (shape) and validation (values), after TGI's router


class _Fields:
    """Typed access to one JSON object of a request; wrong shapes raise 422 like serde would."""

    def __init__(self, raw: object, where: str) -> None:
        if not isinstance(raw, dict):
            raise _unreadable(f"{where or 'body'}: expected a JSON object")
        self._raw: dict[str, Any] = raw
        self._where = where

    def _at(self, key: str) -> str:
        return f"{self._where}.{key}" if self._where else key

    def has(self, key: str) -> bool:
        return key in self._raw

    def present(self, key: str) -> bool:
        return self._raw.get(key) is not None

    def raw(self, key: str) -> object:
        return self._raw.get(key)

    def required_str(self, key: str) -> str:
        if key not in self._raw:
            raise _unreadable(f"missing field `{self._at(key)}`")
        value = self._raw[key]
        if not isinstance(value, str):
            raise _unreadable(f"{self._at(key)}: expected a string")
        return value

    def opt_str(self, key: str) -> str | None:
        value = self._raw.get(key)
        if value is not None and not isinstance(value, str):
            raise _unreadable(f"{self._at(key)}: expected a string")
        return value

    def opt_int(self, key: str) -> int | None:
        value = self._raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _unreadable(f"{self._at(key)}: expected a non-negative integer")
        return value

    def opt_float(self, key: str) -> float | None:
        value = self._raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _unreadable(f"{self._at(key)}: expected a number")
        return float(value)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self._raw.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise _unreadable(f"{self._at(key)}: expected a boolean")
        return value

    def opt_bool(self, key: str) -> bool | None:
        return self.flag(key) if self.present(key) else None

    def str_list(self, key: str) -> tuple[str, ...]:
        value = self._raw.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise _unreadable(f"{self._at(key)}: expected a list of strings")
        return tuple(value)

    def opt_object(self, key: str) -> _Fields | None:
        value = self._raw.get(key)
        return None if value is None else _Fields(value, self._at(key))


@dataclass(frozen=True)
class _Params:
    max_new_tokens: int | None = None
    stop: tuple[str, ...] = ()
    seed: int | None = None
    details: bool = False
    decoder_input_details: bool = False
    return_full_text: bool | None = None
    top_n_tokens: int | None = None
    best_of: int | None = None
    do_sample: bool = False
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    typical_p: float | None = None
    repetition_penalty: float | None = None
    frequency_penalty: float | None = None
    truncate: int | None = None
    adapter_id: str | None = None


@dataclass(frozen=True)
class _TextRequest:
    inputs: str
    params: _Params
    stream: bool


def _parse_params(fields: _Fields | None) -> _Params:
    if fields is None:
        return _Params()
    adapter_id = fields.opt_str("adapter_id")
    fields.flag("watermark")
    grammar = fields.opt_object("grammar")
    if grammar is not None:
        grammar.required_str("type")
    return _Params(
        max_new_tokens=fields.opt_int("max_new_tokens"),
        stop=fields.str_list("stop"),
        seed=fields.opt_int("seed"),
        details=fields.flag("details"),
        decoder_input_details=fields.flag("decoder_input_details"),
        return_full_text=fields.opt_bool("return_full_text"),
        top_n_tokens=fields.opt_int("top_n_tokens"),
        best_of=fields.opt_int("best_of"),
        do_sample=fields.flag("do_sample"),
        temperature=fields.opt_float("temperature"),
        top_p=fields.opt_float("top_p"),
        top_k=fields.opt_int("top_k"),
        typical_p=fields.opt_float("typical_p"),
        repetition_penalty=fields.opt_float("repetition_penalty"),
        frequency_penalty=fields.opt_float("frequency_penalty"),
        truncate=fields.opt_int("truncate"),
        adapter_id=adapter_id,
    )


def _parse_text_request(body: object) -> _TextRequest:
    fields = _Fields(body, "")
    inputs = fields.required_str("inputs")
    params = _parse_params(fields.opt_object("parameters"))
    return _TextRequest(inputs=inputs, params=params, stream=fields.flag("stream"))


def _word_count(text: str) -> int:
    return len(text.split())


def _validate(params: _Params, input_length: int, config: StandinConfig, *, streaming: bool) -> int:
    """TGI's parameter validation, in TGI's order and words; returns the effective max_new_tokens."""
    if streaming and (params.best_of or 1) != 1:
        raise _invalid("`best_of` != 1 is not allowed for this endpoint")
    if streaming and params.decoder_input_details:
        raise _invalid("`decoder_input_details` == true is not supported when streaming tokens")
    sampling = params.do_sample or any(
        value is not None for value in (params.temperature, params.top_p, params.top_k, params.typical_p)
    )
    if params.best_of is not None:
        if params.best_of == 0 or params.best_of > MAX_BEST_OF:
            raise _invalid(f"`best_of` must be > 0 and <= {MAX_BEST_OF}. Given: {params.best_of}")
        if params.best_of > 1 and not sampling:
            raise _invalid("you must use sampling when `best_of` is > 1")
        if params.best_of > 1 and params.seed is not None:
            raise _invalid("`seed` must not be set when `best_of` > 1")
    if params.temperature is not None and params.temperature <= 0.0:
        raise _invalid("`temperature` must be strictly positive")
    if params.repetition_penalty is not None and params.repetition_penalty <= 0.0:
        raise _invalid("`repetition_penalty` must be strictly positive")
    if params.frequency_penalty is not None and not -2.0 <= params.frequency_penalty <= 2.0:
        raise _invalid("`frequency_penalty` must be >= -2.0 and <= 2.0")
    if params.top_p is not None and not 0.0 < params.top_p < 1.0:
        raise _invalid("`top_p` must be > 0.0 and < 1.0")
    if params.typical_p is not None and not 0.0 < params.typical_p < 1.0:
        raise _invalid("`typical_p` must be > 0.0 and < 1.0")
    if params.top_k is not None and params.top_k == 0:
        raise _invalid("`top_k` must be strictly positive")
    if len(params.stop) > MAX_STOP_SEQUENCES:
        raise _invalid(
            f"`stop` supports up to {MAX_STOP_SEQUENCES} stop sequences. Given: {len(params.stop)}"
        )
    if params.top_n_tokens is not None and params.top_n_tokens > MAX_TOP_N_TOKENS:
        raise _invalid(f"`top_n_tokens` must be >= 0 and <= {MAX_TOP_N_TOKENS}. Given: {params.top_n_tokens}")
    if params.max_new_tokens is not None and params.max_new_tokens == 0:
        raise _invalid("`max_new_tokens` must be strictly positive")
    if input_length == 0:
        raise _invalid("`inputs` cannot be empty")
    if params.truncate is not None:
        if params.truncate == 0 or params.truncate > config.max_input_tokens:
            raise _invalid(
                f"`truncate` must be strictly positive and less than {config.max_input_tokens}. "
                f"Given: {params.truncate}"
            )
        input_length = min(input_length, params.truncate)
    if input_length > config.max_input_tokens:
        raise _invalid(
            f"`inputs` must have less than {config.max_input_tokens} tokens. Given: {input_length}"
        )
    max_new_tokens = params.max_new_tokens or max(1, config.max_total_tokens - input_length)
    if input_length + max_new_tokens > config.max_total_tokens:
        raise _invalid(
            f"`inputs` tokens + `max_new_tokens` must be <= {config.max_total_tokens}. "
            f"Given: {input_length} `inputs` tokens and {max_new_tokens} `max_new_tokens`"
        )
    return max_new_tokens


@dataclass(frozen=True)
class _ChatRequest:
    messages: tuple[tuple[str, str], ...]  # (role, text) in order
    model: str | None
    params: _Params
    stream: bool
    include_usage: bool
    logprobs: bool


def _message_text(message: _Fields) -> str:
    content = message.raw("content")
    if content is None:
        if not message.present("tool_calls"):
            raise _unreadable("messages: each message needs `content` or `tool_calls`")
        return ""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise _unreadable("messages.content: expected a string or a list of chunks")
    texts: list[str] = []
    for chunk in content:
        part = _Fields(chunk, "messages.content")
        kind = part.required_str("type")
        if kind == "text":
            texts.append(part.required_str("text"))
        elif kind == "image_url":
            image = part.opt_object("image_url")
            if image is None:
                raise _unreadable("missing field `messages.content.image_url`")
            image.required_str("url")
        else:
            raise _unreadable("messages.content.type: expected `text` or `image_url`")
    return " ".join(texts)


def _parse_chat_request(body: object) -> _ChatRequest:
    fields = _Fields(body, "")
    raw_messages = fields.raw("messages")
    if not fields.has("messages"):
        raise _unreadable("missing field `messages`")
    if not isinstance(raw_messages, list):
        raise _unreadable("messages: expected a list")
    messages: list[tuple[str, str]] = []
    for raw in raw_messages:
        message = _Fields(raw, "messages")
        messages.append((message.required_str("role"), _message_text(message)))
    if not messages:
        # TGI's chat template fails on an empty conversation, before any streaming starts.
        raise ApiError(422, "Template error: `messages` cannot be empty", "template_error")

    options = fields.opt_object("stream_options")
    include_usage = options.flag("include_usage") if options is not None else False
    for key in ("n",):
        fields.opt_int(key)
    fields.opt_float("presence_penalty")
    fields.opt_str("tool_prompt")
    temperature = fields.opt_float("temperature")
    top_logprobs = fields.opt_int("top_logprobs")
    logprobs = fields.flag("logprobs")
    # Like TGI: temperature 0 means greedy decoding rather than an invalid temperature.
    greedy = temperature == 0.0
    params = _Params(
        max_new_tokens=fields.opt_int("max_tokens"),
        stop=fields.str_list("stop"),
        seed=fields.opt_int("seed"),
        details=True,
        top_n_tokens=top_logprobs,
        do_sample=not greedy,
        temperature=None if greedy else temperature,
        top_p=fields.opt_float("top_p"),
        frequency_penalty=fields.opt_float("frequency_penalty"),
    )
    return _ChatRequest(
        messages=tuple(messages),
        model=fields.opt_str("model"),
        params=params,
        stream=fields.flag("stream"),
        include_usage=include_usage,
        logprobs=logprobs or top_logprobs is not None,
    )


# ---------------------------------------------------------------------------------------------------
# Generation (pure)


@dataclass(frozen=True)
class _Token:
    id: int
    text: str
    logprob: float

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "logprob": self.logprob, "special": False}


@dataclass(frozen=True)
class _Generation:
    tokens: tuple[_Token, ...]
    finish_reason: Literal["length", "eos_token", "stop_sequence"]
    input_length: int
    seed: int | None

    @property
    def text(self) -> str:
        return "".join(token.text for token in self.tokens)

    @property
    def chat_finish_reason(self) -> str:
        return "length" if self.finish_reason == "length" else "stop"


_REPLY_TOKEN = re.compile(r"\s*\S+\s*")
_WORD = re.compile(r"\S+")


def _token(text: str) -> _Token:
    crc = zlib.crc32(text.strip().encode("utf-8"))
    token_id = _FIRST_ORDINARY_ID + crc % (_VOCAB_SIZE - _FIRST_ORDINARY_ID)
    # A plausible, repeatable log-probability in (-2, 0].
    return _Token(id=token_id, text=text, logprob=-((crc >> 16) % 2000) / 1000)


def _reply_seed(seed_text: str, seed: int | None) -> int:
    digest = hashlib.sha256(f"{seed_text}\x00{seed}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _generate(
    *,
    language_text: str,
    steering_text: str,
    seed_text: str,
    params: _Params,
    max_new_tokens: int,
    input_length: int,
    adapter: str = "",
    scripted: str | None = None,
) -> _Generation:
    phrase = scripted or pick_phrase(
        detect_language(language_text),
        strategy_from_text(steering_text),
        _reply_seed(seed_text, params.seed),
        adapter=adapter,
    )
    pieces = _REPLY_TOKEN.findall(phrase)
    tokens: list[_Token] = []
    finish: Literal["length", "eos_token", "stop_sequence"] = "eos_token"
    text = ""
    for piece in pieces:
        if len(tokens) == max_new_tokens:
            finish = "length"
            break
        tokens.append(_token(piece))
        text += piece
        if any(stop and stop in text for stop in params.stop):
            finish = "stop_sequence"
            break
    return _Generation(
        tokens=tuple(tokens), finish_reason=finish, input_length=input_length, seed=params.seed
    )


def _prefill(inputs: str) -> list[dict[str, Any]]:
    words = _WORD.findall(inputs)
    # The first prompt token has no log-probability: nothing precedes it.
    return [
        {"id": t.id, "text": t.text, "logprob": None if i == 0 else t.logprob}
        for i, t in enumerate(map(_token, words))
    ]


# ---------------------------------------------------------------------------------------------------
# Server state, metrics and statistics


class _TgiCounters:
    """TGI's counters under TGI's exact names (prometheus_client would add a ``_total`` suffix)."""

    def __init__(self, state: _State) -> None:
        self._state = state

    def describe(self) -> Iterable[Metric]:
        return self._families()

    def collect(self) -> Iterable[Metric]:
        return self._families()

    def _families(self) -> list[Metric]:
        state = self._state
        count = UnknownMetricFamily("tgi_request_count", "Total number of requests", value=state.tgi_requests)
        success = UnknownMetricFamily(
            "tgi_request_success", "Number of successful requests", value=state.tgi_successes
        )
        failure = UnknownMetricFamily("tgi_request_failure", "Number of failed requests", labels=["err"])
        for err, value in sorted(state.tgi_failures.items()):
            failure.add_metric([err], value)
        queue = GaugeMetricFamily("tgi_queue_size", "Current queue size", value=0)
        batch = GaugeMetricFamily("tgi_batch_current_size", "Current batch size", value=state.in_flight)
        return [count, success, failure, queue, batch]


def _geometric(start: float, factor: float, count: int) -> list[float]:
    return [start * factor**i for i in range(1, count + 1)]


class _State:
    def __init__(self, config: StandinConfig) -> None:
        self.config = config
        self.rng = random.Random(config.seed)  # noqa: S311 - repeatable fault draws, not secrets
        self.faults = FaultPlan.from_json({"mode": config.fault_mode, "rate": config.fault_rate})
        self.ttft_ms = config.time_to_first_token_ms
        self.tpt_ms = config.time_per_token_ms
        # Replies that tests script (POST /_standin/replies), e.g. an unsafe one for the safety gate.
        self.scripted_replies: deque[str] = deque()
        self.handlers: set[asyncio.Task[Any]] = set()
        self.in_flight = 0
        self.tgi_requests = 0
        self.tgi_successes = 0
        self.tgi_failures: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.responses: dict[str, Counter[str]] = {}
        self.faults_injected: Counter[str] = Counter()
        self.tokens_generated = 0
        self.stream_events = 0
        self.simulated_delay_ms = 0.0
        # Requests whose client left before the response was complete; set while stopping, the
        # stand-in's own cancellations are not counted.
        self.cancelled = 0
        self.stopping = False
        self.recorded: deque[bytes] | None = (
            deque(maxlen=RECORDED_REQUESTS) if config.record_requests else None
        )

        self.registry = CollectorRegistry()
        self.registry.register(_TgiCounters(self))
        # Bucket layouts follow TGI's (geometric for durations, linear in the token limits).
        self.duration = Histogram(
            "tgi_request_duration",
            "Total time spent processing the request",
            buckets=_geometric(0.0001, 1.5, 35),
            registry=self.registry,
        )
        self.time_per_token = Histogram(
            "tgi_request_mean_time_per_token_duration",
            "Mean time per token per request",
            buckets=_geometric(0.0001, 1.5, 35),
            registry=self.registry,
        )
        self.input_length = Histogram(
            "tgi_request_input_length",
            "Input token length per request",
            buckets=[config.max_input_tokens / 20 * (i + 1) for i in range(20)],
            registry=self.registry,
        )
        self.generated_tokens = Histogram(
            "tgi_request_generated_tokens",
            "Generated tokens per request",
            buckets=[config.max_total_tokens / 20 * (i + 1) for i in range(20)],
            registry=self.registry,
        )

    def draw_fault(self) -> FaultMode | None:
        fault, self.faults = decide(self.faults, self.rng)
        if fault is not None:
            self.faults_injected[fault] += 1
        return fault

    async def pause(self, ms: float) -> None:
        if ms > 0:
            self.simulated_delay_ms += ms
            await asyncio.sleep(ms / 1000)

    async def hold(self) -> NoReturn:
        await asyncio.sleep(TIMEOUT_FAULT_CAP_S)
        raise _fault_error("503", streaming=False)

    def record_success(self, generation: _Generation, started: float) -> None:
        elapsed = time.perf_counter() - started
        self.tgi_successes += 1
        self.tokens_generated += len(generation.tokens)
        self.duration.observe(elapsed)
        self.time_per_token.observe(elapsed / max(1, len(generation.tokens)))
        self.input_length.observe(generation.input_length)
        self.generated_tokens.observe(len(generation.tokens))

    def record_failure(self, error: ApiError) -> None:
        # TGI labels failures with a shorter name for this one error type only.
        err = "incomplete" if error.error_type == "incomplete_generation" else error.error_type
        self.tgi_failures[err] += 1

    def stats(self) -> dict[str, Any]:
        return {
            "requests": dict(self.requests),
            "responses": {path: dict(codes) for path, codes in self.responses.items()},
            "faults_injected": dict(self.faults_injected),
            "faults_injected_total": sum(self.faults_injected.values()),
            "tokens_generated": self.tokens_generated,
            "stream_events": self.stream_events,
            "simulated_delay_ms": self.simulated_delay_ms,
            "cancelled": self.cancelled,
            "in_flight": self.in_flight,
            "latency": self.latency(),
            "fault_plan": self.faults.to_json(),
        }

    def reset_stats(self) -> None:
        self.requests.clear()
        self.responses.clear()
        self.faults_injected.clear()
        self.tokens_generated = 0
        self.stream_events = 0
        self.simulated_delay_ms = 0.0
        self.cancelled = 0

    def next_scripted_reply(self) -> str | None:
        """The next scripted reply, consumed by one generation; None once the script is used up."""
        return self.scripted_replies.popleft() if self.scripted_replies else None

    def latency(self) -> dict[str, float]:
        return {"time_to_first_token_ms": self.ttft_ms, "time_per_token_ms": self.tpt_ms}


STATE_KEY: Final = web.AppKey("care_standin_state", _State)


def _state(request: web.Request) -> _State:
    return request.app[STATE_KEY]


# ---------------------------------------------------------------------------------------------------
# Responses


def _dumps(payload: object) -> str:
    # Like serde_json: UTF-8 text, compact separators.
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _json(payload: object, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(text=_dumps(payload), status=status, content_type="application/json", headers=headers)


def _error_response(error: ApiError) -> web.Response:
    return _json(error.body(), status=error.status)


class _EventStream:
    """A server-sent event stream in TGI's framing (``data:<json>`` and a blank line)."""

    def __init__(self, request: web.Request, state: _State, headers: dict[str, str]) -> None:
        self._request = request
        self._state = state
        self.response = web.StreamResponse(
            status=200,
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
                **headers,
            },
        )

    async def open(self) -> None:
        await self.response.prepare(self._request)

    async def send(self, payload: object) -> None:
        self._state.stream_events += 1
        await self.response.write(f"data:{_dumps(payload)}\n\n".encode())

    async def send_done(self) -> None:
        await self.response.write(b"data: [DONE]\n\n")

    async def close(self) -> None:
        await self.response.write_eof()


def _compute_headers(inputs: str) -> dict[str, str]:
    return {"x-compute-type": "care-standin", "x-compute-characters": str(len(inputs))}


def _timing_headers(generation: _Generation, started: float) -> dict[str, str]:
    total_ms = int((time.perf_counter() - started) * 1000)
    return {
        "x-compute-time": f"{total_ms / 1000:.3f}",
        "x-total-time": str(total_ms),
        "x-validation-time": "0",
        "x-queue-time": "0",
        "x-inference-time": str(total_ms),
        "x-time-per-token": str(total_ms // max(1, len(generation.tokens))),
        "x-prompt-tokens": str(generation.input_length),
        "x-generated-tokens": str(len(generation.tokens)),
    }


def _top_tokens(token: _Token, top_n: int | None) -> list[dict[str, Any]]:
    # The stand-in has a single candidate per position; it is its own top token.
    return [token.to_json()] if top_n else []


# ---------------------------------------------------------------------------------------------------
# Handlers: the generation path shared by every route


async def _read_json(request: web.Request) -> object:
    raw = await request.read()
    recorded = _state(request).recorded
    if recorded is not None:
        recorded.append(raw)
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        position = f" at position {exc.pos}" if isinstance(exc, json.JSONDecodeError) else ""
        raise _unreadable(f"the body is not valid JSON{position}") from None


@dataclass(frozen=True)
class _Admission:
    """A readable request after validation and the fault draw (only valid requests draw)."""

    max_new_tokens: int
    problem: ApiError | None
    fault: FaultMode | None


def _admit(state: _State, params: _Params, input_length: int, *, streaming: bool) -> _Admission:
    try:
        max_new_tokens = _validate(params, input_length, state.config, streaming=streaming)
    except ApiError as problem:
        return _Admission(0, problem, None)
    return _Admission(max_new_tokens, None, state.draw_fault())


async def _before_response(state: _State, admission: _Admission) -> None:
    """Faults that strike before any byte of the response: a hung or unreachable backend."""
    if admission.fault == "timeout":
        await state.hold()
    if admission.fault == "503":
        raise _fault_error("503", streaming=False)


async def _complete(
    state: _State, admission: _Admission, make: Callable[[], _Generation], started: float
) -> _Generation:
    """The non-streaming path: every error is raised (and answered with its status) before any output."""
    try:
        if admission.problem is not None:
            raise admission.problem
        await _before_response(state, admission)
        if admission.fault is not None:
            raise _fault_error(admission.fault, streaming=False)
        if state.in_flight >= MAX_CONCURRENT_REQUESTS:
            raise _overloaded()
        result = make()
        state.in_flight += 1
        try:
            await state.pause(state.ttft_ms + state.tpt_ms * (len(result.tokens) - 1))
        finally:
            state.in_flight -= 1
    except ApiError as error:
        state.record_failure(error)
        raise
    state.record_success(result, started)
    return result


TokenSender = Callable[[_Generation, int, bool], Awaitable[None]]


async def _stream(
    state: _State,
    stream: _EventStream,
    admission: _Admission,
    make: Callable[[], _Generation],
    send_token: TokenSender,
    started: float,
) -> _Generation | None:
    """The streaming path after the response has begun: errors are events. None when one was sent."""

    async def fail(error: ApiError) -> None:
        state.record_failure(error)
        await stream.send(error.body())

    if admission.problem is not None:
        await fail(admission.problem)
        return None
    if admission.fault == "429" or state.in_flight >= MAX_CONCURRENT_REQUESTS:
        await fail(_overloaded())
        return None
    result = make()
    # Generation errors strike midway, after some tokens have gone out, as they do on a real server.
    fail_at = len(result.tokens) // 2 if admission.fault in ("424", "500") else None
    state.in_flight += 1
    try:
        for index in range(len(result.tokens)):
            if admission.fault is not None and index == fail_at:
                await fail(_fault_error(admission.fault, streaming=True))
                return None
            await state.pause(state.ttft_ms if index == 0 else state.tpt_ms)
            last = index == len(result.tokens) - 1
            if last:
                state.record_success(result, started)
            await send_token(result, index, last)
    finally:
        state.in_flight -= 1
    return result


async def _open_stream(
    request: web.Request, state: _State, admission: _Admission, headers: dict[str, str]
) -> _EventStream:
    try:
        await _before_response(state, admission)
    except ApiError as error:
        state.record_failure(error)
        raise
    stream = _EventStream(request, state, headers)
    await stream.open()
    return stream


# ---------------------------------------------------------------------------------------------------
# Handlers: text generation (/generate, /generate_stream, POST /)


async def _text_generation(request: web.Request, endpoint: Endpoint) -> web.StreamResponse:
    state = _state(request)
    started = time.perf_counter()
    text_request = _parse_text_request(await _read_json(request))
    state.tgi_requests += 1
    params = text_request.params
    if endpoint == "compat" and params.return_full_text is None:
        params = replace(params, return_full_text=True)
    inputs = text_request.inputs
    prefix = inputs if params.return_full_text else ""
    streaming = endpoint == "stream" or (endpoint == "compat" and text_request.stream)
    input_length = _word_count(inputs)
    admission = _admit(state, params, input_length, streaming=streaming)

    def make() -> _Generation:
        return _generate(
            language_text=inputs,
            steering_text=inputs,
            seed_text=inputs,
            params=params,
            max_new_tokens=admission.max_new_tokens,
            input_length=min(input_length, params.truncate or input_length),
            adapter=_adapter(state.config, params.adapter_id),
            scripted=state.next_scripted_reply(),
        )

    if not streaming:
        result = await _complete(state, admission, make, started)
        body: dict[str, Any] = {"generated_text": prefix + result.text}
        if params.details or params.decoder_input_details:
            details: dict[str, Any] = {
                "finish_reason": result.finish_reason,
                "generated_tokens": len(result.tokens),
                "seed": result.seed,
                "prefill": _prefill(inputs) if params.decoder_input_details else [],
                "tokens": [token.to_json() for token in result.tokens],
            }
            if params.top_n_tokens:
                details["top_tokens"] = [_top_tokens(token, params.top_n_tokens) for token in result.tokens]
            body["details"] = details
        headers = {**_compute_headers(inputs), **_timing_headers(result, started)}
        return _json([body] if endpoint == "compat" else body, headers=headers)

    stream = await _open_stream(request, state, admission, _compute_headers(inputs))

    async def send_token(result: _Generation, index: int, last: bool) -> None:
        token = result.tokens[index]
        event: dict[str, Any] = {
            "index": index + 1,
            "token": token.to_json(),
            "generated_text": None,
            "details": None,
        }
        if params.top_n_tokens:
            event["top_tokens"] = _top_tokens(token, params.top_n_tokens)
        if last:
            event["generated_text"] = prefix + result.text
            if params.details:
                event["details"] = {
                    "finish_reason": result.finish_reason,
                    "generated_tokens": len(result.tokens),
                    "seed": result.seed,
                    "input_length": result.input_length,
                }
        await stream.send(event)

    try:
        await _stream(state, stream, admission, make, send_token, started)
        await stream.close()
    except ConnectionResetError:
        _client_left(state, request)
    return stream.response


async def handle_generate(request: web.Request) -> web.StreamResponse:
    return await _text_generation(request, "generate")


async def handle_generate_stream(request: web.Request) -> web.StreamResponse:
    return await _text_generation(request, "stream")


async def handle_compat_generate(request: web.Request) -> web.StreamResponse:
    return await _text_generation(request, "compat")


# ---------------------------------------------------------------------------------------------------
# Handlers: chat completions


def _adapter(config: StandinConfig, adapter_id: str | None) -> str:
    """The adapter that generates: a loaded one, else none (TGI's silent fallback to the base model)."""
    return adapter_id if adapter_id and adapter_id in config.adapters else ""


def _chat_adapter(config: StandinConfig, model: str | None) -> str:
    if config.flavour == "tgi":
        # TGI reads a chat completion's `model` as the adapter id, whatever it names.
        return _adapter(config, model)
    if model is None or model == config.model_id:
        return ""
    if model in config.adapters:
        return model
    raise OpenAiError(404, f"The model `{model}` does not exist.", "NotFoundError")


def _client_left(state: _State, request: web.Request) -> None:
    # aiohttp cancels the handler when the connection drops (handler_cancellation), or a write
    # fails first; either way nothing more is generated for this request.
    state.cancelled += 1
    log.debug("client left early", extra={"fields": {"path": _endpoint_of(request)}})


def _chat_logprobs(tokens: Iterable[_Token], top_n: int | None) -> dict[str, Any]:
    return {
        "content": [
            {
                "token": token.text,
                "logprob": token.logprob,
                "top_logprobs": [{"token": token.text, "logprob": token.logprob}] if top_n else [],
            }
            for token in tokens
        ]
    }


async def handle_chat_completions(request: web.Request) -> web.StreamResponse:
    state = _state(request)
    started = time.perf_counter()
    chat = _parse_chat_request(await _read_json(request))
    adapter = _chat_adapter(state.config, chat.model)
    state.tgi_requests += 1
    users = [text for role, text in chat.messages if role == "user"]
    systems = "\n".join(text for role, text in chat.messages if role == "system")
    # The steering line may end any message (CARE puts it last); the last one in the prompt wins.
    conversation = "\n".join(text for _, text in chat.messages)
    input_length = sum(_word_count(text) for _, text in chat.messages)
    admission = _admit(state, chat.params, input_length, streaming=chat.stream)
    envelope = {
        "id": "",
        "created": int(time.time()),
        "model": chat.model or state.config.model_id,
        "system_fingerprint": SYSTEM_FINGERPRINT,
    }

    # A per-language model answers in its language whatever the help-seeker typed (Arabizi, a
    # Hebrew word); the route's system prompt says which one this request stands for.
    language_text = systems if has_route_script(systems) else (users[-1] if users else "")

    def make() -> _Generation:
        return _generate(
            language_text=language_text,
            steering_text=conversation,
            seed_text=_dumps(chat.messages),
            params=chat.params,
            max_new_tokens=admission.max_new_tokens,
            input_length=input_length,
            adapter=adapter,
            scripted=state.next_scripted_reply(),
        )

    def usage(result: _Generation) -> dict[str, int]:
        completion = len(result.tokens)
        return {
            "prompt_tokens": input_length,
            "completion_tokens": completion,
            "total_tokens": input_length + completion,
        }

    def logprobs(tokens: Iterable[_Token]) -> dict[str, Any] | None:
        return _chat_logprobs(tokens, chat.params.top_n_tokens) if chat.logprobs else None

    if not chat.stream:
        result = await _complete(state, admission, make, started)
        choice = {
            "index": 0,
            "message": {"role": "assistant", "content": result.text},
            "logprobs": logprobs(result.tokens),
            "finish_reason": result.chat_finish_reason,
        }
        completion = {"object": "chat.completion", **envelope, "choices": [choice], "usage": usage(result)}
        return _json(completion, headers=_timing_headers(result, started))

    stream = await _open_stream(request, state, admission, {"x-compute-type": "care-standin"})

    def chunk(choices: list[dict[str, Any]], usage_value: dict[str, int] | None) -> dict[str, Any]:
        return {"object": "chat.completion.chunk", **envelope, "choices": choices, "usage": usage_value}

    async def send_token(result: _Generation, index: int, last: bool) -> None:
        token = result.tokens[index]
        choice = {
            "index": 0,
            "delta": {"role": "assistant", "content": token.text},
            "logprobs": logprobs([token]),
            "finish_reason": result.chat_finish_reason if last else None,
        }
        await stream.send(chunk([choice], None))

    try:
        streamed = await _stream(state, stream, admission, make, send_token, started)
        if streamed is not None and chat.include_usage:
            await stream.send(chunk([], usage(streamed)))
        await stream.send_done()
        await stream.close()
    except ConnectionResetError:
        _client_left(state, request)
    return stream.response


# ---------------------------------------------------------------------------------------------------
# Handlers: information, health, metrics, tokenize


def _info(config: StandinConfig) -> dict[str, Any]:
    return {
        "model_id": config.model_id,
        "model_sha": None,
        "model_pipeline_tag": "text-generation",
        "max_concurrent_requests": MAX_CONCURRENT_REQUESTS,
        "max_best_of": MAX_BEST_OF,
        "max_stop_sequences": MAX_STOP_SEQUENCES,
        "max_input_tokens": config.max_input_tokens,
        "max_total_tokens": config.max_total_tokens,
        "validation_workers": VALIDATION_WORKERS,
        "max_client_batch_size": MAX_CLIENT_BATCH_SIZE,
        "router": "text-generation-router",
        "version": TGI_VERSION,
        "sha": None,
        "docker_label": None,
    }


async def handle_info(request: web.Request) -> web.Response:
    return _json(_info(_state(request).config))


async def handle_health(request: web.Request) -> web.Response:
    faults = _state(request).faults
    if faults.active and faults.mode == "503":
        return _json({"error": "unhealthy", "error_type": "healthcheck"}, status=503)
    return web.Response(status=200)


async def handle_metrics(request: web.Request) -> web.Response:
    response = web.Response(body=generate_latest(_state(request).registry))
    response.headers["Content-Type"] = CONTENT_TYPE_PLAIN_0_0_4
    return response


async def handle_models(request: web.Request) -> web.Response:
    config = _state(request).config
    model_id = config.model_id
    if config.flavour == "openai":
        return _json({"object": "list", "data": _vllm_models(config)})
    model = {"id": model_id, "object": "model", "created": 0, "owned_by": model_id}
    # The OpenAPI document says ModelInfo while TGI's router answers an OpenAI-style list
    # ({"object": "list", "data": [...]}); this body satisfies both readings.
    return _json({**model, "data": [model]})


def _vllm_models(config: StandinConfig) -> list[dict[str, Any]]:
    # vLLM lists the served model, then each LoRA adapter with the base model as its parent.
    def card(ident: str, root: str, parent: str | None) -> dict[str, Any]:
        return {
            "id": ident,
            "object": "model",
            "created": 0,
            "owned_by": "vllm",
            "root": root,
            "parent": parent,
            "max_model_len": config.max_total_tokens,
            "permission": [],
        }

    base = card(config.model_id, config.model_id, None)
    return [base, *(card(adapter, f"/adapters/{adapter}", config.model_id) for adapter in config.adapters)]


async def handle_tokenize(request: web.Request) -> web.Response:
    text_request = _parse_text_request(await _read_json(request))
    tokens = [
        {"id": _token(match.group()).id, "text": match.group(), "start": match.start(), "stop": match.end()}
        for match in _WORD.finditer(text_request.inputs)
    ]
    return _json(tokens)


# ---------------------------------------------------------------------------------------------------
# Handlers: stand-in control


async def handle_get_faults(request: web.Request) -> web.Response:
    return _json(_state(request).faults.to_json())


async def handle_set_faults(request: web.Request) -> web.Response:
    state = _state(request)
    try:
        state.faults = FaultPlan.from_json(await _read_json(request))
    except FaultPlanError as exc:
        raise _invalid(str(exc)) from None
    log.info("fault plan changed", extra={"fields": state.faults.to_json()})
    return _json(state.faults.to_json())


async def handle_get_latency(request: web.Request) -> web.Response:
    return _json(_state(request).latency())


async def handle_set_latency(request: web.Request) -> web.Response:
    state = _state(request)
    fields = _Fields(await _read_json(request), "")
    ttft = fields.opt_float("time_to_first_token_ms")
    tpt = fields.opt_float("time_per_token_ms")
    if (ttft is not None and ttft < 0) or (tpt is not None and tpt < 0):
        raise _invalid("latencies must be non-negative")
    state.ttft_ms = state.ttft_ms if ttft is None else ttft
    state.tpt_ms = state.tpt_ms if tpt is None else tpt
    log.info("latency changed", extra={"fields": state.latency()})
    return _json(state.latency())


async def handle_get_replies(request: web.Request) -> web.Response:
    return _json({"scripted": len(_state(request).scripted_replies)})


async def handle_set_replies(request: web.Request) -> web.Response:
    """The next generations reply with these texts, one each, in order; an empty list clears them."""
    body = await _read_json(request)
    texts = body.get("texts") if isinstance(body, dict) else None
    if not isinstance(texts, list) or not all(isinstance(t, str) and t for t in texts):
        raise _invalid("texts must be a list of non-empty strings")
    state = _state(request)
    state.scripted_replies = deque(texts)
    log.info("scripted replies set", extra={"fields": {"count": len(texts)}})
    return _json({"scripted": len(texts)})


async def handle_get_stats(request: web.Request) -> web.Response:
    return _json(_state(request).stats())


async def handle_reset_stats(request: web.Request) -> web.Response:
    state = _state(request)
    state.reset_stats()
    return _json(state.stats())


# ---------------------------------------------------------------------------------------------------
# Application


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _endpoint_of(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "<unmatched>"


@web.middleware
async def _access(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turns ApiError into TGI's error body, counts and logs each request (never its content)."""
    state = _state(request)
    endpoint = _endpoint_of(request)
    counted = not endpoint.startswith(_CONTROL_PREFIX)
    if counted:
        state.requests[endpoint] += 1
    started = time.perf_counter()
    status = 500
    task = asyncio.current_task()
    if task is not None:
        state.handlers.add(task)
    try:
        response = await handler(request)
        status = response.status
        return response
    except ApiError as error:
        status = error.status
        return _error_response(error)
    except web.HTTPException as exc:
        status = exc.status
        raise
    except asyncio.CancelledError:
        status = 499  # the client went away (nginx's convention; nothing is sent)
        if not state.stopping:
            _client_left(state, request)
        raise
    except Exception:
        log.exception("unhandled error", extra={"fields": {"method": request.method, "path": endpoint}})
        return _error_response(ApiError(500, "Internal server error", "internal"))
    finally:
        if task is not None:
            state.handlers.discard(task)
        if counted:
            state.responses.setdefault(endpoint, Counter())[str(status)] += 1
        log.debug(
            "request",
            extra={
                "fields": {
                    "method": request.method,
                    "path": endpoint,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                }
            },
        )


async def _mark(request: web.Request, response: web.StreamResponse) -> None:
    response.headers[MARKER_HEADER] = "1"


async def handle_get_requests(request: web.Request) -> web.Response:
    """The recorded request bodies, oldest first; 404 unless the stand-in was started recording."""
    recorded = _state(request).recorded
    if recorded is None:
        return web.json_response({"error": "not recording requests", "error_type": "not_found"}, status=404)
    bodies = [raw.decode("utf-8", "replace") for raw in recorded]
    return web.json_response({"requests": bodies})


def create_app(config: StandinConfig) -> web.Application:
    """The stand-in as an aiohttp application.

    Raises FaultPlanError for a bad fault mode or rate, ValueError for an unknown flavour.
    """
    if config.flavour not in FLAVOURS:
        raise ValueError(f"flavour must be one of {', '.join(FLAVOURS)}")
    app = web.Application(middlewares=[_access], client_max_size=MAX_PAYLOAD_BYTES)
    app[STATE_KEY] = _State(config)
    app.on_response_prepare.append(_mark)
    if config.flavour == "tgi":
        app.router.add_post("/", handle_compat_generate)
        app.router.add_get("/", handle_health)
        app.router.add_post("/generate", handle_generate)
        app.router.add_post("/generate_stream", handle_generate_stream)
        app.router.add_post("/tokenize", handle_tokenize)
        app.router.add_get("/info", handle_info)
    app.router.add_post("/v1/chat/completions", handle_chat_completions)
    app.router.add_get("/health", handle_health)
    app.router.add_get("/ping", handle_health)
    app.router.add_get("/metrics", handle_metrics)
    app.router.add_get("/v1/models", handle_models)
    app.router.add_get(_CONTROL_PREFIX + "faults", handle_get_faults)
    app.router.add_post(_CONTROL_PREFIX + "faults", handle_set_faults)
    app.router.add_get(_CONTROL_PREFIX + "latency", handle_get_latency)
    app.router.add_post(_CONTROL_PREFIX + "latency", handle_set_latency)
    app.router.add_get(_CONTROL_PREFIX + "replies", handle_get_replies)
    app.router.add_post(_CONTROL_PREFIX + "replies", handle_set_replies)
    app.router.add_get(_CONTROL_PREFIX + "stats", handle_get_stats)
    app.router.add_delete(_CONTROL_PREFIX + "stats", handle_reset_stats)
    app.router.add_get(_CONTROL_PREFIX + "requests", handle_get_requests)
    return app


class RunningStandin:
    """A stand-in bound and serving in the current event loop."""

    def __init__(self, url: str, runner: web.AppRunner, state: _State) -> None:
        self.url = url
        self._runner = runner
        self._state = state

    async def stop(self) -> None:
        # Streams with long simulated latencies and held "timeout" requests would otherwise keep the
        # shutdown waiting for its whole grace period; their clients see the connection close.
        self._state.stopping = True
        for task in list(self._state.handlers):
            task.cancel()
        await self._runner.cleanup()


async def start_standin(config: StandinConfig) -> RunningStandin:
    """Bind and serve; returns once the socket accepts connections."""
    app = create_app(config)
    runner = web.AppRunner(
        app,
        access_log=None,  # the middleware logs requests without client details
        handle_signals=False,
        handler_cancellation=True,  # a client that gives up must not leave its handler running
        shutdown_timeout=SHUTDOWN_GRACE_S,
    )
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    port = _bound_port(runner, config.port)
    host = f"[{config.host}]" if ":" in config.host else config.host
    return RunningStandin(f"http://{host}:{port}", runner, app[STATE_KEY])


def _bound_port(runner: web.AppRunner, requested: int) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return requested


async def _serve(config: StandinConfig) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    standin = await start_standin(config)
    log.info(
        "tgi stand-in listening",
        extra={
            "fields": {
                "url": standin.url,
                "model_id": config.model_id,
                "flavour": config.flavour,
                "adapters": list(config.adapters),
                "fault_mode": config.fault_mode,
            }
        },
    )
    try:
        await stop.wait()
    finally:
        await standin.stop()
        log.info("tgi stand-in stopped", extra={"fields": {"url": standin.url}})


def run_standin(config: StandinConfig) -> None:
    """Serve until SIGINT or SIGTERM (blocking)."""
    if not logging.getLogger().handlers:
        configure_logging()
    asyncio.run(_serve(config))
