"""`care deid`'s line processing: the contract the evaluation scorer and exports rely on."""

import json
import subprocess
import sys

from care.deid.batch import BatchDeidentifier

PHONE = "050-7654321"


def test_output_has_the_deidentified_text_and_spans_into_the_original() -> None:
    text = f"call me on {PHONE} tonight"
    out = BatchDeidentifier().process(json.dumps({"id": "a", "text": text, "lang": "en"}))
    assert out["id"] == "a"
    assert out["text"] == "call me on [PHONE_1] tonight"
    (entity,) = out["entities"]
    assert text[entity["start"] : entity["end"]] == PHONE
    assert entity["type"] == "PHONE"


def test_lines_of_one_conversation_share_numbering_and_others_do_not() -> None:
    batch = BatchDeidentifier()
    line = {"text": f"{PHONE} and 052-1112223"}
    first = batch.process(json.dumps({"id": 1, "conversation_id": "c", **line}))
    again = batch.process(json.dumps({"id": 2, "conversation_id": "c", "text": "052-111-2223"}))
    alone = batch.process(json.dumps({"id": 3, "text": "052-111-2223"}))
    assert first["text"] == "[PHONE_1] and [PHONE_2]"
    assert again["text"] == "[PHONE_2]"
    assert alone["text"] == "[PHONE_1]"


def test_malformed_lines_get_an_error_and_processing_goes_on() -> None:
    batch = BatchDeidentifier()
    outputs = [
        batch.process("{not json"),
        batch.process(json.dumps(["a list"])),
        batch.process(json.dumps({"text": "no id"})),
        batch.process(json.dumps({"id": "x"})),
        batch.process(json.dumps({"id": "y", "text": "ok", "conversation_id": 5})),
        batch.process(json.dumps({"id": "z", "text": "x" * 10_000})),
        batch.process(json.dumps({"id": "fine", "text": "hello"})),
    ]
    assert all("error" in o for o in outputs[:6])
    assert outputs[3]["id"] == "x"
    assert outputs[5] == {"id": "z", "error": "could not de-identify: text_too_long"}
    assert outputs[6] == {"id": "fine", "text": "hello", "entities": []}
    assert batch.errors == 6


def run_cli(stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "care.cli", "deid"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_command_answers_every_line_in_order_and_reports_failures_by_exit_status() -> None:
    good = [json.dumps({"id": str(i), "text": f"line {i}: {PHONE}"}) for i in range(3)]
    result = run_cli("\n".join([good[0], "{broken", good[1], "", good[2]]) + "\n")
    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("id") for line in lines] == ["0", None, "1", "2"]
    assert "error" in lines[1]
    assert PHONE not in result.stdout + result.stderr
    assert run_cli("\n".join(good) + "\n").returncode == 0
