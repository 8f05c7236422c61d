"""`care deid`: de-identify JSON lines for exports and evaluation.

Input, one object per line: {"id", "text", "lang"?, "conversation_id"?}. Output, one line per input
line in the same order: {"id", "text", "entities": [{"start", "end", "type"}]} with offsets into the
original text, or {"id"?, "error"} for a line that could not be processed. Lines of one
conversation_id share one placeholder numbering, as the live pipeline does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from care.deid.core import DeidentificationError, PlaceholderState, deidentify, detect
from care.deid.detectors import DEFAULT_DETECTORS
from care.deid.normalize import Detector
from care.jsonl import LineError, error_line, read_keyed_object


@dataclass
class BatchDeidentifier:
    detectors: tuple[Detector, ...] = DEFAULT_DETECTORS
    states: dict[str, PlaceholderState] = field(default_factory=dict)
    errors: int = 0

    def process(self, line: str) -> dict[str, Any]:
        try:
            item, ident = read_keyed_object(line, "id")
        except LineError as error:
            return self._error(None, str(error))
        text = item.get("text")
        if not isinstance(text, str):
            return self._error(ident, 'missing or invalid "text"')
        conversation = item.get("conversation_id")
        if conversation is not None and not isinstance(conversation, str):
            return self._error(ident, 'invalid "conversation_id"')
        try:
            spans = detect(text, self.detectors)
            state = self.states.get(conversation, PlaceholderState.empty()) if conversation else None
            result = deidentify(text, state or PlaceholderState.empty(), self.detectors)
        except DeidentificationError as error:
            return self._error(ident, f"could not de-identify: {error.code}")
        if conversation:
            self.states[conversation] = result.state
        entities = [{"start": s.start, "end": s.end, "type": s.entity_type} for s in spans]
        return {"id": ident, "text": result.text, "entities": entities}

    def _error(self, ident: str | int | None, reason: str) -> dict[str, Any]:
        self.errors += 1
        return error_line("id", ident, reason)
