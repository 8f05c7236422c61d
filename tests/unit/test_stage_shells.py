"""The pure parts of the faust shells: state <-> protobuf, event building, restore."""

import time

import pytest

from care.assembler.history import History, Speaker, Turn
from care.assembler.prompt import PromptMessage
from care.assembler.state import history_from_proto, history_to_proto
from care.assembler.suggestion import fallback, from_response, no_suggestion, suggest_request
from care.deid.agent import (
    FAILED_REASON,
    deidentified_event,
    deidentify_within,
    expiry_event,
    failed_message_suggestion,
    open_state,
    restored_suggestion,
    seal_state,
)
from care.deid.core import DeidentificationError, PlaceholderState
from care.deid.detectors import DEFAULT_DETECTORS
from care.deid.vault import PlaceholderVault, new_key, parse_keys
from care.router.agent import route_event
from care.router.agent import state_from_proto as route_state_from_proto
from care.router.agent import state_to_proto as route_state_to_proto
from care.router.core import DEFAULT_POLICY, RouteState
from care.router.detect import MessageLanguageDetector
from care.v1 import events_pb2, inference_pb2

PHONE = "052-7000001"
# lingua's models load once, as in a worker.
DETECT = MessageLanguageDetector()


def chat(
    text: str, role: int = events_pb2.ROLE_HELP_SEEKER, kind: int = events_pb2.CHAT_EVENT_TYPE_MESSAGE
) -> events_pb2.ChatEvent:
    event = events_pb2.ChatEvent(event_id="c1-0001", conversation_id="c1", type=kind, role=role, text=text)  # type: ignore[arg-type]
    event.sent_at.FromMilliseconds(1_700_000_000_000)
    return event


def test_placeholder_state_is_sealed_per_conversation() -> None:
    vault = PlaceholderVault(parse_keys(new_key()))
    state = PlaceholderState({"[PHONE_1]": PHONE}, {"PHONE": 1})
    blob = seal_state(vault, "c1", state)
    assert PHONE.encode() not in blob
    assert open_state(vault, "c1", blob) == state
    assert open_state(vault, "c1", None) == PlaceholderState.empty()


def test_an_unreadable_map_starts_afresh_instead_of_failing() -> None:
    blob = seal_state(
        PlaceholderVault(parse_keys(new_key())), "c1", PlaceholderState({"[PHONE_1]": PHONE}, {})
    )
    other_key = PlaceholderVault(parse_keys(new_key()))
    assert open_state(other_key, "c1", blob) == PlaceholderState.empty()


def test_a_message_that_fails_deid_gets_a_no_suggestion_without_its_text() -> None:
    suggestion = failed_message_suggestion(chat(f"call me on {PHONE}"))
    assert suggestion.status == events_pb2.SUGGESTION_STATUS_NO_SUGGESTION
    assert suggestion.status_reason == FAILED_REASON
    assert suggestion.suggestion_id == "c1-0001/suggestion"
    assert suggestion.event_sent_at.ToMilliseconds() == 1_700_000_000_000
    assert PHONE.encode() not in suggestion.SerializeToString()


def test_expiry_ends_the_conversation_with_a_stable_id() -> None:
    event = expiry_event("c1", 42)
    assert event.type == events_pb2.CHAT_EVENT_TYPE_CONVERSATION_ENDED
    assert event.end_reason == "ttl"
    assert event.event_id == expiry_event("c1", 42).event_id == "c1/expired/42"


def test_message_is_deidentified_and_counted_without_values() -> None:
    out, state = deidentified_event(chat(f"call me on {PHONE}"), PlaceholderState.empty())
    assert PHONE not in out.event.text
    assert "[PHONE_1]" in out.event.text
    assert [(r.entity_type, r.count) for r in out.redactions] == [("PHONE", 1)]
    assert PHONE.encode() not in out.SerializeToString()
    assert state.values["[PHONE_1]"] == PHONE


def test_lifecycle_events_pass_through_unchanged() -> None:
    started = chat("", role=events_pb2.ROLE_UNSPECIFIED, kind=events_pb2.CHAT_EVENT_TYPE_CONVERSATION_STARTED)
    out, state = deidentified_event(started, PlaceholderState.empty())
    assert out.event == started
    assert state == PlaceholderState.empty()


def test_restore_puts_values_back_and_leaves_unknown_placeholders() -> None:
    suggestion = events_pb2.Suggestion(
        candidates=[events_pb2.Candidate(text="I have [PHONE_1]"), events_pb2.Candidate(text="and [PHONE_9]")]
    )
    shown = restored_suggestion(suggestion, PlaceholderState({"[PHONE_1]": PHONE}, {"PHONE": 1}))
    assert [c.text for c in shown.candidates] == [f"I have {PHONE}", "and [PHONE_9]"]
    assert suggestion.candidates[0].text == "I have [PHONE_1]", "the internal suggestion is not modified"


def test_route_state_round_trips_and_counselor_turns_do_not_decide_it() -> None:
    state = RouteState("ar", "ar", "Arabic script", ("ar",))
    assert route_state_from_proto(route_state_to_proto(state)) == state
    event = events_pb2.PipelineEvent(event=chat("שלום, אני כאן", role=events_pb2.ROLE_COUNSELOR))
    assert route_event(event, state, DETECT, DEFAULT_POLICY) == state
    assert event.route.name == "ar"


def test_help_seeker_turn_decides_the_route() -> None:
    event = events_pb2.PipelineEvent(event=chat("אני לא יודעת מה לעשות"))
    state = route_event(event, None, DETECT, DEFAULT_POLICY)
    assert state is not None
    assert event.route.name == "he"


def test_history_round_trips_through_protobuf() -> None:
    history = History(
        (Turn("1", Speaker.HELP_SEEKER, "a"), Turn("2", Speaker.COUNSELOR, "b")), route="he", ended=True
    )
    assert history_from_proto(history_to_proto(history)) == history
    assert history_from_proto(b"") == History()


def routed() -> events_pb2.PipelineEvent:
    event = events_pb2.PipelineEvent(event=chat("text"), route=events_pb2.Route(name="he"))
    event.timings.deid_ms = 1.5
    return event


def test_request_and_suggestion_ids_derive_from_the_event_id() -> None:
    request = suggest_request(routed(), [PromptMessage("system", "s"), PromptMessage("user", "u")], 3, 100)
    assert request.request_id == "c1-0001/suggestion"
    assert [(m.role, m.content) for m in request.messages] == [("system", "s"), ("user", "u")]
    response = inference_pb2.SuggestResponse(
        candidates=[events_pb2.Candidate(index=0, text="t", strategy="Question", source="model")],
        status=events_pb2.SUGGESTION_STATUS_OK,
        model="m",
        total_ms=12.0,
        time_to_first_token_ms=3.0,
    )
    suggestion = from_response(routed(), 4, response)
    assert suggestion.suggestion_id == request.request_id
    assert suggestion.event_id == "c1-0001"
    assert suggestion.complete
    assert suggestion.history_turns == 4
    assert suggestion.timings.deid_ms == 1.5
    assert suggestion.timings.inference_ms == 12.0
    assert suggestion.event_sent_at.ToMilliseconds() == 1_700_000_000_000


def test_no_suggestion_and_fallback_carry_a_reason() -> None:
    none = no_suggestion(routed(), 1, "unsupported language")
    assert none.status == events_pb2.SUGGESTION_STATUS_NO_SUGGESTION
    assert none.status_reason == "unsupported language"
    assert not none.candidates
    backup = fallback(routed(), 1, [events_pb2.Candidate(text="x", source="fallback")], "service down")
    assert backup.status == events_pb2.SUGGESTION_STATUS_FALLBACK
    assert backup.candidates[0].source == "fallback"


async def test_deidentification_that_takes_too_long_fails_closed() -> None:
    def slow_detector(norm: object) -> list[object]:
        time.sleep(0.3)
        return []

    with pytest.raises(DeidentificationError) as raised:
        await deidentify_within(chat("some text"), PlaceholderState.empty(), (slow_detector,), 0.05)
    assert raised.value.code == "deid_timeout"
    out, _ = await deidentify_within(chat(f"call {PHONE}"), PlaceholderState.empty(), DEFAULT_DETECTORS, 5.0)
    assert "[PHONE_1]" in out.event.text
