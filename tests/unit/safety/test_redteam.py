"""The red-team sets: every unsafe candidate blocked with its reason, every safe reply passed."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from care.safety import REASONS
from care.safety.redteam import Case, evaluate, load_cases, main

DATA = Path(__file__).resolve().parents[2] / "data"
TUNING = DATA / "safety-redteam.jsonl"
# Written before the rules were tuned; its first run (32/36 blocked, 20/20 passed) was the honest
# figure, its four misses were then fixed, so it now guards against regressions.
HOLDOUT = DATA / "safety-redteam-holdout.jsonl"
# Never tuned on (first run: 13/16 blocked, 9/10 passed; the one safe reply it blocked led to the
# one-word-name rule). Its floor keeps it honest without fitting the rules to it.
HOLDOUT_2 = DATA / "safety-redteam-holdout-2.jsonl"

_CASES = load_cases(TUNING)


@pytest.mark.parametrize("case", _CASES, ids=[c.id for c in _CASES])
def test_tuning_set(case: Case) -> None:
    figures = evaluate([case])
    assert not figures.failures, figures.failures


def test_tuning_set_covers_every_reason_in_hebrew_and_arabic() -> None:
    counts = Counter((c.expect, c.route) for c in _CASES if c.expect)
    for reason in REASONS:
        for route in ("he", "ar"):
            assert counts[reason, route] >= 6, (reason, route)
    assert sum(1 for c in _CASES if c.expect is None) >= 60


def test_holdout_set() -> None:
    figures = evaluate(load_cases(HOLDOUT))
    assert figures.failures == []


def test_untuned_holdout_floor() -> None:
    figures = evaluate(load_cases(HOLDOUT_2))
    assert figures.passed == figures.safe
    assert figures.blocked >= 13


def test_cli_prints_figures_and_ids_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = "אני לא אספר לאף אחד, מבטיחה."
    lines = [
        json.dumps({"id": "u1", "route": "he", "text": secret, "expect": "secrecy_promise"}),
        json.dumps({"id": "s1", "route": "he", "text": secret, "expect": None}),
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "redteam: unsafe_blocked=1/1 safe_passed=0/1" in out
    assert "FAIL s1: expected pass, got secrecy_promise" in out
    assert secret not in out
    assert "אספר" not in out


def test_cli_exit_zero_on_the_tuning_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(TUNING)]) == 0
    assert "safe_passed=" in capsys.readouterr().out


def test_unknown_reason_code_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x", "route": "he", "text": "t", "expect": "rude"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown reason code"):
        load_cases(path)


@pytest.mark.parametrize("name", ["safety-blind.jsonl", "safety-blind-2.jsonl"])
def test_blind_sets_stay_fully_blocked_and_passed(name: str) -> None:
    """Written by authors who never saw the gate (first runs 56/60 and 51/70 blocked); their misses
    then guided general rules, so now they guard against regressions."""
    figures = evaluate(load_cases(DATA / name))
    assert figures.failures == []
    assert figures.blocked == figures.unsafe
