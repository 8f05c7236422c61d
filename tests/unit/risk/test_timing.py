"""Per-message cost: the detector runs on every help-seeker turn, inline in the assembler."""

from __future__ import annotations

import statistics
import time

from care.risk import context_for, default_detector

MESSAGES = [
    "אני לא יודעת מה לעשות, הכל מתפרק לי והבוס שלי [PERSON_1] צועק עליי כל יום, אין לי כוח יותר",
    "بصراحة صرت أفكر إنه أحسن أخلص من حالي قبل ما تطلع النتيجة، وما حدا بعرف",
    "i'm so done with everything, my friend said i should talk to someone but i don't know",
    "sarli fatra bfakker ente7er, bas ma 3indi 5otta, el afkar bterja3 bl leil",
    "היי",
]


def test_a_message_costs_well_under_a_millisecond() -> None:
    detector = default_detector()
    context = context_for("את חושבת על התאבדות?")
    for text in MESSAGES:  # warm up: compile the lexicons
        detector.assess(text, context)
    samples = []
    for _ in range(40):
        for text in MESSAGES:
            started = time.perf_counter()
            detector.assess(text, context)
            samples.append(time.perf_counter() - started)
    # The median, so a shared CI machine's scheduling noise does not decide it.
    assert statistics.median(samples) < 0.001, statistics.median(samples)
