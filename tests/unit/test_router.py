"""Language routing core."""

from __future__ import annotations

import pytest

from care.router.core import (
    DEFAULT_REASON,
    SWITCH_AFTER,
    Language,
    RouteState,
    decide_route,
    detect_language,
)

HE = "אני לא מצליחה לישון כבר שבוע"
AR = "ما بقدر أنام من أسبوع"
EN = "I can't sleep for a week now"
RU = "Я не могу спать уже неделю"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (HE, Language.HE),
        ("שָׁלוֹם, מה נשמע?", Language.HE),  # with niqqud
        (AR, Language.AR),
        ("٠٥٩ ما بعرف شو أعمل", Language.AR),
        ("حاسس حالي لحالي هون", Language.AR),
        (EN, Language.OTHER),
        (RU, Language.OTHER),
        ("Je veux déranger personne", Language.OTHER),
        ("ምናልባት ይቅርታ", Language.OTHER),
        # Code-switching keeps the conversation's script.
        ("אני רק רוצה peace of mind...", Language.HE),
        ("הכל פה so fake", Language.HE),
        ("OMG אני לא מאמין שאני כותב לכם", Language.HE),
        ("بدي أروح على פסיכולוג بس أهلي بقولوا عيب", Language.AR),
        ("Из עירייה пришёл счёт за ארנונה, а денег нет", Language.OTHER),
    ],
)
def test_detect_language_by_script(text: str, expected: Language) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "😢",
        "🙏🙏",
        "...",
        "?",
        "!!",
        "16",
        "2026",
        "19:45",
        "",
        "   ",
        "ok",
        "OK ok",
        "lol",
        "thx",
        "hi",
        "k.",
    ],
)
def test_neutral_messages(text: str) -> None:
    assert detect_language(text) == Language.NEUTRAL


def test_placeholders_are_ignored() -> None:
    assert detect_language("[PHONE_1]") == Language.NEUTRAL
    assert detect_language("[PHONE_1] [EMAIL_2] [NATIONAL_ID_1] 🙏") == Language.NEUTRAL
    assert detect_language("המספר שלי [PHONE_1] ואת [EMAIL_1]") == Language.HE
    assert detect_language("رقمي [PHONE_1] او [EMAIL_1] او [NATIONAL_ID_1]") == Language.AR


def run(*texts: str) -> RouteState:
    state: RouteState | None = None
    for text in texts:
        state = decide_route(state, text)
    assert state is not None
    return state


def test_first_language_decides() -> None:
    assert run(HE) == RouteState("he", "he", "Hebrew script", ("he",))
    assert run(AR) == RouteState("ar", "ar", "Arabic script", ("ar",))
    assert run(EN) == RouteState("unsupported", "other", "unsupported language", ("other",))


def test_neutral_before_any_language_gets_the_default_route_and_decides_nothing() -> None:
    state = run("😢", "...")
    assert state == RouteState("he", "neutral", DEFAULT_REASON, ())
    # The default does not count as a decision: the first real message still decides.
    assert run("😢", "ok", AR).route == "ar"


def test_shell_built_undecided_state_is_treated_as_undecided() -> None:
    assert decide_route(RouteState("", "", "", ()), AR).route == "ar"


def test_neutral_messages_never_change_the_route() -> None:
    state = run(AR, "😢", "16", "ok", "[PHONE_1]")
    assert state.route == "ar"
    assert state.language == "neutral"
    assert state.recent == ("ar",)


def test_route_is_sticky_until_three_messages_agree_on_another_language() -> None:
    state = run(HE, AR, AR)
    assert state.route == "he"
    assert "3" in state.reason
    state = decide_route(state, AR)
    assert state.route == "ar"
    assert state.reason == "switched to Arabic after 3 messages"
    assert state.recent == ("ar",) * SWITCH_AFTER


def test_an_interrupted_run_does_not_switch() -> None:
    assert run(HE, AR, AR, HE, AR, AR).route == "he"
    assert run(HE, AR, EN, AR).route == "he"


def test_neutral_messages_do_not_break_a_run() -> None:
    assert run(HE, AR, "😢", AR, "ok", AR).route == "ar"


def test_unsupported_then_hebrew() -> None:
    state = run(EN, EN, "😢", HE, HE)
    assert state.route == "unsupported"
    state = decide_route(state, HE)
    assert state.route == "he"
    assert state.reason == "switched to Hebrew after 3 messages"


def test_hebrew_then_unsupported() -> None:
    state = run(HE, RU, RU, RU)
    assert state == RouteState(
        "unsupported", "other", "switched to an unsupported language after 3 messages", ("other",) * 3
    )


def test_mixed_hebrew_and_english_stays_hebrew() -> None:
    assert run(HE, "אני so done עם הכל", "ה group chat מתעלם ממני", "בקיצור life sucks כרגע").route == "he"


def test_recent_keeps_at_most_three_and_reasons_carry_no_text() -> None:
    texts = [HE, AR, HE, EN, "😢", AR, HE]
    state: RouteState | None = None
    for text in texts:
        state = decide_route(state, text)
        assert len(state.recent) <= SWITCH_AFTER
        assert all(word not in state.reason for word in text.split() if len(word) >= 4)
    assert state is not None
    assert state.recent == ("other", "ar", "he")


def test_detection_is_pluggable() -> None:
    def everything_is_arabic(text: str) -> str:
        return Language.AR

    assert decide_route(None, HE, detect=everything_is_arabic).route == "ar"


def test_future_languages_map_to_routes_by_default_as_unsupported() -> None:
    def klingon(text: str) -> str:
        return "tlh"

    assert decide_route(None, "Qapla'", detect=klingon).route == "unsupported"
