"""Sticky per-conversation routes and the routing policy."""

from __future__ import annotations

import pytest

from care.router.core import (
    DEFAULT_REASON,
    SWITCH_AFTER,
    RouteConfigError,
    RoutePolicy,
    RouteState,
    decide_route,
    language_name,
)


def run(*labels: str, policy: RoutePolicy | None = None) -> RouteState:
    state: RouteState | None = None
    for label in labels:
        state = decide_route(state, label) if policy is None else decide_route(state, label, policy)
    assert state is not None
    return state


def test_first_language_decides() -> None:
    assert run("he") == RouteState("he", "he", "Hebrew", ("he",))
    assert run("arabizi").route == "ar"
    assert run("mixed-ar-he").route == "ar"
    assert run("mixed-he-en").route == "he"
    state = run("ru")
    assert state.route == "unsupported"
    assert state.reason == "the help-seeker writes in Russian, which no model on this line serves"


def test_neutral_before_any_language_gets_the_default_route_and_decides_nothing() -> None:
    assert run("neutral", "neutral") == RouteState("he", "neutral", DEFAULT_REASON, ())
    assert run("neutral", "neutral", "ar").route == "ar"


def test_shell_built_undecided_state_is_treated_as_undecided() -> None:
    assert decide_route(RouteState("", "", "", ()), "ar").route == "ar"


def test_neutral_messages_never_change_the_route() -> None:
    state = run("ar", "neutral", "neutral")
    assert (state.route, state.language, state.recent) == ("ar", "neutral", ("ar",))


def test_route_is_sticky_until_three_messages_agree_on_another_route() -> None:
    state = run("he", "ar", "ar")
    assert state.route == "he"
    assert "3" in state.reason
    state = decide_route(state, "arabizi")
    assert state.route == "ar", "Arabic and Arabizi agree: both are the Arabic route"
    assert state.reason.startswith("switched after 3 messages")
    assert len(state.recent) == SWITCH_AFTER


def test_an_interrupted_run_does_not_switch() -> None:
    assert run("he", "ar", "ar", "he", "ar", "ar").route == "he"
    assert run("he", "ar", "en", "ar").route == "he"
    assert run("he", "ar", "neutral", "ar", "neutral", "ar").route == "ar"


def test_unsupported_then_hebrew_and_back() -> None:
    assert run("en", "en", "he", "he").route == "unsupported"
    assert run("en", "en", "he", "he", "he").route == "he"
    assert run("he", "ru", "uk", "ru").route == "unsupported", "unsupported languages agree on their route"
    assert run("fr", "fr", "fr", "fr", "he").route == "unsupported"


def test_recent_keeps_at_most_three_labels() -> None:
    state: RouteState | None = None
    for label in ["he", "ar", "he", "en", "neutral", "ar", "he"]:
        state = decide_route(state, label)
        assert len(state.recent) <= SWITCH_AFTER
    assert state is not None
    assert state.recent == ("en", "ar", "he")


def test_policy_serving_only_hebrew() -> None:
    hebrew_only = RoutePolicy.of(["he"])
    assert run("ar", policy=hebrew_only).route == "unsupported"
    assert run("arabizi", policy=hebrew_only).reason.startswith("the help-seeker writes in Arabic in Latin")
    assert run("mixed-he-en", policy=hebrew_only).route == "he"


def test_policy_with_a_multilingual_fallback_model() -> None:
    multi = RoutePolicy.of(["he", "ar"], "multi")
    state = run("am", policy=multi)
    assert state.route == "multi"
    assert state.reason == "Amharic: served by the multilingual model"
    assert run("ru", "he", "he", "he", policy=multi).route == "he"
    arabic_by_multi = RoutePolicy.of(["he"], "multi")
    assert run("ar", policy=arabic_by_multi).route == "multi"
    assert run("neutral", policy=RoutePolicy.of([], "multi")).route == "multi"


@pytest.mark.parametrize(
    ("served", "fallback", "message"),
    [(["he", "ru"], "", "unknown language routes"), (["he"], "gpt", "fallback route"), ([], "", "no route")],
)
def test_invalid_policies_are_refused(served: list[str], fallback: str, message: str) -> None:
    with pytest.raises(RouteConfigError, match=message):
        RoutePolicy.of(served, fallback)


def test_language_names_for_reasons() -> None:
    assert language_name("fr") == "French"
    assert language_name("und") == "a language that could not be identified"
    assert language_name("qq") == "an unsupported language"
