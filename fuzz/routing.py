"""Routing: the per-message language detector and the sticky route decision over a conversation.

The detector labels any text with a short code and never raises. ``decide_route`` lands on a
known route whatever the labels, the policy or the stored state (a hand-built or old state
included); it moves a decided conversation to another route only after ``SWITCH_AFTER`` messages
in a row that route there, keeps the route on a message with no language, keeps at most
``SWITCH_AFTER`` labels, and its reason never quotes the message.

    python -m fuzz.routing -runs=20000
"""

from __future__ import annotations

import re
import sys

import atheris  # type: ignore[import-untyped]

from fuzz.common import Seed, consume_text, main

with atheris.instrument_imports(include=["care"]):
    from care.router.core import (
        ROUTE_MULTI,
        ROUTES,
        SWITCH_AFTER,
        RouteConfigError,
        RoutePolicy,
        RouteState,
        decide_route,
    )
    from care.router.detect import NEUTRAL, MessageLanguageDetector

DETECT = MessageLanguageDetector()
LABEL = re.compile(r"[a-z]{2,3}|arabizi|neutral|mixed-ar-he|mixed-he-en")
# Labels a stored state or another release may carry, besides what the detector says.
LABELS = ("he", "ar", "arabizi", "mixed-ar-he", "mixed-he-en", "neutral", "und", "en", "ru", "am", "xx", "")
STORED_ROUTES = (*sorted(ROUTES), "", "legacy")
SERVED = ((), ("he",), ("ar",), ("he", "ar"))
MAX_MESSAGES = 8


def consume_state(fdp: atheris.FuzzedDataProvider) -> RouteState | None:
    if fdp.ConsumeBool():
        return None
    recent = tuple(
        LABELS[fdp.ConsumeIntInRange(0, len(LABELS) - 1)]
        for _ in range(fdp.ConsumeIntInRange(0, SWITCH_AFTER))
    )
    route = STORED_ROUTES[fdp.ConsumeIntInRange(0, len(STORED_ROUTES) - 1)]
    return RouteState(route, recent[-1] if recent else "", "", recent)


def check_step(previous: RouteState | None, label: str, text: str, policy: RoutePolicy) -> RouteState:
    state = decide_route(previous, label, policy)
    if state.route not in ROUTES:
        raise AssertionError("an unknown route")
    if state.language != label or not state.reason:
        raise AssertionError("a state that does not record this message")
    if len(state.recent) > SWITCH_AFTER:
        raise AssertionError("more labels kept than a switch needs")
    if len(text.strip()) > 3 and text in state.reason:
        raise AssertionError("the reason quotes the message")
    decided = previous is not None and bool(previous.recent) and previous.route in ROUTES
    if not decided:
        return state
    assert previous is not None
    if label == NEUTRAL and (state.route, state.recent) != (previous.route, previous.recent):
        raise AssertionError("a message without language moved the conversation")
    if state.route != previous.route and not (
        len(state.recent) == SWITCH_AFTER
        and all(policy.route_for(seen) == state.route for seen in state.recent)
    ):
        raise AssertionError("the route switched before enough messages")
    return state


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    served = SERVED[fdp.ConsumeIntInRange(0, len(SERVED) - 1)]
    fallback = ROUTE_MULTI if fdp.ConsumeBool() else ""
    try:
        policy = RoutePolicy.of(served, fallback)
    except RouteConfigError:
        if served or fallback:
            raise
        return
    state = consume_state(fdp)
    for _ in range(fdp.ConsumeIntInRange(1, MAX_MESSAGES)):
        text = consume_text(fdp)
        label = DETECT(text)
        if not isinstance(label, str) or not LABEL.fullmatch(label):
            raise AssertionError("a label that is not a language code")
        if fdp.ConsumeIntInRange(0, 7) == 0:
            label = LABELS[fdp.ConsumeIntInRange(0, len(LABELS) - 1)]
        state = check_step(state, label, text, policy)


def seeds() -> list[bytes]:
    conversations = [
        ["שלום", "אני לא יודעת מה לעשות", "ok", "mar7aba", "kifak", "ana ta3bana"],
        ["مرحبا", "انا تعبانة", "😊", "אני בסדר", "שלום", "תודה"],
        ["hello", "I need help", "Здравствуйте", "мне плохо", "ok", "123"],
        ["אני רק רוצה peace of mind", "بدي احكي مع حدا", "ሰላም", "γεια σου", "你好"],
    ]
    built = []
    for served, messages in enumerate(conversations):
        seed = Seed().number(served, len(SERVED) - 1).number(served % 2, 1).number(1, 1)
        seed.number(len(messages), MAX_MESSAGES, 1)
        for text in messages:
            seed.text(text).number(1, 7)
        built.append(seed.build())
    stored = Seed().number(3, len(SERVED) - 1).number(0, 1).number(0, 1).number(3, 4)
    for label in ("ar", "ar", "he"):
        stored.number(LABELS.index(label), len(LABELS) - 1)
    stored.number(STORED_ROUTES.index("legacy"), len(STORED_ROUTES) - 1).number(1, MAX_MESSAGES, 1)
    stored.text("\u202eשלום\u200f").number(1, 7)
    return [*built, stored.build()]


if __name__ == "__main__":
    main("routing", test_one_input, seeds(), max_len=1024)
    sys.exit(0)
