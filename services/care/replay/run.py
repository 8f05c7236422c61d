"""Replay conversations through the running pipeline, or an embedded one, as the chat platform
would: each turn in order, and after each help-seeker message wait for its suggestion, as a
counselor would before answering. One JSON line per help-seeker turn; a summary at the end."""

from __future__ import annotations

import asyncio
import json
import secrets
import statistics
import tempfile
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

import aiohttp

from care import topics
from care.config import Settings
from care.demo.replay import ConversationOutcome, SampleConversation, replay
from care.embedded.platform import PlatformClient
from care.embedded.stack import EmbeddedStack, StackOptions
from care.replay.conversations import BadLine, read_conversations
from care.v1 import events_pb2

STATUS = {
    v.number: v.name.removeprefix("SUGGESTION_STATUS_") for v in events_pb2.SuggestionStatus.DESCRIPTOR.values
}
ANSWERED = frozenset({"OK", "FALLBACK"})


@dataclass(frozen=True)
class ReplayOptions:
    path: Path
    embedded: bool = False
    output: Path | None = None
    concurrency: int = 8
    timeout_seconds: float = 60.0
    run_id: str = ""
    # The embedded stand-in only: its latency, and faults injected into this share of model calls.
    fault_mode: str = "none"
    fault_rate: float = 0.0
    time_to_first_token_ms: float = 0.0
    time_per_token_ms: float = 0.0
    workdir: Path | None = None


@dataclass(frozen=True)
class TurnRecord:
    conversation_id: str
    turn_index: int
    fields: dict[str, Any]

    @property
    def status(self) -> str:
        return str(self.fields["status"])


def turn_records(outcome: ConversationOutcome, original_id: str) -> list[TurnRecord]:
    records = []
    previous_prompt = 0
    for index, turn in enumerate(outcome.turns):
        if turn.role != "help_seeker":
            continue
        fields: dict[str, Any] = {
            "conversation_id": original_id,
            "turn_index": index,
            "event_id": turn.event_id,
        }
        if turn.delivery is None:
            fields["status"] = "UNANSWERED"
            records.append(TurnRecord(original_id, index, fields))
            continue
        s = turn.delivery.suggestion
        fields |= {
            "route": s.route,
            "status": STATUS[s.status],
            "status_reason": s.status_reason,
            "model": s.model,
            "candidates": [
                {"index": c.index, "strategy": c.strategy, "source": c.source, "text": c.text}
                for c in s.candidates
            ],
            "latency_ms": round(turn.latency_ms or 0.0, 1),
            "time_to_first_token_ms": round(s.timings.time_to_first_token_ms, 1),
            "history_turns": s.history_turns,
            "prompt_tokens": s.prompt_tokens,
            "prefix_tokens": s.prefix_tokens,
            "elided_turns": s.elided_turns,
            # The first request of a conversation has no previous one to share a prefix with.
            # prefix_stability: how much of the previous prompt (what the server has cached) the new
            # one repeats; 1.0 = it extends it. prefix_share: how much of the new prompt is that
            # repeat, which also falls as each exchange adds new text.
            "prefix_stability": _ratio(s.prefix_tokens, previous_prompt),
            "prefix_share": _ratio(s.prefix_tokens, s.prompt_tokens) if previous_prompt else None,
        }
        previous_prompt = s.prompt_tokens or previous_prompt
        records.append(TurnRecord(original_id, index, fields))
    return records


def _ratio(part: int, whole: int) -> float | None:
    return round(min(1.0, part / whole), 4) if whole else None


def _median(records: Sequence[TurnRecord], name: str) -> str:
    values = [r.fields[name] for r in records if r.fields.get(name) is not None]
    return f"{name}_median={statistics.median(values):.3f}" if values else f"{name}_median=n/a"


def summary(records: Sequence[TurnRecord], conversations: int, bad_lines: int) -> tuple[str, bool]:
    statuses = Counter(record.status for record in records)
    answered = sum(statuses[s] for s in ANSWERED)
    latencies = sorted(r.fields["latency_ms"] for r in records if "latency_ms" in r.fields)
    parts = [
        f"conversations={conversations}",
        f"turns={len(records)}",
        f"answered={answered}",
        *(f"{status.lower()}={count}" for status, count in sorted(statuses.items())),
        _median(records, "prefix_stability"),
        _median(records, "prefix_share"),
    ]
    if latencies:
        p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
        parts.append(f"latency_ms_p50={statistics.median(latencies):.0f} p95={p95:.0f}")
    if bad_lines:
        parts.append(f"bad_lines={bad_lines}")
    ok = bool(records) and answered == len(records)
    return "replay: " + " ".join(parts) + (" PASS" if ok else " FAIL"), ok


@asynccontextmanager
async def pipeline(options: ReplayOptions, settings: Settings) -> AsyncIterator[Settings]:
    """The settings to reach the pipeline by: the configured one, or an embedded one started here."""
    if not options.embedded:
        yield settings
        return
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="care-replay-"))
    stack_options = StackOptions(
        workdir=workdir,
        standin_time_to_first_token_ms=options.time_to_first_token_ms,
        standin_time_per_token_ms=options.time_per_token_ms,
    )
    async with EmbeddedStack(stack_options) as stack:
        if options.fault_mode != "none" and options.fault_rate > 0:
            async with (
                aiohttp.ClientSession() as session,
                session.post(
                    f"{stack.standin_url}/_standin/faults",
                    json={"mode": options.fault_mode, "rate": options.fault_rate},
                ) as response,
            ):
                response.raise_for_status()
        yield stack.settings


async def run_replay(options: ReplayOptions, settings: Settings, out: TextIO, err: TextIO) -> int:
    with options.path.open(encoding="utf-8") as source:
        items = list(read_conversations(source))
    bad = [item for item in items if isinstance(item, BadLine)]
    for line in bad:
        err.write(f"line {line.line_number}: {line.error}; skipped\n")
    conversations = [item for item in items if isinstance(item, SampleConversation)]
    run_id = options.run_id or secrets.token_hex(3)
    # A run id keeps event ids unique when the same file is replayed twice into one pipeline.
    renamed = [replace(c, conversation_id=f"{c.conversation_id}.{run_id}") for c in conversations]
    slots = asyncio.Semaphore(options.concurrency)
    async with (
        pipeline(options, settings) as target,
        PlatformClient(target, watch=(topics.SUGGESTIONS.name,)) as platform,
    ):

        async def one(conversation: SampleConversation) -> ConversationOutcome:
            async with slots:
                return await replay(platform, conversation, options.timeout_seconds)

        outcomes = await asyncio.gather(*(one(c) for c in renamed))
    records = [
        record
        for original, outcome in zip(conversations, outcomes, strict=True)
        for record in turn_records(outcome, original.conversation_id)
    ]
    sink = options.output.open("w", encoding="utf-8") if options.output else None
    try:
        target_out = sink or out
        for record in records:
            target_out.write(json.dumps(record.fields, ensure_ascii=False) + "\n")
    finally:
        if sink is not None:
            sink.close()
    report, ok = summary(records, len(conversations), len(bad))
    err.write(report + "\n")
    return 0 if ok else 1
