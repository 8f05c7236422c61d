import re
import unicodedata

import pytest

from care.inference.fallback import ROUTES, FallbackReply, fallback_candidates, fallback_text
from care.inference.strategies import STRATEGIES, choose_strategies
from care.router.core import MODEL_ROUTES

HEBREW = re.compile(r"[\u0590-\u05FF]")
ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")
REPLIES_PER_STRATEGY = 3


def all_replies(route: str, strategy: str) -> list[str]:
    return [fallback_text(route, strategy, variant) for variant in range(REPLIES_PER_STRATEGY)]


def test_every_model_route_has_a_bank() -> None:
    assert set(ROUTES) == set(MODEL_ROUTES)


@pytest.mark.parametrize("route", ["he", "ar", "multi"])
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_several_distinct_replies_per_strategy(route: str, strategy: str) -> None:
    replies = all_replies(route, strategy)
    assert all(reply.strip() == reply and reply for reply in replies)
    assert len(set(replies)) == REPLIES_PER_STRATEGY


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_replies_are_in_the_script_of_their_route(strategy: str) -> None:
    for reply in all_replies("he", strategy):
        assert HEBREW.search(reply)
        assert not ARABIC.search(reply)
    for reply in all_replies("ar", strategy):
        assert ARABIC.search(reply)
        assert not HEBREW.search(reply)


@pytest.mark.parametrize("route", ["he", "ar"])
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_replies_carry_no_numbers_links_or_latin_names(route: str, strategy: str) -> None:
    for reply in all_replies(route, strategy):
        assert not any(unicodedata.category(char) == "Nd" for char in reply)
        assert not LATIN.search(reply)
        assert "@" not in reply
        assert "/" not in reply or HEBREW.search(reply), "slashes only mark Hebrew gender forms"


def test_candidates_follow_the_strategies_in_order() -> None:
    strategies = choose_strategies(3)
    candidates = fallback_candidates("he", strategies)
    assert [candidate.index for candidate in candidates] == [0, 1, 2]
    assert [candidate.strategy for candidate in candidates] == strategies
    assert all(candidate.source == "fallback" for candidate in candidates)
    assert candidates == fallback_candidates("he", strategies), "deterministic"


def test_variant_picks_among_the_replies_and_wraps() -> None:
    first = fallback_candidates("ar", ["Question"], variant=0)[0]
    second = fallback_candidates("ar", ["Question"], variant=1)[0]
    assert first.text != second.text
    assert fallback_candidates("ar", ["Question"], variant=REPLIES_PER_STRATEGY)[0] == first
    assert fallback_candidates("ar", ["Question"], variant=-REPLIES_PER_STRATEGY)[0] == first
    assert isinstance(first, FallbackReply)


def test_unknown_route_or_strategy_is_refused() -> None:
    with pytest.raises(ValueError, match="route"):
        fallback_candidates("unsupported", ["Question"])
    with pytest.raises(ValueError, match="strategy"):
        fallback_text("he", "Lecture")
