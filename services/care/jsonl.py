"""The JSON-lines batch commands' shared input handling (`care deid`, `care route`, `care risk`).

A bad line becomes an error line naming what is wrong, never quoting the input, and the run goes on;
the command exits 1 if any line failed.
"""

from __future__ import annotations

import io
import json
import sys
from typing import Any, Protocol


class LineError(ValueError):
    """What is wrong with one input line, in words safe to print (no input text)."""


class BatchProcessor(Protocol):
    errors: int

    def process(self, line: str) -> dict[str, Any]: ...


def read_object(line: str) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise LineError(f"not JSON (line column {error.colno})") from None
    if not isinstance(item, dict):
        raise LineError("a line must be a JSON object")
    return item


def read_id(item: dict[str, Any], key: str) -> str | int:
    """A string or integer identifier (a JSON boolean is not one)."""
    value = item.get(key)
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise LineError(f'missing or invalid "{key}"')
    return value


def read_keyed_object(line: str, key: str) -> tuple[dict[str, Any], str | int]:
    """The line's JSON object and its identifier under ``key``."""
    item = read_object(line)
    return item, read_id(item, key)


def error_line(key: str, ident: str | int | None, reason: str) -> dict[str, Any]:
    """The output line for a failed input: its identifier when it had one, and the reason."""
    return {"error": reason} if ident is None else {key: ident, "error": reason}


def run_batch(batch: BatchProcessor) -> int:
    """Every non-blank stdin line through ``batch``, one JSON line out each; 1 if any line failed."""
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    for line in stdin:
        if line.strip():
            sys.stdout.write(json.dumps(batch.process(line), ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 1 if batch.errors else 0
