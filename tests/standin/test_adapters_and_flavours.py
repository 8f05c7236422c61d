"""LoRA adapters, the vLLM-like "openai" flavour, and clients that leave early."""

import asyncio
import time
from typing import Any

import aiohttp
import pytest
from huggingface_hub import AsyncInferenceClient
from huggingface_hub.errors import HfHubHTTPError

from care.standin.phrases import PHRASES
from care.standin.server import RunningStandin, StandinConfig, create_app, parse_adapters

from .conftest import StartStandin

pytestmark = pytest.mark.integration

HEBREW = "קשה לי מאוד הלילה ואני לא יודע למי לפנות"
ARABIC = "أشعر بضيق شديد الليلة ولا أعرف لمن ألجأ"
ADAPTERS = ("care/he-lora", "care/ar-lora")
ALL_HEBREW = {phrase for phrases in PHRASES["he"].values() for phrase in phrases}


async def generate(http: aiohttp.ClientSession, standin: RunningStandin, adapter_id: str | None) -> str:
    parameters: dict[str, Any] = {"max_new_tokens": 8, "do_sample": False}
    if adapter_id is not None:
        parameters["adapter_id"] = adapter_id
    async with http.post(
        standin.url + "/generate", json={"inputs": HEBREW, "parameters": parameters}
    ) as response:
        assert response.status == 200
        text: str = (await response.json())["generated_text"]
        return text


async def chat(http: aiohttp.ClientSession, standin: RunningStandin, model: str | None) -> tuple[int, Any]:
    body: dict[str, Any] = {"messages": [{"role": "user", "content": ARABIC}], "seed": 3}
    if model is not None:
        body["model"] = model
    async with http.post(standin.url + "/v1/chat/completions", json=body) as response:
        return response.status, await response.json()


async def stats(http: aiohttp.ClientSession, standin: RunningStandin) -> dict[str, Any]:
    async with http.get(standin.url + "/_standin/stats") as response:
        result: dict[str, Any] = await response.json()
        return result


def test_adapter_lists_parse() -> None:
    assert parse_adapters(" care/he-lora, ,care/ar-lora,care/he-lora ") == ADAPTERS
    assert parse_adapters("") == ()


def test_unknown_flavour_is_refused() -> None:
    with pytest.raises(ValueError, match="flavour"):
        create_app(StandinConfig(flavour="sglang"))  # type: ignore[arg-type]


# --- TGI flavour ----------------------------------------------------------------------------------


async def test_tgi_loaded_adapter_changes_the_text_and_an_unknown_one_silently_does_not(
    start: StartStandin, http: aiohttp.ClientSession
) -> None:
    standin = await start(adapters=ADAPTERS)
    base = await generate(http, standin, None)
    loaded = await generate(http, standin, "care/he-lora")
    unknown = await generate(http, standin, "care/typo")
    assert loaded != base
    assert loaded == await generate(http, standin, "care/he-lora"), "deterministic"
    # TGI answers an adapter it has not loaded with the base model, without a word.
    assert unknown == base
    # Eight tokens of a phrase of the bank, either way.
    for text in (base, loaded):
        assert any(phrase.startswith(text) for phrase in ALL_HEBREW)


async def test_tgi_chat_model_names_the_adapter(start: StartStandin, http: aiohttp.ClientSession) -> None:
    standin = await start(adapters=ADAPTERS)
    _, base = await chat(http, standin, None)
    _, named_tgi = await chat(http, standin, "tgi")
    _, loaded = await chat(http, standin, "care/ar-lora")
    status, unknown = await chat(http, standin, "care/typo")
    text = [answer["choices"][0]["message"]["content"] for answer in (base, named_tgi, loaded, unknown)]
    assert status == 200
    assert text[1] == text[0]
    assert text[2] != text[0]
    assert text[3] == text[0]


async def test_tgi_models_lists_only_the_base_model(start: StartStandin, http: aiohttp.ClientSession) -> None:
    standin = await start(adapters=ADAPTERS)
    async with http.get(standin.url + "/v1/models") as response:
        body = await response.json()
    assert [model["id"] for model in body["data"]] == ["care-standin"]


# --- openai (vLLM) flavour ------------------------------------------------------------------------


async def test_openai_models_lists_the_base_model_and_its_adapters(
    start: StartStandin, http: aiohttp.ClientSession
) -> None:
    standin = await start(flavour="openai", model_id="org/base-7b", adapters=ADAPTERS)
    async with http.get(standin.url + "/v1/models") as response:
        assert response.status == 200
        body = await response.json()
    assert body["object"] == "list"
    assert [(m["id"], m["parent"]) for m in body["data"]] == [
        ("org/base-7b", None),
        ("care/he-lora", "org/base-7b"),
        ("care/ar-lora", "org/base-7b"),
    ]
    assert all(model["object"] == "model" for model in body["data"])


async def test_openai_chat_refuses_a_model_it_does_not_serve(
    start: StartStandin, http: aiohttp.ClientSession
) -> None:
    standin = await start(flavour="openai", model_id="org/base-7b", adapters=ADAPTERS)
    status, base = await chat(http, standin, "org/base-7b")
    assert status == 200
    _, unnamed = await chat(http, standin, None)
    _, loaded = await chat(http, standin, "care/ar-lora")
    assert unnamed["choices"][0]["message"]["content"] == base["choices"][0]["message"]["content"]
    assert loaded["choices"][0]["message"]["content"] != base["choices"][0]["message"]["content"]
    assert loaded["model"] == "care/ar-lora"

    status, error = await chat(http, standin, "care/typo")
    assert status == 404
    assert error == {
        "object": "error",
        "message": "The model `care/typo` does not exist.",
        "type": "NotFoundError",
        "param": None,
        "code": 404,
    }


async def test_openai_flavour_has_no_tgi_routes(start: StartStandin, http: aiohttp.ClientSession) -> None:
    standin = await start(flavour="openai")
    for path in ("/generate", "/generate_stream", "/", "/tokenize"):
        async with http.post(standin.url + path, json={"inputs": HEBREW}) as response:
            assert response.status in (404, 405), path
    async with http.get(standin.url + "/info") as response:
        assert response.status == 404
    async with http.get(standin.url + "/health") as response:
        assert response.status == 200


async def test_openai_flavour_streams_to_huggingface_hub(start: StartStandin) -> None:
    standin = await start(flavour="openai", model_id="org/base-7b", adapters=ADAPTERS)
    async with AsyncInferenceClient(base_url=standin.url) as client:
        stream = await client.chat_completion(
            [{"role": "user", "content": HEBREW}], model="care/he-lora", stream=True, max_tokens=32
        )
        text = "".join([chunk.choices[0].delta.content or "" async for chunk in stream if chunk.choices])
        assert text in ALL_HEBREW
        with pytest.raises(HfHubHTTPError) as caught:
            await client.chat_completion([{"role": "user", "content": HEBREW}], model="nope", stream=True)
        assert caught.value.response.status_code == 404


# --- clients that leave early -----------------------------------------------------------------------


async def wait_for_stats(
    http: aiohttp.ClientSession, standin: RunningStandin, **expected: int
) -> dict[str, Any]:
    stop = time.monotonic() + 10.0
    while True:
        current = await stats(http, standin)
        if all(current[key] == value for key, value in expected.items()):
            return current
        assert time.monotonic() < stop, f"stand-in never reached {expected}: {current}"
        await asyncio.sleep(0.02)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/generate_stream", {"inputs": HEBREW}),
        ("/v1/chat/completions", {"messages": [{"role": "user", "content": HEBREW}], "stream": True}),
    ],
)
async def test_a_closed_stream_is_counted_and_stops_generating(
    start: StartStandin, http: aiohttp.ClientSession, path: str, body: dict[str, Any]
) -> None:
    standin = await start(time_per_token_ms=2000.0)
    async with aiohttp.ClientSession() as own:
        response = await own.post(standin.url + path, json=body)
        assert response.status == 200
        assert (await response.content.readline()).startswith(b"data:")
        await wait_for_stats(http, standin, in_flight=1)
        response.close()

    current = await wait_for_stats(http, standin, cancelled=1, in_flight=0)
    assert current["tokens_generated"] == 0
    assert current["responses"][path] == {"499": 1}

    async with http.delete(standin.url + "/_standin/stats") as reset:
        assert (await reset.json())["cancelled"] == 0


async def test_a_finished_stream_is_not_cancelled(
    standin: RunningStandin, http: aiohttp.ClientSession
) -> None:
    async with http.post(standin.url + "/generate_stream", json={"inputs": HEBREW}) as response:
        await response.read()
    assert (await stats(http, standin))["cancelled"] == 0


async def test_stopping_the_stand_in_is_not_a_cancellation(start: StartStandin) -> None:
    standin = await start(time_per_token_ms=2000.0)
    async with aiohttp.ClientSession() as own:
        response = await own.post(standin.url + "/generate_stream", json={"inputs": HEBREW})
        await response.content.readline()
        await standin.stop()
        response.close()
    assert standin._state.cancelled == 0
