"""The held-out fixture (tests/data/risk-holdout.jsonl, synthetic, written before tuning) scored as
../shared/eval/score_risk.py scores it, with the issue's thresholds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from care.risk.batch import BatchRisk

DATA = Path(__file__).resolve().parents[2] / "data" / "risk-holdout.jsonl"
RANK = {name: i for i, name in enumerate(["none", "low", "moderate", "high", "imminent"])}


def score(rows: list[dict[str, Any]]) -> dict[str, float]:
    """severe_timely, severe_recall, any_recall and false_alarm, as the project's scorer defines them."""
    batch = BatchRisk()
    severe = severe_ok = anyr = anyr_ok = none_n = none_fa = severe_convs = timely = 0
    for row in rows:
        line = json.dumps({k: row[k] for k in ("conversation_id", "language", "turns")}, ensure_ascii=False)
        predicted = {t["index"]: RANK[t["risk"]] for t in batch.process(line)["turns"]}
        first_severe = caught = None
        position = -1
        for index, turn in enumerate(row["turns"]):
            if turn["role"] != "help_seeker":
                continue
            position += 1
            gold, got = RANK[turn["risk"]], predicted[index]
            if gold >= 3 and first_severe is None:
                first_severe = position
            if got >= 3 and caught is None:
                caught = position
            if gold >= 3:
                severe += 1
                severe_ok += got >= 3
            if gold >= 2:
                anyr += 1
                anyr_ok += got >= 2
            if gold == 0:
                none_n += 1
                none_fa += got >= 2
        if first_severe is not None:
            severe_convs += 1
            timely += caught is not None and caught <= first_severe + 1
    assert batch.errors == 0
    return {
        "severe_timely": timely / severe_convs,
        "severe_recall": severe_ok / severe,
        "any_recall": anyr_ok / anyr,
        "false_alarm": none_fa / none_n,
    }


def test_holdout_meets_the_issue_targets() -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 20
    figures = score(rows)
    assert figures["severe_timely"] >= 0.95, figures
    assert figures["severe_recall"] >= 0.80, figures
    assert figures["any_recall"] >= 0.85, figures
    assert figures["false_alarm"] <= 0.05, figures


def test_the_scoring_can_fail() -> None:
    """Every turn called none misses every target: the regression test above is not vacuous."""
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    flattened = [
        {**row, "turns": [{**t, "text": "שלום"} if t["role"] == "help_seeker" else t for t in row["turns"]]}
        for row in rows
    ]
    figures = score(flattened)
    assert figures["severe_recall"] < 0.80
    assert figures["any_recall"] < 0.85
