"""Arabizi: Arabic written in Latin letters, with digits for the sounds Latin lacks.

"ana mish 3aref shu a3mel" is Arabic, and general language detectors read it as English, German or
Turkish. Two kinds of evidence tell it apart, and both are cheap:

- digits inside words standing for Arabic letters (2 hamza, 3 ayn, 5 kha, 6 ta, 7 ha, 8 ghayn,
  9 sad), which Latin-script languages only use in a few known abbreviations ("2day", "3pm");
- a lexicon of frequent Arabizi words and their common spellings (``lexicons/arabizi.txt``),
  weighed against function words of the Latin-script languages (``lexicons/latin-function-words.txt``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

# A word in which an Arabizi digit stands next to a letter: "3aref", "a7ki", "la2", "ma3".
_DIGIT_WORD = re.compile(r"(?=.*[a-z])(?=.*[235679])[a-z235679'’]+")
# Latin-script uses of digits in words: times, ordinals, units, and chat abbreviations.
_DIGIT_WORD_NOT_ARABIZI = re.compile(
    r"\d+(?:am|pm|st|nd|rd|th|s|k|m|h|x|d|g|min|mins|hrs?|yo|kg|km|cm|mm|mg|ml|gb|mb)"
    r"|(?:mp|ps|covid|b|h|x|g|a|c|k|d|e|f|v|t|n|j)\d+"
    r"|(?:2day|2nite|2night|2moro|2morrow|2mrw|gr8|l8r|l8|w8|b4|4u|2u|h8|m8|any1|some1|no1|ne1|4ever|str8|sk8|2gether|me2|u2)"
)

STRONG_WEIGHT = 1.0
MIN_EVIDENCE = 1.0
# Arabizi is written by people who also read English; a stray "the" or "so" must not outvote it.
FUNCTION_WORD_WEIGHT = 0.8


def _read_lexicon(name: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    text = resources.files("care.router").joinpath("lexicons", name).read_text("utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, weight = line.partition(" ")
        weights[word] = float(weight) if weight else 1.0
    return weights


@cache
def arabizi_lexicon() -> Mapping[str, float]:
    return MappingProxyType(_read_lexicon("arabizi.txt"))


@cache
def latin_function_words() -> frozenset[str]:
    return frozenset(_read_lexicon("latin-function-words.txt"))


@dataclass(frozen=True)
class ArabiziScore:
    arabizi: float  # weighted Arabizi evidence
    latin: float  # weighted evidence for another Latin-script language
    words: int

    @property
    def is_arabizi(self) -> bool:
        return self.arabizi >= MIN_EVIDENCE and self.arabizi > self.latin


def _normalise(word: str) -> str:
    return word.casefold().replace("’", "'")


def score(words: Iterable[str]) -> ArabiziScore:
    """Weigh Latin-script words (any case) for and against Arabizi."""
    lexicon = arabizi_lexicon()
    function_words = latin_function_words()
    arabizi = latin = 0.0
    count = 0
    for raw in words:
        word = _normalise(raw)
        count += 1
        weight = lexicon.get(word)
        if weight is not None:
            arabizi += weight
        elif _DIGIT_WORD.fullmatch(word) and not _DIGIT_WORD_NOT_ARABIZI.fullmatch(word):
            arabizi += STRONG_WEIGHT
        if word in function_words:
            latin += FUNCTION_WORD_WEIGHT
    return ArabiziScore(arabizi, latin, count)
