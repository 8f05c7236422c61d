"""`care demo`: start the embedded pipeline, replay the sample conversations, show the suggestions."""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from google.protobuf import json_format

from care import topics
from care.demo.replay import ConversationOutcome, load_samples, replay
from care.embedded.platform import PlatformClient
from care.embedded.stack import EmbeddedStack, StackOptions
from care.v1 import events_pb2

STATUS = {
    v.number: v.name.removeprefix("SUGGESTION_STATUS_") for v in events_pb2.SuggestionStatus.DESCRIPTOR.values
}
RISK = {v.number: v.name.removeprefix("RISK_LEVEL_") for v in events_pb2.RiskLevel.DESCRIPTOR.values}


@dataclass(frozen=True)
class DemoOptions:
    output: Path | None = None
    workdir: Path | None = None
    time_to_first_token_ms: float = 0.0
    time_per_token_ms: float = 0.0
    timeout_seconds: float = 60.0


async def run_demo(options: DemoOptions, out: TextIO) -> int:
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="care-demo-"))
    stack_options = StackOptions(
        workdir=workdir,
        standin_time_to_first_token_ms=options.time_to_first_token_ms,
        standin_time_per_token_ms=options.time_per_token_ms,
    )
    samples = load_samples()
    out.write(f"Starting the embedded pipeline (logs in {workdir}) ...\n")
    out.flush()
    async with EmbeddedStack(stack_options) as stack:
        watch = (topics.SUGGESTIONS.name, topics.CHAT_DEIDENTIFIED.name, topics.ALERTS.name)
        async with PlatformClient(stack.settings, watch=watch) as platform:
            outcomes = await asyncio.gather(*(replay(platform, c, options.timeout_seconds) for c in samples))
            deidentified = _deidentified_texts(platform.records.get(topics.CHAT_DEIDENTIFIED.name, []))
            alerts = _alerts(platform.records.get(topics.ALERTS.name, []))
    for outcome in outcomes:
        _show(outcome, deidentified, alerts, out)
    suggestions = [t.delivery.suggestion for o in outcomes for t in o.turns if t.delivery is not None]
    _summary(outcomes, out)
    if options.output is not None:
        with options.output.open("w", encoding="utf-8") as sink:
            for suggestion in suggestions:
                sink.write(json.dumps(_as_json(suggestion), ensure_ascii=False) + "\n")
        out.write(f"Wrote {len(suggestions)} suggestions to {options.output}\n")
    expected = sum(1 for o in outcomes for t in o.turns if t.role == "help_seeker")
    return 0 if len(suggestions) == expected else 1


def _as_json(suggestion: events_pb2.Suggestion) -> dict[str, object]:
    # Fields at their default (candidate index 0, a zero timing) are written too: consumers
    # should not need to know proto3's defaults to read a line.
    return json_format.MessageToDict(suggestion, always_print_fields_with_no_presence=True)


def _deidentified_texts(records: list[tuple[str, bytes]]) -> dict[str, str]:
    texts = {}
    for _, value in records:
        event = events_pb2.PipelineEvent.FromString(value)
        texts[event.event.event_id] = event.event.text
    return texts


def _alerts(records: list[tuple[str, bytes]]) -> dict[str, events_pb2.RiskAlert]:
    """Alerts by the turn that raised them (a redelivered duplicate has the same id and turn)."""
    alerts = (events_pb2.RiskAlert.FromString(value) for _, value in records)
    return {alert.event_id: alert for alert in alerts}


def _level(value: int) -> str:
    return RISK.get(value, "?").lower()


def _show(
    outcome: ConversationOutcome,
    deidentified: dict[str, str],
    alerts: dict[str, events_pb2.RiskAlert],
    out: TextIO,
) -> None:
    conversation = outcome.conversation
    out.write(f"\n=== {conversation.conversation_id} ({conversation.channel.get('medium', '')}) ===\n")
    for turn in outcome.turns:
        if turn.role == "counselor":
            out.write(f"  counselor     : {turn.text}\n")
            continue
        out.write(f"  help-seeker   : {deidentified.get(turn.event_id, '(not seen)')}\n")
        alert = alerts.get(turn.event_id)
        if alert is not None:
            out.write(
                f"    RISK ALERT  : {_level(alert.level)} (was {_level(alert.previous_level)}; "
                f"{', '.join(alert.categories)}) -> care.alerts\n"
            )
        if turn.delivery is None:
            out.write("    no suggestion arrived\n")
            continue
        s = turn.delivery.suggestion
        t = s.timings
        out.write(
            f"    suggestions : {STATUS.get(s.status, '?')}  route={s.route or '-'}  model={s.model or '-'}  "
            f"{turn.latency_ms:.0f} ms (deid {t.deid_ms:.1f}, route {t.route_ms:.1f}, "
            f"assemble {t.assemble_ms:.1f}, inference {t.inference_ms:.1f}, "
            f"ttft {t.time_to_first_token_ms:.1f}, restore {t.restore_ms:.1f}; "
            f"history {s.history_turns} turns; risk {_level(s.risk_level)})\n"
        )
        if s.safety_blocks:
            out.write(f"      safety    : replaced ({', '.join(s.safety_blocks)})\n")
        if s.status_reason:
            out.write(f"      reason    : {s.status_reason}\n")
        for candidate in s.candidates:
            label = (
                f"{candidate.strategy}, safety protocol"
                if candidate.source == "protocol"
                else candidate.strategy
            )
            out.write(f"      {candidate.index + 1}. [{label}] {candidate.text}\n")


def _summary(outcomes: list[ConversationOutcome], out: TextIO) -> None:
    latencies = sorted(t.latency_ms for o in outcomes for t in o.turns if t.latency_ms is not None)
    missing = sum(1 for o in outcomes for t in o.turns if t.role == "help_seeker" and t.delivery is None)
    if missing:
        out.write(f"\n{missing} help-seeker messages got no suggestion in time.\n")
    if not latencies:
        return
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    out.write(
        f"\n{len(latencies)} help-seeker messages, {len(latencies)} suggestions; latency from produce to "
        f"suggestion: median {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, "
        f"max {latencies[-1]:.0f} ms\n"
    )
