"""The final prompt in both modes: merged roles, the elision marker, the budgeted size."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from care.assembler.history import History, Speaker, Turn
from care.assembler.prompt import ROLE_OF, build_messages
from care.prompting.build import build_chat_prompt, build_text_prompt, merge_turns
from care.prompting.template import ChatTemplate, TemplateError
from care.prompting.tokens import EstimatingCounter, ModelTokenizer
from care.prompting.window import ROLE_OVERHEAD, WindowState, append, fit, turn_cost, window_policy

from .conftest import LLAMA, SENTENCES

SYSTEM = "You are a counselor's assistant."
ROLES = ("user", "assistant")


def test_merging_matches_the_assemblers_messages() -> None:
    speakers = [
        Speaker.COUNSELOR,
        Speaker.HELP_SEEKER,
        Speaker.HELP_SEEKER,
        Speaker.COUNSELOR,
        Speaker.HELP_SEEKER,
    ]
    history = History(tuple(Turn(f"e{i}", s, SENTENCES[i]) for i, s in enumerate(speakers)))
    turns = [(ROLE_OF[t.speaker], t.text) for t in history.turns]
    expected = [(m.role, m.content) for m in build_messages(history, SYSTEM)]
    assert merge_turns(SYSTEM, turns) == expected
    assert expected[2] == ("user", f"{SENTENCES[1]}\n{SENTENCES[2]}")


def test_marker_leads_the_first_turn_after_the_gap() -> None:
    roles = ["assistant", "user", "assistant", "user", "user", "assistant", "user"]
    turns = [(role, f"t{i}") for i, role in enumerate(roles)]
    policy = window_policy(
        EstimatingCounter(), SYSTEM, context_tokens=1000, reserve_for_generation=100, marker="[…]"
    )
    state = WindowState.restore([5] * 7, cut=4, opening=2)
    prompt = build_chat_prompt(SYSTEM, turns, state, policy)
    # Turn 4 follows the gap; being the help-seeker's, like turn 1, it joins turn 1's message.
    assert prompt.messages == (
        ("system", SYSTEM),
        ("assistant", "t0"),
        ("user", "t1\n[…]\nt4"),
        ("assistant", "t5"),
        ("user", "t6"),
    )
    assert prompt.elided == 2
    assert prompt.budgeted_tokens == policy.system_cost + 5 * 5 + policy.marker_cost
    assert prompt.fits


def test_no_marker_without_elision() -> None:
    turns = [("user", "a"), ("assistant", "b")]
    policy = window_policy(EstimatingCounter(), SYSTEM, context_tokens=1000, reserve_for_generation=100)
    prompt = build_chat_prompt(SYSTEM, turns, WindowState.restore([9, 9]), policy)
    assert prompt.messages == (("system", SYSTEM), ("user", "a"), ("assistant", "b"))
    assert (prompt.elided, prompt.budgeted_tokens) == (0, policy.system_cost + 18)


def test_text_prompt_renders_the_chat_prompt(model_dir: Path) -> None:
    template = ChatTemplate.from_model_dir(model_dir)
    turns = [("user", SENTENCES[0]), ("assistant", SENTENCES[1]), ("user", SENTENCES[2])]
    policy = window_policy(EstimatingCounter(), SYSTEM, context_tokens=1000, reserve_for_generation=100)
    state = WindowState.restore([30, 30, 30])
    chat = build_chat_prompt(SYSTEM, turns, state, policy)
    text = build_text_prompt(template, SYSTEM, turns, state, policy)
    assert text.text == template.render(chat.messages)
    assert text.text.endswith(f"{SENTENCES[2]}<|im_end|>\n<|im_start|>assistant\n")
    assert (text.elided, text.budgeted_tokens, text.fits) == (chat.elided, chat.budgeted_tokens, chat.fits)


def test_a_template_that_rejects_the_conversation_raises_template_error() -> None:
    # Llama 2's template wants the help-seeker first; crisis chats often open with the counselor.
    template = ChatTemplate(LLAMA, {"bos_token": "<s>", "eos_token": "</s>"})
    policy = window_policy(EstimatingCounter(), SYSTEM, context_tokens=1000, reserve_for_generation=100)
    with pytest.raises(TemplateError, match="raise_exception"):
        build_text_prompt(
            template, SYSTEM, [("assistant", "hi"), ("user", "x")], WindowState.restore([9, 9]), policy
        )


def conversation(sentence_ids: list[int], role_ids: list[int]) -> list[tuple[str, str]]:
    # A unique tag per turn shows which turns made it into the prompt.
    return [
        (ROLES[r], f"#{i}# {SENTENCES[s]}")
        for i, (s, r) in enumerate(zip(sentence_ids, role_ids, strict=False))
    ]


turn_lists = st.integers(1, 60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, len(SENTENCES) - 1), min_size=n, max_size=n),
        st.lists(st.integers(0, 1), min_size=n, max_size=n),
    )
)


@given(turn_lists, st.integers(150, 1500), st.integers(0, 3))
def test_kept_turns_appear_whole_and_elided_ones_not_at_all(
    ids: tuple[list[int], list[int]], context_tokens: int, opening_turns: int
) -> None:
    counter = EstimatingCounter()
    turns = conversation(*ids)
    policy = window_policy(
        counter, SYSTEM, context_tokens=context_tokens, reserve_for_generation=50, opening_turns=opening_turns
    )
    state = WindowState()
    for _, text in turns:
        state = fit(append(state, turn_cost(counter, text)), policy)
    prompt = build_chat_prompt(SYSTEM, turns, state, policy)
    body = "\n".join(content for _, content in prompt.messages[1:])
    kept = [i for i, (_, text) in enumerate(turns) if f"#{i}#" in body]
    assert kept[-1] == len(turns) - 1
    assert len(kept) + prompt.elided == len(turns)
    positions = [body.index(turns[i][1]) for i in kept]
    assert positions == sorted(positions)
    assert (policy.marker in body) == (prompt.elided > 0)
    assert prompt.budgeted_tokens == sum(counter.count(c) + ROLE_OVERHEAD for _, c in turns if c in body) + (
        policy.system_cost + (policy.marker_cost if prompt.elided else 0)
    )


@settings(max_examples=40, deadline=None)
@given(turn_lists, st.integers(200, 2000))
def test_budgeted_tokens_bound_the_rendered_prompt(
    model_tokenizer: ModelTokenizer, model_dir: Path, ids: tuple[list[int], list[int]], context_tokens: int
) -> None:
    template = ChatTemplate.from_model_dir(model_dir)
    turns = conversation(*ids)
    policy = window_policy(model_tokenizer, SYSTEM, context_tokens=context_tokens, reserve_for_generation=50)
    state = WindowState()
    for _, text in turns:
        state = fit(append(state, turn_cost(model_tokenizer, text)), policy)
    prompt = build_text_prompt(template, SYSTEM, turns, state, policy)
    assert model_tokenizer.count(prompt.text) <= prompt.budgeted_tokens
    if prompt.fits:
        assert prompt.budgeted_tokens + policy.reserve_for_generation <= context_tokens
