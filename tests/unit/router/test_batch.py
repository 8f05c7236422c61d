"""`care route`: one answer line per input line, in order; bad lines get an error line."""

from __future__ import annotations

import json
import subprocess
import sys

from care.router.batch import BatchRouter
from care.router.core import RoutePolicy
from care.router.detect import MessageLanguageDetector


def conversation(cid: str, *texts: str) -> str:
    return json.dumps({"conversation_id": cid, "messages": [{"text": t} for t in texts]}, ensure_ascii=False)


def test_routes_and_labels_every_message(detector: MessageLanguageDetector) -> None:
    batch = BatchRouter(detector)
    out = batch.process(conversation("c1", "hi", "ana ta3bane ktir", "w ma 7ada fahemni", "😢"))
    assert out["conversation_id"] == "c1"
    assert out["route"] == "ar"
    assert [m["lang"] for m in out["messages"]] == ["neutral", "arabizi", "arabizi", "neutral"]
    assert [m["route"] for m in out["messages"]] == ["he", "ar", "ar", "ar"]
    assert batch.errors == 0


def test_the_route_is_the_live_routers_sticky_route(detector: MessageLanguageDetector) -> None:
    batch = BatchRouter(detector)
    late_switch = conversation("c2", "Je sais pas", "c'est dur", "אני כאן", "אני כותבת לאט")
    assert batch.process(late_switch)["route"] == "unsupported"
    switched = conversation("c3", "Je sais pas", "c'est dur", "אני כאן", "אני כותבת לאט", "תודה רבה לך")
    assert batch.process(switched)["route"] == "he"


def test_an_empty_conversation_gets_the_default_route(detector: MessageLanguageDetector) -> None:
    assert BatchRouter(detector).process(conversation("c4"))["route"] == "he"


def test_policy_is_applied(detector: MessageLanguageDetector) -> None:
    batch = BatchRouter(detector, RoutePolicy.of(["he", "ar"], "multi"))
    assert batch.process(conversation("c5", "I just want it all to stop"))["route"] == "multi"


def test_malformed_lines_get_an_error_and_the_batch_goes_on(detector: MessageLanguageDetector) -> None:
    batch = BatchRouter(detector)
    outputs = [
        batch.process("{not json"),
        batch.process("[1, 2]"),
        batch.process(json.dumps({"messages": []})),
        batch.process(json.dumps({"conversation_id": True, "messages": []})),
        batch.process(json.dumps({"conversation_id": "x", "messages": "hello"})),
        batch.process(json.dumps({"conversation_id": "y", "messages": [{"text": 5}]})),
        batch.process(json.dumps({"conversation_id": "z", "messages": ["just a string"]})),
        batch.process(conversation("fine", "שלום")),
    ]
    assert all("error" in o for o in outputs[:7])
    assert outputs[4] == {"conversation_id": "x", "error": 'missing or invalid "messages" (a list)'}
    assert outputs[5]["error"] == 'message 0: missing or invalid "text"'
    assert outputs[7]["route"] == "he"
    assert batch.errors == 7


def run_cli(stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "care.cli", "route"], input=stdin, capture_output=True, timeout=60, check=False
    )


def test_the_command_answers_every_line_in_order_and_reports_failures_by_exit_status() -> None:
    good = [conversation("a", "مرحبا"), conversation("b", "ana mish mni7"), conversation("c", "Привет")]
    stdin = "\n".join([good[0], "{broken", good[1], "", good[2]]).encode() + b"\n\xff\xfe\n"
    result = run_cli(stdin)
    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [(line.get("conversation_id"), line.get("route")) for line in lines] == [
        ("a", "ar"),
        (None, None),
        ("b", "ar"),
        ("c", "unsupported"),
        (None, None),
    ]
    assert "مرحبا" not in result.stderr.decode()
    assert run_cli("\n".join(good).encode() + b"\n").returncode == 0


def test_a_bad_configuration_is_one_line_for_the_operator() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "care.cli", "route"],
        input=b"",
        capture_output=True,
        timeout=60,
        check=False,
        env={"CARE_ROUTES_SERVED": "he,fr", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert result.stderr.decode().strip() == (
        "care route: unknown language routes: ['fr'] (known: ['he', 'ar'])"
    )
