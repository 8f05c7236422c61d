"""Streamed candidate text, gathered into partial suggestions at most once per interval.

A counselor sees replies forming rather than a blank panel, but the chat platform is not flooded:
one partial per interval (250 ms by default) at most, whatever the model's token rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from care.v1 import events_pb2, inference_pb2


@dataclass
class PartialCandidates:
    interval_s: float
    last_emitted_at: float | None = None
    _texts: dict[int, list[str]] = field(default_factory=dict)
    _strategies: dict[int, str] = field(default_factory=dict)
    _changed: bool = False

    def add(self, delta: inference_pb2.CandidateDelta) -> None:
        self._texts.setdefault(delta.candidate_index, []).append(delta.text)
        self._strategies[delta.candidate_index] = delta.strategy
        self._changed = True

    def due(self, now: float) -> bool:
        """Whether a partial should go out now: new text, and the interval since the last one."""
        if not self._changed:
            return False
        return self.last_emitted_at is None or now - self.last_emitted_at >= self.interval_s

    def take(self, now: float) -> list[events_pb2.Candidate]:
        self.last_emitted_at = now
        self._changed = False
        return [
            events_pb2.Candidate(
                index=index,
                text="".join(self._texts[index]),
                strategy=self._strategies[index],
                source="model",
            )
            for index in sorted(self._texts)
        ]
