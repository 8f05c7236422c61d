"""`care risk`: JSONL in, a level per help-seeker turn out; a bad line gets an error line, the run goes on."""

from __future__ import annotations

import io
import json
import sys

import pytest

from care.cli import main
from care.risk.batch import BatchRisk

GOOD = {
    "conversation_id": "t-1",
    "language": "he",
    "turns": [
        {"role": "help_seeker", "text": "היי"},
        {"role": "counselor", "text": "היי, אני כאן. את חושבת על התאבדות?"},
        {"role": "help_seeker", "text": "כן"},
        {"role": "counselor", "text": "יש לך תכנית?"},
        {"role": "help_seeker", "text": "כן, כתבתי כבר מכתב פרידה"},
    ],
}


def test_a_level_for_every_help_seeker_turn_and_no_text() -> None:
    batch = BatchRisk()
    out = batch.process(json.dumps(GOOD, ensure_ascii=False))
    assert out["conversation_id"] == "t-1"
    assert [(t["index"], t["risk"]) for t in out["turns"]] == [(0, "none"), (2, "moderate"), (4, "high")]
    assert "text" not in json.dumps(out)
    assert batch.errors == 0


@pytest.mark.parametrize(
    ("line", "error", "conversation"),
    [
        ("{not json", "not JSON", None),
        ("[1, 2]", "JSON object", None),
        ('{"turns": []}', "conversation_id", None),
        ('{"conversation_id": true, "turns": []}', "conversation_id", None),
        ('{"conversation_id": "c", "turns": "x"}', "turns", "c"),
        ('{"conversation_id": "c", "turns": [{"role": "bot", "text": "hi"}]}', "role", "c"),
        ('{"conversation_id": "c", "turns": [{"role": "help_seeker"}]}', "text", "c"),
        ('{"conversation_id": "c", "turns": ["hi"]}', "not an object", "c"),
        ('{"conversation_id": "c", "language": 5, "turns": []}', "language", "c"),
    ],
)
def test_malformed_lines(line: str, error: str, conversation: str | None) -> None:
    batch = BatchRisk()
    out = batch.process(line)
    assert error in out["error"]
    assert out.get("conversation_id") == conversation
    assert batch.errors == 1


def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
    return main(["risk"])


def test_cli_goes_on_after_a_bad_line_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = json.dumps(GOOD, ensure_ascii=False)
    code = run_cli(monkeypatch, capsys, f"{good}\nnot json\n\n{good}\n")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert [("error" in line) for line in lines] == [False, True, False]


def test_cli_exits_0_when_every_line_is_good(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_cli(monkeypatch, capsys, json.dumps(GOOD, ensure_ascii=False) + "\n")
    assert code == 0
    assert json.loads(capsys.readouterr().out)["turns"][2]["risk"] == "high"
