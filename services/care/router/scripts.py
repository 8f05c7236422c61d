"""Which writing systems a chat message uses, word by word.

A word counts for the script of its first letter: Arabic speakers attach Arabic prefixes to Hebrew
nouns ("بالקופת חולים", "عالמחסום"), and the prefix is what tells who is writing.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from care.deid.placeholders import PLACEHOLDER_RE


class Script(StrEnum):
    HEBREW = "hebrew"
    ARABIC = "arabic"
    LATIN = "latin"
    CYRILLIC = "cyrillic"
    ETHIOPIC = "ethiopic"
    OTHER = "other"  # Thai, Devanagari, CJK, Greek, ...: scripts of languages no route serves


# Unicode names start with the script for letters ("HEBREW LETTER SHIN", "ETHIOPIC SYLLABLE A").
_SCRIPT_BY_NAME_PREFIX = {
    "HEBREW": Script.HEBREW,
    "ARABIC": Script.ARABIC,
    "LATIN": Script.LATIN,
    "CYRILLIC": Script.CYRILLIC,
    "ETHIOPIC": Script.ETHIOPIC,
}
# Labels for scripts that belong to one language the line may see, so the counselor's reason names
# it; Latin and Cyrillic need a statistical detector to tell their languages apart.
SCRIPT_LANGUAGE_BY_NAME_PREFIX = {
    "ETHIOPIC": "am",  # Amharic; Tigrinya shares the script and is reported as "am" too
    "THAI": "th",
    "DEVANAGARI": "hi",
    "GEORGIAN": "ka",
    "ARMENIAN": "hy",
    "GREEK": "el",
    "HANGUL": "ko",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "CJK": "zh",
    "TAMIL": "ta",
    "BENGALI": "bn",
}

# Letters and digits, with the apostrophes of "don't" and "j'ose" and the Arabizi digits inside.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@lru_cache(maxsize=4096)
def _classify_char(ch: str) -> tuple[Script, str]:
    """The script of one letter and, for a single-language script, that language's label."""
    name = unicodedata.name(ch, "")
    prefix = name.split(" ", 1)[0]
    script = _SCRIPT_BY_NAME_PREFIX.get(prefix, Script.OTHER)
    return script, SCRIPT_LANGUAGE_BY_NAME_PREFIX.get(prefix, "")


@dataclass(frozen=True)
class Word:
    text: str
    script: Script
    script_language: str  # "" unless the script names one language


@dataclass(frozen=True)
class ScriptProfile:
    """A message's words by script, and the letters each script holds."""

    words: tuple[Word, ...]
    letters: Counter[Script] = field(default_factory=Counter)

    @property
    def has_letters(self) -> bool:
        return bool(self.letters)

    def words_in(self, script: Script) -> list[Word]:
        return [word for word in self.words if word.script is script]


def profile(text: str) -> ScriptProfile:
    """Placeholders left by de-identification ("[PHONE_1]") are not words of any language."""
    text = PLACEHOLDER_RE.sub(" ", text)
    words: list[Word] = []
    letters: Counter[Script] = Counter()
    for token in _WORD.findall(text):
        first_letter = next((ch for ch in token if ch.isalpha()), None)
        if first_letter is None:
            continue  # a number
        script, language = _classify_char(first_letter)
        words.append(Word(token, script, language))
        letters[script] += sum(ch.isalpha() for ch in token)
    return ScriptProfile(tuple(words), letters)
