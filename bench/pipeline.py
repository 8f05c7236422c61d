"""The whole pipeline under load: what CARE adds between the chat platform and the counselor.

An embedded stack (Tansu, the TGI stand-in, the inference service, and one faust worker process per
stage: deid, router, assembler) on this machine; the bench process plays the chat platform. It
measures, in one run:

* **overhead** at increasing offered load: the time from producing a chat event to consuming its
  suggestion from ``care.suggestions``, with the stand-in answering at once (zero latency), so what
  is left is the pipeline's own cost; p50/p95/p99 per level, and whether the level was sustained;
* **the floor**: the broker's own produce -> consume round trip on one topic, times the five topic
  hops a suggestion takes (inbound, de-identified, routed, internal, suggestions); overhead is also
  given as a ratio to it;
* **saturation**: a flood of conversations sent round-robin as fast as the producer goes; the
  sustained throughput is the rate of delivered suggestions over the middle of the run;
* **peak memory** (VmHWM) of every worker process once they hold the flood's conversations;
* **first streamed partial** on a second stack with streaming on and the stand-in at a realistic
  time to first token: arrival of the first partial suggestion minus that time to first token.

Load generation is open loop: bursts of help-seeker messages (1-3, as people type) and counselor
replies from many conversations, burst starts drawn as a Poisson process at the offered rate. The
texts are synthetic (``bench.messages``). Nothing here is asserted: figures go to the report.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.deid import machine_info
from bench.messages import conversations as synthetic_conversations

NAME = "pipeline"
HOPS = 5  # inbound -> deidentified -> routed -> suggestions.internal -> suggestions
WORKER_STAGES = ("deid", "router", "assembler")
# The targets: overhead p99 at 200 msg/s, sustained throughput, overhead / floor.
TARGET_P99_MS = 50.0
TARGET_P99_RATE = 200
TARGET_SATURATION = 1000.0
TARGET_FLOOR_RATIO = 3.0


@dataclass(frozen=True)
class Workload:
    rates: tuple[int, ...]
    seconds: float  # per load level
    conversations: int  # active conversations the load levels draw from
    flood_conversations: int  # conversations of state for saturation and memory
    flood_turns: int  # messages per flood conversation
    floor_messages: int
    partial_messages: int
    ttft_ms: float
    tpot_ms: float
    partitions: int = 4
    seed: int = 8


FULL = Workload(
    # 100 and 150 between the levels: on two shared cores saturation lies below 200.
    rates=(50, 100, 150, 200, 500, 1000),
    seconds=20.0,
    conversations=2000,
    flood_conversations=10_000,
    flood_turns=2,
    floor_messages=2000,
    partial_messages=100,
    ttft_ms=300.0,
    tpot_ms=20.0,
)
QUICK = Workload(
    rates=(50, 200),
    seconds=3.0,
    conversations=200,
    flood_conversations=300,
    flood_turns=2,
    floor_messages=200,
    partial_messages=10,
    ttft_ms=300.0,
    tpot_ms=20.0,
)


def workload_for(
    quick: bool,
    rates: Sequence[int] | None = None,
    seconds: float | None = None,
    conversations: int | None = None,
) -> Workload:
    base = QUICK if quick else FULL
    changes: dict[str, Any] = {}
    if rates:
        changes["rates"] = tuple(rates)
    if seconds is not None:
        changes["seconds"] = seconds
    if conversations is not None:
        changes["flood_conversations"] = conversations
    return Workload(**{**base.__dict__, **changes})


# --- statistics --------------------------------------------------------------------------------


def _pct(ordered: Sequence[float], p: float) -> float:
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def summary_ms(samples_s: Sequence[float]) -> dict[str, float | int]:
    if not samples_s:
        return {"count": 0}
    ordered = sorted(s * 1000 for s in samples_s)
    return {
        "count": len(ordered),
        "p50": round(_pct(ordered, 50), 2),
        "p95": round(_pct(ordered, 95), 2),
        "p99": round(_pct(ordered, 99), 2),
        "max": round(ordered[-1], 2),
        "mean": round(statistics.fmean(ordered), 2),
    }


# --- load --------------------------------------------------------------------------------------


@dataclass
class Sent:
    """When each help-seeker event was handed to the producer (perf_counter)."""

    at: dict[str, float] = field(default_factory=dict)
    messages: int = 0


class Load:
    """A schedule of chat events at an offered rate, as conversations on a line produce them.

    Bursts start as a Poisson process; each is one conversation's help-seeker writing 1-3 messages
    (a few seconds apart, as people type) and, half the time, the counselor's reply a few seconds
    after the last. A conversation writes one burst at a time; ids are unique per level, so levels
    never share state. Poisson arrivals over many conversations give the load its short spikes.
    """

    BURST_SIZES = ((1, 0.6), (2, 0.25), (3, 0.15))
    REPLY_SHARE = 0.5

    def __init__(self, prefix: str, conversations: int, seed: int) -> None:
        self.prefix = prefix
        self.rng = random.Random(seed)  # noqa: S311 - synthetic load, reproducible
        self.texts = [m.text for c in synthetic_conversations(200, length=20, seed=seed) for m in c]
        self.turns = [0] * conversations
        self.busy_until = [0.0] * conversations

    def schedule(self, rate: float, seconds: float) -> list[tuple[float, Any]]:
        """(offset in seconds, chat event) for ``seconds`` of load at ``rate`` messages/s."""
        from care.v1 import events_pb2

        sizes, weights = zip(*self.BURST_SIZES, strict=True)
        per_burst = sum(s * w for s, w in self.BURST_SIZES) + self.REPLY_SHARE
        out: list[tuple[float, Any]] = []
        # Bursts that began before the window still write into it, so the rate is steady from 0.
        at = -10.0
        while True:
            at += self.rng.expovariate(rate / per_burst)
            if at >= seconds:
                break
            index = self.rng.randrange(len(self.turns))
            for _ in range(8):  # a conversation that is still writing: pick another
                if self.busy_until[index] <= at:
                    break
                index = self.rng.randrange(len(self.turns))
            roles = [events_pb2.ROLE_HELP_SEEKER] * self.rng.choices(sizes, weights)[0]
            if self.rng.random() < self.REPLY_SHARE:
                roles.append(events_pb2.ROLE_COUNSELOR)
            when = at
            for position, role in enumerate(roles):
                if position:
                    pause = (2.0, 5.0) if role == events_pb2.ROLE_COUNSELOR else (0.5, 2.0)
                    when += self.rng.uniform(*pause)
                conversation_id = f"{self.prefix}-{index:05d}"
                event_id = f"{conversation_id}-{self.turns[index]:04d}"
                self.turns[index] += 1
                out.append((when, (conversation_id, event_id, role, self.rng.choice(self.texts))))
            self.busy_until[index] = when
        out.sort(key=lambda item: item[0])
        return [(when, chat_event(*fields)) for when, fields in out if 0.0 <= when < seconds]


def chat_event(conversation_id: str, event_id: str, role: int, text: str) -> Any:
    from care.v1 import events_pb2

    event = events_pb2.ChatEvent(
        event_id=event_id,
        conversation_id=conversation_id,
        type=events_pb2.CHAT_EVENT_TYPE_MESSAGE,
        role=role,  # type: ignore[arg-type]
        text=text,
        channel=events_pb2.Channel(platform="bench", medium="web", line_id="general"),
    )
    event.sent_at.GetCurrentTime()
    return event


async def _send(platform: Any, event: Any, sent: Sent, tasks: set[asyncio.Task[Any]]) -> None:
    from care.v1 import events_pb2

    if event.role == events_pb2.ROLE_HELP_SEEKER:
        sent.at[event.event_id] = time.perf_counter()
    sent.messages += 1
    task = asyncio.create_task(platform.send_chat(event))
    tasks.add(task)
    task.add_done_callback(tasks.discard)


async def offered_load(platform: Any, load: Load, rate: float, seconds: float) -> tuple[Sent, float]:
    """Open loop: every event at its scheduled time, whatever the pipeline does; returns what was
    sent and how long sending took."""
    schedule = load.schedule(rate, seconds)
    sent = Sent()
    tasks: set[asyncio.Task[Any]] = set()
    started = time.perf_counter()
    for offset, event in schedule:
        delay = started + offset - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        event.sent_at.GetCurrentTime()
        await _send(platform, event, sent, tasks)
    await asyncio.gather(*tasks)
    return sent, max(seconds, time.perf_counter() - started)


async def wait_for(platform: Any, event_ids: Sequence[str], timeout: float) -> int:
    """Wait until every event has its suggestion (or the timeout); returns how many arrived."""
    wanted = set(event_ids)
    with contextlib.suppress(TimeoutError):
        await platform.wait_until(lambda: wanted <= platform.deliveries.keys(), timeout)
    return len(wanted & platform.deliveries.keys())


def latencies(platform: Any, sent: Sent) -> list[float]:
    return [platform.deliveries[e].received_at - t for e, t in sent.at.items() if e in platform.deliveries]


def statuses(platform: Any, event_ids: Sequence[str]) -> dict[str, int]:
    from care.v1 import events_pb2

    counts = Counter(
        events_pb2.SuggestionStatus.Name(platform.deliveries[e].suggestion.status)
        .removeprefix("SUGGESTION_STATUS_")
        .lower()
        for e in event_ids
        if e in platform.deliveries
    )
    return dict(sorted(counts.items()))


async def load_level(platform: Any, workload: Workload, rate: int) -> dict[str, Any]:
    load = Load(f"load{rate}", workload.conversations, workload.seed + rate)
    sent, span = await offered_load(platform, load, rate, workload.seconds)
    drain_started = time.perf_counter()
    arrived = await wait_for(platform, list(sent.at), timeout=max(60.0, workload.seconds * 6))
    drain = time.perf_counter() - drain_started
    samples = latencies(platform, sent)
    achieved = sent.messages / span
    overhead = summary_ms(samples)
    # Kept up: the backlog at the end of sending cleared within a second and nothing was lost.
    sustained = arrived == len(sent.at) and drain < 1.0 and achieved >= 0.9 * rate
    return {
        "offered_messages_per_second": rate,
        "sent_messages_per_second": round(achieved, 1),
        "messages": sent.messages,
        "help_seeker_messages": len(sent.at),
        "suggestions": arrived,
        "drain_seconds": round(drain, 2),
        "sustained": sustained,
        "overhead_ms": overhead,
        "statuses": statuses(platform, list(sent.at)),
    }


# --- floor -------------------------------------------------------------------------------------


async def broker_floor(settings: Any, messages: int, rate: float) -> dict[str, Any]:
    """The broker's own produce -> consume round trip on an idle topic nobody else reads, with the
    clients set up as the pipeline's are (acks=all, linger 0, the embedded fetch wait)."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from aiokafka.structs import TopicPartition

    from care import topics
    from care.kafka import client_kwargs, consumer_kwargs

    topic = topics.FEEDBACK.name
    producer = AIOKafkaProducer(**client_kwargs(settings), acks="all", linger_ms=0)
    consumer = AIOKafkaConsumer(**consumer_kwargs(settings), group_id=None, enable_auto_commit=False)
    await producer.start()
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(settings.topic_partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        sent: dict[bytes, float] = {}
        received: dict[bytes, float] = {}

        async def consume() -> None:
            async for record in consumer:
                if record.value in sent:
                    received[record.value] = time.perf_counter()
                if len(received) == messages:
                    return

        reader = asyncio.create_task(consume())
        await asyncio.sleep(0.5)  # the consumer's first fetch is under way
        tasks = []
        started = time.perf_counter()
        for index in range(messages):
            delay = started + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            value = f"floor-{index}".encode()
            sent[value] = time.perf_counter()
            tasks.append(
                asyncio.create_task(producer.send_and_wait(topic, value, key=f"c{index % 97}".encode()))
            )
        await asyncio.gather(*tasks)
        try:
            await asyncio.wait_for(reader, 30.0)
        except TimeoutError:
            reader.cancel()
        one_hop = summary_ms([received[v] - t for v, t in sent.items() if v in received])
    finally:
        await consumer.stop()
        await producer.stop()
    floor = {k: round(v * HOPS, 2) for k, v in one_hop.items() if k != "count"}
    return {"rate": rate, "one_hop_ms": one_hop, "hops": HOPS, "floor_ms": floor}


# --- saturation and memory ---------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc (0 when unreadable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stack_pids(stack: Any) -> dict[str, int]:
    """Every process of the stack by name; the bench process itself plays the platform."""
    pids = {name: stack.process(name).pid for name in (*stack.options.worker_names(), "inference", "standin")}
    broker = getattr(stack.broker, "_process", None)
    if broker is not None:
        pids["broker"] = broker.pid
    pids["platform (bench)"] = os.getpid()
    return pids


def process_memory_kib(pid: int) -> dict[str, int]:
    """VmHWM (peak resident set) and VmRSS of a process, from /proc."""
    figures: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                figures[name] = int(value.split()[0])
    except OSError:
        pass
    return figures


async def flood(platform: Any, workload: Workload, pids: dict[str, int]) -> dict[str, Any]:
    """Every flood conversation's turns, round-robin (turn 1 of all, then turn 2, ...), as fast as
    the producer takes them: the help-seeker writes, the counselor answers, and so on."""
    from care.v1 import events_pb2

    rng = random.Random(workload.seed)  # noqa: S311 - synthetic load, reproducible
    texts = [m.text for c in synthetic_conversations(200, length=20, seed=workload.seed + 1) for m in c]
    sent = Sent()
    tasks: set[asyncio.Task[Any]] = set()
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    started = time.perf_counter()
    for turn in range(workload.flood_turns):
        role = events_pb2.ROLE_COUNSELOR if turn % 2 == 1 else events_pb2.ROLE_HELP_SEEKER
        for index in range(workload.flood_conversations):
            conversation_id = f"flood-{index:05d}"
            event = chat_event(conversation_id, f"{conversation_id}-{turn:03d}", role, rng.choice(texts))
            await _send(platform, event, sent, tasks)
            if len(tasks) >= 2000:  # bound the producer's queue, not the pipeline's
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    await asyncio.gather(*tasks)
    send_seconds = time.perf_counter() - started
    arrived = await wait_for(platform, list(sent.at), timeout=600.0)
    wall = time.perf_counter() - started
    cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    received = sorted(platform.deliveries[e].received_at for e in sent.at if e in platform.deliveries)
    # Sustained: the delivery rate over the middle 80% of the run, past start-up and tail.
    low, high = received[len(received) // 10], received[(len(received) * 9) // 10 - 1]
    middle = (len(received) * 9) // 10 - len(received) // 10
    suggestions_per_second = middle / (high - low) if high > low else 0.0
    help_seeker_share = len(sent.at) / sent.messages
    return {
        "conversations": workload.flood_conversations,
        "messages": sent.messages,
        "help_seeker_messages": len(sent.at),
        "suggestions": arrived,
        "producer_messages_per_second": round(sent.messages / send_seconds, 1),
        "suggestions_per_second": round(suggestions_per_second, 1),
        # Every message is processed by deid and router, help-seeker ones also by the model call.
        "messages_per_second": round(suggestions_per_second / help_seeker_share, 1),
        "overhead_ms": summary_ms(latencies(platform, sent)),
        "statuses": statuses(platform, list(sent.at)),
        # Where the CPU went: seconds per process over the flood, and milliseconds per message.
        "wall_seconds": round(wall, 2),
        "cpu_seconds": {name: round(value, 2) for name, value in cpu.items()},
        "cpu_ms_per_message": {name: round(value * 1000 / sent.messages, 3) for name, value in cpu.items()},
    }


# --- first streamed partial --------------------------------------------------------------------


async def first_partial(workdir: Path, workload: Workload) -> dict[str, Any]:
    from care.embedded.platform import PlatformClient
    from care.embedded.stack import EmbeddedStack, StackOptions
    from care.v1 import events_pb2

    options = StackOptions(
        workdir=workdir,
        partitions=workload.partitions,
        standin_time_to_first_token_ms=workload.ttft_ms,
        standin_time_per_token_ms=workload.tpot_ms,
        worker_stages=WORKER_STAGES,
        extra_env={"CARE_STREAM_PARTIALS": "true", "CARE_LOG_LEVEL": "WARNING"},
    )
    rng = random.Random(workload.seed)  # noqa: S311 - synthetic load, reproducible
    # Languages with a model: a NO_SUGGESTION has no partials to measure.
    served = ("he", "ar", "ar-dialect")
    texts = [
        m.text
        for c in synthetic_conversations(100, length=10, seed=workload.seed + 2)
        for m in c
        if m.lang in served
    ]
    async with EmbeddedStack(options) as stack, PlatformClient(stack.settings) as platform:
        sent = Sent()
        tasks: set[asyncio.Task[Any]] = set()
        for index in range(workload.partial_messages):
            # One message per conversation, a few per second: partials, not queueing, are measured.
            event = chat_event(
                f"partial-{index:04d}",
                f"partial-{index:04d}-0",
                events_pb2.ROLE_HELP_SEEKER,
                rng.choice(texts),
            )
            await _send(platform, event, sent, tasks)
            await asyncio.sleep(0.1)
        await asyncio.gather(*tasks)
        await wait_for(platform, list(sent.at), timeout=60.0)
        firsts = [platform.first_partials[e] - t for e, t in sent.at.items() if e in platform.first_partials]
        finals = latencies(platform, sent)
    ttft_s = workload.ttft_ms / 1000
    return {
        "time_to_first_token_ms": workload.ttft_ms,
        "time_per_token_ms": workload.tpot_ms,
        "messages": len(sent.at),
        "with_partial": len(firsts),
        "first_partial_ms": summary_ms(firsts),
        "pipeline_share_ms": summary_ms([f - ttft_s for f in firsts]),
        "complete_suggestion_ms": summary_ms(finals),
        "statuses": statuses(platform, list(sent.at)),
    }


# --- the run -----------------------------------------------------------------------------------


async def _run(workload: Workload, workdir: Path) -> dict[str, Any]:
    from care.embedded.platform import PlatformClient
    from care.embedded.stack import EmbeddedStack, StackOptions

    options = StackOptions(
        workdir=workdir / "load",
        partitions=workload.partitions,
        worker_stages=WORKER_STAGES,
        extra_env={"CARE_LOG_LEVEL": "WARNING"},
    )
    started = time.perf_counter()
    async with EmbeddedStack(options) as stack, PlatformClient(stack.settings) as platform:
        startup = time.perf_counter() - started
        # Warm-up: every stage's first messages (lingua, phonenumbers, gRPC channel) are not measured.
        await load_level(platform, Workload(**{**workload.__dict__, "seconds": 2.0}), 20)
        floor = await broker_floor(stack.settings, workload.floor_messages, rate=TARGET_P99_RATE)
        levels: list[dict[str, Any]] = []
        for rate in workload.rates:
            if levels and not levels[-1].get("sustained", False):
                # Past saturation every higher level only queues; the flood measures the ceiling.
                levels.append({"offered_messages_per_second": rate, "skipped": "above saturation"})
                continue
            levels.append(await load_level(platform, workload, rate))
        saturation = await flood(platform, workload, stack_pids(stack))
        memory = {name: process_memory_kib(stack.process(name).pid) for name in stack.options.worker_names()}
        memory["inference"] = process_memory_kib(stack.process("inference").pid)
    partial = await first_partial(workdir / "partial", workload)
    return {
        "startup_seconds": round(startup, 1),
        "floor": floor,
        "levels": levels,
        "saturation": saturation,
        "memory_kib": memory,
        "first_partial": partial,
    }


def _targets(result: dict[str, Any]) -> dict[str, Any]:
    at_target = next(
        (
            level
            for level in result["levels"]
            if level["offered_messages_per_second"] == TARGET_P99_RATE and "skipped" not in level
        ),
        None,
    )
    p99 = at_target["overhead_ms"].get("p99") if at_target else None
    floor_p99 = result["floor"]["floor_ms"].get("p99")
    floor_p50 = result["floor"]["floor_ms"].get("p50")
    ratio_p50 = at_target["overhead_ms"]["p50"] / floor_p50 if at_target and floor_p50 else None
    ratio_p99 = p99 / floor_p99 if p99 is not None and floor_p99 else None
    saturation = result["saturation"]["messages_per_second"]
    return {
        "p99_ms_at_200": {
            "target": TARGET_P99_MS,
            "measured": p99,
            "met": p99 is not None and p99 <= TARGET_P99_MS,
        },
        "saturation_messages_per_second": {
            "target": TARGET_SATURATION,
            "measured": saturation,
            "met": saturation >= TARGET_SATURATION,
        },
        "ratio_to_floor_at_200": {
            "target": TARGET_FLOOR_RATIO,
            "p50": round(ratio_p50, 2) if ratio_p50 else None,
            "p99": round(ratio_p99, 2) if ratio_p99 else None,
            "met": ratio_p99 is not None and ratio_p99 <= TARGET_FLOOR_RATIO,
        },
    }


def run(
    *,
    quick: bool = False,
    messages: int | None = None,
    cpu: int | None = None,
    rates: Sequence[int] | None = None,
    seconds: float | None = None,
    conversations: int | None = None,
) -> dict[str, Any]:
    """``messages`` is ignored (the load is given by rates and seconds); ``cpu`` too: the stages run
    as processes on every CPU this one may use, as they would in a pod with that many cores."""
    del messages, cpu
    workload = workload_for(quick, rates, seconds, conversations)
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="care-bench-pipeline-") as workdir:
        figures = asyncio.run(_run(workload, Path(workdir)))
    result: dict[str, Any] = {
        "benchmark": NAME,
        "mode": "quick" if quick else "full",
        "workload": {
            "rates": list(workload.rates),
            "seconds_per_level": workload.seconds,
            "conversations_per_level": workload.conversations,
            "flood_conversations": workload.flood_conversations,
            "flood_turns": workload.flood_turns,
            "partitions": workload.partitions,
            "worker_processes": list(WORKER_STAGES),
            "standin": "zero latency (load, floor, flood); streaming figures at the TTFT given",
        },
        **figures,
        "machine": machine_info(None, available),
    }
    result["targets"] = _targets(result)
    return result


def _fmt(value: Any) -> str:
    return "-" if value is None else str(value)


def render_markdown(result: dict[str, Any]) -> str:
    machine = result["machine"]
    title = "# pipeline benchmark" + (" (quick run)" if result["mode"] == "quick" else " (full run)")
    floor = result["floor"]
    lines = [
        title,
        "",
        f"{machine['date']}: {machine['cpu_model']}, {machine['cpus_available_to_process']} CPUs for "
        f"everything (broker, stand-in, inference, 3 worker processes, the load generator), Python "
        f"{machine['python']}. {result['workload']['partitions']} partitions; stand-in at zero latency.",
        "",
        "Overhead: chat event produced -> suggestion consumed from care.suggestions (ms).",
        "",
        "| offered msg/s | sent msg/s | help-seeker msgs | p50 | p95 | p99 | max | sustained | statuses |",
        "|---:|---:|---:|---:|---:|---:|---:|:---:|---|",
    ]
    for level in result["levels"]:
        if "skipped" in level:
            lines.append(f"| {level['offered_messages_per_second']} | {level['skipped']} |||||||")
            continue
        o = level["overhead_ms"]
        lines.append(
            f"| {level['offered_messages_per_second']} | {level['sent_messages_per_second']} | "
            f"{level['help_seeker_messages']} | {_fmt(o.get('p50'))} | {_fmt(o.get('p95'))} | "
            f"{_fmt(o.get('p99'))} | {_fmt(o.get('max'))} | {'yes' if level['sustained'] else 'no'} | "
            f"{', '.join(f'{k} {v}' for k, v in level['statuses'].items())} |"
        )
    sat = result["saturation"]
    part = result["first_partial"]
    targets = result["targets"]
    memory = ", ".join(
        f"{name} {figures.get('VmHWM', 0) / 1024:.0f} MiB" for name, figures in result["memory_kib"].items()
    )
    cpu = ", ".join(f"{name} {ms}" for name, ms in sat["cpu_ms_per_message"].items())
    per_conversation = sat["messages"] // max(1, sat["conversations"])
    one_hop, floor_ms = floor["one_hop_ms"], floor["floor_ms"]
    first, share = part["first_partial_ms"], part["pipeline_share_ms"]
    p99_target, saturation_target = targets["p99_ms_at_200"], targets["saturation_messages_per_second"]
    ratio = targets["ratio_to_floor_at_200"]

    def met(target: dict[str, Any]) -> str:
        return "yes" if target["met"] else "no"

    lines += [
        "",
        f"Floor: broker produce -> consume one hop p50 {one_hop.get('p50')} ms, p99 {one_hop.get('p99')} ms "
        f"at {floor['rate']} msg/s; x {floor['hops']} hops = p50 {floor_ms.get('p50')} ms, "
        f"p99 {floor_ms.get('p99')} ms.",
        "",
        f"Saturation: {sat['conversations']} conversations x {per_conversation} messages sent round-robin "
        f"as fast as possible: **{sat['messages_per_second']} messages/s** sustained "
        f"({sat['suggestions_per_second']} suggestions/s), {sat['suggestions']} of "
        f"{sat['help_seeker_messages']} suggestions delivered. CPU ms per message: {cpu}.",
        "",
        f"Peak RSS (VmHWM) after holding those conversations: {memory}.",
        "",
        f"First streamed partial, stand-in TTFT {part['time_to_first_token_ms']} ms: arrival "
        f"p50 {first.get('p50')} / p99 {first.get('p99')} ms; the pipeline's share (minus TTFT) "
        f"p50 {share.get('p50')} / p99 {share.get('p99')} ms "
        f"({part['with_partial']} of {part['messages']} messages).",
        "",
        "| target | measured | met |",
        "|---|---|:---:|",
        f"| overhead p99 <= {TARGET_P99_MS} ms at {TARGET_P99_RATE} msg/s | "
        f"{_fmt(p99_target['measured'])} ms | {met(p99_target)} |",
        f"| saturation >= {TARGET_SATURATION:.0f} msg/s | {saturation_target['measured']} msg/s | "
        f"{met(saturation_target)} |",
        f"| overhead within {TARGET_FLOOR_RATIO}x of the floor at {TARGET_P99_RATE} msg/s | "
        f"p50 {_fmt(ratio['p50'])}x, p99 {_fmt(ratio['p99'])}x | {met(ratio)} |",
        "",
    ]
    return "\n".join(lines)
