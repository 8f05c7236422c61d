"""``pending_question`` over the history is exactly the question the batch fold reads the next
help-seeker turn against, for any sequence of roles and texts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from care.risk import COUNSELOR, HELP_SEEKER, ConversationRisk, TurnContext, conversation, pending_question
from care.risk.conversation import _asked

TEXTS = st.sampled_from(
    [
        "",
        "...",
        "🙂",
        "כן",
        "לא יודעת",
        "yes",
        "a lot, mostly at night",
        "את חושבת על התאבדות?",
        "هل تفكر بالانتحار؟",
        "do you have a plan?",
        "[PERSON_1]",
        "אני לא יודעת מה לענות לך עכשיו",
        "aywa",
    ]
) | st.text(max_size=30)
TURNS = st.lists(st.tuples(st.sampled_from([COUNSELOR, HELP_SEEKER]), TEXTS), max_size=12)


@settings(max_examples=300, deadline=None)
@given(TURNS)
def test_pending_question_equals_the_folds_next_question(turns: list[tuple[str, str]]) -> None:
    fold = ConversationRisk()
    for role, text in turns:
        if role == COUNSELOR:
            fold.counselor(text)
        else:
            fold.help_seeker(text)
    assert pending_question(turns) == _asked(fold._pending, fold._carried)


@settings(max_examples=200, deadline=None)
@given(TURNS)
def test_each_help_seeker_turn_is_read_against_pending_question_of_its_history(
    turns: list[tuple[str, str]],
) -> None:
    expected = [pending_question(turns[:i]) for i, (role, _) in enumerate(turns) if role == HELP_SEEKER]
    seen: list[str | None] = []
    original = conversation.context_for

    def spy(counselor_text, prior_level=None, detector=None):  # type: ignore[no-untyped-def]
        seen.append(counselor_text)
        return TurnContext()

    conversation.context_for = spy
    try:
        fold = ConversationRisk()
        for role, text in turns:
            if role == COUNSELOR:
                fold.counselor(text)
            else:
                fold.help_seeker(text)
    finally:
        conversation.context_for = original
    assert seen == expected


def test_a_short_answer_carries_the_question_one_more_turn() -> None:
    ask = "are you thinking of suicide?"
    assert pending_question([(COUNSELOR, ask)]) == ask
    assert pending_question([(COUNSELOR, ask), (HELP_SEEKER, "yes")]) == ask
    assert pending_question([(COUNSELOR, ask), (HELP_SEEKER, "yes"), (HELP_SEEKER, "a lot")]) is None
    assert pending_question([(COUNSELOR, ask), (HELP_SEEKER, "...")]) == ask
    assert pending_question([(COUNSELOR, ask), (HELP_SEEKER, "I really do not know what to say")]) is None
    assert pending_question([]) is None
