"""Prefix reuse: how much of each prompt repeats the previous request's prompt tokens."""

from __future__ import annotations

import random
import statistics
from pathlib import Path

import pytest

from care.prompting.build import build_text_prompt
from care.prompting.stability import common_prefix_length, prefix_share, prefix_shares
from care.prompting.template import ChatTemplate
from care.prompting.tokens import ModelTokenizer
from care.prompting.window import WindowState, append, fit, turn_cost, window_policy

from .conftest import SENTENCES

SYSTEM = "You are a counselor's assistant."
RESERVE = 256


def test_prefix_share() -> None:
    assert common_prefix_length([1, 2, 3], [1, 2, 4, 5]) == 2
    assert prefix_share([1, 2, 3], [1, 2, 4, 5]) == 0.5
    assert prefix_share([1, 2, 3], [1, 2, 3, 4]) == 0.75
    assert prefix_share([1, 2, 3, 4], [1, 2]) == 1.0
    assert prefix_share([], [1]) == 0.0
    assert prefix_share([1], []) == 1.0
    assert prefix_shares([[1, 2], [1, 2, 3, 4], [9]]) == [0.5, 0.0]
    assert prefix_shares([[1]]) == []


def synthetic_conversation(turns: int, seed: int = 7) -> list[tuple[str, str]]:
    """The counselor opens; the help-seeker often sends several messages in a row."""
    rng = random.Random(seed)
    conversation = [("assistant", SENTENCES[0])]
    while len(conversation) < turns:
        role = "user" if conversation[-1][0] == "assistant" or rng.random() < 0.3 else "assistant"
        conversation.append((role, " ".join(rng.choices(SENTENCES, k=rng.randint(1, 2)))))
    return conversation


def replay(
    counter: ModelTokenizer, template: ChatTemplate, turns: list[tuple[str, str]], block_fraction: float
) -> tuple[list[list[int]], set[int]]:
    """Every request's prompt ids, a request per help-seeker turn, as the assembler sends them."""
    total = sum(turn_cost(counter, text) for _, text in turns)
    # A context window holding about half of the conversation: several cuts along the way.
    policy = window_policy(
        counter,
        SYSTEM,
        context_tokens=total // 2,
        reserve_for_generation=RESERVE,
        block_fraction=block_fraction,
    )
    state = WindowState()
    prompts: list[list[int]] = []
    cuts: set[int] = set()
    for i, (role, text) in enumerate(turns):
        state = fit(append(state, turn_cost(counter, text)), policy)
        cuts.add(state.cut)
        if role == "user":
            prompt = build_text_prompt(template, SYSTEM, turns[: i + 1], state, policy)
            ids = counter.encode(prompt.text)
            assert prompt.fits
            assert len(ids) <= prompt.budgeted_tokens <= policy.context_tokens - RESERVE
            prompts.append(ids)
    return prompts, cuts - {0}


@pytest.fixture(scope="module")
def template(model_dir: Path) -> ChatTemplate:
    return ChatTemplate.from_model_dir(model_dir)


def test_block_elision_keeps_the_prefix_stable(
    model_tokenizer: ModelTokenizer, template: ChatTemplate
) -> None:
    prompts, cuts = replay(model_tokenizer, template, synthetic_conversation(200), block_fraction=1 / 3)
    shares = prefix_shares(prompts)
    assert len(cuts) >= 2
    assert len(shares) >= 80
    assert statistics.median(shares) >= 0.95
    # Only a request right after a cut loses the cache beyond the system prompt and opening turns;
    # early on, while the prompt is short, each new turn is merely a large part of it.
    assert sum(share < 0.5 for share in shares) <= len(cuts)


def test_turn_by_turn_elision_would_lose_the_prefix(
    model_tokenizer: ModelTokenizer, template: ChatTemplate
) -> None:
    prompts, _ = replay(model_tokenizer, template, synthetic_conversation(200), block_fraction=0.001)
    assert statistics.median(prefix_shares(prompts)) < 0.5
