"""The fault scenario: conversations through the embedded pipeline while a worker is killed with
SIGKILL and restarted, the model server fails for a window and malformed events are interleaved.

``run_scenario`` drives it and returns what the platform saw; ``violations`` lists every broken
promise (an empty list is a pass). The test (``test_faults.py``) runs it at the default size; the
benchmark (``bench/faults.py``) runs a larger one. Nothing here asserts on timings.

Each conversation is a chat as it happens: the help-seeker writes, the counselor reads the
suggestion and replies, so every help-seeker message must get a terminal suggestion (OK, FALLBACK,
NO_SUGGESTION), never SUPERSEDED. The texts are synthetic (``bench.messages``); failure reports
carry ids and codes only, never message text.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.messages import conversations as synthetic_conversations
from care import topics
from care.embedded.platform import PlatformClient
from care.embedded.stack import EmbeddedStack, StackOptions
from care.streaming.codec import MAX_PAYLOAD_BYTES
from care.v1 import events_pb2

HS = events_pb2.ROLE_HELP_SEEKER
CO = events_pb2.ROLE_COUNSELOR
# Who writes each turn of a conversation: the help-seeker mostly, the counselor after reading.
ROLES = (HS, HS, CO, HS, HS, CO, HS, HS, CO, HS)
TERMINAL = {
    events_pb2.SUGGESTION_STATUS_OK,
    events_pb2.SUGGESTION_STATUS_FALLBACK,
    events_pb2.SUGGESTION_STATUS_NO_SUGGESTION,
}
PROBE_TURN = 7  # the turn of a probe conversation sent only after the restart
PROBE_EVERY = 10  # every tenth conversation carries a phone number across the restart
ENDED_EVERY = 4  # every fourth conversation (never a probe) is ended, then gets a late message

# Malformed inbound events: (name, expected dead-letter code). Each conversation interleaves one.
MALFORMED = (
    ("not_protobuf", "bad_protobuf"),
    ("invalid_utf8_text", "bad_protobuf"),
    ("oversized_payload", "oversized"),
    ("oversized_text", "text_too_long"),
    ("missing_event_id", "missing_field"),
    ("missing_role", "missing_field"),
    ("missing_type", "missing_field"),
    ("blank_text", "empty_text"),
    ("bidi_override_conversation_id", "invalid_field"),
    ("bidi_isolate_event_id", "invalid_field"),
    ("unknown_event_type", "invalid_field"),
    ("unknown_role", "invalid_field"),
    ("key_mismatch", "key_mismatch"),
    ("no_key", "missing_key"),
)


@dataclass(frozen=True)
class ScenarioSize:
    conversations: int = 200
    timeout_s: float = 120.0  # the longest wait for one suggestion (a restart takes seconds)
    seed: int = 8


@dataclass
class Expected:
    """What the platform must see for one conversation."""

    help_seeker: list[tuple[str, int]] = field(default_factory=list)  # (event id, history turns)
    no_history: set[str] = field(default_factory=set)  # answered by deid itself (NO_SUGGESTION)
    ended: bool = False


@dataclass(frozen=True)
class DeadLetterExpectation:
    name: str
    code: str
    stage: str
    location: tuple[int, int] | None  # (partition, offset) on care.chat.inbound, when known
    conversation_id: str


@dataclass(repr=False)  # holds message text and fictional numbers: never printed whole
class ScenarioResult:
    size: ScenarioSize
    expected: dict[str, Expected]
    dead_letters_expected: list[DeadLetterExpectation]
    valid_messages: int = 0
    malformed_events: int = 0
    lifecycle_events: int = 0
    kill_after_deliveries: int = 0
    restart_seconds: float = 0.0
    seconds: float = 0.0
    faults_injected: dict[str, int] = field(default_factory=dict)
    probes: dict[str, tuple[str, str]] = field(default_factory=dict)  # conversation -> (old, new phone)
    platform: PlatformClient | None = None

    def __repr__(self) -> str:
        return (
            f"ScenarioResult(conversations={len(self.expected)}, valid_messages={self.valid_messages}, "
            f"malformed_events={self.malformed_events}, seconds={self.seconds:.1f})"
        )


def _phone(rng: random.Random) -> str:
    return f"05{rng.randint(0, 8)}-{rng.randint(0, 9_999_999):07d}"


def _bidi_spelling(phone: str) -> str:
    """The same number with bidi controls inside, as right-to-left keyboards and tricks insert them."""
    head, tail = phone.split("-")
    return f"\u202d{head}\u200f-{tail[:3]}\u2066{tail[3:]}\u2069\u202c"


def _chat(
    conversation_id: str, event_id: str, kind: int, role: int = 0, text: str = ""
) -> events_pb2.ChatEvent:
    event = events_pb2.ChatEvent(
        event_id=event_id,
        conversation_id=conversation_id,
        type=kind,  # type: ignore[arg-type]
        role=role,  # type: ignore[arg-type]
        text=text,
        channel=events_pb2.Channel(platform="fault-test", medium="web", line_id="general"),
    )
    event.sent_at.GetCurrentTime()
    return event


def _malformed(name: str, conversation_id: str, index: int) -> tuple[bytes | None, bytes | None]:
    """(key, payload) of one malformed inbound record."""
    key = conversation_id.encode()
    event_id = f"{conversation_id}-bad-{index}"
    message = events_pb2.CHAT_EVENT_TYPE_MESSAGE

    def event(**changes: object) -> bytes:
        chat = _chat(conversation_id, event_id, message, HS, "שלום, זה אני שוב")
        for attribute, value in changes.items():
            setattr(chat, attribute, value)
        return chat.SerializeToString()

    if name == "not_protobuf":
        return key, b"\xff\xff\xff\xff" + bytes(range(32))
    if name == "invalid_utf8_text":
        # A valid event followed by field 5 (text) holding bytes that are not UTF-8.
        return key, event(text="") + b"\x2a\x03\xc3\x28\xa0"
    if name == "oversized_payload":
        return key, event(text="א" * (MAX_PAYLOAD_BYTES // 2 + 1024))
    if name == "oversized_text":
        return key, event(text="מילה " * 2000)
    if name == "missing_event_id":
        return key, event(event_id="")
    if name == "missing_role":
        return key, event(role=events_pb2.ROLE_UNSPECIFIED)
    if name == "missing_type":
        return key, event(type=events_pb2.CHAT_EVENT_TYPE_UNSPECIFIED)
    if name == "blank_text":
        return key, event(text=" \n\t ")
    if name == "bidi_override_conversation_id":
        spoofed = f"{conversation_id}\u202e"
        return spoofed.encode(), event(conversation_id=spoofed)
    if name == "bidi_isolate_event_id":
        return key, event(event_id=f"{event_id}\u2067x\u2069")
    if name == "unknown_event_type":
        return key, event(type=42)
    if name == "unknown_role":
        return key, event(role=9)
    if name == "key_mismatch":
        return b"some-other-conversation", event()
    if name == "no_key":
        return None, event()
    raise ValueError(f"unknown malformed kind {name}")


class Scenario:
    def __init__(self, stack: EmbeddedStack, platform: PlatformClient, size: ScenarioSize) -> None:
        self.stack = stack
        self.platform = platform
        self.size = size
        self.rng = random.Random(size.seed)
        self.texts = list(synthetic_conversations(size.conversations, length=len(ROLES), seed=size.seed))
        self.restarted = asyncio.Event()
        self.result = ScenarioResult(size, {}, [], platform=platform)
        self.expected_help_seeker = size.conversations * ROLES.count(HS)

    async def run(self) -> ScenarioResult:
        started = time.perf_counter()
        conversations = [self._conversation(index) for index in range(self.size.conversations)]
        await asyncio.gather(self._chaos(), *conversations)
        self.result.seconds = time.perf_counter() - started
        await self._restore_probes()
        # Let any duplicate from a redelivery arrive, then make sure every dead letter has.
        await self._wait_for_dead_letters()
        self.result.faults_injected = await self._standin_faults()
        return self.result

    # --- conversations ------------------------------------------------------------------------

    async def _conversation(self, index: int) -> None:
        conversation_id = f"ft-{index:04d}"
        expected = self.result.expected.setdefault(conversation_id, Expected())
        probe = index % PROBE_EVERY == 0
        old_phone, new_phone = _phone(self.rng), _phone(self.rng)
        if probe:
            self.result.probes[conversation_id] = (old_phone, new_phone)
        malformed_turn = index % len(ROLES)
        malformed_name = MALFORMED[index % len(MALFORMED)][0]
        await self._lifecycle(conversation_id, "start", events_pb2.CHAT_EVENT_TYPE_CONVERSATION_STARTED)
        for turn, role in enumerate(ROLES):
            if turn == malformed_turn:
                await self._send_malformed(malformed_name, conversation_id, index, expected)
            text = self.texts[index][turn].text
            if probe and turn == 0:
                text = f"הטלפון שלי {old_phone}"
            if probe and turn == PROBE_TURN:
                await self.restarted.wait()
                # The number from before the restart in another spelling, and a new one.
                text = f"שוב, המספר שלי {_bidi_spelling(old_phone)} או {new_phone}"
            event = _chat(
                conversation_id,
                f"{conversation_id}-{turn:02d}",
                events_pb2.CHAT_EVENT_TYPE_MESSAGE,
                role,
                text,
            )
            await self.platform.send_chat(event)
            self.result.valid_messages += 1
            if role == HS:
                # The history holds every valid message so far, this one included.
                expected.help_seeker.append((event.event_id, turn + 1))
                await self.platform.wait_for(event.event_id, self.size.timeout_s)
        if index % ENDED_EVERY == 1:
            expected.ended = True
            await self._lifecycle(conversation_id, "end", events_pb2.CHAT_EVENT_TYPE_CONVERSATION_ENDED)
            late = _chat(
                conversation_id, f"{conversation_id}-late", events_pb2.CHAT_EVENT_TYPE_MESSAGE, HS, "עוד משהו"
            )
            await self.platform.send_chat(late)
            self.result.malformed_events += 1
            self.result.dead_letters_expected.append(
                DeadLetterExpectation("after_end", "conversation_ended", "assembler", None, conversation_id)
            )

    async def _lifecycle(self, conversation_id: str, name: str, kind: int) -> None:
        await self.platform.send_chat(_chat(conversation_id, f"{conversation_id}-{name}", kind))
        self.result.lifecycle_events += 1

    async def _send_malformed(self, name: str, conversation_id: str, index: int, expected: Expected) -> None:
        key, payload = _malformed(name, conversation_id, index)
        metadata = await self.platform.send(topics.CHAT_INBOUND.name, key, payload)  # type: ignore[arg-type]
        self.result.malformed_events += 1
        code = dict(MALFORMED)[name]
        self.result.dead_letters_expected.append(
            DeadLetterExpectation(name, code, "deid", (metadata.partition, metadata.offset), conversation_id)
        )
        if name == "oversized_text":
            # Fails closed: the counselor is told no suggestion is coming for this message.
            event_id = f"{conversation_id}-bad-{index}"
            expected.help_seeker.append((event_id, 0))
            expected.no_history.add(event_id)
            await self.platform.wait_for(event_id, self.size.timeout_s)

    # --- faults -------------------------------------------------------------------------------

    async def _when_delivered(self, share: float) -> None:
        target = int(self.expected_help_seeker * share)
        await self.platform.wait_until(
            lambda: len(self.platform.deliveries) >= target, self.size.timeout_s * 3
        )

    async def _chaos(self) -> None:
        # The probes' placeholder maps are in the changelog before the kill.
        changelog = topics.PLACEHOLDERS_CHANGELOG.name
        probes = set(self.result.probes)
        await self.platform.wait_until(
            lambda: probes <= {k for k, v in self.platform.records.get(changelog, []) if v},
            self.size.timeout_s,
        )
        await self._when_delivered(0.3)
        self.result.kill_after_deliveries = len(self.platform.deliveries)
        restart_started = time.perf_counter()
        await self.stack.restart_worker(kill=True)
        self.result.restart_seconds = time.perf_counter() - restart_started
        self.restarted.set()
        # A window of model-server failures: overloaded, unavailable, then hung requests.
        for share, plan in (
            (0.45, {"mode": "429", "rate": 0.6, "count": 40}),
            (0.55, {"mode": "503", "rate": 0.6, "count": 40}),
            (0.65, {"mode": "timeout", "rate": 1.0, "count": 8}),
            (0.75, {"mode": "none"}),
        ):
            await self._when_delivered(share)
            await self._set_faults(plan)

    async def _set_faults(self, plan: dict[str, object]) -> None:
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{self.stack.standin_url}/_standin/faults", json=plan) as response,
        ):
            response.raise_for_status()

    async def _standin_faults(self) -> dict[str, int]:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{self.stack.standin_url}/_standin/stats") as response,
        ):
            stats = await response.json()
        injected: dict[str, int] = stats.get("faults_injected", {})
        return injected

    # --- after the run ------------------------------------------------------------------------

    async def _restore_probes(self) -> None:
        """deid restores a placeholder from a map it recovered after the kill: a suggestion naming
        [PHONE_1] (as a model addressing the help-seeker's details would) shows the real number."""
        for conversation_id in self.result.probes:
            event_id = f"{conversation_id}-restore-probe"
            suggestion = events_pb2.Suggestion(
                suggestion_id=f"{event_id}/suggestion",
                conversation_id=conversation_id,
                event_id=event_id,
                status=events_pb2.SUGGESTION_STATUS_OK,
                complete=True,
                candidates=[
                    events_pb2.Candidate(index=0, text="אפשר להתקשר אליך ל-[PHONE_1]?", source="model")
                ],
            )
            await self.platform.send(topics.SUGGESTIONS_INTERNAL.name, conversation_id, suggestion)
        for conversation_id in self.result.probes:
            await self.platform.wait_for(f"{conversation_id}-restore-probe", self.size.timeout_s)

    async def _wait_for_dead_letters(self) -> None:
        wanted = len(self.result.dead_letters_expected)

        def arrived() -> bool:
            return len(_unique_dead_letters(self.platform)) >= wanted

        await self.platform.wait_until(arrived, self.size.timeout_s)
        await asyncio.sleep(1.0)  # a duplicate or an unexpected letter, if any, has time to arrive


def _unique_dead_letters(platform: PlatformClient) -> dict[str, events_pb2.DeadLetter]:
    letters = (
        events_pb2.DeadLetter.FromString(v) for _, v in platform.records.get(topics.DEADLETTER.name, [])
    )
    return {letter.dead_letter_id: letter for letter in letters}


def violations(result: ScenarioResult) -> list[str]:
    """Every broken promise, described by ids and codes only (never message text)."""
    platform = result.platform
    assert platform is not None
    problems: list[str] = []
    complete_ids: dict[str, set[str]] = {}
    for _, value in platform.records.get(topics.SUGGESTIONS.name, []):
        suggestion = events_pb2.Suggestion.FromString(value)
        if suggestion.complete:
            complete_ids.setdefault(suggestion.event_id, set()).add(suggestion.suggestion_id)
    answered_events: set[str] = set()
    for conversation_id, expected in result.expected.items():
        order = [event_id for event_id, _ in expected.help_seeker]
        answered_events.update(order)
        delivered = [e for e in platform.delivery_order.get(conversation_id, []) if e in set(order)]
        if delivered != order:
            problems.append(f"{conversation_id}: delivered {len(delivered)} of {len(order)} or out of order")
        for event_id, turns in expected.help_seeker:
            delivery = platform.deliveries.get(event_id)
            if delivery is None:
                problems.append(f"{event_id}: no suggestion")
                continue
            suggestion = delivery.suggestion
            if suggestion.status not in TERMINAL:
                problems.append(f"{event_id}: status {events_pb2.SuggestionStatus.Name(suggestion.status)}")
            if len(complete_ids.get(event_id, set())) != 1:
                problems.append(
                    f"{event_id}: {len(complete_ids.get(event_id, set()))} distinct suggestion ids"
                )
            if delivery.key != conversation_id:
                problems.append(f"{event_id}: keyed by another conversation")
            if event_id in expected.no_history:
                if suggestion.status != events_pb2.SUGGESTION_STATUS_NO_SUGGESTION:
                    problems.append(f"{event_id}: a message that failed deid was answered")
            elif suggestion.history_turns != turns:
                problems.append(f"{event_id}: history_turns {suggestion.history_turns}, expected {turns}")
    probes = {f"{c}-restore-probe" for c in result.probes}
    strays = set(platform.deliveries) - answered_events - probes
    if strays:
        problems.append(f"{len(strays)} suggestions answer events that were not valid help-seeker messages")
    problems.extend(_dead_letter_violations(result, platform))
    problems.extend(_placeholder_violations(result, platform))
    return problems


def _dead_letter_violations(result: ScenarioResult, platform: PlatformClient) -> list[str]:
    problems: list[str] = []
    letters = list(_unique_dead_letters(platform).values())
    by_location = {(d.partition, d.offset): d for d in letters if d.source_topic == topics.CHAT_INBOUND.name}
    matched: set[str] = set()
    for want in result.dead_letters_expected:
        if want.location is not None:
            letter = by_location.get(want.location)
        else:
            letter = next(
                (
                    d
                    for d in letters
                    if (d.conversation_id, d.error_code, d.stage)
                    == (want.conversation_id, want.code, want.stage)
                ),
                None,
            )
        if letter is None:
            problems.append(f"{want.conversation_id}: no dead letter for {want.name}")
            continue
        matched.add(letter.dead_letter_id)
        if (letter.error_code, letter.stage) != (want.code, want.stage):
            problems.append(
                f"{want.conversation_id}: {want.name} dead-lettered as {letter.error_code} "
                f"by {letter.stage}, expected {want.code} by {want.stage}"
            )
        if not letter.error_detail or len(letter.payload_sha256) != 64:
            problems.append(f"{want.conversation_id}: {want.name} dead letter lacks detail or digest")
    unexpected = Counter(d.error_code for d in letters if d.dead_letter_id not in matched)
    if unexpected:
        problems.append(f"unexpected dead letters: {dict(unexpected)}")
    return problems


def _placeholder_violations(result: ScenarioResult, platform: PlatformClient) -> list[str]:
    problems: list[str] = []
    deidentified = [
        events_pb2.PipelineEvent.FromString(v).event
        for _, v in platform.records.get(topics.CHAT_DEIDENTIFIED.name, [])
    ]
    texts = {e.event_id: e.text for e in deidentified}
    for conversation_id, (old_phone, new_phone) in result.probes.items():
        before = texts.get(f"{conversation_id}-00", "")
        after = texts.get(f"{conversation_id}-{PROBE_TURN:02d}", "")
        if "[PHONE_1]" not in before:
            problems.append(f"{conversation_id}: the first number was not masked as [PHONE_1]")
            continue
        # The map survived the kill: the old number (in a bidi spelling) keeps [PHONE_1], and the new
        # one is numbered after every phone placeholder the conversation had before the kill.
        earlier = "".join(texts.get(f"{conversation_id}-{turn:02d}", "") for turn in range(PROBE_TURN))
        next_phone = max(int(n) for n in re.findall(r"\[PHONE_(\d+)\]", earlier)) + 1 if before else 0
        shown_placeholders = re.findall(r"\[PHONE_\d+\]", after)
        if shown_placeholders != ["[PHONE_1]", f"[PHONE_{next_phone}]"]:
            problems.append(
                f"{conversation_id}: numbering did not survive the restart: {shown_placeholders}, "
                f"expected [PHONE_1] and [PHONE_{next_phone}]"
            )
        digits = [p.replace("-", "") for p in (old_phone, new_phone)]
        if any(d in "".join(ch for ch in after if ch.isdigit()) for d in digits):
            problems.append(f"{conversation_id}: a number travelled past deid")
        shown = platform.deliveries.get(f"{conversation_id}-restore-probe")
        if shown is None or old_phone not in shown.suggestion.candidates[0].text:
            problems.append(f"{conversation_id}: [PHONE_1] was not restored after the restart")
    return problems


async def run_scenario(workdir: Path, size: ScenarioSize) -> tuple[ScenarioResult, list[str]]:
    """Start a stack of its own, run the scenario, check it; the stack is stopped on return."""
    options = StackOptions(
        workdir=workdir,
        partitions=4,
        num_candidates=1,
        backend_timeout_seconds=0.5,
        inference_timeout_seconds=5.0,
        extra_env={
            "CARE_SUGGESTION_DEADLINE_SECONDS": "3",
            "CARE_BACKEND_BREAKER_OPEN_SECONDS": "1",
            "CARE_BACKEND_RETRY_MAX_DELAY_SECONDS": "0.3",
            "CARE_LOG_LEVEL": "WARNING",
        },
    )
    watched = (
        topics.SUGGESTIONS.name,
        topics.DEADLETTER.name,
        topics.CHAT_DEIDENTIFIED.name,
        topics.PLACEHOLDERS_CHANGELOG.name,
    )
    async with EmbeddedStack(options) as stack, PlatformClient(stack.settings, watch=watched) as platform:
        result = await Scenario(stack, platform, size).run()
        return result, violations(result)
