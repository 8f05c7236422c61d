"""Hebrew prefix letters and Arabic clitics attached to a word ("ולדנה", "מאילת", "وبالناصرة").

Gazetteer look-ups try the word as written and every stem left after peeling attached particles,
so a name is found whatever is glued to its front; the span then covers the stem only.
"""

from __future__ import annotations

import re
from functools import lru_cache

# ו ה ב ל מ ש כ, up to four in a row ("וכשב..."), optionally followed by a hyphen ("ב-חיפה").
_HEBREW_PREFIX = re.compile(r"[והבלמשכ]{1,4}-?")
# Arabic: a conjunction (و ف), then a preposition (ب ل ك) and/or the article (ال); ل + ال is "لل".
_ARABIC_PREFIX = re.compile(r"(?:[وف])?(?:لل|[بلك]?ال|[بلك])|[وف]")

_HEBREW = re.compile(r"[\u05d0-\u05ea]")
_ARABIC = re.compile(r"[\u0620-\u064a]")
MIN_STEM_CHARS = 2


@lru_cache(maxsize=65536)
def stems(word: str) -> tuple[tuple[int, str], ...]:
    """(offset, stem) pairs: the word itself first, then what is left after each possible prefix."""
    found: dict[int, str] = {0: word}
    if _HEBREW.match(word):
        _peel(word, _HEBREW_PREFIX, found)
    elif _ARABIC.match(word):
        _peel(word, _ARABIC_PREFIX, found)
    return tuple(sorted(found.items()))


def _peel(word: str, prefix: re.Pattern[str], found: dict[int, str]) -> None:
    # Every prefix length the pattern allows, not only the longest: "מיכל" is a name, not מ + יכל.
    for end in range(1, len(word) - MIN_STEM_CHARS + 1):
        if prefix.fullmatch(word, 0, end):
            stem = word[end:]
            if len(stem) >= MIN_STEM_CHARS and stem[0] != "-":
                found.setdefault(end, stem)
