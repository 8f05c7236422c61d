"""Shared by the end-to-end tests of the inference service: prompts, assertions, a served stack."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from care.config import Settings
from care.inference.backend import BackendRegistry
from care.inference.client import InferenceClient
from care.inference.server import start_inference
from care.inference.service import SuggestionService
from care.inference.strategies import choose_strategies
from care.standin.phrases import PHRASES
from care.standin.server import RunningStandin
from care.v1.events_pb2 import SUGGESTION_STATUS_FALLBACK, SUGGESTION_STATUS_OK
from care.v1.inference_pb2 import PromptMessage, SuggestRequest, SuggestResponse

CHAT_PATH = "/v1/chat/completions"
RPC_TIMEOUT_S = 10.0
# Bounds for waits on the other side of a socket: generous, since the machine may be busy.
POLL_TIMEOUT_S = 10.0
HEBREW = "\u0590-\u05ff"
ARABIC = "\u0600-\u06ff"

HE_PROMPT = (
    ("system", "You suggest replies to a counselor of a crisis chat line."),
    ("user", "היי, אני לא יודע/ת מה לעשות עם עצמי"),
    ("assistant", "אני כאן. מה קורה?"),
    ("user", "הכול מרגיש כבד מדי בזמן האחרון"),
)
AR_PROMPT = (
    ("user", "مرحبا، أشعر بالوحدة"),
    ("assistant", "أنا هنا معك. ماذا يحدث؟"),
    ("user", "لا أحد يفهمني في البيت"),
)

CHATML = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def request(route: str, prompt: Sequence[tuple[str, str]], **fields: Any) -> SuggestRequest:
    return SuggestRequest(
        request_id=f"req-{route}",
        conversation_id=f"conv-{route}",
        route=route,
        messages=[PromptMessage(role=role, content=content) for role, content in prompt],
        **fields,
    )


def in_script(text: str, script: str, other: str) -> bool:
    return any(ord(char) in range(ord(script[0]), ord(script[-1]) + 1) for char in text) and not any(
        ord(char) in range(ord(other[0]), ord(other[-1]) + 1) for char in text
    )


def assert_model_reply(response: SuggestResponse, route: str, count: int = 3) -> None:
    assert response.status == SUGGESTION_STATUS_OK, response.status_reason
    assert response.status_reason == ""
    strategies = choose_strategies(count)
    assert [c.index for c in response.candidates] == list(range(count))
    assert [c.strategy for c in response.candidates] == strategies
    script, other = (HEBREW, ARABIC) if route == "he" else (ARABIC, HEBREW)
    for candidate in response.candidates:
        assert candidate.source == "model"
        assert candidate.generated_tokens > 0
        assert in_script(candidate.text, script, other)
        # The stand-in answers from a bank of phrases per strategy: steering reached it.
        assert candidate.text in PHRASES[route][candidate.strategy]  # type: ignore[index]
    assert response.time_to_first_token_ms > 0
    assert response.total_ms >= response.time_to_first_token_ms


def assert_fallback(response: SuggestResponse, route: str, reason: str, count: int = 3) -> None:
    assert response.status == SUGGESTION_STATUS_FALLBACK, response.status_reason
    assert reason in response.status_reason
    assert response.status_reason.endswith("showing fallback replies")
    assert [c.strategy for c in response.candidates] == choose_strategies(count)
    script, other = (HEBREW, ARABIC) if route == "he" else (ARABIC, HEBREW)
    for candidate in response.candidates:
        assert candidate.source == "fallback"
        assert candidate.generated_tokens == 0
        assert in_script(candidate.text, script, other)


class Control:
    """The stand-in's control endpoints."""

    def __init__(self, standin: RunningStandin, http: httpx.AsyncClient) -> None:
        self.standin = standin
        self._http = http

    async def faults(self, mode: str, rate: float = 1.0, count: int | None = None) -> None:
        body: dict[str, Any] = {"mode": mode, "rate": rate if mode != "none" else 0.0}
        if count is not None:
            body["count"] = count
        answer = await self._http.post(f"{self.standin.url}/_standin/faults", json=body)
        answer.raise_for_status()

    async def latency(self, ttft_ms: float, tpt_ms: float = 0.0) -> None:
        body = {"time_to_first_token_ms": ttft_ms, "time_per_token_ms": tpt_ms}
        answer = await self._http.post(f"{self.standin.url}/_standin/latency", json=body)
        answer.raise_for_status()

    async def stats(self) -> dict[str, Any]:
        answer = await self._http.get(f"{self.standin.url}/_standin/stats")
        answer.raise_for_status()
        stats: dict[str, Any] = answer.json()
        return stats

    async def reset(self) -> None:
        await self.faults("none")
        await self.latency(0.0)
        (await self._http.delete(f"{self.standin.url}/_standin/stats")).raise_for_status()

    async def requests(self, path: str = CHAT_PATH) -> int:
        count: int = (await self.stats())["requests"].get(path, 0)
        return count

    async def bodies(self) -> list[dict[str, Any]]:
        answer = await self._http.get(f"{self.standin.url}/_standin/requests")
        answer.raise_for_status()
        return [json.loads(body) for body in answer.json()["requests"]]

    async def wait_for(self, check: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The stats once ``check`` holds for them; AssertionError after :data:`POLL_TIMEOUT_S`."""
        stop = time.monotonic() + POLL_TIMEOUT_S
        while True:
            stats = await self.stats()
            if check(stats):
                return stats
            if time.monotonic() > stop:
                raise AssertionError(f"stand-in never reached the expected state: {stats}")
            await asyncio.sleep(0.02)


@dataclass
class Served:
    client: InferenceClient
    service: SuggestionService


@asynccontextmanager
async def serving(settings: Settings, registry: BackendRegistry | None = None) -> AsyncIterator[Served]:
    """The inference service on a free port, and a client of it; stopped and closed afterwards."""
    backends = BackendRegistry.from_settings(settings) if registry is None else registry
    try:
        running = await start_inference(settings, listen="127.0.0.1:0", registry=backends)
        client = InferenceClient(f"127.0.0.1:{running.port}")
        try:
            await client.wait_ready(RPC_TIMEOUT_S)
            yield Served(client, running.service)
        finally:
            await client.close()
            await running.server.stop(None)
    finally:
        await backends.aclose()


def write_model_dir(directory: Path, chat_template: object = CHATML) -> Path:
    """A model directory with only what text mode reads: the chat template and special tokens."""
    directory.mkdir(parents=True, exist_ok=True)
    config = {"chat_template": chat_template, "bos_token": "<s>", "eos_token": "<|im_end|>"}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), "utf-8")
    return directory
