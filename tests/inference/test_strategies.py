import re

import pytest

from care.inference.strategies import (
    DEFAULT_ORDER,
    MAX_CANDIDATES,
    STRATEGIES,
    choose_strategies,
    steering_line,
    with_strategy,
)

STEERING = re.compile(r"^Support strategy for this reply: (?P<label>[^\n]+)\.$", re.MULTILINE)


def test_labels_are_the_esconv_set() -> None:
    assert STRATEGIES == (
        "Question",
        "Restatement or Paraphrasing",
        "Reflection of feelings",
        "Self-disclosure",
        "Affirmation and Reassurance",
        "Providing Suggestions",
        "Information",
        "Others",
    )
    assert sorted(DEFAULT_ORDER) == sorted(STRATEGIES)
    assert MAX_CANDIDATES == 8


def test_default_order_leads_with_listening() -> None:
    assert choose_strategies(3) == ["Reflection of feelings", "Question", "Affirmation and Reassurance"]


@pytest.mark.parametrize("count", range(1, 9))
def test_choice_is_distinct_and_deterministic(count: int) -> None:
    chosen = choose_strategies(count)
    assert len(chosen) == count
    assert len(set(chosen)) == count
    assert set(chosen) <= set(STRATEGIES)
    assert chosen == choose_strategies(count)
    assert chosen == choose_strategies(MAX_CANDIDATES)[:count]


@pytest.mark.parametrize("count", [0, -1, 9])
def test_choice_rejects_impossible_counts(count: int) -> None:
    with pytest.raises(ValueError, match="candidate count"):
        choose_strategies(count)


def test_steering_line_is_exact() -> None:
    assert steering_line("Question") == "Support strategy for this reply: Question."
    with pytest.raises(ValueError, match="not an ESConv strategy"):
        steering_line("Lecture")


def test_line_ends_the_final_help_seeker_message() -> None:
    messages = [
        ("system", "You are a counselor."),
        ("user", "היי"),
        ("assistant", "שלום"),
        ("user", "קשה לי"),
    ]
    result = with_strategy(messages, "Reflection of feelings")
    assert result[-1] == ("user", "קשה לי\nSupport strategy for this reply: Reflection of feelings.")
    assert result[:-1] == messages[:-1]
    assert messages[-1] == ("user", "קשה לי"), "the input is left unchanged"


def test_candidates_share_everything_before_the_line() -> None:
    messages = [
        ("system", "You are a counselor."),
        ("user", "היי"),
        ("assistant", "שלום"),
        ("user", "קשה לי"),
    ]
    prompts = {label: with_strategy(messages, label) for label in STRATEGIES}
    for label, prompt in prompts.items():
        # Only the label differs: the whole conversation, latest message included, comes first.
        assert prompt[:-1] == messages[:-1]
        assert prompt[-1] == ("user", f"קשה לי\nSupport strategy for this reply: {label}.")


def test_next_turn_keeps_the_previous_prompt_up_to_the_line() -> None:
    turn = [("system", "S"), ("user", "היי")]
    first = with_strategy(turn, "Question")
    following = with_strategy([*turn, ("assistant", "שלום"), ("user", "קשה לי")], "Question")
    assert following[:2] == turn
    assert first[1][1].startswith(following[1][1])


def test_line_comes_as_its_own_message_after_a_counselor_message() -> None:
    messages = [("user", "مرحبا"), ("assistant", "أهلاً")]
    assert with_strategy(messages, "Question") == [
        *messages,
        ("user", "Support strategy for this reply: Question."),
    ]


def test_empty_final_message_gets_only_the_line() -> None:
    result = with_strategy([("system", "S"), ("user", "")], "Information")
    assert result[-1] == ("user", "Support strategy for this reply: Information.")


def test_existing_steering_line_is_replaced_not_duplicated() -> None:
    once = with_strategy([("system", "Be kind."), ("user", "x\n")], "Question")
    twice = with_strategy(once, "Self-disclosure")
    labels = [match["label"] for match in STEERING.finditer(twice[-1][1])]
    assert labels == ["Self-disclosure"]
    assert twice[-1][1].startswith("x\n")
    assert twice[0] == ("system", "Be kind."), "the system prompt is never steered"


def test_only_the_final_message_is_steered() -> None:
    messages = [("system", "A"), ("user", "x"), ("assistant", "y"), ("user", "z")]
    result = with_strategy(messages, "Others")
    assert STEERING.search(result[-1][1])
    assert not any(STEERING.search(content) for _, content in result[:-1])


def test_every_label_round_trips_through_the_line() -> None:
    for label in STRATEGIES:
        line = with_strategy([("user", "")], label)[-1][1]
        match = STEERING.fullmatch(line)
        assert match is not None
        assert match["label"] == label
