"""Reading the conversations to replay: the JSONL format of the evaluation sets, one conversation
per line ``{"conversation_id", "turns": [{"role": "help_seeker" | "counselor", "text"}]}``; other
fields (language, topic, labels) are ignored. A bad line is reported by number and skipped."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from care.demo.replay import SampleConversation, SampleTurn

ROLES = ("help_seeker", "counselor")


@dataclass(frozen=True)
class BadLine:
    line_number: int
    error: str


def parse_conversation(raw: object) -> SampleConversation:
    if not isinstance(raw, dict):
        raise ValueError("a conversation must be a JSON object")
    conversation_id = raw.get("conversation_id")
    if not isinstance(conversation_id, str) or not conversation_id.strip():
        raise ValueError("conversation_id must be a non-empty string")
    turns = raw.get("turns")
    if not isinstance(turns, list) or not turns:
        raise ValueError("turns must be a non-empty list")
    parsed = []
    for index, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise ValueError(f"turn {index} must be an object")
        role, text = turn.get("role"), turn.get("text")
        if role not in ROLES:
            raise ValueError(f"turn {index} has no role of {', '.join(ROLES)}")
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"turn {index} has no text")
        parsed.append(SampleTurn(str(role), text))
    return SampleConversation(conversation_id, {}, tuple(parsed))


def read_conversations(lines: Iterable[str]) -> Iterator[SampleConversation | BadLine]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield parse_conversation(json.loads(line))
        except json.JSONDecodeError as error:
            yield BadLine(number, f"not JSON ({error.msg} at column {error.colno})")
        except ValueError as error:
            yield BadLine(number, str(error))
