"""Text normalised for matching, with a map back to offsets in the original text."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    entity_type: str


@dataclass(frozen=True)
class NormalizedText:
    """Text prepared for matching, with a map back to the original offsets.

    Unicode digits become ASCII digits, any space becomes " ", dashes become "-", and invisible
    format characters (zero-width spaces, bidi marks that RTL keyboards insert inside numbers) are
    dropped, so "٠٥٠\u200e-١٢٣٤٥٦٧" is matched as "050-1234567" while the replacement still covers
    every original character.
    """

    original: str
    text: str
    offsets: tuple[int, ...]  # offsets[i] = index in ``original`` of ``text[i]``

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets[start], self.offsets[end - 1] + 1


_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")


def normalize(text: str) -> NormalizedText:
    chars: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(text):
        category = unicodedata.category(ch)
        if category == "Cf":
            continue
        if ch.isdecimal():
            ch = str(unicodedata.decimal(ch))
        elif category == "Zs":
            ch = " "
        elif ch in _DASHES:
            ch = "-"
        chars.append(ch)
        offsets.append(index)
    return NormalizedText(original=text, text="".join(chars), offsets=tuple(offsets))


Detector = Callable[[NormalizedText], Iterable[Span]]
