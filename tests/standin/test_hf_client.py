"""The stand-in driven by the real client, huggingface_hub.AsyncInferenceClient."""

from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

import aiohttp
import httpx
import pytest
from huggingface_hub import AsyncInferenceClient, ChatCompletionInputStreamOptions
from huggingface_hub.errors import (
    GenerationError,
    HfHubHTTPError,
    IncompleteGenerationError,
    InferenceTimeoutError,
    OverloadedError,
    TextGenerationError,
    UnknownError,
    ValidationError,
)

from care.standin.phrases import PHRASES, STRATEGIES, detect_language
from care.standin.server import RunningStandin

from .conftest import StartStandin

pytestmark = pytest.mark.integration

HEBREW = "קשה לי מאוד הלילה ואני לא יודע למי לפנות"
ARABIC = "أشعر بضيق شديد الليلة ولا أعرف لمن ألجأ"
ALL_PHRASES = {lang: {p for phrases in bank.values() for p in phrases} for lang, bank in PHRASES.items()}


@pytest.fixture
async def client(standin: RunningStandin) -> AsyncIterator[AsyncInferenceClient]:
    async with AsyncInferenceClient(base_url=standin.url) as client:
        yield client


async def stats(http: aiohttp.ClientSession, standin: RunningStandin) -> dict[str, Any]:
    async with http.get(standin.url + "/_standin/stats") as response:
        assert response.status == 200
        body: dict[str, Any] = await response.json()
        return body


async def set_faults(http: aiohttp.ClientSession, standin: RunningStandin, **plan: Any) -> dict[str, Any]:
    async with http.post(standin.url + "/_standin/faults", json=plan) as response:
        assert response.status == 200, await response.text()
        body: dict[str, Any] = await response.json()
        return body


def user(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def steered(label: str, text: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": f"You are a counselor.\nSupport strategy for this reply: {label}."},
        *user(text),
    ]


# --- text_generation ------------------------------------------------------------------------------


async def test_text_generation(client: AsyncInferenceClient) -> None:
    reply = await client.text_generation(HEBREW, return_full_text=False)
    assert reply in ALL_PHRASES["he"]


async def test_text_generation_keeps_tgis_full_text_default(client: AsyncInferenceClient) -> None:
    # AsyncInferenceClient posts to "/", where TGI prepends the prompt for a text-generation model.
    reply = await client.text_generation(HEBREW)
    assert reply.startswith(HEBREW)
    assert reply.removeprefix(HEBREW) in ALL_PHRASES["he"]


async def test_text_generation_with_details(client: AsyncInferenceClient) -> None:
    full = await client.text_generation(ARABIC, details=True, return_full_text=False)
    assert full.details is not None
    assert full.details.finish_reason == "eos_token"
    assert full.details.generated_tokens == len(full.details.tokens) == len(full.generated_text.split())
    assert "".join(token.text for token in full.details.tokens) == full.generated_text

    cut = await client.text_generation(ARABIC, details=True, return_full_text=False, max_new_tokens=2)
    assert cut.details is not None
    assert cut.details.finish_reason == "length"
    assert cut.details.generated_tokens == 2
    assert full.generated_text.startswith(cut.generated_text)


async def test_text_generation_stream_with_details(client: AsyncInferenceClient) -> None:
    chunks = [
        chunk
        async for chunk in await client.text_generation(
            HEBREW, stream=True, details=True, return_full_text=False
        )
    ]
    assert len(chunks) >= 2
    assert [chunk.index for chunk in chunks] == list(range(1, len(chunks) + 1))
    assert all(chunk.details is None and chunk.generated_text is None for chunk in chunks[:-1])
    last = chunks[-1]
    assert last.details is not None
    assert last.details.generated_tokens == len(chunks)
    assert last.details.input_length == len(HEBREW.split())
    assert last.generated_text == "".join(chunk.token.text for chunk in chunks)
    assert last.generated_text == await client.text_generation(HEBREW, return_full_text=False)


async def test_text_generation_stop_sequence(client: AsyncInferenceClient) -> None:
    full = await client.text_generation(HEBREW, return_full_text=False)
    first_word = full.split()[0]
    stopped = await client.text_generation(HEBREW, return_full_text=False, stop=[first_word], details=True)
    assert stopped.details is not None
    assert stopped.details.finish_reason == "stop_sequence"
    assert stopped.generated_text.strip() == first_word


# --- chat_completion ------------------------------------------------------------------------------


async def test_chat_completion(client: AsyncInferenceClient) -> None:
    out = await client.chat_completion(user(ARABIC), max_tokens=64)
    content = out.choices[0].message.content
    assert content in ALL_PHRASES["ar"]
    assert out.choices[0].finish_reason == "stop"
    assert out.system_fingerprint.startswith("care-standin-")
    assert out.model
    assert out.usage.prompt_tokens == len(ARABIC.split())
    assert out.usage.completion_tokens == len(content.split())
    assert out.usage.total_tokens == out.usage.prompt_tokens + out.usage.completion_tokens

    cut = await client.chat_completion(user(ARABIC), max_tokens=1)
    assert cut.choices[0].finish_reason == "length"
    assert cut.usage.completion_tokens == 1


async def test_chat_completion_stream(client: AsyncInferenceClient) -> None:
    chunks = [
        chunk
        async for chunk in await client.chat_completion(
            user(HEBREW), stream=True, stream_options=ChatCompletionInputStreamOptions(include_usage=True)
        )
    ]
    *content_chunks, usage_chunk = chunks
    assert len(content_chunks) >= 2
    assert usage_chunk.choices == []
    text = "".join(chunk.choices[0].delta.content or "" for chunk in content_chunks)
    assert content_chunks[-1].choices[0].finish_reason == "stop"
    assert usage_chunk.usage is not None
    assert usage_chunk.usage.completion_tokens == len(content_chunks)
    assert usage_chunk.usage.prompt_tokens == len(HEBREW.split())

    complete = await client.chat_completion(user(HEBREW))
    assert complete.choices[0].message.content == text

    without_usage = [chunk async for chunk in await client.chat_completion(user(HEBREW), stream=True)]
    assert len(without_usage) == len(content_chunks)
    assert all(chunk.usage is None for chunk in without_usage)


# --- errors ---------------------------------------------------------------------------------------


async def drain(stream: AsyncIterable[Any], sink: list[object]) -> None:
    async for item in stream:
        sink.append(item)


def status_of(error: BaseException) -> int:
    """The HTTP status behind a client exception (TGI errors keep the HTTP error as their cause)."""
    http_error = error if isinstance(error, HfHubHTTPError) else error.__cause__
    assert isinstance(http_error, HfHubHTTPError), repr(error)
    return http_error.response.status_code


@pytest.mark.parametrize(
    ("mode", "expected", "status"),
    [
        ("429", OverloadedError, 429),
        ("503", UnknownError, 503),
        ("424", GenerationError, 424),
        ("500", IncompleteGenerationError, 500),
    ],
)
async def test_text_generation_error_mapping(
    client: AsyncInferenceClient,
    http: aiohttp.ClientSession,
    standin: RunningStandin,
    mode: str,
    expected: type[TextGenerationError],
    status: int,
) -> None:
    await set_faults(http, standin, mode=mode)
    with pytest.raises(expected) as caught:
        await client.text_generation(HEBREW, return_full_text=False)
    assert status_of(caught.value) == status


async def test_validation_error_mapping(client: AsyncInferenceClient) -> None:
    with pytest.raises(ValidationError) as caught:
        await client.text_generation("", return_full_text=False)
    assert status_of(caught.value) == 422
    assert "`inputs` cannot be empty" in str(caught.value)

    # chat_completion does not parse TGI's error body; the HTTP error carries the status and message.
    with pytest.raises(HfHubHTTPError) as chat_caught:
        await client.chat_completion(user(HEBREW), max_tokens=0)
    assert status_of(chat_caught.value) == 422
    assert "`max_new_tokens` must be strictly positive" in str(chat_caught.value)


@pytest.mark.parametrize(("mode", "status"), [("429", 429), ("503", 503), ("424", 424), ("500", 500)])
async def test_chat_error_mapping(
    client: AsyncInferenceClient, http: aiohttp.ClientSession, standin: RunningStandin, mode: str, status: int
) -> None:
    await set_faults(http, standin, mode=mode)
    with pytest.raises(HfHubHTTPError) as caught:
        await client.chat_completion(user(HEBREW))
    assert status_of(caught.value) == status


async def test_stream_errors_arrive_in_stream(
    client: AsyncInferenceClient, http: aiohttp.ClientSession, standin: RunningStandin
) -> None:
    await set_faults(http, standin, mode="429", count=2)
    received: list[object] = []
    with pytest.raises(OverloadedError):
        await drain(await client.text_generation(HEBREW, stream=True, return_full_text=False), received)
    with pytest.raises(OverloadedError):
        await drain(await client.chat_completion(user(HEBREW), stream=True), received)
    assert received == []

    # A generation error strikes after some tokens have been streamed.
    await set_faults(http, standin, mode="424", count=1)
    with pytest.raises(GenerationError):
        await drain(await client.text_generation(HEBREW, stream=True, return_full_text=False), received)
    assert received


async def test_stream_refused_before_streaming_when_unavailable(
    client: AsyncInferenceClient, http: aiohttp.ClientSession, standin: RunningStandin
) -> None:
    await set_faults(http, standin, mode="503")
    with pytest.raises(UnknownError) as caught:
        await client.text_generation(HEBREW, stream=True)
    assert status_of(caught.value) == 503
    with pytest.raises(HfHubHTTPError) as chat_caught:
        await client.chat_completion(user(HEBREW), stream=True)
    assert status_of(chat_caught.value) == 503
    async with http.get(standin.url + "/health") as response:
        assert response.status == 503


async def test_timeout_fault_outlasts_the_client(
    http: aiohttp.ClientSession, standin: RunningStandin
) -> None:
    await set_faults(http, standin, mode="timeout", count=1)
    async with AsyncInferenceClient(base_url=standin.url, timeout=0.2) as impatient:
        with pytest.raises((InferenceTimeoutError, httpx.TimeoutException)):
            await impatient.text_generation(HEBREW)
        # The plan is spent; the next request is answered.
        assert await impatient.text_generation(HEBREW, return_full_text=False)
    assert (await stats(http, standin))["faults_injected"] == {"timeout": 1}


async def test_fault_count_then_recovery(
    client: AsyncInferenceClient, http: aiohttp.ClientSession, standin: RunningStandin
) -> None:
    assert await set_faults(http, standin, mode="429", count=2) == {"mode": "429", "rate": 1.0, "count": 2}
    for _ in range(2):
        with pytest.raises(HfHubHTTPError) as caught:
            await client.chat_completion(user(HEBREW))
        assert status_of(caught.value) == 429
    assert (await client.chat_completion(user(HEBREW))).choices[0].message.content
    async with http.get(standin.url + "/_standin/faults") as response:
        assert await response.json() == {"mode": "none", "rate": 0.0, "count": None}
    counters = await stats(http, standin)
    assert counters["faults_injected"] == {"429": 2}
    assert counters["requests"]["/v1/chat/completions"] == 3


async def test_rate_faults_repeat_for_a_seed(start: StartStandin) -> None:
    async def outcomes(seed: int) -> list[bool]:
        standin = await start(fault_mode="429", fault_rate=0.5, seed=seed)
        results: list[bool] = []
        async with AsyncInferenceClient(base_url=standin.url) as client:
            for _ in range(16):
                try:
                    await client.text_generation(HEBREW, return_full_text=False)
                    results.append(True)
                except OverloadedError:
                    results.append(False)
        return results

    first = await outcomes(11)
    assert first == await outcomes(11)
    assert True in first
    assert False in first


# --- latency --------------------------------------------------------------------------------------


async def test_latency_settings_are_applied(start: StartStandin, http: aiohttp.ClientSession) -> None:
    standin = await start(time_to_first_token_ms=5.0, time_per_token_ms=1.0)
    async with AsyncInferenceClient(base_url=standin.url) as client:
        chunks = [
            chunk async for chunk in await client.text_generation(HEBREW, stream=True, return_full_text=False)
        ]
        assert len(chunks) >= 2
        streamed = await stats(http, standin)
        assert streamed["latency"] == {"time_to_first_token_ms": 5.0, "time_per_token_ms": 1.0}
        assert streamed["simulated_delay_ms"] == 5.0 + (len(chunks) - 1) * 1.0
        assert streamed["stream_events"] == len(chunks)

        # The non-streaming route waits as long as the stream would have taken.
        await client.text_generation(HEBREW, return_full_text=False)
        assert (await stats(http, standin))["simulated_delay_ms"] == 2 * streamed["simulated_delay_ms"]

        async with http.post(standin.url + "/_standin/latency", json={"time_per_token_ms": 0.0}) as response:
            assert await response.json() == {"time_to_first_token_ms": 5.0, "time_per_token_ms": 0.0}
        await client.chat_completion(user(HEBREW))
        assert (await stats(http, standin))["simulated_delay_ms"] == 2 * streamed["simulated_delay_ms"] + 5.0


# --- language, steering, determinism --------------------------------------------------------------


async def test_reply_language_follows_the_prompt(client: AsyncInferenceClient) -> None:
    assert detect_language(await client.text_generation(HEBREW, return_full_text=False)) == "he"
    assert detect_language(await client.text_generation(ARABIC, return_full_text=False)) == "ar"
    chat_he = await client.chat_completion(user(HEBREW))
    assert chat_he.choices[0].message.content in ALL_PHRASES["he"]
    # Only the last user message decides, whatever came before it.
    conversation = [*user(HEBREW), {"role": "assistant", "content": "אני כאן"}, *user(ARABIC)]
    chat_ar = await client.chat_completion(conversation)
    assert chat_ar.choices[0].message.content in ALL_PHRASES["ar"]
    # Neither script: Hebrew.
    assert (await client.text_generation("...", return_full_text=False)) in ALL_PHRASES["he"]


@pytest.mark.parametrize("label", STRATEGIES)
async def test_strategy_steering(client: AsyncInferenceClient, label: str) -> None:
    chat = await client.chat_completion(steered(label, ARABIC))
    assert chat.choices[0].message.content in PHRASES["ar"][label]
    prompt = f"Support strategy for this reply: {label.upper()}.\nUser: {HEBREW}\nCounselor:"
    assert await client.text_generation(prompt, return_full_text=False) in PHRASES["he"][label]


async def test_the_last_steering_line_wins(client: AsyncInferenceClient) -> None:
    messages = [*steered("Question", HEBREW)]
    messages.insert(1, {"role": "system", "content": "Support strategy for this reply: Information."})
    chat = await client.chat_completion(messages)
    assert chat.choices[0].message.content in PHRASES["he"]["Information"]


@pytest.mark.parametrize("label", STRATEGIES)
async def test_a_steering_line_ending_the_latest_message_steers(
    client: AsyncInferenceClient, label: str
) -> None:
    # Where CARE puts it, so that every candidate shares the whole conversation as a prefix.
    messages = [
        {"role": "system", "content": "You are a counselor."},
        *user(HEBREW),
        {"role": "assistant", "content": "אני כאן"},
        *user(f"{HEBREW}\nSupport strategy for this reply: {label}."),
    ]
    chat = await client.chat_completion(messages)
    assert chat.choices[0].message.content in PHRASES["he"][label]


async def test_replies_are_deterministic(client: AsyncInferenceClient) -> None:
    first = await client.chat_completion(user(HEBREW), seed=5)
    again = await client.chat_completion(user(HEBREW), seed=5)
    assert first.choices[0].message.content == again.choices[0].message.content
    texts = {await client.text_generation(HEBREW, return_full_text=False, seed=seed) for seed in range(12)}
    assert len(texts) > 1
    assert texts == {
        await client.text_generation(HEBREW, return_full_text=False, seed=seed) for seed in range(12)
    }


# --- the rest of the surface ----------------------------------------------------------------------


async def test_info_health_and_tracing_headers(standin: RunningStandin, http: aiohttp.ClientSession) -> None:
    traced = {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
    async with AsyncInferenceClient(base_url=standin.url, headers=traced, provider="hf-inference") as client:
        assert await client.health_check() is True
        info = await client.get_endpoint_info()
        assert info["model_id"] == "care-standin"
        assert await client.text_generation(HEBREW, return_full_text=False)
    counters = await stats(http, standin)
    assert counters["requests"] == {"/health": 1, "/info": 1, "/": 1}
    assert counters["responses"]["/"] == {"200": 1}
