"""Prompt assembly per turn on one CPU core, at 10, 100 and 500 turns of history, and prefix
stability over synthetic conversations.

Per turn, what the assembler stage does besides Kafka: decode the conversation's history from the
Table, append the new turn, count its tokens, move the context window, build the prompt, encode
the history back. Reported separately, the budget bookkeeping alone (count the new turn, move the
window), which must not grow with the conversation's length; decoding, encoding and building the
prompt are linear in the turns kept, and their figures say what that costs.

Token counts use the deterministic estimate (no model files ship with the project); a model's
``tokenizers`` tokenizer counts a turn in a few microseconds more.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from dataclasses import replace
from typing import Any

from bench.deid import machine_info, percentile, pinned_to_one_core
from bench.messages import conversations

NAME = "assembly"
LENGTHS = (10, 100, 500)
FULL_REPEATS = 400
QUICK_REPEATS = 20
STABILITY_CONVERSATIONS = 40
STABILITY_TURNS = 120
CONTEXT_TOKENS = 4096
MAX_NEW_TOKENS = 160
SEED = 20261123


def _routed(event_id: str, text: str, role: int, route: str) -> Any:
    from care.v1 import events_pb2

    return events_pb2.PipelineEvent(
        event=events_pb2.ChatEvent(
            event_id=event_id,
            conversation_id="bench",
            type=events_pb2.CHAT_EVENT_TYPE_MESSAGE,
            role=role,
            text=text,
        ),
        route=events_pb2.Route(name=route),
    )


def _texts(count: int, seed: int) -> list[str]:
    convs = conversations(-(-count // 10), length=10, seed=seed)
    return [m.text for conv in convs for m in conv][:count]


def _ms(ns: float) -> float:
    return round(ns / 1e6, 4)


def _summary(samples: list[int]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": _ms(percentile(ordered, 50)),
        "p95_ms": _ms(percentile(ordered, 95)),
        "p99_ms": _ms(percentile(ordered, 99)),
    }


def run(*, quick: bool = False, messages: int | None = None, cpu: int | None = None) -> dict[str, Any]:
    from care.assembler.assemble import assemble
    from care.assembler.history import History
    from care.assembler.prompt import account, route_prompt, system_prompt_for
    from care.assembler.state import history_from_proto, history_to_proto
    from care.prompting.tokens import EstimatingCounter
    from care.v1 import events_pb2

    repeats = QUICK_REPEATS if quick else FULL_REPEATS
    if messages is not None:
        repeats = max(1, messages)
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    prompt = route_prompt(
        EstimatingCounter(),
        system_prompt_for("he"),
        context_tokens=CONTEXT_TOKENS,
        max_new_tokens=MAX_NEW_TOKENS,
        opening_turns=2,
        block_fraction=1 / 3,
    )
    prompts = {"he": prompt}
    roles = (events_pb2.ROLE_HELP_SEEKER, events_pb2.ROLE_COUNSELOR)
    per_length: dict[str, Any] = {}
    with pinned_to_one_core(cpu) as pinned:
        texts = _texts(max(LENGTHS) + 1, SEED)
        for length in LENGTHS:
            # A history of length-1 turns, then the timed turn: a help-seeker message to answer.
            history = History()
            for index in range(length - 1):
                event = _routed(f"e{index}", texts[index], roles[index % 2], "he")
                history = assemble(history, event, prompts).history
            blob = history_to_proto(history)
            new_event = _routed(f"e{length}", texts[length], events_pb2.ROLE_HELP_SEEKER, "he")
            whole: list[int] = []
            budget: list[int] = []
            gc.collect()
            clock = time.perf_counter_ns
            for _ in range(repeats):
                started = clock()
                decoded = history_from_proto(blob)
                assembly = assemble(decoded, new_event, prompts)
                history_to_proto(assembly.history)
                whole.append(clock() - started)
                new_turn = replace(assembly.history.turns[-1], tokens=0)
                grown = replace(history, turns=(*history.turns, new_turn))
                started = clock()
                account(grown, prompt)
                budget.append(clock() - started)
            final = assembly.history
            per_length[str(length)] = {
                "turns": length,
                "turn_handling": _summary(whole),
                "budget_bookkeeping": _summary(budget),
                "history_bytes": len(blob),
                "elided_turns": assembly.prompt.elided if assembly.prompt else 0,
                "prompt_tokens": assembly.prompt.prompt_tokens if assembly.prompt else 0,
                "window_cut": final.window.cut,
            }
        stability = _prefix_stability(prompts, quick)
    return {
        "benchmark": NAME,
        "machine": machine_info(pinned, available),
        "context_tokens": CONTEXT_TOKENS,
        "max_new_tokens": MAX_NEW_TOKENS,
        "repeats": repeats,
        "per_length": per_length,
        "prefix_stability": stability,
    }


def _prefix_stability(prompts: dict[str, Any], quick: bool) -> dict[str, Any]:
    """Replays long synthetic conversations (help-seeker and counselor alternating, with bursts)
    through the assembler core and reports the prefix figures of every model request."""
    from care.assembler.assemble import assemble
    from care.assembler.history import History
    from care.v1 import events_pb2

    count = 4 if quick else STABILITY_CONVERSATIONS
    texts = _texts(count * STABILITY_TURNS, SEED + 1)
    stability: list[float] = []
    shares: list[float] = []
    elided_requests = 0
    for c in range(count):
        history = History()
        previous = 0
        for index in range(STABILITY_TURNS):
            # Every third turn is the counselor's: help-seekers often send two messages in a row.
            role = events_pb2.ROLE_COUNSELOR if index % 3 == 2 else events_pb2.ROLE_HELP_SEEKER
            text = texts[c * STABILITY_TURNS + index]
            assembly = assemble(history, _routed(f"c{c}-{index}", text, role, "he"), prompts)
            history = assembly.history
            if assembly.prompt is None:
                continue
            built = assembly.prompt
            if previous:
                stability.append(min(1.0, built.prefix_tokens / previous))
                shares.append(built.prefix_tokens / built.prompt_tokens)
            elided_requests += built.elided > 0
            previous = built.prompt_tokens
    return {
        "conversations": count,
        "turns_each": STABILITY_TURNS,
        "requests": len(stability),
        "requests_with_elision": elided_requests,
        "prefix_stability_median": round(statistics.median(stability), 4),
        "prefix_stability_p10": round(percentile(sorted(stability), 10), 4),
        "prefix_share_median": round(statistics.median(shares), 4),
    }


def render_markdown(result: dict[str, Any]) -> str:
    machine = result["machine"]
    lines = [
        "# assembly benchmark" + (" (quick run)" if result["repeats"] < FULL_REPEATS else " (full run)"),
        "",
        f"{machine['date']}: {machine['cpu_model']}, pinned to CPU {machine['pinned_cpu']}, "
        f"Python {machine['python']}. Context window {result['context_tokens']} tokens, "
        f"{result['max_new_tokens']} kept for the reply; {result['repeats']} repeats per length.",
        "",
        "Per help-seeker turn (ms): the whole turn (decode the history, append, count, window, build the",
        "prompt, encode), and the budget bookkeeping alone (count the new turn, move the window).",
        "",
        "| turns | whole p50 | whole p95 | budget p50 | budget p95 | history KiB | prompt tokens | elided |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result["per_length"].values():
        whole, budget = row["turn_handling"], row["budget_bookkeeping"]
        lines.append(
            f"| {row['turns']} | {whole['p50_ms']} | {whole['p95_ms']} | {budget['p50_ms']} | "
            f"{budget['p95_ms']} | {row['history_bytes'] / 1024:.1f} | {row['prompt_tokens']} | "
            f"{row['elided_turns']} |"
        )
    s = result["prefix_stability"]
    lines += [
        "",
        f"Prefix stability over {s['conversations']} synthetic conversations of {s['turns_each']} turns "
        f"({s['requests']} requests, {s['requests_with_elision']} with middle turns elided): "
        f"median **{s['prefix_stability_median']}** of the previous prompt repeated (p10 "
        f"{s['prefix_stability_p10']}); median share of the new prompt that is the repeat "
        f"{s['prefix_share_median']}.",
        "",
    ]
    return "\n".join(lines)
