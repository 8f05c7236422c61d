"""Prompt assembly over a history built from fuzzed turns, redeliveries, route switches and budgets.

``assemble`` raises only what the shell dead-letters (``MissingRoleError`` for a message without a
known role, ``ConversationEndedError`` for a new message after the end). A prompt holds the system
prompt, then whole turns only: the first few (the opening) and every turn from the cut on, the
newest always among them, merged by role exactly as ``merge_turns`` does; a prompt that does not
fit keeps the newest turn alone. The history survives its changelog encoding.

    python -m fuzz.assembly -runs=20000
"""

from __future__ import annotations

import sys

import atheris  # type: ignore[import-untyped]

from fuzz.common import Seed, consume_text, main

with atheris.instrument_imports(include=["care"]):
    from care.assembler.assemble import ConversationEndedError, MissingRoleError, assemble
    from care.assembler.history import History
    from care.assembler.plan import Action
    from care.assembler.prompt import ROLE_OF, RoutePrompt, route_prompt
    from care.assembler.state import SPEAKERS, history_from_proto, history_to_proto
    from care.prompting.build import merge_turns
    from care.prompting.tokens import EstimatingCounter
    from care.v1 import events_pb2

ROUTES = ("he", "ar", "multi", "unsupported", "")
BLOCK_FRACTIONS = (0.1, 1 / 3, 0.5, 0.9)
MAX_EVENTS = 24
MAX_EVENT_NUMBER = 31


def consume_prompts(fdp: atheris.FuzzedDataProvider) -> dict[str, RoutePrompt]:
    """Two routes with their own budgets: a route switch re-counts the history."""
    prompts = {}
    for route in ("he", "ar"):
        prompts[route] = route_prompt(
            EstimatingCounter(),
            f"system prompt for {route}",
            context_tokens=fdp.ConsumeIntInRange(0, 1200),
            max_new_tokens=fdp.ConsumeIntInRange(0, 128),
            opening_turns=fdp.ConsumeIntInRange(0, 3),
            block_fraction=BLOCK_FRACTIONS[fdp.ConsumeIntInRange(0, len(BLOCK_FRACTIONS) - 1)],
        )
    return prompts


def check_prompt(history: History, prompt: RoutePrompt, messages: tuple[tuple[str, str], ...]) -> None:
    turns = history.turns
    window = history.last_prompt
    n = len(turns)
    if window.turns != n:
        raise AssertionError("the prompt was not built from the whole history")
    if window.cut == 0:
        kept = [(ROLE_OF[t.speaker], t.text) for t in turns]
    else:
        if not (0 <= window.opening <= prompt.policy.opening_turns and window.opening < window.cut < n):
            raise AssertionError("a cut that drops the newest turn or keeps too many opening turns")
        kept = [(ROLE_OF[t.speaker], t.text) for t in (*turns[: window.opening], *turns[window.cut :])]
        role, text = kept[window.opening]
        kept[window.opening] = (role, f"{prompt.policy.marker}\n{text}")
    if list(messages) != merge_turns(prompt.system_prompt, kept):
        raise AssertionError("the prompt is not the system prompt and whole turns")
    if messages[-1][0] != ROLE_OF[turns[-1].speaker] or not messages[-1][1].endswith(turns[-1].text):
        raise AssertionError("the newest turn is not last")


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    prompts = consume_prompts(fdp)
    history = History()
    for _ in range(fdp.ConsumeIntInRange(1, MAX_EVENTS)):
        chat = events_pb2.ChatEvent(conversation_id="c1")
        chat.event_id = f"e{fdp.ConsumeIntInRange(0, MAX_EVENT_NUMBER)}"  # repeats are redeliveries
        chat.type = fdp.ConsumeIntInRange(0, 4)
        chat.role = fdp.ConsumeIntInRange(0, 3)
        chat.text = consume_text(fdp)
        routed = events_pb2.PipelineEvent(event=chat)
        routed.route.name = ROUTES[fdp.ConsumeIntInRange(0, len(ROUTES) - 1)]
        is_message = chat.type == events_pb2.CHAT_EVENT_TYPE_MESSAGE
        try:
            assembly = assemble(history, routed, prompts)
        except MissingRoleError:
            if not is_message or chat.role in SPEAKERS:
                raise
            continue
        except ConversationEndedError:
            if not (is_message and history.ended and not history.contains(chat.event_id)):
                raise
            continue
        history = assembly.history
        if history_from_proto(history_to_proto(history)) != history:
            raise AssertionError("the history does not survive its changelog encoding")
        event_ids = [turn.event_id for turn in history.turns]
        if len(event_ids) != len(set(event_ids)):
            raise AssertionError("an event appended twice")
        if assembly.action is Action.SUGGEST:
            if assembly.prompt is None:
                raise AssertionError("a suggestion without a prompt")
            check_prompt(history, prompts[history.route], assembly.prompt.messages)
            if not assembly.prompt.fits and history.last_prompt.opening:
                raise AssertionError("opening turns kept beside a newest turn that does not fit")


def seeds() -> list[bytes]:
    def conversation(budget: int, events: list[tuple[int, int, int, str, int]]) -> bytes:
        seed = Seed()
        for _ in range(2):
            seed.number(budget, 1200).number(64, 128).number(2, 3).number(1, len(BLOCK_FRACTIONS) - 1)
        seed.number(len(events), MAX_EVENTS, 1)
        for number, kind, role, text, route in events:
            seed.number(number, MAX_EVENT_NUMBER).number(kind, 4).number(role, 3).text(text).number(
                route, len(ROUTES) - 1
            )
        return seed.build()

    hebrew = [
        (0, 1, 1, "שלום, אני צריכה לדבר עם מישהו", 0),
        (1, 1, 2, "אני כאן איתך. מה קורה?", 0),
        (2, 1, 1, "קשה לי מאוד בזמן האחרון " * 6, 0),
        (3, 1, 2, "ספרי לי עוד", 0),
        (2, 1, 1, "קשה לי מאוד בזמן האחרון " * 6, 0),
        (4, 1, 1, "[PERSON_1] לא עונה לי", 0),
        (5, 1, 1, "بدي احكي بالعربي", 1),
        (6, 2, 0, "", 1),
        (7, 1, 1, "עוד הודעה", 1),
    ]
    arabic = [(i, 1, 1 + i % 2, f"رسالة رقم {i} " * (i + 1), 1) for i in range(12)]
    odd = [(0, 1, 0, "no role", 0), (1, 4, 1, "unknown type", 2), (2, 1, 3, "role 3", 3), (3, 1, 1, "x", 4)]
    return [
        conversation(300, hebrew),
        conversation(200, arabic),
        conversation(1200, hebrew),
        conversation(60, odd),
    ]


if __name__ == "__main__":
    main("assembly", test_one_input, seeds(), max_len=4096)
    sys.exit(0)
