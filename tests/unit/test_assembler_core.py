from care.assembler.history import History, Speaker, Turn, append_once
from care.assembler.plan import Action, plan_end, plan_message
from care.assembler.prompt import PromptMessage, build_messages, default_system_prompt


def seeker(event_id: str, text: str) -> Turn:
    return Turn(event_id, Speaker.HELP_SEEKER, text)


def counselor(event_id: str, text: str) -> Turn:
    return Turn(event_id, Speaker.COUNSELOR, text)


def test_append_once_keeps_order_and_ignores_redelivery() -> None:
    history = History()
    for turn in (seeker("e1", "a"), counselor("e2", "b"), seeker("e3", "c")):
        history, appended = append_once(history, turn)
        assert appended
    again, appended = append_once(history, counselor("e2", "b"))
    assert not appended
    assert again is history
    assert [t.event_id for t in history.turns] == ["e1", "e2", "e3"]


def test_prompt_holds_every_turn_of_both_roles_in_order() -> None:
    history = History(
        (
            seeker("1", "first"),
            counselor("2", "second"),
            seeker("3", "third"),
            counselor("4", "fourth"),
            seeker("5", "fifth"),
        )
    )
    messages = build_messages(history, "SYSTEM")
    assert messages == [
        PromptMessage("system", "SYSTEM"),
        PromptMessage("user", "first"),
        PromptMessage("assistant", "second"),
        PromptMessage("user", "third"),
        PromptMessage("assistant", "fourth"),
        PromptMessage("user", "fifth"),
    ]


def test_consecutive_help_seeker_messages_become_one_user_message() -> None:
    history = History((seeker("1", "hi"), seeker("2", "are you there"), seeker("3", "please")))
    messages = build_messages(history, "S")
    assert [m.role for m in messages] == ["system", "user"]
    assert messages[1].content == "hi\nare you there\nplease"


def test_conversation_opened_by_the_counselor_keeps_the_greeting() -> None:
    messages = build_messages(History((counselor("1", "hello"), seeker("2", "hi"))), "S")
    assert [m.role for m in messages] == ["system", "assistant", "user"]


def test_default_system_prompts_are_in_the_route_language() -> None:
    hebrew = default_system_prompt("he")
    arabic = default_system_prompt("ar")
    assert any("\u05d0" <= ch <= "\u05ea" for ch in hebrew)
    assert any("\u0620" <= ch <= "\u064a" for ch in arabic)
    assert "[PHONE_1]" in hebrew
    assert "[PHONE_1]" in arabic


def test_help_seeker_message_on_a_served_route_asks_for_a_suggestion() -> None:
    plan = plan_message(History(), seeker("e1", "text"), "he")
    assert plan.action is Action.SUGGEST
    assert plan.history.route == "he"
    assert len(plan.history.turns) == 1


def test_counselor_message_is_kept_but_not_answered() -> None:
    plan = plan_message(History(), counselor("e1", "text"), "ar")
    assert plan.action is Action.NOTHING
    assert plan.history.turns == (counselor("e1", "text"),)


def test_unsupported_route_gets_a_readable_no_suggestion() -> None:
    plan = plan_message(History(), seeker("e1", "text"), "unsupported")
    assert plan.action is Action.NO_SUGGESTION
    assert "language" in plan.reason


def test_redelivered_help_seeker_message_is_answered_but_not_stored_twice() -> None:
    first = plan_message(History(), seeker("e1", "text"), "he")
    second = plan_message(first.history, seeker("e1", "text"), "he")
    assert second.action is Action.SUGGEST
    assert len(second.history.turns) == 1


def test_end_marks_the_history_ended() -> None:
    plan = plan_end(History((seeker("1", "x"),), "he"))
    assert plan.history.ended
    assert plan.action is Action.NOTHING
