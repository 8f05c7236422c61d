"""The stand-in's pure parts: the phrase bank and its choices, and the fault plan."""

import random
import re
from typing import Any

import pytest

from care.standin.faults import FAULT_MODES, FaultPlan, FaultPlanError, decide
from care.standin.phrases import (
    LANGUAGES,
    PHRASES,
    STRATEGIES,
    Language,
    detect_language,
    pick_phrase,
    strategy_from_text,
)

ALL = [
    (language, strategy, phrase)
    for language in LANGUAGES
    for strategy in STRATEGIES
    for phrase in PHRASES[language][strategy]
]

# Word stems a supportive reply must never contain: means of self-harm, promises of secrecy, blame.
UNSAFE_STEMS: dict[Language, tuple[str, ...]] = {
    "he": ("סוד", "לא אספר", "אשמ", "בגללך", "כדור", "תרופ", "סכין", "חבל", "לקפוץ", "גשר", "להתאבד", "רעל"),
    "ar": (
        "سر ",
        "سراً",
        "لن أخبر",
        "ذنب",
        "غلطتك",
        "بسببك",
        "حبوب",
        "دواء",
        "سكين",
        "حبل",
        "جسر",
        "انتحار",
        "سم ",
    ),
}


# --- the bank -------------------------------------------------------------------------------------


def test_every_language_has_every_strategy() -> None:
    assert len(STRATEGIES) == 8
    for language in LANGUAGES:
        bank = PHRASES[language]
        assert tuple(bank) == STRATEGIES
        assert all(len(bank[strategy]) >= 2 for strategy in STRATEGIES)
        phrases = [phrase for strategy in STRATEGIES for phrase in bank[strategy]]
        assert len(phrases) >= 12
        assert len(set(phrases)) == len(phrases)


@pytest.mark.parametrize(("language", "strategy", "phrase"), ALL)
def test_phrase_is_safe_and_in_its_language(language: Language, strategy: str, phrase: str) -> None:
    assert detect_language(phrase) == language
    other = r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]" if language == "he" else r"[\u0590-\u05FF]"
    assert not re.search(other, phrase)
    # No phone numbers, links or Latin-script names; the text is plain words and punctuation.
    assert not re.search(r"\d", phrase)
    assert not re.search(r"[A-Za-z@]|://|www\.", phrase)
    assert not any(stem in phrase + " " for stem in UNSAFE_STEMS[language])
    assert len(phrase.split()) >= 4, "several tokens, so that streaming shows several events"
    assert phrase == phrase.strip()


# --- language -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("שלום, מה שלומך?", "he"),
        ("مرحبا، كيف حالك؟", "ar"),
        ("", "he"),
        ("hello 123", "he"),
        ("שלום سلام", "he"),  # a tie goes to Hebrew
        ("שלום مرحبا بك", "ar"),
        ("hi ש ب ب", "ar"),
        ("\u0750\u08a0", "ar"),  # Arabic Supplement and Extended-A count as Arabic
        ("\u05b0\u05d0", "he"),  # points count as Hebrew
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


# --- steering -------------------------------------------------------------------------------------


@pytest.mark.parametrize("label", STRATEGIES)
def test_every_label_steers(label: str) -> None:
    assert strategy_from_text(f"You are a counselor.\nSupport strategy for this reply: {label}.\n") == label
    assert strategy_from_text(f"support STRATEGY for this reply:{label.upper()}.") == label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Support strategy for this reply: Question. Support strategy for this reply: Others.", "Others"),
        ("Support strategy for this reply: Restatement or\n  Paraphrasing.", "Restatement or Paraphrasing"),
        ("Support strategy for this reply: Question", None),  # the period is part of the convention
        ("Support strategy for this reply: Advice.", None),
        ("Strategy: Question.", None),
        ("", None),
    ],
)
def test_strategy_from_text(text: str, expected: str | None) -> None:
    assert strategy_from_text(text) == expected


# --- picking --------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_pick_phrase_honours_the_strategy(language: Language) -> None:
    for strategy in STRATEGIES:
        picked = {pick_phrase(language, strategy, seed) for seed in range(40)}
        assert picked == set(PHRASES[language][strategy])


@pytest.mark.parametrize("language", LANGUAGES)
def test_pick_phrase_without_a_strategy_covers_the_bank(language: Language) -> None:
    picked = {pick_phrase(language, None, seed) for seed in range(400)}
    assert picked == {phrase for phrases in PHRASES[language].values() for phrase in phrases}


def test_pick_phrase_is_pure() -> None:
    assert pick_phrase("he", None, 2**63 + 5) == pick_phrase("he", None, 2**63 + 5)
    assert pick_phrase("ar", "Question", -3) in PHRASES["ar"]["Question"]
    with pytest.raises(KeyError):
        pick_phrase("he", "Advice", 0)


# --- fault plans ----------------------------------------------------------------------------------


def test_an_inactive_plan_never_draws() -> None:
    rng = random.Random(1)
    state = rng.getstate()
    for plan in (FaultPlan(), FaultPlan(mode="429", rate=0.0), FaultPlan(mode="429", rate=1.0, count=0)):
        assert decide(plan, rng) == (None, plan)
    assert rng.getstate() == state


def test_count_limits_the_faults() -> None:
    rng = random.Random(0)
    plan = FaultPlan(mode="503", rate=1.0, count=2)
    outcomes = []
    for _ in range(4):
        fault, plan = decide(plan, rng)
        outcomes.append(fault)
    assert outcomes == ["503", "503", None, None]
    assert plan == FaultPlan()


def test_rate_is_repeatable_for_a_seed() -> None:
    def run(seed: int) -> list[str | None]:
        rng, plan = random.Random(seed), FaultPlan(mode="424", rate=0.3)
        outcomes: list[str | None] = []
        for _ in range(64):
            fault, plan = decide(plan, rng)
            outcomes.append(fault)
        return outcomes

    first = run(7)
    assert first == run(7)
    assert set(first) == {"424", None}


@pytest.mark.parametrize(
    ("body", "plan"),
    [
        ({"mode": "429"}, FaultPlan(mode="429", rate=1.0)),
        ({"mode": "timeout", "rate": 0.25, "count": 3}, FaultPlan(mode="timeout", rate=0.25, count=3)),
        ({"mode": "500", "rate": 1}, FaultPlan(mode="500", rate=1.0)),
        ({"mode": "none"}, FaultPlan()),
        ({}, FaultPlan()),
        ({"mode": "424", "count": 0}, FaultPlan()),
        ({"mode": "424", "rate": 0.0}, FaultPlan()),
    ],
)
def test_plans_from_json(body: dict[str, Any], plan: FaultPlan) -> None:
    assert FaultPlan.from_json(body) == plan
    assert FaultPlan.from_json(plan.to_json()) == plan


@pytest.mark.parametrize(
    "body",
    [
        {"mode": "418"},
        {"mode": "429", "rate": 1.5},
        {"mode": "429", "rate": "high"},
        {"mode": "429", "rate": True},
        {"mode": "429", "count": -1},
        {"mode": "429", "count": 1.5},
        {"mode": "429", "when": "now"},
        ["429"],
    ],
)
def test_bad_plans_are_refused(body: object) -> None:
    with pytest.raises(FaultPlanError):
        FaultPlan.from_json(body)


def test_modes() -> None:
    assert FAULT_MODES == ("none", "429", "503", "424", "500", "timeout")
    with pytest.raises(FaultPlanError):
        FaultPlan(mode="bad")  # type: ignore[arg-type]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("adapter", ["care/he-lora", "care/ar-lora", "x"])
def test_an_adapter_always_picks_another_phrase_of_the_same_strategy(
    language: Language, adapter: str
) -> None:
    for strategy in (*STRATEGIES, None):
        for seed in range(24):
            base = pick_phrase(language, strategy, seed)
            tuned = pick_phrase(language, strategy, seed, adapter=adapter)
            assert tuned != base
            assert tuned == pick_phrase(language, strategy, seed, adapter=adapter)
            owner = next(label for label, phrases in PHRASES[language].items() if base in phrases)
            assert tuned in PHRASES[language][owner]
