"""Ids derived from their input's id, so that a redelivered input yields the same output id."""

from __future__ import annotations


def suggestion_id(event_id: str) -> str:
    return f"{event_id}/suggestion"


def dead_letter_id(topic: str, partition: int, offset: int) -> str:
    return f"{topic}/{partition}/{offset}"
