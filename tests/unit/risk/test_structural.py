"""Round 4: structural reading -- risk questions by topic and cue words, answer polarity, means on the
person or with a count, acts over, goodbyes without a suicide word. Sentences written for the tests."""

from __future__ import annotations

import pytest

from care.risk import COUNSELOR, HELP_SEEKER, QuestionKind, RiskLevel, assess_turns, default_detector

C, H = COUNSELOR, HELP_SEEKER
N, L, M, HI, IMM = (
    RiskLevel.NONE,
    RiskLevel.LOW,
    RiskLevel.MODERATE,
    RiskLevel.HIGH,
    RiskLevel.IMMINENT,
)


def last(turns: list[tuple[str, str]]) -> RiskLevel:
    results = assess_turns(turns)
    risk = results[-1]
    assert risk is not None
    return risk.level


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("are you thinking about ending your life?", QuestionKind.IDEATION),
        ("هل بتفكري تنهي حياتك؟", QuestionKind.IDEATION),
        ("are you thinking of jumping?", QuestionKind.PLAN),
        ("האם את חושבת לקפוץ?", QuestionKind.PLAN),
        ("are those goodbye letters?", QuestionKind.PLAN),
        ("will you go back to the bridge tonight?", QuestionKind.TIMING),
        ("where is the gun right now?", QuestionKind.MEANS_WHERE),
        ("وين الحبوب هلق؟", QuestionKind.MEANS_WHERE),
    ],
)
def test_a_risk_question_is_recognised_by_its_topic_and_cue(question: str, kind: QuestionKind) -> None:
    assert kind in default_detector().questions(question)


@pytest.mark.parametrize(
    "question", ["did you eat today?", "how was work?", "חבל, לא?", "are you taking the bus home?"]
)
def test_ordinary_questions_are_not_risk_questions(question: str) -> None:
    assert default_detector().questions(question) == ()


def test_yes_to_a_method_question_is_a_plan() -> None:
    assert last([(H, "I can't take it"), (C, "are you thinking of jumping?"), (H, "yes")]) >= HI


@pytest.mark.parametrize(
    "answer",
    ["honestly? yes, more than once", "both. there were times", "not really, more like I don't care"],
)
def test_hedged_or_counted_yes_to_the_suicide_question_is_moderate(answer: str) -> None:
    assert last([(C, "are you having thoughts of suicide?"), (H, answer)]) == M


def test_arabizi_hedge_is_not_a_denial() -> None:
    assert last([(C, "bt fakker bel inti7ar?"), (H, "mish kteer bas bfakker fiha bil lail")]) >= M


def test_a_place_for_the_means_is_access() -> None:
    turns = [(H, "I want to die"), (C, "where are the pills?"), (H, "under my bed, in a shoebox")]
    assert last(turns) == HI
    assert last([*turns[:2], (H, "I don't have any")]) <= M


def test_maybe_to_tonight_is_high_not_imminent() -> None:
    assert (
        last([(H, "I want to kill myself"), (C, "will you go back to the bridge tonight?"), (H, "maybe")])
        == HI
    )


def test_means_on_the_person_is_imminent() -> None:
    base = [(H, "I want to end it"), (C, "where is the rifle now?")]
    assert last([*base, (H, "dunno. it's on my lap")]) == IMM
    assert last([(H, "I want to end it all"), (H, "the gun is with me, nobody around")]) == IMM
    assert last([(H, "I'm on guard duty, the rifle is with me")]) <= L


def test_pills_with_a_count_or_time_ago_in_a_risk_conversation_are_an_act() -> None:
    base = [(H, "I want to die"), (C, "what did you take?")]
    assert last([*base, (H, "maybe 15 pills, ten minutes ago")]) == IMM
    assert last([(H, "I have 2 pills left of the antibiotics")]) == N


def test_a_time_ahead_is_not_now() -> None:
    turns = [(H, "I'm going to kill myself"), (C, "when?"), (H, "maybe tomorrow, when everyone's at work")]
    assert last(turns) == HI


def test_standing_on_the_balcony_in_a_risk_conversation_is_an_act_in_progress() -> None:
    assert last([(H, "I want to die"), (H, "I'm standing on the balcony now")]) == IMM
    assert last([(H, "I'm sitting on the balcony with coffee")]) == N


def test_having_been_on_the_bridge_is_a_recent_attempt_not_now() -> None:
    turns = [(H, "I want to die"), (H, "last night I stood on the bridge for an hour")]
    assert last(turns) == HI
    assert last([(H, "I wanted to die"), (H, "I couldn't. I came back home")]) == HI


@pytest.mark.parametrize(
    "text",
    [
        "I've decided this is my last Friday",
        "someone please tell my son when he grows up that his mom is sorry",
        "I wrote each of my kids a letter and left it in the drawer",
        "I wrote letters for everyone and put them in an envelope",
        "כתבתי לכל אחד מהילדים מכתב",
    ],
)
def test_goodbyes_without_a_suicide_word_are_high(text: str) -> None:
    assert last([(H, text)]) >= HI


def test_insurance_and_the_only_solution_together_are_a_plan() -> None:
    assert last([(H, "I have life insurance. the only solution, I did the math")]) >= HI
    assert last([(H, "I need to renew my life insurance")]) == N


def test_a_denial_answer_keeps_its_other_words_out() -> None:
    turns = [(H, "I want to die"), (C, "are you going to kill yourself tonight?")]
    assert last([*turns, (H, "no, absolutely not. I decided to go to bed")]) <= M
    assert last([*turns, (H, "absolutely not, I decided to stop watching that show")]) <= M


@pytest.mark.parametrize(
    "text",
    [
        "I read in the newspaper that a singer killed himself",
        "I'll call my sponsor, I'll do it right now",
        "I tried to kill myself 8 years ago, I'm in a good place today",
    ],
)
def test_reports_recovery_and_old_history_are_not_alerts(text: str) -> None:
    assert last([(H, text)]) <= L


@pytest.mark.parametrize(
    "text", ["I dont see what for to go on", "I wish I didn't wake up this morning", "I'm a waste to her"]
)
def test_low_phrasings(text: str) -> None:
    assert last([(H, text)]) == L


def test_a_yes_to_a_method_question_during_an_act_is_imminent() -> None:
    turns = [(H, "I want to die"), (H, "I'm standing on the balcony"), (C, "are you thinking of jumping?")]
    assert last([*turns, (H, "yes")]) == IMM


def test_standing_on_a_balcony_with_the_floor_is_imminent_even_first() -> None:
    assert last([(H, "אני עומד על המרפסת. קומה 9")]) == IMM
    assert last([(H, "I'm standing on the balcony, 8th floor")]) == IMM


def test_letters_for_each_child_in_arabic_and_old_attempts_in_hebrew() -> None:
    assert last([(H, "كتبت لكل واحد من ولادي رسالة")]) >= HI
    assert last([(H, "לפני 10 שנים היה ניסיון אובדני")]) <= L
