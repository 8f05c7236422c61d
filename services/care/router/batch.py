"""`care route`: route JSON lines of conversations, for evaluation and audits.

Input, one conversation per line: {"conversation_id", "messages": [{"text"}]} (help-seeker messages,
in order). Output, one line per input line in the same order: {"conversation_id", "route", "reason",
"messages": [{"lang", "route"}]}, where each message's "route" is the conversation's route after it,
or {"conversation_id"?, "error"} for a line that could not be read. The route is decided exactly as
the live router decides it, message by message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from care.jsonl import LineError, error_line, read_keyed_object
from care.router.core import DEFAULT_POLICY, RoutePolicy, RouteState, decide_route
from care.router.detect import NEUTRAL


@dataclass
class BatchRouter:
    detect: Callable[[str], str]
    policy: RoutePolicy = DEFAULT_POLICY
    errors: int = 0

    def process(self, line: str) -> dict[str, Any]:
        try:
            item, conversation = read_keyed_object(line, "conversation_id")
        except LineError as error:
            return self._error(None, str(error))
        messages = item.get("messages")
        if not isinstance(messages, list):
            return self._error(conversation, 'missing or invalid "messages" (a list)')
        texts = []
        for position, message in enumerate(messages):
            text = message.get("text") if isinstance(message, dict) else None
            if not isinstance(text, str):
                return self._error(conversation, f'message {position}: missing or invalid "text"')
            texts.append(text)

        state: RouteState | None = None
        labelled = []
        for text in texts:
            label = self.detect(text)
            state = decide_route(state, label, self.policy)
            labelled.append({"lang": label, "route": state.route})
        if state is None:
            state = decide_route(None, NEUTRAL, self.policy)
        return {
            "conversation_id": conversation,
            "route": state.route,
            "reason": state.reason,
            "messages": labelled,
        }

    def _error(self, conversation: str | int | None, reason: str) -> dict[str, Any]:
        self.errors += 1
        return error_line("conversation_id", conversation, reason)
