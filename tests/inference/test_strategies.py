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


def test_line_ends_the_existing_system_message() -> None:
    messages = [
        ("system", "You are a counselor."),
        ("user", "היי"),
        ("assistant", "שלום"),
        ("user", "קשה לי"),
    ]
    result = with_strategy(messages, "Reflection of feelings")
    assert result[0] == (
        "system",
        "You are a counselor.\nSupport strategy for this reply: Reflection of feelings.",
    )
    assert result[1:] == messages[1:]
    assert messages[0] == ("system", "You are a counselor."), "the input is left unchanged"


def test_system_message_is_created_when_absent() -> None:
    messages = [("user", "مرحبا")]
    assert with_strategy(messages, "Question") == [
        ("system", "Support strategy for this reply: Question."),
        ("user", "مرحبا"),
    ]


def test_empty_system_message_gets_only_the_line() -> None:
    result = with_strategy([("system", ""), ("user", "x")], "Information")
    assert result[0] == ("system", "Support strategy for this reply: Information.")


def test_existing_steering_line_is_replaced_not_duplicated() -> None:
    once = with_strategy([("system", "Be kind.\n"), ("user", "x")], "Question")
    twice = with_strategy(once, "Self-disclosure")
    labels = [match["label"] for match in STEERING.finditer(twice[0][1])]
    assert labels == ["Self-disclosure"]
    assert twice[0][1].startswith("Be kind.\n")


def test_only_the_first_system_message_is_steered() -> None:
    messages = [("system", "A"), ("user", "x"), ("system", "B")]
    result = with_strategy(messages, "Others")
    assert STEERING.search(result[0][1])
    assert result[2] == ("system", "B")


def test_every_label_round_trips_through_the_line() -> None:
    for label in STRATEGIES:
        system = with_strategy([("user", "x")], label)[0][1]
        match = STEERING.fullmatch(system)
        assert match is not None
        assert match["label"] == label
