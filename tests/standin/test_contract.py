"""Every stand-in endpoint, success and each kind of error, checked against TGI's OpenAPI document."""

import functools
import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from care.standin.server import RunningStandin

from .conftest import StartStandin

SPEC_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "specs" / "tgi-openapi.json"
# Only a base for resolving the document's own "#/components/..." references; nothing is fetched.
SPEC_URI = "https://care.invalid/specs/tgi-openapi.json"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not SPEC_PATH.is_file(), reason=f"TGI's OpenAPI document is not at {SPEC_PATH} (shared/specs missing)"
    ),
]

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
HEBREW_PROMPT = "אני מרגיש שאין לי עם מי לדבר הערב"
ARABIC_PROMPT = "أشعر أنه لا يوجد من أتحدث معه الليلة"


# --- OpenAPI 3.0 -> JSON Schema -------------------------------------------------------------------


def openapi_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's dialect as JSON Schema 2020-12.

    ``nullable: true`` becomes a union with ``null`` (it wraps ``allOf``/``$ref`` schemas too); ``example``
    and ``discriminator`` are OpenAPI annotations with no JSON Schema meaning, so they are dropped.
    Property names are kept as they are, whatever they are called.
    """
    if isinstance(node, list):
        return [openapi_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("nullable", "example", "discriminator"):
            continue
        if key == "properties" and isinstance(value, dict):
            converted[key] = {name: openapi_to_json_schema(schema) for name, schema in value.items()}
        else:
            converted[key] = openapi_to_json_schema(value)
    if node.get("nullable") is True:
        return {"anyOf": [{"type": "null"}, converted]}
    return converted


@functools.cache
def registry() -> Registry:
    document = openapi_to_json_schema(json.loads(SPEC_PATH.read_text(encoding="utf-8")))
    resource: Resource[Any] = DRAFT202012.create_resource(document)
    loaded: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
    return loaded


def _pointer(*segments: str) -> str:
    return "/".join(segment.replace("~", "~0").replace("/", "~1") for segment in segments)


def response_validator(
    path: str, method: str, status: int, content_type: str = "application/json"
) -> Draft202012Validator:
    """The schema the document gives for this response, referenced in place (not copied)."""
    pointer = _pointer("paths", path, method, "responses", str(status), "content", content_type, "schema")
    return Draft202012Validator({"$ref": f"{SPEC_URI}#/{pointer}"}, registry=registry())


def component_validator(name: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{SPEC_URI}#/components/schemas/{name}"}, registry=registry())


def test_the_helper_turns_nullable_into_a_union() -> None:
    converted = openapi_to_json_schema(
        {"type": "object", "properties": {"seed": {"type": "integer", "nullable": True, "example": 1}}}
    )
    assert converted["properties"]["seed"] == {"anyOf": [{"type": "null"}, {"type": "integer"}]}
    details = component_validator("StreamResponse")
    token = {"id": 1, "text": "x", "logprob": None, "special": False}
    assert details.is_valid({"index": 1, "token": token, "generated_text": None, "details": None})
    assert not details.is_valid({"index": 1, "token": {**token, "logprob": "x"}})


def test_the_validators_are_not_vacuous() -> None:
    assert not response_validator("/generate", "post", 200).is_valid({"details": None})
    chunk = {"id": "", "created": 0, "model": "m", "system_fingerprint": "f"}
    stream = response_validator("/v1/chat/completions", "post", 200, "text/event-stream")
    assert stream.is_valid(
        {**chunk, "choices": [{"index": 0, "delta": {"role": "assistant", "content": "x"}}]}
    )
    assert not stream.is_valid({**chunk, "choices": [{"index": 0, "delta": {"role": "assistant"}}]})
    assert not response_validator("/info", "get", 200).is_valid({"model_id": "m"})


# --- HTTP helpers ---------------------------------------------------------------------------------


async def post_json(
    http: aiohttp.ClientSession, standin: RunningStandin, path: str, body: Any
) -> tuple[int, Any]:
    """POST a body (JSON-encoded unless already bytes); the status and the decoded JSON answer."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "traceparent": TRACEPARENT}
    async with http.post(standin.url + path, data=data, headers=headers) as response:
        assert response.headers.get("x-care-standin") == "1"
        assert response.headers["Content-Type"].startswith("application/json")
        return response.status, json.loads(await response.text())


async def post_events(
    http: aiohttp.ClientSession, standin: RunningStandin, path: str, body: Any
) -> list[str]:
    """The ``data:`` payloads of a 200 event stream, read line by line as they arrive."""
    headers = {"traceparent": TRACEPARENT}
    async with http.post(standin.url + path, json=body, headers=headers) as response:
        assert response.status == 200
        assert response.headers.get("x-care-standin") == "1"
        assert response.headers["Content-Type"].startswith("text/event-stream")
        payloads: list[str] = []
        pending: list[str] = []
        async for raw_line in response.content:
            line = raw_line.decode("utf-8").rstrip("\n")
            if line:
                pending.append(line)
                continue
            # A blank line ends an event; TGI puts exactly one data line in each.
            assert len(pending) == 1, pending
            assert pending[0].startswith("data:"), pending
            payloads.append(pending[0].removeprefix("data:"))
            pending = []
        assert not pending, "the stream ended inside an event"
        return payloads


def json_events(payloads: list[str]) -> list[dict[str, Any]]:
    # TGI frames JSON events as "data:{...}" with no space.
    assert all(payload.startswith("{") for payload in payloads), payloads
    return [json.loads(payload) for payload in payloads]


async def set_faults(http: aiohttp.ClientSession, standin: RunningStandin, **plan: Any) -> None:
    async with http.post(standin.url + "/_standin/faults", json=plan) as response:
        assert response.status == 200, await response.text()


# --- /generate and POST / -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parameters",
    [
        {},
        {"details": True},
        {"details": True, "max_new_tokens": 2, "seed": 7},
        {"details": True, "decoder_input_details": True, "top_n_tokens": 2},
        {"details": True, "stop": ["ו", "و"], "return_full_text": True},
        {"do_sample": True, "temperature": 0.7, "top_p": 0.9, "top_k": 20, "repetition_penalty": 1.1},
    ],
)
async def test_generate_success(
    http: aiohttp.ClientSession, standin: RunningStandin, parameters: Any
) -> None:
    status, body = await post_json(
        http, standin, "/generate", {"inputs": HEBREW_PROMPT, "parameters": parameters}
    )
    assert status == 200
    response_validator("/generate", "post", 200).validate(body)
    assert body["generated_text"]
    if parameters.get("details"):
        details = body["details"]
        assert details["generated_tokens"] == len(details["tokens"]) >= 1
        assert "".join(token["text"] for token in details["tokens"]) in body["generated_text"]
    else:
        assert body.get("details") is None


async def test_generate_reports_length_and_prefill(
    http: aiohttp.ClientSession, standin: RunningStandin
) -> None:
    parameters = {"details": True, "max_new_tokens": 1, "decoder_input_details": True}
    status, body = await post_json(http, standin, "/generate", {"inputs": "a b c", "parameters": parameters})
    assert status == 200
    assert body["details"]["finish_reason"] == "length"
    assert body["details"]["generated_tokens"] == 1
    assert [token["text"] for token in body["details"]["prefill"]] == ["a", "b", "c"]
    assert body["details"]["prefill"][0]["logprob"] is None


async def test_compat_route_returns_a_list_and_streams(
    http: aiohttp.ClientSession, standin: RunningStandin
) -> None:
    status, body = await post_json(http, standin, "/", {"inputs": HEBREW_PROMPT, "stream": False})
    assert status == 200
    response_validator("/", "post", 200).validate(body)
    # Like TGI for a text-generation model: the prompt is prepended unless return_full_text is false.
    assert body[0]["generated_text"].startswith(HEBREW_PROMPT)

    payloads = await post_events(http, standin, "/", {"inputs": HEBREW_PROMPT, "stream": True})
    for event in json_events(payloads):
        response_validator("/", "post", 200, "text/event-stream").validate(event)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"inputs": ""}, "`inputs` cannot be empty"),
        ({"inputs": "x", "parameters": {"max_new_tokens": 0}}, "`max_new_tokens` must be strictly positive"),
        ({"inputs": "x", "parameters": {"max_new_tokens": -1}}, "max_new_tokens"),
        ({"inputs": "x", "parameters": {"temperature": 0}}, "`temperature` must be strictly positive"),
        ({"inputs": "x", "parameters": {"top_p": 1.0}}, "`top_p` must be > 0.0 and < 1.0"),
        ({"inputs": "x", "parameters": {"stop": ["a", "b", "c", "d", "e"]}}, "up to 4 stop sequences"),
        ({"inputs": "x", "parameters": {"best_of": 2}}, "you must use sampling"),
        ({"inputs": "x", "parameters": {"details": "yes"}}, "parameters.details"),
        ({"inputs": "x " * 9000}, "must have less than 8192 tokens"),
        ({"parameters": {}}, "missing field `inputs`"),
        ({"inputs": 5}, "inputs"),
        ([1, 2], "expected a JSON object"),
        (b"{not json", "not valid JSON"),
        (b"", "not valid JSON"),
    ],
)
async def test_generate_validation_errors(
    http: aiohttp.ClientSession, standin: RunningStandin, body: Any, fragment: str
) -> None:
    status, error = await post_json(http, standin, "/generate", body)
    assert status == 422
    response_validator("/generate", "post", 422).validate(error)
    assert error["error_type"] == "validation"
    assert fragment in error["error"]


@pytest.mark.parametrize(
    ("mode", "status", "error_type"),
    [("429", 429, "overloaded"), ("424", 424, "generation"), ("500", 500, "incomplete_generation")],
)
async def test_generate_fault_errors(
    http: aiohttp.ClientSession, standin: RunningStandin, mode: str, status: int, error_type: str
) -> None:
    await set_faults(http, standin, mode=mode)
    for path in ("/generate", "/"):
        got, error = await post_json(http, standin, path, {"inputs": HEBREW_PROMPT})
        assert got == status
        response_validator(path, "post", status).validate(error)
        assert error["error_type"] == error_type


async def test_unavailable_fault(http: aiohttp.ClientSession, standin: RunningStandin) -> None:
    await set_faults(http, standin, mode="503")
    chat = {"messages": [{"role": "user", "content": HEBREW_PROMPT}]}
    for path, body in [
        ("/generate", {"inputs": HEBREW_PROMPT}),
        ("/generate_stream", {"inputs": HEBREW_PROMPT}),
        ("/v1/chat/completions", chat),
        ("/v1/chat/completions", {**chat, "stream": True}),
    ]:
        status, error = await post_json(http, standin, path, body)
        assert status == 503
        # The document lists no 503 for generation routes (a down backend is not the router speaking).
        component_validator("ErrorResponse").validate(error)
    async with http.get(standin.url + "/health") as response:
        assert response.status == 503
        assert response.headers["x-care-standin"] == "1"
        response_validator("/health", "get", 503).validate(await response.json())


# --- /generate_stream -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parameters",
    [{}, {"details": True}, {"details": True, "max_new_tokens": 2}, {"top_n_tokens": 1, "details": True}],
)
async def test_generate_stream_events(
    http: aiohttp.ClientSession, standin: RunningStandin, parameters: Any
) -> None:
    payloads = await post_events(
        http, standin, "/generate_stream", {"inputs": ARABIC_PROMPT, "parameters": parameters}
    )
    events = json_events(payloads)
    assert len(events) >= 2
    validator = response_validator("/generate_stream", "post", 200, "text/event-stream")
    for position, event in enumerate(events, start=1):
        validator.validate(event)
        assert event["index"] == position
    *intermediate, last = events
    assert all(event["generated_text"] is None and event["details"] is None for event in intermediate)
    assert last["generated_text"] == "".join(event["token"]["text"] for event in events)
    if parameters.get("details"):
        assert last["details"]["generated_tokens"] == len(events)
        assert last["details"]["input_length"] == len(ARABIC_PROMPT.split())
        expected = "length" if parameters.get("max_new_tokens") == len(events) else "eos_token"
        assert last["details"]["finish_reason"] == expected
    else:
        assert last["details"] is None


@pytest.mark.parametrize(
    ("body", "error_type"),
    [
        ({"inputs": ""}, "validation"),
        ({"inputs": "x", "parameters": {"max_new_tokens": 0}}, "validation"),
        ({"inputs": "x", "parameters": {"decoder_input_details": True}}, "validation"),
    ],
)
async def test_generate_stream_reports_validation_in_stream(
    http: aiohttp.ClientSession, standin: RunningStandin, body: Any, error_type: str
) -> None:
    # TGI starts the event stream before it validates parameters.
    events = json_events(await post_events(http, standin, "/generate_stream", body))
    assert len(events) == 1
    response_validator("/generate_stream", "post", 422, "text/event-stream").validate(events[0])
    assert events[0]["error_type"] == error_type


async def test_generate_stream_refuses_an_unreadable_body_before_streaming(
    http: aiohttp.ClientSession, standin: RunningStandin
) -> None:
    status, error = await post_json(http, standin, "/generate_stream", {"parameters": {"details": True}})
    assert status == 422
    response_validator("/generate_stream", "post", 422, "text/event-stream").validate(error)


@pytest.mark.parametrize(
    ("mode", "status", "error_type", "tokens_first"),
    [
        ("429", 429, "overloaded", False),
        ("424", 424, "generation", True),
        ("500", 500, "incomplete_generation", True),
    ],
)
async def test_generate_stream_faults_arrive_in_stream(
    http: aiohttp.ClientSession,
    standin: RunningStandin,
    mode: str,
    status: int,
    error_type: str,
    tokens_first: bool,
) -> None:
    await set_faults(http, standin, mode=mode)
    events = json_events(await post_events(http, standin, "/generate_stream", {"inputs": HEBREW_PROMPT}))
    *tokens, error = events
    for event in tokens:
        response_validator("/generate_stream", "post", 200, "text/event-stream").validate(event)
        assert event["generated_text"] is None
    response_validator("/generate_stream", "post", status, "text/event-stream").validate(error)
    assert error["error_type"] == error_type
    assert bool(tokens) is tokens_first


# --- /v1/chat/completions -------------------------------------------------------------------------


def chat_body(**extra: Any) -> dict[str, Any]:
    return {
        "model": "tgi",
        "messages": [
            {"role": "system", "content": "You are a counselor. Support strategy for this reply: Question."},
            {"role": "user", "content": [{"type": "text", "text": HEBREW_PROMPT}]},
        ],
        **extra,
    }


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"max_tokens": 2, "seed": 3},
        {"logprobs": True, "top_logprobs": 1},
        {"temperature": 0.0, "stop": ["?"]},
    ],
)
async def test_chat_completion(http: aiohttp.ClientSession, standin: RunningStandin, extra: Any) -> None:
    status, body = await post_json(http, standin, "/v1/chat/completions", chat_body(**extra))
    assert status == 200
    response_validator("/v1/chat/completions", "post", 200).validate(body)
    assert body["model"] == "tgi"
    assert body["system_fingerprint"].startswith("care-standin-")
    choice = body["choices"][0]
    usage = body["usage"]
    system_words = len(chat_body()["messages"][0]["content"].split())
    assert usage["prompt_tokens"] == system_words + len(HEBREW_PROMPT.split())
    assert usage["completion_tokens"] == len(choice["message"]["content"].split())
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert choice["finish_reason"] == (
        "length" if extra.get("max_tokens") == usage["completion_tokens"] else "stop"
    )
    if extra.get("logprobs"):
        assert len(choice["logprobs"]["content"]) == usage["completion_tokens"]


@pytest.mark.parametrize("include_usage", [True, False])
async def test_chat_completion_stream(
    http: aiohttp.ClientSession, standin: RunningStandin, include_usage: bool
) -> None:
    body = chat_body(stream=True, stream_options={"include_usage": include_usage}, logprobs=True)
    payloads = await post_events(http, standin, "/v1/chat/completions", body)
    assert payloads[-1] == " [DONE]"
    chunks = json_events(payloads[:-1])
    validator = response_validator("/v1/chat/completions", "post", 200, "text/event-stream")
    for chunk in chunks:
        validator.validate(chunk)
        assert chunk["model"] == "tgi"
    content_chunks = [chunk for chunk in chunks if chunk["choices"]]
    assert len(content_chunks) >= 2
    assert all(chunk["choices"][0]["finish_reason"] is None for chunk in content_chunks[:-1])
    assert content_chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert all(chunk["usage"] is None for chunk in content_chunks)
    text = "".join(chunk["choices"][0]["delta"]["content"] for chunk in content_chunks)
    if include_usage:
        usage_chunk = chunks[-1]
        assert usage_chunk["choices"] == []
        assert usage_chunk["usage"]["completion_tokens"] == len(content_chunks) == len(text.split())
    else:
        assert len(content_chunks) == len(chunks)

    status, complete = await post_json(http, standin, "/v1/chat/completions", chat_body(logprobs=True))
    assert status == 200
    assert complete["choices"][0]["message"]["content"] == text


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"messages": []}, "messages"),
        ({}, "missing field `messages`"),
        ({"messages": [{"content": "x"}]}, "role"),
        ({"messages": [{"role": "user"}]}, "content"),
        (
            {"messages": [{"role": "user", "content": "x"}], "max_tokens": 0},
            "`max_new_tokens` must be strictly positive",
        ),
        ({"messages": [{"role": "user", "content": "x"}], "stream": "yes"}, "stream"),
        (b"[", "not valid JSON"),
    ],
)
async def test_chat_validation_errors(
    http: aiohttp.ClientSession, standin: RunningStandin, body: Any, fragment: str
) -> None:
    status, error = await post_json(http, standin, "/v1/chat/completions", body)
    assert status == 422
    response_validator("/v1/chat/completions", "post", 422).validate(error)
    assert fragment in error["error"]


@pytest.mark.parametrize(
    ("mode", "status", "error_type"),
    [("429", 429, "overloaded"), ("424", 424, "generation"), ("500", 500, "incomplete_generation")],
)
async def test_chat_fault_errors(
    http: aiohttp.ClientSession, standin: RunningStandin, mode: str, status: int, error_type: str
) -> None:
    await set_faults(http, standin, mode=mode)
    got, error = await post_json(http, standin, "/v1/chat/completions", chat_body())
    assert got == status
    response_validator("/v1/chat/completions", "post", status).validate(error)
    assert error["error_type"] == error_type

    payloads = await post_events(http, standin, "/v1/chat/completions", chat_body(stream=True))
    assert payloads[-1] == " [DONE]"
    *chunks, in_stream = json_events(payloads[:-1])
    for chunk in chunks:
        response_validator("/v1/chat/completions", "post", 200, "text/event-stream").validate(chunk)
    response_validator("/v1/chat/completions", "post", status).validate(in_stream)
    assert in_stream["error_type"] == error_type


async def test_chat_stream_reports_parameter_errors_in_stream(
    http: aiohttp.ClientSession, standin: RunningStandin
) -> None:
    payloads = await post_events(http, standin, "/v1/chat/completions", chat_body(stream=True, max_tokens=0))
    assert payloads[-1] == " [DONE]"
    (error,) = json_events(payloads[:-1])
    response_validator("/v1/chat/completions", "post", 422).validate(error)
    assert error["error_type"] == "validation"


# --- /info, /health, /metrics, /tokenize, /v1/models ----------------------------------------------


async def test_info(http: aiohttp.ClientSession, start: StartStandin) -> None:
    standin = await start(max_input_tokens=100, max_total_tokens=150)
    async with http.get(standin.url + "/info") as response:
        assert response.status == 200
        assert response.headers["x-care-standin"] == "1"
        info = await response.json()
    response_validator("/info", "get", 200).validate(info)
    assert info["model_id"] == "care-standin"
    assert (info["max_input_tokens"], info["max_total_tokens"]) == (100, 150)


async def test_health(http: aiohttp.ClientSession, standin: RunningStandin) -> None:
    for path in ("/health", "/"):
        async with http.get(standin.url + path) as response:
            assert response.status == 200
            assert response.headers["x-care-standin"] == "1"
            assert await response.read() == b""


async def test_metrics(http: aiohttp.ClientSession, standin: RunningStandin) -> None:
    await post_json(http, standin, "/generate", {"inputs": HEBREW_PROMPT})
    await post_json(http, standin, "/generate", {"inputs": ""})
    async with http.get(standin.url + "/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    assert "tgi_request_count 2.0" in text.splitlines()
    assert "tgi_request_success 1.0" in text.splitlines()
    assert 'tgi_request_failure{err="validation"} 1.0' in text.splitlines()
    assert "tgi_request_duration_count 1.0" in text.splitlines()
    assert "tgi_request_generated_tokens_bucket" in text


async def test_tokenize(http: aiohttp.ClientSession, standin: RunningStandin) -> None:
    status, tokens = await post_json(http, standin, "/tokenize", {"inputs": "שלום  עולם"})
    assert status == 200
    response_validator("/tokenize", "post", 200).validate(tokens)
    assert [(token["text"], token["start"], token["stop"]) for token in tokens] == [
        ("שלום", 0, 4),
        ("עולם", 6, 10),
    ]


async def test_models(http: aiohttp.ClientSession, standin: RunningStandin) -> None:
    async with http.get(standin.url + "/v1/models") as response:
        assert response.status == 200
        body = await response.json()
    response_validator("/v1/models", "get", 200).validate(body)
    assert body["data"][0]["id"] == "care-standin"


async def test_unknown_routes_are_marked_too(http: aiohttp.ClientSession, standin: RunningStandin) -> None:
    async with http.get(standin.url + "/nowhere") as response:
        assert response.status == 404
        assert response.headers["x-care-standin"] == "1"


# --- stand-in control -----------------------------------------------------------------------------


async def test_control_endpoints(http: aiohttp.ClientSession, standin: RunningStandin) -> None:
    control = standin.url + "/_standin/"
    async with http.post(control + "faults", json={"mode": "418"}) as response:
        assert response.status == 422
        component_validator("ErrorResponse").validate(await response.json())
    async with http.get(control + "faults") as response:
        assert await response.json() == {"mode": "none", "rate": 0.0, "count": None}
    async with http.post(control + "latency", json={"time_to_first_token_ms": -1}) as response:
        assert response.status == 422
    async with http.get(control + "latency") as response:
        assert await response.json() == {"time_to_first_token_ms": 0.0, "time_per_token_ms": 0.0}

    await post_json(http, standin, "/generate", {"inputs": HEBREW_PROMPT})
    async with http.get(control + "stats") as response:
        stats = await response.json()
    # Control calls are not counted; the generation is.
    assert stats["requests"] == {"/generate": 1}
    assert stats["responses"] == {"/generate": {"200": 1}}
    assert stats["tokens_generated"] >= 1
    async with http.delete(control + "stats") as response:
        assert (await response.json())["requests"] == {}
