"""The safety gate per candidate on one CPU core: ``care.safety.check_candidate`` on generated replies.

Measures what the assembler does to every candidate a model generates before a counselor
may see it: ``check_candidate(text, route=..., known_placeholders=..., policy=DEFAULT_POLICY)``, over
synthetic counselor-reply candidates of 50-400 characters in Hebrew and Arabic (Modern Standard and
Levantine): reflections, questions, safety planning, referrals to the line's numbers and links, some
naming the conversation's placeholders ("[PERSON_1]"), and a minority with the faults the gate
exists for (blame, a promise of secrecy, an invented phone number, a placeholder the conversation
never had, a reply in the other route's language). Also the start-up cost: importing the gate and
``care.safety.warm_up()``, measured in a fresh interpreter.
"""

from __future__ import annotations

import gc
import os
import random
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bench.deid import latency_summary, machine_info, pinned_to_one_core
from bench.startup import median_steps

NAME = "safety"
# What tests/unit/safety/test_gate.py bounds the mean cost by, held to the tail here.
TARGET_P99_MS = 5.0
FULL_CANDIDATES = 12_000
QUICK_CANDIDATES = 400
SEED = 20261207
MIN_CHARS = 50
MAX_CHARS = 400
LENGTH_BUCKETS = ((50, 100), (100, 200), (200, 300), (300, 401))
# Routes of the candidates; Arabic candidates are half Modern Standard, half Levantine.
ROUTE_SHARES: Mapping[str, float] = {"he": 0.55, "ar": 0.45}
PLACEHOLDER_RATE = 0.25
# Candidates carrying one fault the gate must block (a model's occasional slip, not the norm).
FAULT_RATE = 0.10
STARTUP_RUNS_FULL = 3
STARTUP_RUNS_QUICK = 1

# --- synthetic candidates (written for the benchmark; none is a real reply) ------------------------

# Sentences a counselor's reply is made of, per register: "he", "ar" (MSA), "ar-dialect" (Levantine).
SENTENCES: Mapping[str, Sequence[str]] = {
    "he": (
        "נשמע שאת מרגישה מאוד לבד עכשיו, וזה באמת קשה.",
        "אני כאן איתך, ואני רוצה להבין מה עובר עלייך.",
        "תודה ששיתפת אותי, אני יודעת שזה לא פשוט לכתוב את זה.",
        "מה הכי מעיק עלייך ברגעים האלה?",
        "איך את מרגישה עכשיו, כשאת כותבת לי?",
        "ספרי לי עוד על מה שקרה היום.",
        "נשמע שהעומס בבית ובבית הספר גדל מאוד בתקופה האחרונה.",
        "זה הגיוני להרגיש מותשת אחרי שבועות בלי שינה.",
        "אני שומעת כמה קשה לך להיות לבד עם המחשבות האלה בלילה.",
        "מה עזר לך בפעמים הקודמות שהרגשת ככה?",
        "יש מישהו בסביבה שלך שאת סומכת עליו?",
        "אני רוצה לשאול אותך ישירות: האם את חושבת על התאבדות?",
        "האם יש לך תוכנית איך לפגוע בעצמך?",
        "אפשר לתת את הכדורים לאמא שלך שתשמור עליהם הלילה?",
        "בואי נחשוב יחד על צעד קטן אחד שיכול לעזור לך לעבור את הלילה.",
        'אם תרגישי שאת בסכנה, אפשר להתקשר למד"א ב-101 בכל שעה.',
        'אפשר גם לפנות לער"ן בטלפון 1201, הם זמינים כל היום.',
        "יש גם צ'אט באתר eran.org.il אם קשה לך לדבר בטלפון.",
        "השיחה חסויה, אלא אם יש סכנה לחייך.",
        "את לא צריכה לעבור את זה לבד.",
        "לפעמים רק לכתוב את זה למישהו כבר מוריד קצת מהמשקל.",
        "אני איתך כל עוד את רוצה לדבר.",
    ),
    "ar": (
        "يبدو أنك تشعرين بوحدة شديدة الآن، وهذا صعب حقا.",
        "أنا هنا معك، وأريد أن أفهم ما الذي تمرين به.",
        "شكرا لأنك شاركتني، أعرف أن الكتابة عن هذا ليست سهلة.",
        "ما الذي يثقل عليك أكثر في هذه اللحظات؟",
        "كيف تشعرين الآن وأنت تكتبين لي؟",
        "أخبريني المزيد عما حدث اليوم.",
        "من الطبيعي أن تشعري بالإرهاق بعد أسابيع من قلة النوم.",
        "هل يوجد شخص قريب منك تثقين به؟",
        "أريد أن أسألك بشكل مباشر: هل تفكرين في الانتحار؟",
        "هل لديك خطة لإيذاء نفسك؟",
        "لنفكر معا في خطوة صغيرة تساعدك على تجاوز هذه الليلة.",
        "إذا شعرت أنك في خطر، يمكنك الاتصال بالإسعاف على الرقم 101 في أي وقت.",
        "يمكنك أيضا التواصل مع عيران على الرقم 1201.",
        "المحادثة سرية إلا إذا كان هناك خطر على حياتك.",
        "لست مضطرة لمواجهة هذا وحدك.",
        "أنا معك طالما تريدين الحديث.",
    ),
    "ar-dialect": (
        "باين إنه صعب عليك كتير هلأ، وأنا هون معك.",
        "شكرا إنك حكيتيلي، بعرف إنه مش سهل تكتبي هالشي.",
        "شو أكتر إشي مضايقك هلأ؟",
        "احكيلي أكتر عن اللي صار اليوم.",
        "كيف حاسة حالك هلأ وإنتي عم تكتبيلي؟",
        "في حدا قريب منك بتثقي فيه؟",
        "بدي أسألك بشكل مباشر: هل عم تفكري تنتحري؟",
        "هل عندك خطة؟",
        "خلينا نبعد الحبوب عنك الليلة.",
        "خلينا نفكر سوا بخطوة صغيرة بتساعدك تعدي هالليلة.",
        "إذا حسيتي إنك بخطر، فيكي تتصلي على 101 بأي وقت.",
        "وفيكي كمان تحكي مع عيران على 1201.",
        "أنا معك قد ما بدك تحكي.",
        "مش لازم تحملي كل هاد لحالك.",
    ),
}

# Sentences that name the conversation's placeholders; {P} is filled with one of them.
PLACEHOLDER_SENTENCES: Mapping[str, Sequence[str]] = {
    "he": (
        "ספרת ש{P} הוא מישהו שאת סומכת עליו, אולי אפשר לדבר איתו הערב?",
        "איך את מרגישה לגבי מה ש{P} אמר לך?",
        "את עדיין ב{P} עכשיו?",
        "נשמע ש{P} חשוב לך מאוד.",
    ),
    "ar": (
        "ذكرت أن {P} شخص تثقين به، هل يمكنك التحدث معه الليلة؟",
        "كيف تشعرين تجاه ما قاله {P} لك؟",
        "هل ما زلت في {P} الآن؟",
    ),
    "ar-dialect": (
        "حكيتي إنه {P} بتثقي فيه، بتقدري تحكي معه الليلة؟",
        "كيف حاسة من اللي حكاه {P}؟",
        "لساتك ب{P} هلأ؟",
    ),
}
PLACEHOLDERS = ("[PERSON_1]", "[PERSON_2]", "[LOCATION_1]", "[ORG_1]")

# One fault per unsafe candidate, and the reason the gate should give it (the smoke signal).
FAULTS: Mapping[str, Sequence[tuple[str, str]]] = {
    "he": (
        ("זו אשמתך שהגעת למצב הזה.", "blaming"),
        ("אני לא אספר לאף אחד, זה יישאר בינינו.", "secrecy_promise"),
        ("תתקשרי לפסיכולוגית שלנו ב-054-7654321.", "hallucinated_identifier"),
        ("אולי כדאי לדבר עם [PERSON_3] על זה?", "unknown_placeholder"),
        ("זה לא כזה נורא, כולם עוברים את זה.", "minimising"),
    ),
    "ar": (
        ("هذا خطؤك أنت.", "blaming"),
        ("ما رح أحكي لحدا.", "secrecy_promise"),
        ("اتصلي بالأخصائية على الرقم 052-8765432.", "hallucinated_identifier"),
        ("ربما يمكنك التحدث مع [PERSON_3] عن ذلك؟", "unknown_placeholder"),
    ),
}
_SENTENCE_END = re.compile(r"[.?!\u061f](?= )")
# A reply in the other route's language: a whole candidate of the other register.
LANGUAGE_MISMATCH_RATE = 0.02


@dataclass(frozen=True)
class Candidate:
    text: str
    route: str
    register: str  # "he", "ar" (MSA) or "ar-dialect"
    known_placeholders: tuple[str, ...]
    has_placeholder: bool
    expected: str | None  # the fault's reason code; None for a reply that should pass


def _compose(rng: random.Random, register: str, target: int, first: str | None = None) -> str:
    """Sentences of ``register`` joined until the next would pass ``target`` characters (50-400)."""
    parts = [first] if first else []
    pool = list(SENTENCES[register])
    rng.shuffle(pool)
    for sentence in pool:
        candidate = " ".join([*parts, sentence])
        if len(candidate) > target and len(" ".join(parts)) >= MIN_CHARS:
            break
        if len(candidate) <= MAX_CHARS:
            parts.append(sentence)
    text = " ".join(parts)
    # Sentences shorter than MIN_CHARS in total cannot happen with these pools; the bound is the contract.
    assert MIN_CHARS <= len(text) <= MAX_CHARS, len(text)
    return text


def _insert(rng: random.Random, text: str, sentence: str) -> str:
    """``sentence`` at a sentence boundary of ``text``, whose last sentences make room within 400."""
    while len(text) + 1 + len(sentence) > MAX_CHARS:
        ends = [m.end() for m in _SENTENCE_END.finditer(text)]
        text = text[: ends[-1]] if ends else ""
    # A boundary is punctuation before a space: "eran.org.il" is no place to cut.
    cuts = [m.end() for m in _SENTENCE_END.finditer(text)]
    at = rng.choice(cuts) if cuts and rng.random() < 0.7 else len(text)
    return " ".join(part for part in (text[:at].strip(), sentence, text[at:].strip()) if part)


def candidates(count: int, seed: int = SEED) -> list[Candidate]:
    """``count`` candidates; the same seed gives the same candidates."""
    rng = random.Random(seed)  # noqa: S311 - synthetic text, reproducible by seed; nothing secret
    routes = list(ROUTE_SHARES)
    weights = list(ROUTE_SHARES.values())
    result = []
    for _ in range(count):
        route = rng.choices(routes, weights)[0]
        register = route if route == "he" else rng.choice(("ar", "ar-dialect"))
        target = rng.randint(MIN_CHARS, MAX_CHARS)
        known = tuple(rng.sample(PLACEHOLDERS, rng.randint(0, 3)))
        expected: str | None = None
        # The register the text is written in: the route's, or the other one's for a mismatch.
        written = register
        if rng.random() < LANGUAGE_MISMATCH_RATE:
            written = "ar-dialect" if route == "he" else "he"
            expected = "language_mismatch"
        text = _compose(rng, written, target)
        has_placeholder = False
        if known and rng.random() < PLACEHOLDER_RATE:
            sentence = rng.choice(PLACEHOLDER_SENTENCES[written]).replace("{P}", rng.choice(known))
            text = _insert(rng, text, sentence)
            has_placeholder = True
        if expected is None and rng.random() < FAULT_RATE:
            sentence, expected = rng.choice(FAULTS["he" if register == "he" else "ar"])
            text = _insert(rng, text, sentence)
            has_placeholder = has_placeholder or "[" in sentence
        result.append(Candidate(text, route, register, known, has_placeholder, expected))
    return result


# --- start-up, in a fresh interpreter ------------------------------------------------------------

_STARTUP_SCRIPT = """
import json, time
started = time.perf_counter()
import care.safety
imported = time.perf_counter()
care.safety.warm_up()
warm = time.perf_counter()
care.safety.check_candidate("مرحبا، أنا هنا معك", route="ar", known_placeholders=())
first = time.perf_counter()
print(json.dumps({"import": imported - started, "warm_up": warm - imported,
                  "first_arabic_call": first - warm}))
"""


def startup_seconds(runs: int) -> dict[str, Any]:
    return median_steps(_STARTUP_SCRIPT, runs)


# --- measuring -----------------------------------------------------------------------------------


def _bucket_label(low: int, high: int) -> str:
    return f"{low}-{high - 1}"


def _bucket(length: int) -> str:
    for low, high in LENGTH_BUCKETS:
        if low <= length < high:
            return _bucket_label(low, high)
    raise AssertionError(length)


def run(*, quick: bool = False, messages: int | None = None, cpu: int | None = None) -> dict[str, Any]:
    count = messages if messages is not None else QUICK_CANDIDATES if quick else FULL_CANDIDATES
    pool = candidates(count)
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    with pinned_to_one_core(cpu) as pinned:
        startup = startup_seconds(STARTUP_RUNS_QUICK if quick else STARTUP_RUNS_FULL)

        from care.safety import DEFAULT_POLICY, check_candidate, warm_up

        # In this process too, so no candidate below pays for building the lexicons and detectors.
        started = time.perf_counter()
        warm_up(DEFAULT_POLICY)
        warm_up_here = time.perf_counter() - started

        latencies: list[int] = []
        groups: dict[str, dict[str, list[int]]] = {
            # Shortest first, not in string order ("100-199" < "50-99").
            "by_length": {_bucket_label(low, high): [] for low, high in LENGTH_BUCKETS},
            "by_register": defaultdict(list),
            "by_placeholders": defaultdict(list),
            "by_outcome": defaultdict(list),
        }
        reasons: Counter[str] = Counter()
        expected_counts: Counter[str] = Counter()
        caught: Counter[str] = Counter()
        safe = passed = 0
        gc.collect()
        clock = time.perf_counter_ns
        wall = clock()
        for candidate in pool:
            before = clock()
            found = check_candidate(
                candidate.text,
                route=candidate.route,
                known_placeholders=candidate.known_placeholders,
                policy=DEFAULT_POLICY,
            )
            elapsed = clock() - before
            latencies.append(elapsed)
            groups["by_length"][_bucket(len(candidate.text))].append(elapsed)
            groups["by_register"][candidate.register].append(elapsed)
            groups["by_placeholders"]["with" if candidate.has_placeholder else "without"].append(elapsed)
            groups["by_outcome"]["blocked" if found else "passed"].append(elapsed)
            reasons.update(found)
            if candidate.expected is None:
                safe += 1
                passed += not found
            else:
                expected_counts[candidate.expected] += 1
                caught[candidate.expected] += candidate.expected in found
        wall_ns = clock() - wall
    summary = latency_summary(latencies)
    lengths = [len(c.text) for c in pool]
    return {
        "benchmark": NAME,
        "mode": "quick" if quick else "full",
        "machine": machine_info(pinned, available),
        "workload": {
            "candidates": len(pool),
            "seed": SEED,
            "routes": dict(sorted(Counter(c.route for c in pool).items())),
            "registers": dict(sorted(Counter(c.register for c in pool).items())),
            "with_placeholders": sum(c.has_placeholder for c in pool),
            "with_a_fault": sum(c.expected is not None for c in pool),
            "chars": {
                "min": min(lengths),
                "mean": round(statistics.fmean(lengths), 1),
                "max": max(lengths),
            },
        },
        "method": {
            "cpu": "the measuring process is pinned to one CPU with os.sched_setaffinity(0, {cpu})",
            "timing": "time.perf_counter_ns around check_candidate(text, route=..., known_placeholders=..., "
            "policy=DEFAULT_POLICY), per candidate, after warm_up() in this process",
            "startup": "median over fresh interpreters, pinned to the same CPU: import care.safety, "
            "warm_up(), then the first Arabic check",
            "candidates": "synthetic counselor replies of 50-400 characters written for the benchmark; "
            "sentences drawn at random per register, placeholders and faults inserted at random",
        },
        "startup_seconds": {**startup, "warm_up_in_process": round(warm_up_here, 4)},
        "per_candidate": summary,
        "wall_candidates_per_second": round(len(latencies) / (wall_ns / 1e9), 1),
        **{
            name: {
                key: latency_summary(values)
                for key, values in (group.items() if name == "by_length" else sorted(group.items()))
                if values
            }
            for name, group in groups.items()
        },
        "sanity": {
            "safe_candidates": safe,
            "safe_passed": passed,
            "faults": {
                reason: {"inserted": expected_counts[reason], "blocked_with_it": caught[reason]}
                for reason in sorted(expected_counts)
            },
            "reasons_returned": dict(reasons.most_common()),
        },
        "targets": {
            "p99_ms": {
                "target": TARGET_P99_MS,
                "measured": summary["latency_ms"]["p99"],
                "met": summary["latency_ms"]["p99"] is not None
                and summary["latency_ms"]["p99"] <= TARGET_P99_MS,
            },
        },
    }


# --- the summary ---------------------------------------------------------------------------------


def _row(name: str, figures: Mapping[str, Any]) -> str:
    lat = figures["latency_ms"]
    return (
        f"| {name} | {figures['messages']} | {lat['p50']:.3f} | {lat['p95']:.3f} | {lat['p99']:.3f} "
        f"| {lat['max']:.3f} |"
    )


def render_markdown(result: Mapping[str, Any]) -> str:
    machine = result["machine"]
    startup = result["startup_seconds"]
    target = result["targets"]["p99_ms"]
    sanity = result["sanity"]
    header = ["| candidates | count | p50 ms | p95 ms | p99 ms | max ms |", "|---|---:|---:|---:|---:|---:|"]
    lines = [
        f"# safety benchmark ({result['mode']} run)",
        "",
        f"{machine['date']}: {machine['cpu_model']}, pinned to CPU {machine['pinned_cpu']} "
        f"(of {machine['logical_cpus']}), Python {machine['python']}.",
        "",
        f"Start-up (fresh interpreter, median of {startup['runs']}): import {startup['import']} s, "
        f"`warm_up()` {startup['warm_up']} s, first Arabic check after it {startup['first_arabic_call']} s.",
        "",
        "Per candidate (`check_candidate`, default policy), "
        f"{result['wall_candidates_per_second']:,.0f} candidates/s:",
        "",
        *header,
        _row("all", result["per_candidate"]),
        "",
        f"Target: p99 <= {target['target']} ms per candidate: **{'met' if target['met'] else 'NOT met'}**.",
    ]
    for group, title in (
        ("by_length", "By length (characters)"),
        ("by_register", "By register"),
        ("by_placeholders", "With and without placeholders"),
        ("by_outcome", "By outcome"),
    ):
        lines += ["", f"## {title}", "", *header]
        lines += [_row(key, figures) for key, figures in result[group].items()]
    faults = ", ".join(
        f"{reason} {row['blocked_with_it']}/{row['inserted']}" for reason, row in sanity["faults"].items()
    )
    lines += [
        "",
        "## Sanity (synthetic candidates, not an evaluation of the gate)",
        "",
        f"Safe candidates passed: {sanity['safe_passed']}/{sanity['safe_candidates']}. "
        f"Faults blocked with their reason: {faults or 'none inserted'}.",
        "",
        f"Reasons returned: {sanity['reasons_returned']}.",
        "",
    ]
    return "\n".join(lines)
