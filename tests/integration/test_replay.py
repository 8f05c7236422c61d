"""`care replay` against a running pipeline (the session's), from a file written here."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from care.embedded.stack import EmbeddedStack
from care.replay.run import ReplayOptions, run_replay

pytestmark = pytest.mark.integration

CONVERSATIONS = [
    {
        "conversation_id": "rp-he",
        "language": "he",
        "turns": [
            {"role": "help_seeker", "text": "היי, אני לא יודע עם מי לדבר"},
            {"role": "counselor", "text": "היי, טוב שכתבת. מה קורה?"},
            {"role": "help_seeker", "text": "הכול נהיה לי כבד בזמן האחרון"},
            {"role": "help_seeker", "text": "גם בעבודה וגם בבית"},
        ],
    },
    {
        "conversation_id": "rp-ar",
        "language": "ar",
        "turns": [
            {"role": "help_seeker", "text": "مرحبا، ما بعرف مع مين أحكي"},
            {"role": "counselor", "text": "أهلا، أنا هون معك. شو صاير؟"},
            {"role": "help_seeker", "text": "تعبان كتير هالفترة"},
        ],
    },
]


async def test_replay_writes_a_line_per_help_seeker_turn(stack: EmbeddedStack, tmp_path: Path) -> None:
    source = tmp_path / "conversations.jsonl"
    lines = [json.dumps(c, ensure_ascii=False) for c in CONVERSATIONS]
    source.write_text("\n".join([lines[0], "{broken", lines[1]]) + "\n", "utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = await run_replay(ReplayOptions(path=source, timeout_seconds=60.0), stack.settings, out, err)
    assert code == 0, err.getvalue()
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["conversation_id"], r["turn_index"]) for r in records] == [
        ("rp-he", 0),
        ("rp-he", 2),
        ("rp-he", 3),
        ("rp-ar", 0),
        ("rp-ar", 2),
    ]
    for record in records:
        assert record["status"] == "OK"
        assert len(record["candidates"]) == 2
        assert record["prompt_tokens"] > 0
    later = [r for r in records if r["turn_index"] > 0]
    assert all(0.5 < r["prefix_stability"] <= 1.0 for r in later)
    report = err.getvalue()
    assert "line 2: not JSON" in report
    assert "answered=5" in report
    assert "bad_lines=1" in report
