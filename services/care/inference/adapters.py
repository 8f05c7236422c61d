"""Start-up check that every configured LoRA adapter is really served.

A misnamed or unloaded adapter must stop the service, not quietly turn every suggestion into the
base model's: the counselor would see replies that were never fine-tuned for the line.

- OpenAI-compatible servers (vLLM, SGLang) list their adapters in ``GET /v1/models``.
- TGI cannot list adapters, and for an unknown ``adapter_id`` it silently generates with the base
  model (huggingface/text-generation-inference#2505). So the check probes: a short greedy generation
  of a fixed prompt with and without the adapter. An adapter that changes nothing is refused. (A real
  adapter that happened to leave these few greedy tokens unchanged would be refused too; none of a
  fine-tune's is expected to.)

A backend that cannot be asked (down, refusing) also stops the service: starting anyway would
serve unchecked adapters. Transient 429/503 answers are retried within ``backend_timeout_seconds``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from care.config import Settings
from care.inference.backend import BackendError, BackendRegistry, BackendSetupError, ModelBackend
from care.inference.resilience import Deadline, RetryPolicy, call_with_resilience, retry_policy
from care.logging import get_logger

logger = get_logger(__name__)

T = TypeVar("T")

# Fixed and free of any conversation: the probe's text reaches the model server's logs.
PROBE_PROMPT = "Reply to a person who wrote to a support line: Hello, can we talk?"
PROBE_TOKENS = 8


class AdapterValidationError(BackendSetupError):
    """A configured adapter that the model server does not serve, or could not be checked."""


async def validate_adapters(registry: BackendRegistry, settings: Settings) -> None:
    """Raises :class:`AdapterValidationError` naming every route whose adapter is not served.

    Does nothing for routes without an adapter. Each distinct (server, adapter) is checked once.
    """
    policy = retry_policy(settings)
    problems: list[str] = []
    checked: dict[tuple[str, str, str], str | None] = {}
    base_outputs: dict[str, str] = {}
    for backend in registry.backends:
        config = backend.config
        if not config.adapter_id:
            continue
        key = (config.api, config.base_url, config.adapter_id)
        if key not in checked:
            try:
                if config.api == "openai":
                    checked[key] = await _check_listed(backend, policy)
                else:
                    checked[key] = await _check_by_probe(backend, policy, base_outputs)
            except BackendError as error:
                checked[key] = f"could not be checked at {config.base_url}: the server answered {error}"
        problem = checked[key]
        if problem is None:
            logger.info(
                "model adapter validated",
                extra={"fields": {"route": config.route, "adapter": config.adapter_id, "api": config.api}},
            )
        else:
            problems.append(f"route {config.route}: adapter {config.adapter_id!r} {problem}")
    if problems:
        raise AdapterValidationError(
            "; ".join(problems) + " (set CARE_BACKEND_VALIDATE_ADAPTERS=false to skip this check)"
        )


async def _call(backend: ModelBackend, policy: RetryPolicy, call: Callable[[], Awaitable[T]]) -> T:
    return await call_with_resilience(
        lambda _seconds: call(), deadline=Deadline(backend.config.timeout_seconds), policy=policy
    )


async def _check_listed(backend: ModelBackend, policy: RetryPolicy) -> str | None:
    served = await _call(backend, policy, backend.list_models)
    if backend.config.adapter_id in served:
        return None
    return (
        f"is not served by {backend.config.base_url}: its /v1/models lists {', '.join(served)}; "
        "load it (e.g. vLLM --lora-modules) or fix the adapter id"
    )


async def _check_by_probe(
    backend: ModelBackend, policy: RetryPolicy, base_outputs: dict[str, str]
) -> str | None:
    url = backend.config.base_url
    if url not in base_outputs:
        base_outputs[url] = await _call(
            backend, policy, lambda: backend.generate_text(PROBE_PROMPT, max_new_tokens=PROBE_TOKENS)
        )
    adapted = await _call(
        backend,
        policy,
        lambda: backend.generate_text(
            PROBE_PROMPT, max_new_tokens=PROBE_TOKENS, adapter_id=backend.config.adapter_id
        ),
    )
    if adapted != base_outputs[url]:
        return None
    return (
        f"is not loaded on the TGI server at {url}: a greedy probe gave the same text with and "
        "without it, and TGI silently answers with the base model for an unknown adapter_id; "
        "load it (LORA_ADAPTERS) or fix the adapter id"
    )
