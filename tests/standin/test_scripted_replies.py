"""Scripted replies (``/_standin/replies``): tests make the stand-in say a given text, e.g. an unsafe
reply for the safety gate, one generation per scripted text, in order, then its usual phrases."""

import aiohttp
import pytest

from care.standin.phrases import PHRASES
from care.standin.server import RunningStandin

pytestmark = pytest.mark.integration

HEBREW = "קשה לי מאוד הלילה ואני לא יודע למי לפנות"
ALL_HEBREW = {phrase for phrases in PHRASES["he"].values() for phrase in phrases}


async def chat_text(http: aiohttp.ClientSession, standin: RunningStandin) -> str:
    body = {"messages": [{"role": "user", "content": HEBREW}], "max_tokens": 64}
    async with http.post(standin.url + "/v1/chat/completions", json=body) as response:
        assert response.status == 200
        content: str = (await response.json())["choices"][0]["message"]["content"]
        return content


async def generate_text(http: aiohttp.ClientSession, standin: RunningStandin) -> str:
    body = {"inputs": HEBREW, "parameters": {"max_new_tokens": 64}}
    async with http.post(standin.url + "/generate", json=body) as response:
        assert response.status == 200
        text: str = (await response.json())["generated_text"]
        return text


async def test_each_scripted_reply_is_used_once_in_order(
    standin: RunningStandin, http: aiohttp.ClientSession
) -> None:
    async with http.post(standin.url + "/_standin/replies", json={"texts": ["first one", "second one"]}) as r:
        assert (await r.json()) == {"scripted": 2}
    assert await chat_text(http, standin) == "first one"
    assert await generate_text(http, standin) == "second one"
    async with http.get(standin.url + "/_standin/replies") as r:
        assert (await r.json()) == {"scripted": 0}
    assert await chat_text(http, standin) in ALL_HEBREW


async def test_an_empty_script_clears_it_and_bad_input_is_refused(
    standin: RunningStandin, http: aiohttp.ClientSession
) -> None:
    async with http.post(standin.url + "/_standin/replies", json={"texts": ["unused"]}):
        pass
    async with http.post(standin.url + "/_standin/replies", json={"texts": []}) as r:
        assert (await r.json()) == {"scripted": 0}
    assert await chat_text(http, standin) in ALL_HEBREW
    for bad in ({"texts": "one"}, {"texts": [""]}, {"texts": [1]}, ["x"]):
        async with http.post(standin.url + "/_standin/replies", json=bad) as r:
            assert r.status == 422
