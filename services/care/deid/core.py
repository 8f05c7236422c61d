"""De-identification core: detect personal details, swap them for placeholders, and put them back.

Plain functions over immutable values; the deid stage's shell decodes events, calls these, persists
the returned ``PlaceholderState`` and dead-letters any ``DeidentificationError``.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from care.deid.context import has_cue
from care.deid.detectors import DEFAULT_DETECTORS, TYPE_PRIORITY
from care.deid.normalize import Detector, NormalizedText, Span, normalize
from care.deid.placeholders import PLACEHOLDER_RE, PlaceholderAllocator, PlaceholderState

__all__ = [
    "MAX_TEXT_CHARS",
    "DeidResult",
    "DeidentificationError",
    "PlaceholderState",
    "RestoreResult",
    "Span",
    "deidentify",
    "detect",
    "restore",
]

# Chat messages are short; a longer text is more likely a paste we cannot vouch for, and bounds
# the work one message can cause.
MAX_TEXT_CHARS = 8000


class DeidentificationError(Exception):
    """The text could not be de-identified; the caller must not pass it on.

    ``code`` is a stable machine-readable reason for the dead letter. Messages never include input
    text, and the original exception is not chained, because tracebacks end up in logs.
    """

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


@dataclass(frozen=True)
class DeidResult:
    text: str
    state: PlaceholderState
    redactions: Mapping[str, int]


@dataclass(frozen=True)
class RestoreResult:
    text: str
    unresolved: tuple[str, ...]


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise DeidentificationError("invalid_input", type(text).__name__)
    if len(text) > MAX_TEXT_CHARS:
        raise DeidentificationError("text_too_long", f"{len(text)} > {MAX_TEXT_CHARS} characters")
    return text


def _rank(norm: NormalizedText, span: Span) -> tuple[int, int, int, int]:
    length = span.end - span.start
    cued = has_cue(span.entity_type, norm, span.start)
    priority = (
        TYPE_PRIORITY.index(span.entity_type) if span.entity_type in TYPE_PRIORITY else len(TYPE_PRIORITY)
    )
    return (-length, 0 if cued else 1, priority, span.start)


def _resolve(norm: NormalizedText, candidates: Iterable[Span]) -> list[Span]:
    """Longest span first; at equal length, a cued type, then the fixed type priority."""
    chosen: list[Span] = []  # disjoint, sorted by start
    starts: list[int] = []
    for span in sorted(set(candidates), key=lambda s: _rank(norm, s)):
        at = bisect.bisect_left(starts, span.start)
        if at > 0 and chosen[at - 1].end > span.start:
            continue
        if at < len(chosen) and chosen[at].start < span.end:
            continue
        chosen.insert(at, span)
        starts.insert(at, span.start)
    return chosen


def _run_detectors(norm: NormalizedText, detectors: Sequence[Detector]) -> list[Span]:
    candidates: list[Span] = []
    for detector in detectors:
        try:
            found = list(detector(norm))
        except Exception:
            # Fail closed without chaining: the cause's message may quote the text.
            name = getattr(detector, "__name__", type(detector).__name__)
            raise DeidentificationError("detector_failed", name) from None
        for span in found:
            if not 0 <= span.start < span.end <= len(norm.text):
                raise DeidentificationError("detector_failed", "span out of range")
            candidates.append(span)
    return candidates


def detect(text: str, detectors: Sequence[Detector] = DEFAULT_DETECTORS) -> list[Span]:
    """Spans of personal details, as offsets into ``text`` itself: sorted and non-overlapping."""
    norm = normalize(_check_text(text))
    resolved = _resolve(norm, _run_detectors(norm, detectors))
    return [Span(*norm.to_original(s.start, s.end), s.entity_type) for s in resolved]


def deidentify(
    text: str, state: PlaceholderState, detectors: Sequence[Detector] = DEFAULT_DETECTORS
) -> DeidResult:
    if not isinstance(state, PlaceholderState):
        raise DeidentificationError("invalid_state", type(state).__name__)
    spans = detect(text, detectors)
    allocator = PlaceholderAllocator(state)
    parts: list[str] = []
    position = 0
    for span in spans:
        parts.append(text[position : span.start])
        parts.append(allocator.placeholder_for(span.entity_type, text[span.start : span.end]))
        position = span.end
    parts.append(text[position:])
    counts = Counter(span.entity_type for span in spans)
    return DeidResult(
        text="".join(parts),
        state=allocator.freeze(),
        redactions=MappingProxyType(dict(counts)),
    )


def restore(text: str, state: PlaceholderState) -> RestoreResult:
    """Put the conversation's values back where a placeholder appears (a model may echo them).

    Placeholders the map does not know are left in place and reported, so the shell decides whether
    such a suggestion can be shown.
    """
    unresolved: dict[str, None] = {}

    def substitute(match: re.Match[str]) -> str:
        placeholder = match.group(0)
        value = state.values.get(placeholder)
        if value is None:
            unresolved[placeholder] = None
            return placeholder
        return value

    restored = PLACEHOLDER_RE.sub(substitute, text)
    return RestoreResult(text=restored, unresolved=tuple(unresolved))
