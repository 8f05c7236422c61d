"""Candidate text folded for matching, cut into sentences and clauses.

The lexicons are written in the folded form: lower case, no niqqud or harakat, one spelling of the
letters chat writes every which way ("أ/إ/آ" as "ا", "ة" as "ه", "ى" as "ي"), ASCII digits and
punctuation. Rules only look at the folded text, so nothing maps offsets back to the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

# Niqqud, cantillation, Arabic harakat, superscript alef and tatweel carry no meaning for the rules.
_MARKS = re.compile(
    r"[\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a\u064b-\u065f\u0670\u0640]"
)
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",
        "ک": "ك",
        "؟": "?",
        "،": ",",
        "؛": ";",
        "٪": "%",
        "־": "-",
        "–": "-",
        "—": "-",
        "׳": "'",
        "’": "'",
        "‘": "'",
        "`": "'",
        "״": '"',
        "“": '"',
        "”": '"',
        "«": '"',
        "»": '"',
    }
)
# Letters stretched for emphasis ("מטורףףף", "مجنوووون", "sooo"): three or more become one.
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")
_SPACES = re.compile(r"[^\S\n]+")


def fold_letters(text: str) -> str:
    """Only the letter foldings: lexicon patterns go through this, so regex syntax is left intact."""
    return _MARKS.sub("", text).translate(_FOLD)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch
        for ch in text
        if unicodedata.category(ch) != "Cf"
    )
    text = fold_letters(text.casefold())
    text = _STRETCHED.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


# A full stop between digits is a decimal point ("2.5 מ"ג"), not the end of a sentence.
_SENTENCE_END = re.compile(r"(?:[!?;\n…]|(?<!\d)\.|\.(?!\d))+")
_QUESTION_START = re.compile(r"^\W*(?:האם|هل|do|does|did|are|is|have|has|were|was)(?!\w)")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    question: bool


@dataclass(frozen=True)
class Prepared:
    """A candidate folded once, for all rules."""

    text: str

    @classmethod
    def of(cls, raw: str) -> Prepared:
        return cls(fold(raw))

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        found: list[Sentence] = []
        start = 0
        for match in _SENTENCE_END.finditer(self.text):
            end = match.end()
            body = self.text[start:end]
            if body.strip():
                found.append(Sentence(start, end, "?" in match.group() or _starts_question(body)))
            start = end
        if self.text[start:].strip():
            found.append(Sentence(start, len(self.text), _starts_question(self.text[start:])))
        return tuple(found)

    def sentence_at(self, offset: int) -> Sentence:
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return Sentence(0, len(self.text), False)


def _starts_question(body: str) -> bool:
    return bool(_QUESTION_START.match(body))
