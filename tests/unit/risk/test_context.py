"""A turn read as the answer to the counselor's risk question, and the conversation fold."""

from __future__ import annotations

import pytest

from care.risk import ConversationRisk, QuestionKind, RiskLevel, assess_turns, context_for, default_detector

N, L, M, H, IM = (
    RiskLevel.NONE,
    RiskLevel.LOW,
    RiskLevel.MODERATE,
    RiskLevel.HIGH,
    RiskLevel.IMMINENT,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("אני רוצה לשאול ישירות: את חושבת על התאבדות?", QuestionKind.IDEATION),
        ("יש לך תכנית איך לעשות את זה?", QuestionKind.PLAN),
        ("هل عم تفكر تنهي حياتك؟", QuestionKind.IDEATION),
        ("في عندك خطة؟", QuestionKind.PLAN),
        ("Are you thinking of suicide?", QuestionKind.IDEATION),
        ("Do you have the pills with you right now?", QuestionKind.MEANS),
        ("Are you thinking of doing it tonight?", QuestionKind.TIMING),
        ("3indak afkar tente7er?", QuestionKind.IDEATION),
        ("How was school today?", None),
        # A safety-plan request mentions the means without asking about them.
        ("Can you put the pills in another room while we talk?", None),
    ],
)
def test_question_kinds(question: str, kind: QuestionKind | None) -> None:
    assert context_for(question).question == kind


@pytest.mark.parametrize(
    ("question", "answer", "prior", "expected"),
    [
        ("את חושבת על התאבדות?", "כן", N, M),
        ("את חושבת על התאבדות?", "...כן, לפעמים", N, M),
        ("את חושבת על התאבדות?", "לא, ממש לא", N, N),
        ("יש לך תכנית?", "כן", M, H),
        ("יש לך תכנית?", "לא, אין לי", M, M),
        ("هل بتفكر تنتحر؟", "آه", N, M),
        ("هل بتفكر تنتحر؟", "يعني.. بفكر فيها", N, M),
        ("في عندك خطة؟", "لأ", M, M),
        ("Are you thinking about killing yourself?", "yeah", N, M),
        ("Do you have a plan?", "yes", M, H),
        ("Do you have the pills with you right now?", "yes", H, IM),
        ("btfakker tente7er?", "aywa", N, M),
        ("Are you safe right now?", "no", N, N),  # a panic attack: "not safe" is another danger
        ("Are you safe right now?", "no", M, H),
        ("How was your day?", "yes", N, N),
    ],
)
def test_answers_in_context(question: str, answer: str, prior: RiskLevel, expected: RiskLevel) -> None:
    assert default_detector().assess(answer, context_for(question, prior)).level == expected


def test_denial_in_the_answer_wins_over_the_question() -> None:
    context = context_for("יש לך מחשבות לשים קץ לחייך?", L)
    assert default_detector().assess("לא. אני לא רוצה למות", context).level == N


def test_fold_answers_once_and_keeps_the_running_maximum() -> None:
    fold = ConversationRisk()
    assert fold.help_seeker("היי, קשה לי הערב").level == N
    fold.counselor("את חושבת על להתאבד?")
    assert fold.help_seeker("...").level == N  # no words: the question stays open
    assert fold.help_seeker("כן").level == M
    assert fold.help_seeker("כן").level == M  # a burst: a short answer goes on for one message
    assert fold.help_seeker("כן").level == N  # already answered
    assert fold.max_level == M


def test_assess_turns_marks_counselor_turns() -> None:
    results = assess_turns([("counselor", "Are you thinking of suicide?"), ("help_seeker", "yes")])
    assert results[0] is None
    assert results[1] is not None
    assert results[1].level == M
