"""How much of each prompt an inference server's prefix cache can reuse from the previous one.

``prefix_share`` is the share of the new prompt's tokens that repeat the previous request's prompt
tokens as a common prefix; a server with prefix caching recomputes only the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def common_prefix_length(previous_ids: Sequence[int], new_ids: Sequence[int]) -> int:
    length = 0
    for a, b in zip(previous_ids, new_ids, strict=False):
        if a != b:
            break
        length += 1
    return length


def prefix_share(previous_ids: Sequence[int], new_ids: Sequence[int]) -> float:
    """``len(common_prefix) / len(new_ids)``; 1.0 for an empty new prompt (nothing to compute)."""
    if not new_ids:
        return 1.0
    return common_prefix_length(previous_ids, new_ids) / len(new_ids)


def prefix_shares(prompts: Iterable[Sequence[int]]) -> list[float]:
    """The share of every prompt after the first, each against the one before it."""
    shares: list[float] = []
    previous: Sequence[int] | None = None
    for ids in prompts:
        if previous is not None:
            shares.append(prefix_share(previous, ids))
        previous = ids
    return shares
