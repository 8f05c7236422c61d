"""`care demo`, the README's main command, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from care.demo.replay import load_samples

pytestmark = pytest.mark.integration


def test_demo_prints_suggestions_and_writes_one_per_help_seeker_message(tmp_path: Path) -> None:
    output = tmp_path / "s.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "care.cli", "demo", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    samples = load_samples()
    asked = [
        f"{c.conversation_id}-{i:04d}"
        for c in samples
        for i, t in enumerate(c.turns, start=1)
        if t.role == "help_seeker"
    ]
    lines = [json.loads(line) for line in output.read_text("utf-8").splitlines()]
    assert sorted(line["eventId"] for line in lines) == sorted(asked)
    assert {line["status"] for line in lines} <= {"SUGGESTION_STATUS_OK", "SUGGESTION_STATUS_NO_SUGGESTION"}
    assert {line["route"] for line in lines} == {"he", "ar", "unsupported"}
    assert "[PHONE_1]" in result.stdout, "the demo shows the message as the model saw it"
    assert "latency from produce to suggestion" in result.stdout
    # The conversation that escalates raises an alert, and its last suggestion leads with the protocol.
    assert "RISK ALERT" in result.stdout
    assert "safety protocol" in result.stdout
    escalating = [line for line in lines if line["conversationId"] == "demo-he-0002"]
    assert escalating[-1]["riskLevel"] in {"RISK_LEVEL_HIGH", "RISK_LEVEL_IMMINENT"}
    assert escalating[-1]["candidates"][0]["source"] == "protocol"
