"""De-identification of arbitrary text: bidi controls, zero-width characters, other scripts' digits.

One conversation of up to four messages, its placeholder state threaded from one to the next.
The only error allowed is ``DeidentificationError("text_too_long")`` for a text over the limit (a
detector that raises surfaces as ``detector_failed``: a crash here). Spans are sorted, disjoint and
within the text; the replaced text carries exactly the placeholders deid introduced, all in the
state, and restoring it gives the values back.

    python -m fuzz.deid -runs=20000
"""

from __future__ import annotations

import sys

import atheris  # type: ignore[import-untyped]

from fuzz.common import Seed, consume_text, main

with atheris.instrument_imports(include=["care"]):
    from care.deid.core import (
        MAX_TEXT_CHARS,
        DeidentificationError,
        PlaceholderState,
        deidentify,
        detect,
        restore,
    )
    from care.deid.detectors import ENTITY_TYPES
    from care.deid.placeholders import PLACEHOLDER_RE

MAX_MESSAGES = 4
# A fuzzed unit repeated to about the length limit: the slow paths of long texts, and the limit itself.
REPEAT_MARGIN = 16
REPEAT = 15


def consume_message(fdp: atheris.FuzzedDataProvider) -> str:
    text = consume_text(fdp)
    # Not 0: an input that runs out reads every integer as 0, and most mutants would be long texts.
    if text and fdp.ConsumeIntInRange(0, 15) == REPEAT:
        length = MAX_TEXT_CHARS - REPEAT_MARGIN + fdp.ConsumeIntInRange(0, 2 * REPEAT_MARGIN)
        text = (text * (length // len(text) + 1))[:length]
    return text


def check_message(text: str, state: PlaceholderState) -> PlaceholderState:
    try:
        spans = detect(text)
    except DeidentificationError as error:
        if error.code != "text_too_long" or len(text) <= MAX_TEXT_CHARS:
            raise
        try:
            deidentify(text, state)
        except DeidentificationError as again:
            if again.code != "text_too_long":
                raise
            return state
        raise AssertionError("deidentify took a text that detect refused") from None
    if len(text) > MAX_TEXT_CHARS:
        raise AssertionError("a text over the limit was not refused")
    position = 0
    for span in spans:
        if not position <= span.start < span.end <= len(text):
            raise AssertionError("spans out of order, overlapping or out of bounds")
        if span.entity_type not in ENTITY_TYPES:
            raise AssertionError("an unknown entity type")
        position = span.end

    typed = {m.group(0) for m in PLACEHOLDER_RE.finditer(text)}  # look-alikes the person wrote
    result = deidentify(text, state)
    if sum(result.redactions.values()) != len(spans):
        raise AssertionError("deidentify and detect disagree")
    new_state = result.state
    if not set(state.values.items()) <= set(new_state.values.items()):
        raise AssertionError("a placeholder of an earlier message changed")
    produced = {m.group(0) for m in PLACEHOLDER_RE.finditer(result.text)}
    if not {p for p in produced if p not in typed} <= set(new_state.values):
        raise AssertionError("a placeholder that the state does not hold")
    restored = restore(result.text, new_state)
    if not set(restored.unresolved) <= typed:
        raise AssertionError("restore left a placeholder that deid introduced")
    if not typed and not spans and restored.text != text:
        raise AssertionError("restoring a text without details changed it")
    return new_state


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    state = PlaceholderState.empty()
    for _ in range(fdp.ConsumeIntInRange(1, MAX_MESSAGES)):
        state = check_message(consume_message(fdp), state)


def seeds() -> list[bytes]:
    conversations = [
        ["קוראים לי נועה כהן, הטלפון שלי 050-1234567", "תתקשרו ל-+972 50 123 4567"],
        ["اسمي سمير، رقمي ٠٥٠\u200e-١٢٣٤٥٦٧", "بريدي samir@example.org"],
        ["mar7aba ana 3aref, ra2mi 0541234567", "ת.ז. 204567135"],
        ["card 4532 0151 1283 0366, IBAN IL62 0108 0000 0009 9999 999"],
        ["[PHONE_1] [PERSON_12] https://example.org/x @noa_k 10.0.0.1"],
        ["Здравствуйте, меня зовут Аня", "hello\u2028world"],
    ]
    built = []
    for messages in conversations:
        seed = Seed().number(len(messages), MAX_MESSAGES, 1)
        for text in messages:
            seed.text(text).number(0, 15)
        built.append(seed.build())
    bidi = Seed().number(1, MAX_MESSAGES, 1).text("050 1234567", [(3, "\u202e"), (1, "\u200b")]).number(0, 15)
    long = (
        Seed()
        .number(1, MAX_MESSAGES, 1)
        .text("٠٥٠ ")
        .number(REPEAT, 15)
        .number(REPEAT_MARGIN + 1, 2 * REPEAT_MARGIN)
    )
    return [*built, bidi.build(), long.build()]


if __name__ == "__main__":
    main("deid", test_one_input, seeds(), max_len=2048)
    sys.exit(0)
