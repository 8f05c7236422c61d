"""The assembler's use of the safety gate: unsafe model candidates replaced and their reasons kept,
the protocol candidate at high risk, partial text withheld, and the request sized for the protocol."""

from __future__ import annotations

import pytest

from care.assembler.history import History, Speaker, Turn
from care.assembler.safeguard import (
    PROTOCOL_SOURCE,
    PROTOCOL_STRATEGY,
    SAFETY_REPLACED_ALL,
    apply_safety,
    known_placeholders,
    model_candidate_count,
    risk_level_from_proto,
    risk_level_to_proto,
    withhold_unsafe_partials,
)
from care.inference.fallback import FALLBACK_SOURCE
from care.risk.levels import RiskLevel
from care.safety import DEFAULT_POLICY, check_candidate
from care.v1 import events_pb2

SAFE = "נשמע שזה היה ערב קשה מאוד בשבילך. מה עובר עלייך עכשיו?"
BLAMING = "זו אשמתך שזה קרה לך, היית צריכה לחשוב קודם."
UNKNOWN_PLACEHOLDER = "אפשר לדבר עם [PERSON_7] על זה?"
INVENTED_PHONE = "תתקשרי אליי למספר 050-7654321 מתי שתרצי."
KNOWN_PLACEHOLDER = "אני שומע כמה קשה לך. אפשר לספר ל-[PERSON_1] מה עובר עלייך?"

HISTORY = History(
    turns=(
        Turn("e1", Speaker.HELP_SEEKER, "אני [PERSON_1] ואני גרה ב[LOCATION_1]"),
        Turn("e2", Speaker.COUNSELOR, "שלום [PERSON_1], אני כאן איתך"),
    ),
    route="he",
)


def model(index: int, text: str, strategy: str = "Question") -> events_pb2.Candidate:
    return events_pb2.Candidate(index=index, text=text, strategy=strategy, source="model")


def suggestion(*candidates: events_pb2.Candidate) -> events_pb2.Suggestion:
    return events_pb2.Suggestion(
        suggestion_id="e3/suggestion",
        conversation_id="c1",
        event_id="e3",
        route="he",
        status=events_pb2.SUGGESTION_STATUS_OK,
        candidates=list(candidates),
    )


def test_the_fixtures_are_what_they_claim() -> None:
    known = known_placeholders(HISTORY)
    assert check_candidate(SAFE, route="he", known_placeholders=known, policy=DEFAULT_POLICY) == ()
    assert (
        check_candidate(KNOWN_PLACEHOLDER, route="he", known_placeholders=known, policy=DEFAULT_POLICY) == ()
    )
    assert check_candidate(BLAMING, route="he", known_placeholders=known, policy=DEFAULT_POLICY)


def test_known_placeholders_come_from_every_turn() -> None:
    assert known_placeholders(HISTORY) == {"[PERSON_1]", "[LOCATION_1]"}
    assert known_placeholders(History()) == frozenset()


def test_safe_candidates_pass_untouched() -> None:
    result = suggestion(model(0, SAFE), model(1, KNOWN_PLACEHOLDER, "Reflection of feelings"))
    gated = apply_safety(result, history=HISTORY, risk_level=RiskLevel.LOW, policy=DEFAULT_POLICY)
    assert gated.replaced == 0
    assert [c.text for c in result.candidates] == [SAFE, KNOWN_PLACEHOLDER]
    assert result.status == events_pb2.SUGGESTION_STATUS_OK
    assert list(result.safety_blocks) == []
    assert result.risk_level == events_pb2.RISK_LEVEL_LOW


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (BLAMING, "blaming"),
        (UNKNOWN_PLACEHOLDER, "unknown_placeholder"),
        (INVENTED_PHONE, "hallucinated_identifier"),
    ],
)
def test_an_unsafe_candidate_is_replaced_by_a_fallback_of_its_strategy(text: str, reason: str) -> None:
    result = suggestion(model(0, SAFE), model(1, text, "Affirmation and Reassurance"))
    gated = apply_safety(result, history=HISTORY, risk_level=RiskLevel.NONE, policy=DEFAULT_POLICY)
    assert gated.replaced == 1
    assert reason in result.safety_blocks
    replaced = result.candidates[1]
    assert replaced.source == FALLBACK_SOURCE
    assert replaced.strategy == "Affirmation and Reassurance"
    assert replaced.text != text
    assert result.candidates[0].text == SAFE
    # Some replies are still the model's: the status stays OK and the reason says what happened.
    assert result.status == events_pb2.SUGGESTION_STATUS_OK
    assert "safety gate" in result.status_reason
    # The block codes never carry the candidate's text.
    assert all(text not in code for code in result.safety_blocks)


def test_every_candidate_replaced_makes_a_fallback_suggestion() -> None:
    result = suggestion(model(0, BLAMING), model(1, UNKNOWN_PLACEHOLDER))
    apply_safety(result, history=HISTORY, risk_level=RiskLevel.NONE, policy=DEFAULT_POLICY)
    assert result.status == events_pb2.SUGGESTION_STATUS_FALLBACK
    assert result.status_reason == SAFETY_REPLACED_ALL
    assert {c.source for c in result.candidates} == {FALLBACK_SOURCE}
    assert sorted(result.safety_blocks) == ["blaming", "unknown_placeholder"]


def test_high_risk_puts_the_protocol_candidate_first() -> None:
    result = suggestion(model(0, SAFE), model(1, KNOWN_PLACEHOLDER, "Reflection of feelings"))
    apply_safety(result, history=HISTORY, risk_level=RiskLevel.HIGH, policy=DEFAULT_POLICY)
    assert [c.index for c in result.candidates] == [0, 1, 2]
    protocol = result.candidates[0]
    assert protocol.source == PROTOCOL_SOURCE
    assert protocol.strategy == PROTOCOL_STRATEGY
    assert DEFAULT_POLICY.emergency_number in protocol.text
    assert [c.text for c in result.candidates[1:]] == [SAFE, KNOWN_PLACEHOLDER]
    assert result.risk_level == events_pb2.RISK_LEVEL_HIGH


def test_the_protocol_comes_with_fallback_replies_too() -> None:
    result = suggestion(
        events_pb2.Candidate(index=0, text="fallback", strategy="Question", source=FALLBACK_SOURCE)
    )
    result.status = events_pb2.SUGGESTION_STATUS_FALLBACK
    apply_safety(result, history=HISTORY, risk_level=RiskLevel.IMMINENT, policy=DEFAULT_POLICY)
    assert [c.source for c in result.candidates] == [PROTOCOL_SOURCE, FALLBACK_SOURCE]


@pytest.mark.parametrize(
    "status", [events_pb2.SUGGESTION_STATUS_SUPERSEDED, events_pb2.SUGGESTION_STATUS_NO_SUGGESTION]
)
def test_results_without_replies_get_no_protocol(status: events_pb2.SuggestionStatus) -> None:
    result = suggestion()
    result.status = status
    apply_safety(result, history=HISTORY, risk_level=RiskLevel.IMMINENT, policy=DEFAULT_POLICY)
    assert not result.candidates
    assert result.risk_level == events_pb2.RISK_LEVEL_IMMINENT


def test_the_model_is_asked_for_one_fewer_when_the_protocol_takes_a_place() -> None:
    assert model_candidate_count(3, RiskLevel.MODERATE) == 3
    assert model_candidate_count(3, RiskLevel.HIGH) == 2
    assert model_candidate_count(1, RiskLevel.IMMINENT) == 1


def test_unsafe_partial_text_is_withheld() -> None:
    shown = withhold_unsafe_partials(
        [model(0, SAFE[:20]), model(1, BLAMING[:30])],
        route="he",
        placeholders=known_placeholders(HISTORY),
        policy=DEFAULT_POLICY,
    )
    assert [c.index for c in shown] == [0]


@pytest.mark.parametrize("level", list(RiskLevel))
def test_risk_levels_map_to_the_contract_and_back(level: RiskLevel) -> None:
    assert risk_level_from_proto(risk_level_to_proto(level)) is level
    assert risk_level_from_proto(events_pb2.RISK_LEVEL_UNSPECIFIED) is RiskLevel.NONE
