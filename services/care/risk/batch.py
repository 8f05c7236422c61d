"""`care risk`: risk levels for JSON lines of conversations, for evaluation and audits.

Input, one conversation per line: {"conversation_id", "language"?, "turns": [{"role", "text"}]} with
roles "help_seeker" and "counselor". Output, one line per input line in the same order:
{"conversation_id", "turns": [{"index", "risk", "categories"}]} with one entry per help-seeker turn
(index = position in "turns", risk = none | low | moderate | high | imminent, read in context exactly
as the live stage reads it), or {"conversation_id"?, "error"} for a line that could not be read.
No text is ever written back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from care.jsonl import LineError, error_line, read_keyed_object
from care.risk.conversation import COUNSELOR, HELP_SEEKER, assess_turns
from care.risk.detect import RiskDetector, default_detector

__all__ = ["ROLES", "BatchRisk"]

ROLES = frozenset({HELP_SEEKER, COUNSELOR})


@dataclass
class BatchRisk:
    detector: RiskDetector = field(default_factory=default_detector)
    errors: int = 0

    def process(self, line: str) -> dict[str, Any]:
        try:
            item, conversation = read_keyed_object(line, "conversation_id")
        except LineError as error:
            return self._error(None, str(error))
        language = item.get("language")
        if language is not None and not isinstance(language, str):
            return self._error(conversation, 'invalid "language" (a string)')
        turns = item.get("turns")
        if not isinstance(turns, list):
            return self._error(conversation, 'missing or invalid "turns" (a list)')
        pairs: list[tuple[str, str]] = []
        for position, turn in enumerate(turns):
            if not isinstance(turn, dict):
                return self._error(conversation, f"turn {position}: not an object")
            role, text = turn.get("role"), turn.get("text")
            if role not in ROLES:
                return self._error(conversation, f'turn {position}: "role" must be one of {sorted(ROLES)}')
            if not isinstance(text, str):
                return self._error(conversation, f'turn {position}: missing or invalid "text"')
            pairs.append((role, text))
        # The language field is not needed: lexicons are chosen by the scripts each turn is written in,
        # which also covers Arabizi and switches between languages inside one conversation.
        results = assess_turns(pairs, self.detector)
        return {
            "conversation_id": conversation,
            "turns": [
                {"index": index, "risk": risk.level.label, "categories": list(risk.categories)}
                for index, risk in enumerate(results)
                if risk is not None
            ],
        }

    def _error(self, conversation: str | int | None, reason: str) -> dict[str, Any]:
        self.errors += 1
        return error_line("conversation_id", conversation, reason)
