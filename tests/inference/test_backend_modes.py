"""OpenAI-compatible servers, raw-text prompts and the start-up check of LoRA adapters, end to end."""

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from care.config import Settings
from care.inference.adapters import PROBE_PROMPT, AdapterValidationError
from care.inference.backend import BackendRegistry, BackendSetupError
from care.inference.server import start_server
from care.inference.strategies import STEERING_PREFIX, choose_strategies
from care.standin.phrases import PHRASES
from care.standin.server import RunningStandin, StandinConfig, start_standin
from tests.inference.support import (
    AR_PROMPT,
    HE_PROMPT,
    RPC_TIMEOUT_S,
    Control,
    assert_fallback,
    assert_model_reply,
    request,
    serving,
    write_model_dir,
)

pytestmark = pytest.mark.integration

ADAPTERS = ("care/he-lora", "care/ar-lora")


@pytest.fixture(scope="module")
async def tgi() -> AsyncIterator[RunningStandin]:
    running = await start_standin(StandinConfig(port=0, adapters=ADAPTERS, record_requests=True))
    yield running
    await running.stop()


@pytest.fixture(scope="module")
async def vllm() -> AsyncIterator[RunningStandin]:
    running = await start_standin(
        StandinConfig(
            port=0, flavour="openai", model_id="org/base-7b", adapters=ADAPTERS, record_requests=True
        )
    )
    yield running
    await running.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


async def fresh(standin: RunningStandin, http: httpx.AsyncClient) -> Control:
    control = Control(standin, http)
    await control.reset()
    return control


async def generation_bodies(control: Control, path_key: str) -> list[dict[str, Any]]:
    return [body for body in await control.bodies() if path_key in body]


# --- OpenAI-compatible servers (vLLM, SGLang) -------------------------------------------------------


async def test_openai_mode_asks_for_the_served_model_once(
    vllm: RunningStandin, http: httpx.AsyncClient
) -> None:
    control = await fresh(vllm, http)
    before = len(await control.bodies())
    settings = Settings(backend_api="openai", backend_url=vllm.url)
    async with serving(settings) as served:
        first = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
        again = await served.client.suggest(request("ar", AR_PROMPT), timeout=RPC_TIMEOUT_S)
        third = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
    assert_model_reply(first, "he")
    assert_model_reply(again, "ar")
    assert_model_reply(third, "he")
    assert first.model == again.model == "org/base-7b"
    sent = [body for body in (await control.bodies())[before:] if "messages" in body]
    assert [body["model"] for body in sent] == ["org/base-7b"] * 9
    # Once per route's backend, not once per request or candidate.
    assert await control.requests("/v1/models") == 2


async def test_openai_mode_sends_the_adapter_as_the_model(
    vllm: RunningStandin, http: httpx.AsyncClient
) -> None:
    control = await fresh(vllm, http)
    before = len(await control.bodies())
    settings = Settings(backend_api="openai", backend_url=vllm.url, backend_he_adapter="care/he-lora")
    async with serving(settings) as served:
        response = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
    assert_model_reply(response, "he")
    assert response.model == "care/he-lora"
    sent = [body for body in (await control.bodies())[before:] if "messages" in body]
    assert [body["model"] for body in sent] == ["care/he-lora"] * 3


async def test_openai_mode_unknown_adapter_unchecked_gives_fallback(
    vllm: RunningStandin, http: httpx.AsyncClient
) -> None:
    await fresh(vllm, http)
    settings = Settings(
        backend_api="openai",
        backend_url=vllm.url,
        backend_he_adapter="care/missing",
        backend_validate_adapters=False,
    )
    async with serving(settings) as served:
        response = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
    # vLLM answers 404 for a model it does not serve.
    assert_fallback(response, "he", "unexpected answer from the model backend (404)")


async def test_openai_adapter_listed_starts(vllm: RunningStandin) -> None:
    settings = Settings(backend_api="openai", backend_url=vllm.url, backend_ar_adapter="care/ar-lora")
    async with serving(settings) as served:
        response = await served.client.suggest(request("ar", AR_PROMPT), timeout=RPC_TIMEOUT_S)
    assert_model_reply(response, "ar")


async def test_openai_adapter_not_listed_refuses_to_start(vllm: RunningStandin) -> None:
    settings = Settings(backend_api="openai", backend_url=vllm.url, backend_he_adapter="care/he-lora-v2")
    with pytest.raises(AdapterValidationError) as caught:
        await start_server(settings, listen="127.0.0.1:0")
    message = str(caught.value)
    assert "route he" in message
    assert "'care/he-lora-v2'" in message
    assert "org/base-7b, care/he-lora, care/ar-lora" in message
    assert "route ar" not in message


# --- TGI adapters -------------------------------------------------------------------------------------


async def test_tgi_adapter_that_is_loaded_passes_the_probe(
    tgi: RunningStandin, http: httpx.AsyncClient
) -> None:
    control = await fresh(tgi, http)
    before = len(await control.bodies())
    settings = Settings(backend_url=tgi.url, backend_he_adapter="care/he-lora")
    server, _ = await start_server(settings, listen="127.0.0.1:0")
    await server.stop(None)
    probes = [body for body in (await control.bodies())[before:] if body.get("inputs") == PROBE_PROMPT]
    # Greedy, short, once without and once with the adapter.
    assert [body["parameters"].get("adapter_id") for body in probes] == [None, "care/he-lora"]
    for body in probes:
        assert body["parameters"]["do_sample"] is False
        assert body["parameters"]["max_new_tokens"] <= 16


async def test_tgi_adapter_that_is_not_loaded_refuses_to_start(tgi: RunningStandin) -> None:
    settings = Settings(
        backend_url=tgi.url, backend_he_adapter="care/he-lora", backend_ar_adapter="care/ar-v9"
    )
    with pytest.raises(AdapterValidationError) as caught:
        await start_server(settings, listen="127.0.0.1:0")
    message = str(caught.value)
    assert "route ar: adapter 'care/ar-v9' is not loaded on the TGI server" in message
    assert "route he" not in message


async def test_without_validation_tgi_silently_serves_the_base_model(tgi: RunningStandin) -> None:
    # What the start-up check exists for: TGI answers an unknown adapter with the base model.
    base = Settings(backend_url=tgi.url)
    unknown = Settings(backend_url=tgi.url, backend_he_adapter="care/typo", backend_validate_adapters=False)
    loaded = Settings(backend_url=tgi.url, backend_he_adapter="care/he-lora")
    replies: list[list[str]] = []
    for settings in (base, unknown, loaded):
        async with serving(settings) as served:
            response = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
        assert_model_reply(response, "he")
        replies.append([candidate.text for candidate in response.candidates])
    assert replies[1] == replies[0]
    assert all(a != b for a, b in zip(replies[2], replies[0], strict=True))


async def test_unreachable_backend_refuses_to_start_when_adapters_need_checking() -> None:
    settings = Settings(
        backend_url="http://127.0.0.1:9", backend_he_adapter="care/he-lora", backend_timeout_seconds=1.0
    )
    with pytest.raises(
        AdapterValidationError, match=r"route he: adapter 'care/he-lora' could not be checked"
    ):
        await start_server(settings, listen="127.0.0.1:0")


# --- raw-text prompts rendered with the model's chat template -----------------------------------------


async def test_text_mode_renders_the_template_and_streams_from_generate_stream(
    tgi: RunningStandin, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    control = await fresh(tgi, http)
    before = len(await control.bodies())
    model_dir = write_model_dir(tmp_path / "he-model")
    settings = Settings(
        backend_url=tgi.url,
        prompt_mode="text",
        backend_he_model_dir=str(model_dir),
        backend_ar_model_dir=str(model_dir),
        backend_he_adapter="care/he-lora",
    )
    async with serving(settings) as served:
        he = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
        ar = await served.client.suggest(request("ar", AR_PROMPT), timeout=RPC_TIMEOUT_S)
    assert_model_reply(he, "he")
    assert_model_reply(ar, "ar")
    assert he.model == "care/he-lora"

    stats = await control.stats()
    assert stats["requests"].get("/generate_stream") == 6
    assert "/v1/chat/completions" not in stats["requests"]
    sent = [body for body in (await control.bodies())[before:] if body.get("stream")]
    assert [body["parameters"].get("adapter_id") for body in sent] == ["care/he-lora"] * 3 + [None] * 3
    he_prompts = [body["inputs"] for body in sent[:3]]
    conversation = "".join(f"<|im_start|>{role}\n{content}<|im_end|>\n" for role, content in HE_PROMPT)
    shared = conversation.removesuffix("<|im_end|>\n")
    for prompt in he_prompts:
        # The whole conversation comes first; the steering line ends the latest message.
        assert prompt.startswith(shared + "\n" + STEERING_PREFIX)
        assert prompt.endswith(".<|im_end|>\n<|im_start|>assistant\n")
    assert sorted(prompt.rsplit(STEERING_PREFIX, 1)[1].split(".<|im_end|>")[0] for prompt in he_prompts) == (
        sorted(choose_strategies(3))
    )
    for body in sent:
        assert body["parameters"]["do_sample"] is True
        assert body["parameters"]["seed"] is not None


async def test_text_mode_template_that_rejects_a_conversation_gives_fallback(
    tgi: RunningStandin, tmp_path: Path
) -> None:
    strict = "{% if messages[0]['role'] != 'system' %}{{ raise_exception('system first') }}{% endif %}x"
    model_dir = write_model_dir(tmp_path / "strict", chat_template=strict)
    settings = Settings(backend_url=tgi.url, prompt_mode="text", backend_model_dir=str(model_dir))
    async with serving(settings) as served:
        response = await served.client.suggest(request("ar", AR_PROMPT), timeout=RPC_TIMEOUT_S)
        accepted = await served.client.suggest(request("he", HE_PROMPT), timeout=RPC_TIMEOUT_S)
    assert_fallback(response, "ar", "model backend rejected the request")
    assert accepted.candidates[0].text in PHRASES["he"][accepted.candidates[0].strategy]  # type: ignore[index]


def test_text_mode_with_an_openai_server_is_refused() -> None:
    settings = Settings(backend_api="openai", prompt_mode="text", backend_url="http://vllm:8000")
    with pytest.raises(BackendSetupError, match="CARE_PROMPT_MODE=text needs CARE_BACKEND_API=tgi"):
        BackendRegistry.from_settings(settings)


def test_text_mode_without_a_model_dir_is_refused() -> None:
    settings = Settings(prompt_mode="text", backend_url="http://tgi:80")
    with pytest.raises(BackendSetupError, match=r"route he: prompt mode 'text' needs the model directory"):
        BackendRegistry.from_settings(settings)


@pytest.mark.parametrize("template", [None, "{% for %}"])
def test_text_mode_with_an_unusable_model_dir_is_refused(tmp_path: Path, template: str | None) -> None:
    model_dir = write_model_dir(tmp_path / "model", chat_template=template)
    settings = Settings(prompt_mode="text", backend_url="http://tgi:80", backend_model_dir=str(model_dir))
    with pytest.raises(BackendSetupError, match=r"route he: no usable chat template"):
        BackendRegistry.from_settings(settings)


def test_text_mode_with_a_missing_model_dir_is_refused(tmp_path: Path) -> None:
    settings = Settings(
        prompt_mode="text", backend_url="http://tgi:80", backend_model_dir=str(tmp_path / "nope")
    )
    with pytest.raises(BackendSetupError, match=r"route he: no usable chat template: cannot read"):
        BackendRegistry.from_settings(settings)


# --- the process --------------------------------------------------------------------------------------


async def test_run_server_refuses_to_start_with_an_unloaded_adapter(tgi: RunningStandin) -> None:
    env = {
        **os.environ,
        "CARE_INFERENCE_LISTEN": "127.0.0.1:0",
        "CARE_BACKEND_URL": tgi.url,
        "CARE_BACKEND_HE_ADAPTER": "care/not-there",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "care.cli", "inference", env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        async with asyncio.timeout(30):
            _, stderr = await process.communicate()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 1
    entries = [json.loads(line) for line in stderr.decode().splitlines() if line.startswith("{")]
    refusal = [entry for entry in entries if entry["msg"] == "inference service cannot start"]
    assert len(refusal) == 1
    assert "route he: adapter 'care/not-there' is not loaded" in refusal[0]["reason"]
    assert not any(entry["msg"] == "inference service listening" for entry in entries)
