"""De-identification throughput and latency on one CPU core, against Presidio's analyzer.

Measures ``care.deid.core.deidentify`` the way the deid stage calls it: one ``PlaceholderState``
per conversation of ten messages, threaded from message to message. Then the same messages through
Presidio's ``AnalyzerEngine`` (analysis only: no anonymizer) with its default recognizers and the
``no_op`` NLP engine, every message analysed as "en" (the only language its default regex
recognizers are registered for; no spaCy model is loaded). See bench/README.md for how to read it.
"""

from __future__ import annotations

import gc
import importlib.metadata
import logging
import math
import os
import platform
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.messages import PII_RATE, Conversation, Message, Pii, conversations
from care.deid.core import PlaceholderState, deidentify, detect
from care.deid.detectors import DEFAULT_DETECTORS

NAME = "deid"
TARGET_MESSAGES_PER_SECOND = 2000.0
TARGET_P99_MS = 2.0
MESSAGES_PER_CONVERSATION = 10
PRESIDIO_SKIPPED = "skipped: presidio not installed"
# Package versions recorded with the figures.
PACKAGES = (
    "care",
    "phonenumbers",
    "python-stdnum",
    "presidio-analyzer",
    "tldextract",
    "spacy",
    "regex",
    "onnxruntime",
    "tokenizers",
)


@dataclass(frozen=True)
class Workload:
    conversations: int
    warmup_messages: int
    # Each engine stops after this many seconds of measuring, so a slow build cannot stall the run.
    budget_seconds: float
    seed: int = 20240601
    warmup_seed: int = 7


FULL = Workload(conversations=3000, warmup_messages=500, budget_seconds=45.0)
QUICK = Workload(conversations=120, warmup_messages=100, budget_seconds=5.0)


@dataclass
class Measurement:
    """Per-message latencies of one engine over the workload, in measuring order."""

    latencies_ns: list[int] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    wall_ns: int = 0
    truncated: bool = False


# --- running -------------------------------------------------------------------------------------


@contextmanager
def pinned_to_one_core(cpu: int | None) -> Iterator[int | None]:
    """Pin this process to one CPU (the highest one it may use, unless told) and restore afterwards."""
    if not hasattr(os, "sched_setaffinity"):
        yield None
        return
    before = os.sched_getaffinity(0)
    chosen = cpu if cpu is not None else max(before)
    os.sched_setaffinity(0, {chosen})
    try:
        yield chosen
    finally:
        os.sched_setaffinity(0, before)


def _measure_care(convs: Sequence[Conversation], budget_seconds: float) -> Measurement:
    result = Measurement()
    gc.collect()
    clock = time.perf_counter_ns
    started = clock()
    budget_ns = budget_seconds * 1e9
    for conversation in convs:
        state = PlaceholderState.empty()
        for message in conversation:
            before = clock()
            state = deidentify(message.text, state).state
            result.latencies_ns.append(clock() - before)
            result.messages.append(message)
        if clock() - started > budget_ns:
            result.truncated = True
            break
    result.wall_ns = clock() - started
    return result


def _measure_presidio(
    analyze: Callable[[str], list[Any]], convs: Sequence[Conversation], budget_seconds: float
) -> tuple[Measurement, list[list[tuple[int, int]]]]:
    result = Measurement()
    spans: list[list[tuple[int, int]]] = []
    gc.collect()
    clock = time.perf_counter_ns
    started = clock()
    budget_ns = budget_seconds * 1e9
    for conversation in convs:
        for message in conversation:
            before = clock()
            found = analyze(message.text)
            result.latencies_ns.append(clock() - before)
            result.messages.append(message)
            spans.append([(r.start, r.end) for r in found])
        if clock() - started > budget_ns:
            result.truncated = True
            break
    result.wall_ns = clock() - started
    return result, spans


def _presidio_analyzer() -> Callable[[str], list[Any]] | None:
    """Presidio's analyzer with its default recognizers and no NLP model; None when not installed."""
    try:
        import tldextract
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
    except ImportError:
        return None
    # Presidio's e-mail recognizer calls tldextract.extract(), whose module-level extractor would
    # download the public suffix list on first use (and write a cache under ~/.cache). There is no
    # network here: swap in an extractor that only reads the snapshot bundled with tldextract.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(
        cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True
    )
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
    nlp_engine = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "no_op", "models": [{"lang_code": "en", "model_name": "no_op"}]}
    ).create_engine()
    engine = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])

    def analyze(text: str) -> list[Any]:
        return list(engine.analyze(text=text, language="en"))

    return analyze


# --- figures -------------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[int], p: float) -> int:
    """Nearest-rank percentile of already sorted values."""
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def latency_summary(latencies_ns: Sequence[int]) -> dict[str, Any]:
    ordered = sorted(latencies_ns)
    total = sum(ordered)

    def ms(ns: float) -> float:
        return round(ns / 1e6, 4)

    return {
        "messages": len(ordered),
        # From time spent inside the calls; the headline figure also counts the loop around them.
        "messages_per_second": round(len(ordered) / (total / 1e9), 1) if total else None,
        "latency_ms": {
            "mean": ms(total / len(ordered)) if ordered else None,
            "p50": ms(percentile(ordered, 50)) if ordered else None,
            "p95": ms(percentile(ordered, 95)) if ordered else None,
            "p99": ms(percentile(ordered, 99)) if ordered else None,
            "max": ms(ordered[-1]) if ordered else None,
        },
    }


def _figures(measurement: Measurement) -> dict[str, Any]:
    summary = latency_summary(measurement.latencies_ns)
    by_language: dict[str, list[int]] = defaultdict(list)
    by_pii: dict[str, list[int]] = defaultdict(list)
    for message, latency in zip(measurement.messages, measurement.latencies_ns, strict=True):
        by_language[message.lang].append(latency)
        by_pii["with_pii" if message.pii else "without_pii"].append(latency)
    count = len(measurement.latencies_ns)
    return {
        "messages": count,
        "seconds": round(measurement.wall_ns / 1e9, 3),
        "messages_per_second": round(count / (measurement.wall_ns / 1e9), 1) if measurement.wall_ns else None,
        "latency_ms": summary["latency_ms"],
        "stopped_by_time_budget": measurement.truncated,
        "by_language": {lang: latency_summary(v) for lang, v in sorted(by_language.items())},
        "by_pii": {key: latency_summary(v) for key, v in sorted(by_pii.items())},
    }


def _covered(pii: Pii, text: str, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether every visible character of the value lies inside some span."""
    return all(
        any(start <= index < end for start, end in spans)
        for index in range(pii.start, pii.end)
        if not text[index].isspace()
    )


def _sanity(messages: Sequence[Message], spans_of: Sequence[Sequence[tuple[int, int]]]) -> dict[str, Any]:
    inserted: Counter[str] = Counter()
    covered: Counter[str] = Counter()
    flagged_clean = 0
    clean = 0
    for message, spans in zip(messages, spans_of, strict=True):
        if not message.pii:
            clean += 1
            flagged_clean += bool(spans)
        for pii in message.pii:
            inserted[pii.kind] += 1
            covered[pii.kind] += _covered(pii, message.text, spans)
    return {
        "pii_values_covered": {
            kind: {
                "inserted": inserted[kind],
                "covered": covered[kind],
                "rate": round(covered[kind] / inserted[kind], 3),
            }
            for kind in sorted(inserted)
        },
        "pii_free_messages": clean,
        "pii_free_messages_with_a_redaction": flagged_clean,
    }


def _detector_names() -> list[str]:
    return [
        f"{getattr(d, '__module__', '?')}.{getattr(d, '__name__', type(d).__name__)}"
        for d in DEFAULT_DETECTORS
    ]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _governor(cpu: int | None) -> str | None:
    if cpu is None:
        return None
    path = Path(f"/sys/devices/system/cpu/cpu{cpu}/cpufreq/scaling_governor")
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine_info(pinned_cpu: int | None, available: int) -> dict[str, Any]:
    return {
        "cpu_model": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "cpus_available_to_process": available,
        "pinned_cpu": pinned_cpu,
        "scaling_governor": _governor(pinned_cpu),
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": {name: _version(name) for name in PACKAGES},
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


# --- the benchmark -------------------------------------------------------------------------------


def run(*, quick: bool = False, messages: int | None = None, cpu: int | None = None) -> dict[str, Any]:
    workload = QUICK if quick else FULL
    count = workload.conversations
    if messages is not None:
        count = max(1, math.ceil(messages / MESSAGES_PER_CONVERSATION))
    convs = list(conversations(count, length=MESSAGES_PER_CONVERSATION, seed=workload.seed))
    warmup_convs = math.ceil(workload.warmup_messages / MESSAGES_PER_CONVERSATION)
    # Warm-up on other messages of the same mix: loads phonenumbers metadata, compiles patterns,
    # fills caches the way a running stage has them, without priming the measured texts.
    warmup = list(conversations(warmup_convs, length=MESSAGES_PER_CONVERSATION, seed=workload.warmup_seed))
    flat = [m for c in convs for m in c]
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

    with pinned_to_one_core(cpu) as pinned:
        _measure_care(warmup, budget_seconds=math.inf)
        care = _measure_care(convs, workload.budget_seconds)
        # Outside the timing: what the detectors found, for the sanity figures.
        care_spans = [[(s.start, s.end) for s in detect(m.text)] for m in care.messages]

        analyze = _presidio_analyzer()
        presidio: dict[str, Any]
        if analyze is None:
            presidio = {"status": PRESIDIO_SKIPPED}
        else:
            _measure_presidio(analyze, warmup, budget_seconds=math.inf)
            measured, presidio_spans = _measure_presidio(analyze, convs, workload.budget_seconds)
            presidio = {
                "status": "measured",
                "engine": "presidio_analyzer.AnalyzerEngine.analyze (analysis only, no AnonymizerEngine)",
                "configuration": "default recognizers, no_op NLP engine, supported_languages=['en'], "
                "every message analysed as language='en'",
                **_figures(measured),
                "sanity": _sanity(measured.messages, presidio_spans),
            }

    care_figures = {
        "engine": "care.deid.core.deidentify, one PlaceholderState per conversation",
        "detectors": _detector_names(),
        **_figures(care),
        "sanity": _sanity(care.messages, care_spans),
    }
    ratio = None
    if presidio.get("messages_per_second") and care_figures["messages_per_second"]:
        ratio = round(care_figures["messages_per_second"] / presidio["messages_per_second"], 2)
    p99 = care_figures["latency_ms"]["p99"]
    throughput = care_figures["messages_per_second"]
    return {
        "benchmark": NAME,
        "mode": "quick" if quick else "full",
        "machine": machine_info(pinned, available),
        "workload": {
            "conversations": len(convs),
            "messages": len(flat),
            "messages_per_conversation": MESSAGES_PER_CONVERSATION,
            "seed": workload.seed,
            "warmup_messages": sum(len(c) for c in warmup),
            "languages": dict(sorted(Counter(m.lang for m in flat).items())),
            "messages_with_pii": sum(1 for m in flat if m.pii),
            "pii_rate_target": PII_RATE,
            "mean_chars": round(sum(len(m.text) for m in flat) / len(flat), 1),
            "max_chars": max(len(m.text) for m in flat),
            "budget_seconds_per_engine": workload.budget_seconds,
        },
        "method": {
            "cpu": "the measuring process is pinned to one CPU with os.sched_setaffinity(0, {cpu})",
            "timing": "time.perf_counter_ns around each call, after a warm-up on other messages; "
            "messages_per_second counts the whole measuring loop, by_language only the calls",
            "percentiles": "nearest rank over every measured message",
            "conversations": "one fresh PlaceholderState per conversation of 10 messages, as the stage does",
            "presidio": "analysis only (AnalyzerEngine.analyze, no AnonymizerEngine); default recognizers; "
            "no_op NLP engine, so no spaCy model; every message analysed as 'en'; tldextract reads its "
            "bundled public suffix snapshot (TLDExtract(cache_dir=None, suffix_list_urls=()))",
            "sanity": "share of inserted synthetic values whose visible characters all fall inside a "
            "detected span; Presidio spans at any score count. Not an accuracy evaluation",
        },
        "care": care_figures,
        "presidio": presidio,
        "ratio_care_to_presidio": ratio,
        "targets": {
            "messages_per_second": {
                "target": TARGET_MESSAGES_PER_SECOND,
                "measured": throughput,
                "met": throughput is not None and throughput >= TARGET_MESSAGES_PER_SECOND,
            },
            "p99_ms": {
                "target": TARGET_P99_MS,
                "measured": p99,
                "met": p99 is not None and p99 <= TARGET_P99_MS,
            },
        },
    }


# --- the summary ---------------------------------------------------------------------------------


def _row(name: str, figures: Mapping[str, Any]) -> str:
    lat = figures["latency_ms"]
    rate = figures["messages_per_second"]
    return (
        f"| {name} | {figures['messages']} | {rate:,.0f} | {lat['p50']:.3f} | {lat['p95']:.3f} "
        f"| {lat['p99']:.3f} | {lat['max']:.3f} |"
    )


def render_markdown(result: Mapping[str, Any]) -> str:
    machine = result["machine"]
    care = result["care"]
    presidio = result["presidio"]
    targets = result["targets"]
    header = (
        "| | messages | msgs/s | p50 ms | p95 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|---:|"
    )
    lines = [
        f"# deid benchmark ({result['mode']} run)",
        "",
        f"{machine['date']}: {machine['cpu_model']}, pinned to CPU {machine['pinned_cpu']} "
        f"(of {machine['logical_cpus']}), Python {machine['python']}.",
        "",
        "| engine | messages | msgs/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
        _row("CARE deidentify", care),
    ]
    if presidio["status"] == "measured":
        lines.append(_row("Presidio analyze (en, no_op NLP)", presidio))
    lines += [
        "",
        f"CARE / Presidio throughput: **{result['ratio_care_to_presidio']}x**"
        if result["ratio_care_to_presidio"] is not None
        else f"Presidio: {presidio['status']}",
        "",
        f"Targets: >= {targets['messages_per_second']['target']:,.0f} msgs/s on one core: "
        f"**{'met' if targets['messages_per_second']['met'] else 'NOT met'}**; "
        f"p99 <= {targets['p99_ms']['target']} ms: **{'met' if targets['p99_ms']['met'] else 'NOT met'}**.",
        "",
        "## CARE by language",
        "",
        header,
        *(_row(lang, figures) for lang, figures in care["by_language"].items()),
        *(_row(key, figures) for key, figures in care["by_pii"].items()),
    ]
    if presidio["status"] == "measured":
        lines += [
            "",
            "## Presidio by language",
            "",
            header,
            *(_row(lang, figures) for lang, figures in presidio["by_language"].items()),
        ]
    lines += [
        "",
        "## Sanity check (synthetic values, not an accuracy evaluation)",
        "",
        "| entity type | inserted | CARE covered | Presidio covered |",
        "|---|---:|---:|---:|",
    ]
    presidio_cover = presidio.get("sanity", {}).get("pii_values_covered", {})
    for kind, row in care["sanity"]["pii_values_covered"].items():
        other = presidio_cover.get(kind)
        other_rate = f"{other['rate']:.0%}" if other else "-"
        lines.append(f"| {kind} | {row['inserted']} | {row['rate']:.0%} | {other_rate} |")
    clean = care["sanity"]["pii_free_messages"]
    lines += [
        "",
        f"PII-free messages with a redaction: CARE {care['sanity']['pii_free_messages_with_a_redaction']}"
        f" of {clean}"
        + (
            f", Presidio {presidio['sanity']['pii_free_messages_with_a_redaction']}"
            if presidio["status"] == "measured"
            else ""
        )
        + ".",
        "",
        "Detectors measured: " + ", ".join(f"`{name}`" for name in care["detectors"]) + ".",
        "",
    ]
    return "\n".join(lines)
