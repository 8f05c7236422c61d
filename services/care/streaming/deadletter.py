"""Build dead letters: where the record was and why it failed, never its payload or text."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from care.streaming.ids import dead_letter_id
from care.v1 import events_pb2


@dataclass(frozen=True)
class RecordRef:
    topic: str
    partition: int
    offset: int
    conversation_id: str
    payload: bytes | None


def build_dead_letter(
    ref: RecordRef, stage: str, error_code: str, error_detail: str
) -> events_pb2.DeadLetter:
    payload = ref.payload or b""
    letter = events_pb2.DeadLetter(
        dead_letter_id=dead_letter_id(ref.topic, ref.partition, ref.offset),
        source_topic=ref.topic,
        partition=ref.partition,
        offset=ref.offset,
        conversation_id=ref.conversation_id,
        stage=stage,
        error_code=error_code,
        error_detail=error_detail,
        payload_size=len(payload),
        payload_sha256=hashlib.sha256(payload).hexdigest(),
    )
    letter.failed_at.GetCurrentTime()
    return letter
