import io
import json

from care.demo.replay import ConversationOutcome, SampleConversation, SampleTurn, TurnOutcome
from care.embedded.platform import Delivery
from care.replay.conversations import BadLine, read_conversations
from care.replay.run import summary, turn_records
from care.v1 import events_pb2

GOOD = {
    "conversation_id": "c1",
    "language": "he",
    "turns": [{"role": "help_seeker", "text": "שלום"}, {"role": "counselor", "text": "היי"}],
}


def test_reads_conversations_and_reports_bad_lines_by_number() -> None:
    lines = [
        json.dumps(GOOD),
        "",
        "{not json",
        json.dumps({"conversation_id": "c2", "turns": []}),
        json.dumps({"conversation_id": "c3", "turns": [{"role": "bot", "text": "x"}]}),
        json.dumps({"conversation_id": "c4", "turns": [{"role": "help_seeker", "text": "  "}]}),
        json.dumps([1, 2]),
    ]
    items = list(read_conversations(io.StringIO("\n".join(lines))))
    assert isinstance(items[0], SampleConversation)
    assert items[0].turns == (SampleTurn("help_seeker", "שלום"), SampleTurn("counselor", "היי"))
    bad = [item for item in items if isinstance(item, BadLine)]
    assert [b.line_number for b in bad] == [3, 4, 5, 6, 7]
    assert "not JSON" in bad[0].error
    assert all("x" not in b.error.split() for b in bad), "errors never quote the text"


def delivered(event_id: str, status: int, prompt: int, prefix: int) -> Delivery:
    suggestion = events_pb2.Suggestion(
        event_id=event_id, status=status, prompt_tokens=prompt, prefix_tokens=prefix, route="he"
    )  # type: ignore[arg-type]
    return Delivery(suggestion, 0.0, 0, "c1")


def test_turn_records_and_summary() -> None:
    conversation = SampleConversation(
        "c1.run",
        {},
        (SampleTurn("help_seeker", "a"), SampleTurn("counselor", "b"), SampleTurn("help_seeker", "c")),
    )
    outcome = ConversationOutcome(conversation)
    outcome.turns = [
        TurnOutcome("e1", "help_seeker", "a", delivered("e1", events_pb2.SUGGESTION_STATUS_OK, 200, 0), 80.0),
        TurnOutcome("e2", "counselor", "b"),
        TurnOutcome(
            "e3", "help_seeker", "c", delivered("e3", events_pb2.SUGGESTION_STATUS_FALLBACK, 250, 196), 90.0
        ),
    ]
    records = turn_records(outcome, "c1")
    assert [r.turn_index for r in records] == [0, 2]
    assert records[0].fields["prefix_stability"] is None
    assert records[1].fields["prefix_stability"] == 0.98
    assert records[1].fields["prefix_share"] == 0.784
    line, ok = summary(records, 1, 0)
    assert ok
    assert "answered=2" in line
    assert "prefix_stability_median=0.980" in line
    assert line.endswith("PASS")
    unanswered = ConversationOutcome(conversation)
    unanswered.turns = [TurnOutcome("e1", "help_seeker", "a")]
    line, ok = summary(turn_records(unanswered, "c1"), 1, 1)
    assert not ok
    assert "unanswered=1" in line
    assert "bad_lines=1" in line
