"""Fuzzing of what untrusted input reaches: event decoding and validation, de-identification,
language routing and prompt assembly. No crash, no hang, and every failure a clear, coded error.

Deterministic (``derandomize``: the same examples every run) and bounded (``max_examples``), so it
stays fast in ``make test``; a hang is caught by pytest-timeout. Strategies favour what breaks text
code: bidi controls, zero-width and format characters, digits of other scripts, surrogate-free
astral characters, placeholder look-alikes and very long runs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from care.assembler.assemble import ConversationEndedError, MissingRoleError, assemble
from care.assembler.history import History
from care.assembler.plan import Action
from care.assembler.prompt import RoutePrompt, route_prompt
from care.assembler.state import history_from_proto, history_to_proto
from care.config import Settings
from care.deid.core import MAX_TEXT_CHARS, DeidentificationError, PlaceholderState, deidentify, restore
from care.deid.placeholders import PLACEHOLDER_RE
from care.prompting.tokens import EstimatingCounter
from care.router.core import ROUTES, RouteState, decide_route
from care.router.detect import MessageLanguageDetector
from care.router.setup import detector_from_settings, policy_from_settings
from care.streaming.codec import MAX_PAYLOAD_BYTES, DecodeError, decode, validate_chat_event
from care.v1 import events_pb2

FUZZ = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DECODE_CODES = {"empty_payload", "oversized", "bad_protobuf"}
VALIDATE_CODES = {"missing_field", "invalid_field", "missing_key", "key_mismatch", "empty_text"}

# Characters that trip text code: bidi controls and isolates, zero-width and joiners, BOM, the
# Arabic letter mark, other scripts' digits, a combining mark, an astral emoji, separators.
TRICKY = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u200b\u200c\u200d\ufeff\u061c"
TRICKY += "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹०१२\u0301\U0001f64f\u2028\u2029\t\n -@./[]_:"
WORDS = (
    "שלום",
    "קוראים לי נועה",
    "מרحبا",
    "اسمي سمير",
    "mar7aba ana 3aref",
    "Здравствуйте",
    "hello",
    "050-1234567",
    "+972 53 448 9102",
    "[PHONE_1]",
    "[PERSON_12]",
    "test@example.org",
    "https://example.org/x",
    "204567135",
    "4532 0151 1283 0366",
)
chat_text = st.lists(
    st.one_of(st.sampled_from(WORDS), st.text(alphabet=TRICKY, max_size=6), st.text(max_size=12)),
    max_size=12,
).map(" ".join)


# --- decoding ----------------------------------------------------------------------------------


def rejection(check: Callable[[], object]) -> DecodeError | None:
    """The DecodeError a check raises, or None when it passes (any other exception propagates)."""
    try:
        check()
    except DecodeError as error:
        return error
    return None


@FUZZ
@given(st.one_of(st.none(), st.binary(max_size=512)), st.one_of(st.none(), st.binary(max_size=40)))
def test_arbitrary_bytes_decode_or_fail_with_a_code(payload: bytes | None, key: bytes | None) -> None:
    failed = rejection(lambda: decode(payload, events_pb2.ChatEvent))
    if failed is not None:
        assert failed.code in DECODE_CODES
        assert failed.detail
        return
    event = decode(payload, events_pb2.ChatEvent)
    invalid = rejection(lambda: validate_chat_event(event, key))
    if invalid is not None:
        assert invalid.code in VALIDATE_CODES
        # The detail names fields and limits, never the event's own content.
        assert not event.text.strip() or event.text not in invalid.detail
        return
    assert event.event_id
    assert event.conversation_id
    assert key is not None
    assert key.decode() == event.conversation_id


ids = st.one_of(st.text(max_size=12), st.text(alphabet=TRICKY + "abc-", max_size=8), st.just("c1"))


@FUZZ
@given(
    event_id=ids,
    conversation_id=ids,
    kind=st.integers(0, 6),
    role=st.integers(0, 4),
    text=chat_text,
    key_mode=st.sampled_from(["match", "none", "other", "bad_utf8"]),
)
def test_structured_events_are_valid_or_rejected_with_a_code(
    event_id: str, conversation_id: str, kind: int, role: int, text: str, key_mode: str
) -> None:
    event = events_pb2.ChatEvent(event_id=event_id, conversation_id=conversation_id, text=text)
    event.type = kind  # type: ignore[assignment]
    event.role = role  # type: ignore[assignment]
    payload = event.SerializeToString()
    key = {
        "match": conversation_id.encode(),
        "none": None,
        "other": b"other",
        "bad_utf8": b"\xff\xfe",
    }[key_mode]
    decoded = decode(payload, events_pb2.ChatEvent)
    assert decoded == event
    invalid = rejection(lambda: validate_chat_event(decoded, key))
    if invalid is not None:
        assert invalid.code in VALIDATE_CODES
        return
    # What passed is processable: known type and role, ids without control or bidi characters.
    assert kind in (1, 2, 3)
    assert key_mode == "match"
    assert not any(ch in TRICKY[:16] for ch in event_id + conversation_id)
    if kind == events_pb2.CHAT_EVENT_TYPE_MESSAGE:
        assert role in (1, 2)
        assert text.strip()


def test_a_payload_over_the_limit_is_rejected_before_parsing() -> None:
    with pytest.raises(DecodeError) as raised:
        decode(b"\x0a" * (MAX_PAYLOAD_BYTES + 1), events_pb2.ChatEvent)
    assert raised.value.code == "oversized"


# --- de-identification -------------------------------------------------------------------------


@FUZZ
@given(st.lists(chat_text, min_size=1, max_size=4))
def test_deidentification_never_crashes_and_only_emits_known_placeholders(texts: list[str]) -> None:
    state = PlaceholderState.empty()
    for text in texts:
        typed = {m.group(0) for m in PLACEHOLDER_RE.finditer(text)}  # look-alikes the person typed
        result = deidentify(text, state)
        state = result.state
        produced = [m.group(0) for m in PLACEHOLDER_RE.finditer(result.text)]
        assert len(produced) >= sum(result.redactions.values())
        # Every placeholder deid introduced is in the map, so restore resolves it.
        assert {p for p in produced if p not in typed} <= set(state.values)
        assert set(restore(result.text, state).unresolved) <= typed


long_texts = st.builds(
    lambda unit, extra: (unit * (MAX_TEXT_CHARS // len(unit) + 1))[: MAX_TEXT_CHARS - 5 + extra],
    st.text(alphabet=TRICKY + "0123456789", min_size=1, max_size=16),
    st.integers(0, 10),
)


@settings(FUZZ, max_examples=20)
@given(long_texts)
def test_long_runs_of_tricky_characters_finish_or_fail_closed(text: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        with pytest.raises(DeidentificationError) as raised:
            deidentify(text, PlaceholderState.empty())
        assert raised.value.code == "text_too_long"
        return
    assert isinstance(deidentify(text, PlaceholderState.empty()).text, str)


# --- routing -----------------------------------------------------------------------------------


@cache
def detector() -> MessageLanguageDetector:
    return detector_from_settings(Settings())


@FUZZ
@given(st.lists(chat_text, min_size=1, max_size=6))
def test_routing_always_lands_on_a_known_route(texts: list[str]) -> None:
    policy = policy_from_settings(Settings())
    state: RouteState | None = None
    for text in texts:
        label = detector()(text)
        assert isinstance(label, str)
        assert label
        state = decide_route(state, label, policy)
        assert state.route in ROUTES or state.route == policy.default_route
        assert len(state.recent) <= 3
        if len(text.strip()) > 3:
            assert text not in state.reason, "the reason never quotes the message"


# --- prompt assembly ---------------------------------------------------------------------------


@cache
def prompts() -> dict[str, RoutePrompt]:
    prompt = route_prompt(
        EstimatingCounter(),
        "system",
        context_tokens=600,
        max_new_tokens=64,
        opening_turns=2,
        block_fraction=1 / 3,
    )
    return {"he": prompt, "ar": prompt}


event_spec = st.tuples(
    st.sampled_from([1, 1, 1, 1, 2, 3, 0, 7]),  # type: mostly messages, sometimes lifecycle or unknown
    st.sampled_from([1, 1, 2, 0, 5]),  # role
    chat_text,
    st.sampled_from(["he", "ar", "unsupported", ""]),
    st.integers(0, 40),  # event number: repeats are redeliveries
)


@FUZZ
@given(st.lists(event_spec, max_size=40))
def test_assembly_of_any_event_sequence_keeps_a_consistent_history(
    events: list[tuple[int, int, str, str, int]],
) -> None:
    history = History()
    for kind, role, text, route, number in events:
        chat = events_pb2.ChatEvent(event_id=f"e{number}", conversation_id="c1", text=text)
        chat.type = kind  # type: ignore[assignment]
        chat.role = role  # type: ignore[assignment]
        routed = events_pb2.PipelineEvent(event=chat, route=events_pb2.Route(name=route))
        try:
            assembly = assemble(history, routed, prompts())
        except (MissingRoleError, ConversationEndedError):
            continue
        history = assembly.history
        # The history survives its own changelog encoding, and never holds an event twice.
        assert history_from_proto(history_to_proto(history)) == history
        event_ids = [t.event_id for t in history.turns]
        assert len(event_ids) == len(set(event_ids))
        if assembly.action is Action.SUGGEST:
            assert assembly.prompt is not None
            assert assembly.prompt.fits
            assert assembly.prompt.messages[0][0] == "system"
