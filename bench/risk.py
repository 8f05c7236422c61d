"""Risk detection per help-seeker message on one CPU core, read in its conversation context.

Measures what the assembler does per help-seeker message: ``context_for(counselor_text, prior_level)``
(which reads the risk question the pending counselor message asks, if any) then
``default_detector().assess(text, context)``, over synthetic conversations: the help-seeker turns of
``bench/messages.py``, de-identified as the assembler receives them, with counselor turns (a share
of them risk questions), short answers to those questions and risk-bearing turns mixed in. The
lexicons are built before the measuring starts; their cost is reported as start-up, measured in a
fresh interpreter so no earlier benchmark in the process has built them already.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bench.deid import latency_summary, machine_info, pinned_to_one_core
from bench.messages import conversations
from bench.startup import median_steps

NAME = "risk"
# The package's own claim ("a fraction of a millisecond on one core"), as the unit timing test this
# benchmark replaces held it: on the median, so a shared machine's scheduling noise does not decide it.
TARGET_P50_MS = 1.0
FULL_CONVERSATIONS = 2000
QUICK_CONVERSATIONS = 60
HELP_SEEKER_TURNS = 10
SEED = 20261207
# Help-seeker turns replaced by a turn with a risk cue (or a denial, an idiom, someone else's risk).
RISK_TURN_RATE = 0.15
# Chance that the counselor writes after a help-seeker turn, and that the message asks about risk.
COUNSELOR_RATE = 0.4
RISK_QUESTION_RATE = 0.3
# Chance that the turn after a risk question is a short answer to it ("כן", "aywa", "no").
ANSWER_RATE = 0.5
STARTUP_RUNS_FULL = 3
STARTUP_RUNS_QUICK = 1
# Length buckets (characters) for the per-length figures: chat turns, sentences, long turns.
LENGTH_BUCKETS = ((0, 40), (40, 120), (120, 400), (400, 100_000))

# --- synthetic turns (written for the benchmark; none is taken from a conversation) ----------------

# The language of a conversation in bench/messages.py -> the set of risk texts it draws from.
_TEXT_SET = {"he": "he", "ar": "ar", "ar-dialect": "ar-dialect", "en": "en", "ru": "ru", "mixed": "he"}

RISK_TURNS: Mapping[str, Sequence[str]] = {
    "he": (
        "אין לי כוח יותר לכלום",
        "הלוואי שלא הייתי מתעוררת מחר",
        "לכולם יהיה יותר קל בלעדיי",
        "אני חושבת על להתאבד כבר כמה ימים",
        "אני פשוט רוצה למות",
        "אני לא רוצה לחיות יותר, הכל מתפרק לי ו[PERSON_1] לא עונה לי",
        "קניתי כדורי שינה והחבאתי אותם בארון",
        "חתכתי את עצמי אתמול בלילה",
        "החלטתי להתאבד בסוף השבוע",
        "אני הולך להתאבד הלילה",
        "אני לא רוצה למות, אני רק רוצה שזה ייגמר",
        "לא, אני לא אפגע בעצמי",
        "החברה שלי אמרה שהיא רוצה להתאבד ואני לא יודעת מה לעשות",
        "מתתי מצחוק בשיעור",
        "אמא שלי תהרוג אותי על הציון",
        "אני לא מצליח לנשום, אני מרגיש שאני הולך למות",
        "אני רוצה לשים לזה סוף",
    ),
    "ar": (
        "أشعر أنني عبء على عائلتي",
        "أفكر في الانتحار منذ شهر",
        "لا أريد أن أعيش بعد الآن",
        "اشتريت حبوبا وخبأتها في غرفتي",
        "لن أؤذي نفسي، أعدك",
        "صديقتي قالت إنها تريد أن تنتحر",
        "أحيانا أتمنى لو أنني لم أستيقظ",
    ),
    "ar-dialect": (
        "تعبت من هالحياة وما عاد فيني",
        "حاسس حالي عبء على أهلي",
        "صرت أفكر أنتحر كل يوم",
        "جرحت إيدي بالموس امبارح",
        "رح انتحر الليلة",
        "مش رح أأذي حالي",
        "ما بدي أعيش",
        "صاحبتي حكتلي إنها بدها تنتحر",
        "بموت فيك يا قلبي",
        "إمي رح تذبحني",
        "sarli fatra bfakker ente7er, bas ma 3indi 5otta",
        "bdi mut",
        "ma 3ad fini, ta3bt",
        "msh ra7 2azi 7ali",
        "mutt d7k",
    ),
    "en": (
        "i'm so tired of living",
        "i keep thinking about killing myself",
        "i don't want to live anymore",
        "i cut myself again last night",
        "i'm going to kill myself tonight",
        "i would never kill myself",
        "my friend said she wants to die",
        "this exam is killing me lol",
        "sometimes i wish i could just disappear",
    ),
    # No Russian lexicon: Russian turns exercise the "no script of ours" early exit.
    "ru": (
        "Я больше не хочу жить",
        "Иногда мне кажется, что всем было бы лучше без меня",
    ),
}

ANSWERS: Mapping[str, Sequence[str]] = {
    "he": ("כן", "...כן, לפעמים", "לא, ממש לא", "לא יודעת", "כן, יש לי"),
    "ar": ("نعم", "لا", "أحيانا", "نعم، أفكر في ذلك"),
    "ar-dialect": ("آه", "لأ", "يعني.. بفكر فيها", "aywa", "la2"),
    "en": ("yes", "no", "yeah", "sometimes", "no, not really"),
    "ru": ("да", "нет", "иногда"),
}

COUNSELOR_QUESTIONS: Mapping[str, Sequence[str]] = {
    "he": (
        "אני רוצה לשאול ישירות: את חושבת על התאבדות?",
        "יש לך תכנית איך לעשות את זה?",
        "יש לך מחשבות לשים קץ לחייך?",
        "הכדורים נמצאים לידך עכשיו?",
        "את חושבת לעשות את זה הלילה?",
    ),
    "ar": ("هل تفكر في الانتحار؟", "هل لديك خطة؟", "هل الحبوب معك الآن؟"),
    "ar-dialect": ("هل عم تفكر تنهي حياتك؟", "في عندك خطة؟", "هل بتفكر تنتحر؟", "3indak afkar tente7er?"),
    "en": (
        "Are you thinking of suicide?",
        "Do you have a plan?",
        "Do you have the pills with you right now?",
        "Are you thinking of doing it tonight?",
    ),
    "ru": ("Вы думаете о самоубийстве?", "У вас есть план?"),
}

COUNSELOR_PLAIN: Mapping[str, Sequence[str]] = {
    "he": (
        "אני כאן איתך. ספרי לי עוד על מה שקרה.",
        "נשמע שזה ממש קשה לך. מה הכי מעיק עלייך עכשיו?",
        "זה אמיץ מאוד שפנית. איך עבר עלייך היום?",
        "את לא לבד בזה. מי עוד יודע על מה שעובר עלייך?",
        "אני שומעת כמה את עייפה מכל זה.",
    ),
    "ar": (
        "أنا هنا معك. أخبرني المزيد عما حدث.",
        "يبدو أن الأمر صعب جدا عليك. ما الذي يضايقك أكثر الآن؟",
        "شكرا لأنك تواصلت معنا، هذا يحتاج شجاعة.",
    ),
    "ar-dialect": (
        "أنا هون معك. احكيلي شو صار.",
        "باين إنه صعب عليك كتير هلأ.",
        "مين كمان بعرف عن اللي عم يصير معك؟",
    ),
    "en": (
        "I'm here with you. Tell me more about what happened.",
        "It sounds really hard. What's weighing on you most right now?",
        "How was school today?",
    ),
    "ru": ("Я здесь, с вами. Расскажите, что случилось.", "Звучит очень тяжело. Что сейчас труднее всего?"),
}

HELP_SEEKER = "help_seeker"
COUNSELOR = "counselor"


@dataclass(frozen=True)
class Turn:
    role: str
    text: str
    lang: str
    kind: str  # "chat" (bench/messages.py), "risk", "answer", "question", "counselor"


def _deidentified(convs: Sequence[Sequence[Any]]) -> list[list[tuple[str, str]]]:
    """(text, lang) of each help-seeker turn after de-identification, as the assembler receives them."""
    from care.deid.core import PlaceholderState, deidentify

    result = []
    for conversation in convs:
        state = PlaceholderState.empty()
        turns = []
        for message in conversation:
            outcome = deidentify(message.text, state)
            state = outcome.state
            turns.append((outcome.text, message.lang))
        result.append(turns)
    return result


def workload(count: int, seed: int = SEED) -> list[list[Turn]]:
    """``count`` conversations of ``HELP_SEEKER_TURNS`` help-seeker turns, with counselor turns between."""
    rng = random.Random(seed)  # noqa: S311 - synthetic text, reproducible by seed; nothing secret
    result = []
    for chat in _deidentified(list(conversations(count, length=HELP_SEEKER_TURNS, seed=seed))):
        turns: list[Turn] = []
        asked = False
        for text, lang in chat:
            texts = _TEXT_SET[lang]
            if asked and rng.random() < ANSWER_RATE:
                turns.append(Turn(HELP_SEEKER, rng.choice(ANSWERS[texts]), lang, "answer"))
            elif rng.random() < RISK_TURN_RATE:
                turns.append(Turn(HELP_SEEKER, rng.choice(RISK_TURNS[texts]), lang, "risk"))
            else:
                turns.append(Turn(HELP_SEEKER, text, lang, "chat"))
            asked = False
            if rng.random() < COUNSELOR_RATE:
                asked = rng.random() < RISK_QUESTION_RATE
                pool = COUNSELOR_QUESTIONS if asked else COUNSELOR_PLAIN
                turns.append(
                    Turn(COUNSELOR, rng.choice(pool[texts]), lang, "question" if asked else "counselor")
                )
        result.append(turns)
    return result


# --- start-up, in a fresh interpreter ------------------------------------------------------------

_STARTUP_SCRIPT = """
import json, time
started = time.perf_counter()
import care.risk
from care.risk.lexicon import default_lexicons
imported = time.perf_counter()
default_lexicons()
built = time.perf_counter()
detector = care.risk.default_detector()
ready = time.perf_counter()
detector.assess("warm-up", care.risk.context_for("warm-up?"))
first = time.perf_counter()
print(json.dumps({"import": imported - started, "build_lexicons": built - imported,
                  "build_detector": ready - built, "first_call": first - ready}))
"""


def startup_seconds(runs: int) -> dict[str, Any]:
    return median_steps(_STARTUP_SCRIPT, runs)


# --- measuring -----------------------------------------------------------------------------------


def _bucket_label(low: int, high: int) -> str:
    return f"{low}-{high - 1}" if high < 100_000 else f"{low}+"


def _bucket(length: int) -> str:
    for low, high in LENGTH_BUCKETS:
        if low <= length < high:
            return _bucket_label(low, high)
    raise AssertionError(length)


def run(*, quick: bool = False, messages: int | None = None, cpu: int | None = None) -> dict[str, Any]:
    count = QUICK_CONVERSATIONS if quick else FULL_CONVERSATIONS
    if messages is not None:
        count = max(1, -(-messages // HELP_SEEKER_TURNS))
    convs = workload(count)
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    with pinned_to_one_core(cpu) as pinned:
        startup = startup_seconds(STARTUP_RUNS_QUICK if quick else STARTUP_RUNS_FULL)

        from care.risk import RiskLevel, context_for, default_detector
        from care.risk.conversation import has_letters

        # Built here, outside the timing: the lexicons and the detector are a worker's start-up cost.
        detector = default_detector()
        detector.assess("warm-up", context_for("warm-up?"))

        latencies: list[int] = []
        groups: dict[str, dict[str, list[int]]] = {
            "by_language": defaultdict(list),
            "by_turn": defaultdict(list),
            "by_context": defaultdict(list),
            # Shortest first, whatever the counts.
            "by_length": {_bucket_label(low, high): [] for low, high in LENGTH_BUCKETS},
            "by_level": defaultdict(list),
        }
        levels: Counter[str] = Counter()
        categories: Counter[str] = Counter()
        final_levels: Counter[str] = Counter()
        gc.collect()
        clock = time.perf_counter_ns
        wall = clock()
        for conversation in convs:
            pending: str | None = None
            prior = RiskLevel.NONE
            for turn in conversation:
                if turn.role == COUNSELOR:
                    pending = turn.text
                    continue
                before = clock()
                risk = detector.assess(turn.text, context_for(pending, prior))
                elapsed = clock() - before
                latencies.append(elapsed)
                groups["by_language"][turn.lang].append(elapsed)
                groups["by_turn"][turn.kind].append(elapsed)
                groups["by_context"]["after_counselor" if pending else "no_pending_counselor"].append(elapsed)
                groups["by_length"][_bucket(len(turn.text))].append(elapsed)
                groups["by_level"][risk.level.label].append(elapsed)
                levels[risk.level.label] += 1
                categories.update(risk.categories)
                prior = max(prior, risk.level)
                # As context_for's contract says: a turn with words answers the pending message.
                if has_letters(turn.text):
                    pending = None
            final_levels[prior.label] += 1
        wall_ns = clock() - wall
    summary = latency_summary(latencies)
    help_seeker_turns = [t for c in convs for t in c if t.role == HELP_SEEKER]
    return {
        "benchmark": NAME,
        "mode": "quick" if quick else "full",
        "machine": machine_info(pinned, available),
        "workload": {
            "conversations": len(convs),
            "messages": len(latencies),
            "counselor_messages": sum(1 for c in convs for t in c if t.role == COUNSELOR),
            "seed": SEED,
            "turn_kinds": dict(Counter(t.kind for c in convs for t in c)),
            "languages": dict(sorted(Counter(t.lang for t in help_seeker_turns).items())),
            "mean_chars": round(statistics.fmean(len(t.text) for t in help_seeker_turns), 1),
            "max_chars": max(len(t.text) for t in help_seeker_turns),
        },
        "method": {
            "cpu": "the measuring process is pinned to one CPU with os.sched_setaffinity(0, {cpu})",
            "timing": "time.perf_counter_ns around context_for(pending counselor text, running maximum) "
            "plus default_detector().assess(text, context), per help-seeker message, after the "
            "lexicons and detector are built and warmed up",
            "startup": "median over fresh interpreters, pinned to the same CPU: import care.risk, "
            "default_lexicons() (parse and compile), default_detector(), the first assess()",
            "messages": "bench/messages.py help-seeker turns, de-identified with care.deid; counselor "
            "turns, risk questions, answers and risk-bearing turns written for the benchmark",
        },
        "startup_seconds": startup,
        "per_message": summary,
        "wall_messages_per_second": round(len(latencies) / (wall_ns / 1e9), 1),
        **{
            name: {
                key: latency_summary(values)
                for key, values in (
                    group.items()
                    if name == "by_length"
                    else sorted(group.items(), key=lambda kv: -len(kv[1]))
                )
                if values
            }
            for name, group in groups.items()
        },
        "levels": dict(levels.most_common()),
        "categories": dict(categories.most_common()),
        "final_conversation_levels": dict(final_levels.most_common()),
        "targets": {
            "p50_ms": {
                "target": TARGET_P50_MS,
                "measured": summary["latency_ms"]["p50"],
                "met": summary["latency_ms"]["p50"] is not None
                and summary["latency_ms"]["p50"] <= TARGET_P50_MS,
            },
        },
    }


# --- the summary ---------------------------------------------------------------------------------


def _row(name: str, figures: Mapping[str, Any]) -> str:
    lat = figures["latency_ms"]
    return (
        f"| {name} | {figures['messages']} | {lat['p50']:.4f} | {lat['p95']:.4f} | {lat['p99']:.4f} "
        f"| {lat['max']:.3f} |"
    )


def render_markdown(result: Mapping[str, Any]) -> str:
    machine = result["machine"]
    startup = result["startup_seconds"]
    target = result["targets"]["p50_ms"]
    header = ["| messages | count | p50 ms | p95 ms | p99 ms | max ms |", "|---|---:|---:|---:|---:|---:|"]
    lines = [
        f"# risk benchmark ({result['mode']} run)",
        "",
        f"{machine['date']}: {machine['cpu_model']}, pinned to CPU {machine['pinned_cpu']} "
        f"(of {machine['logical_cpus']}), Python {machine['python']}.",
        "",
        f"Start-up (fresh interpreter, median of {startup['runs']}): import {startup['import']} s, "
        f"build the lexicons {startup['build_lexicons']} s, build the detector "
        f"{startup['build_detector']} s, first call {startup['first_call']} s.",
        "",
        "Per help-seeker message (`context_for` + `default_detector().assess`), "
        f"{result['wall_messages_per_second']:,.0f} msgs/s:",
        "",
        *header,
        _row("all", result["per_message"]),
        "",
        f"Target: median <= {target['target']} ms per message: **{'met' if target['met'] else 'NOT met'}**.",
    ]
    for group, title in (
        ("by_language", "By conversation language"),
        ("by_turn", "By kind of turn"),
        ("by_context", "By context"),
        ("by_length", "By length (characters)"),
        ("by_level", "By level found"),
    ):
        lines += ["", f"## {title}", "", *header]
        lines += [_row(key, figures) for key, figures in result[group].items()]
    lines += [
        "",
        f"Levels found: {result['levels']}.",
        "",
        f"Conversations' final levels: {result['final_conversation_levels']}.",
        "",
    ]
    return "\n".join(lines)
