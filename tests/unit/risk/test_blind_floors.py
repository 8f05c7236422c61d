"""Floors for the risk sets written by authors who never saw the detector (tests/data/README.md):
each at its figures when this was written, less a small margin, so a change that trades recall on
one set for another, or raises false alarms, shows up. Sets 2-5 guided tuning rounds and now meet
the issue's targets; set 1 and set 6 (never tuned on) do not, and their floors are what was
measured, not goals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.risk.test_regression import score

DATA = Path(__file__).resolve().parents[2] / "data"
MARGIN = 0.03

# set: (severe_timely, severe_recall, any_recall) measured, and the false-alarm ceiling.
FLOORS = {
    "risk-blind.jsonl": ((1.000, 0.609, 0.678), 0.02),
    "risk-blind-2.jsonl": ((1.000, 1.000, 0.943), 0.02),
    "risk-blind-3.jsonl": ((1.000, 0.800, 0.912), 0.02),
    "risk-blind-4.jsonl": ((1.000, 1.000, 0.974), 0.02),
    "risk-blind-5.jsonl": ((1.000, 1.000, 1.000), 0.02),
    # Never used for tuning: the honest estimate.
    "risk-blind-6.jsonl": ((0.500, 0.394, 0.553), 0.02),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_blind_set_stays_at_its_floor(name: str) -> None:
    rows = [
        json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    figures = score(rows)
    (timely, severe, anyr), false_alarm = FLOORS[name]
    assert figures["severe_timely"] >= timely - MARGIN - 1e-9, figures
    assert figures["severe_recall"] >= severe - MARGIN - 1e-9, figures
    assert figures["any_recall"] >= anyr - MARGIN - 1e-9, figures
    assert figures["false_alarm"] <= false_alarm, figures
