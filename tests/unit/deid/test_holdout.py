"""Quality on held-out sets written for the project by people who never saw the detectors.

Scored with the rules of the project's evaluation scorer: a gold entity is protected when every
non-space character of it lies inside a predicted span; precision counts predicted spans that
overlap a gold entity; a PII-free message must come out unchanged. The floors sit a little under
the measured figures (closing note of the de-identification issue), so a regression fails here.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from care.deid.core import detect

DATA = Path(__file__).resolve().parents[2] / "data"
STRUCTURED = {
    "PHONE", "NATIONAL_ID", "EMAIL", "URL", "SOCIAL_HANDLE", "CREDIT_CARD", "BANK_ACCOUNT", "IP_ADDRESS",
    "LICENSE_PLATE",
}  # fmt: skip


@dataclass(frozen=True)
class Scores:
    recall: float
    structured: float
    person: float
    precision: float
    clean_altered: float


def score(path: Path) -> Scores:
    total: Counter[str] = Counter()
    protected: Counter[str] = Counter()
    predicted = overlapping = clean = clean_altered = 0
    for line in path.read_text("utf-8").splitlines():
        row = json.loads(line)
        text, gold = row["text"], row["entities"]
        spans = [(s.start, s.end) for s in detect(text)]
        if not gold:
            clean += 1
            clean_altered += bool(spans)
        predicted += len(spans)
        overlapping += sum(any(s < g["end"] and g["start"] < e for g in gold) for s, e in spans)
        for g in gold:
            total[g["type"]] += 1
            inside = all(
                text[i].isspace() or any(s <= i < e for s, e in spans) for i in range(g["start"], g["end"])
            )
            protected[g["type"]] += inside
    structured_total = sum(total[k] for k in STRUCTURED)
    return Scores(
        recall=sum(protected.values()) / sum(total.values()),
        structured=sum(protected[k] for k in STRUCTURED) / structured_total,
        person=protected["PERSON"] / total["PERSON"],
        precision=overlapping / predicted,
        clean_altered=clean_altered / clean,
    )


FLOORS = {
    # Set 1's misses guided a round of generalisation, so its figures are optimistic.
    "deid-holdout.jsonl": Scores(
        recall=0.98, structured=0.99, person=0.97, precision=0.96, clean_altered=0.05
    ),
    # Set 2 has not been used for tuning: the honest estimate.
    "deid-holdout-2.jsonl": Scores(
        recall=0.90, structured=0.98, person=0.92, precision=0.97, clean_altered=0.03
    ),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_held_out_quality_does_not_regress(name: str) -> None:
    measured = score(DATA / name)
    floor = FLOORS[name]
    assert measured.recall >= floor.recall, measured
    assert measured.structured >= floor.structured, measured
    assert measured.person >= floor.person, measured
    assert measured.precision >= floor.precision, measured
    assert measured.clean_altered <= floor.clean_altered, measured
