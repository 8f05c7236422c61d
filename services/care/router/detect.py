"""The language of one chat message.

Labels: ``he``, ``ar``, ``arabizi``, ``mixed-ar-he`` (Arabic with Hebrew words), ``mixed-he-en``
(Hebrew with English or other Latin-script words), an ISO 639-1 code for anything else (``en``,
``ru``, ``am``, ...), ``und`` when letters are there but no language can be told, and ``neutral``
for messages with no language in them (emoji, numbers, punctuation, "ok").

Script counting settles Hebrew and Arabic, which are most messages, in microseconds. Latin letters
go to the Arabizi detector first, then to a statistical detector (lingua) restricted to the
Latin-script languages the line sees; Cyrillic to one restricted to Cyrillic-script languages.
Both are built once, at start-up.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Final

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from care.router import arabizi
from care.router.scripts import Script, ScriptProfile, Word, profile

HE: Final = "he"
AR: Final = "ar"
ARABIZI: Final = "arabizi"
MIXED_AR_HE: Final = "mixed-ar-he"
MIXED_HE_EN: Final = "mixed-he-en"
NEUTRAL: Final = "neutral"
UNDETERMINED: Final = "und"

# In order of how often the line sees them: the order breaks near-ties on short messages ("ладно"
# is Russian and Ukrainian alike; "hello?" scores Italian as high as English).
DEFAULT_LATIN_LANGUAGES: Final = ("en", "fr", "es", "pt", "de", "it", "ro")
DEFAULT_CYRILLIC_LANGUAGES: Final = ("ru", "uk")
# How far below the best statistical score an earlier-listed language may be and still win.
PRIOR_MARGIN: Final = 0.2
# A message's language shows in its first lines; reading no further bounds the cost of a pasted essay.
MAX_DETECT_CHARS: Final = 2_000

# Chat fillers written in Latin letters by Hebrew and Arabic speakers alike; alone they say nothing
# about the conversation's language.
NEUTRAL_LATIN_WORDS: Final = frozenset(
    {
        "ok", "okay", "okey", "okk", "k", "kk", "oki", "lol", "lmao", "thx", "tnx", "ty", "hi", "hii",
        "hey", "bye", "hmm", "hm", "mm", "mmm", "ah", "oh", "wow", "omg", "xd", "xo", "ya", "yo",
        "pls", "plz", "np", "idk", "brb", "btw", "sry", "x", "v", "haha", "hahaha", "hhh", "hhhh",
    }
)  # fmt: skip
# Hebrew and Arabic are written without most vowels, so the same words take about a third fewer
# letters than in Latin or Cyrillic script; without this weight "אני רק רוצה peace of mind" would
# count as English.
ABJAD_WEIGHT: Final = 1.5


class UnknownLanguageError(ValueError):
    """A configured language code that the statistical detector does not know."""


def _lingua_languages(codes: Sequence[str]) -> list[Language]:
    languages = []
    for code in codes:
        try:
            languages.append(Language.from_iso_code_639_1(IsoCode639_1.from_str(code)))
        except ValueError as error:
            raise UnknownLanguageError(f"unknown language code for detection: {code!r}") from error
    return languages


def _build(languages: Sequence[Language]) -> LanguageDetector | None:
    if len(languages) < 2:
        # lingua needs two languages to compare; with one (or none), that one is the only answer.
        return None
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()


class MessageLanguageDetector:
    """Build once per process (lingua's models take about a second to load), then call per message."""

    def __init__(
        self,
        latin_languages: Sequence[str] = DEFAULT_LATIN_LANGUAGES,
        cyrillic_languages: Sequence[str] = DEFAULT_CYRILLIC_LANGUAGES,
    ) -> None:
        self._latin_order = _lingua_languages(latin_languages)
        self._latin = _build(self._latin_order)
        self._latin_only = latin_languages[0] if len(latin_languages) == 1 else UNDETERMINED
        self._cyrillic_order = _lingua_languages(cyrillic_languages)
        self._cyrillic = _build(self._cyrillic_order)
        self._cyrillic_only = cyrillic_languages[0] if len(cyrillic_languages) == 1 else UNDETERMINED

    def __call__(self, text: str) -> str:
        return self.detect(text)

    def detect(self, text: str) -> str:
        return self._label(profile(text[:MAX_DETECT_CHARS]))

    def _label(self, message: ScriptProfile) -> str:
        words = [w for w in message.words if not _is_neutral_latin(w)]
        if not words:
            return NEUTRAL
        has_latin = len(words) < len(message.words) or any(w.script is Script.LATIN for w in words)
        letters = {script: 0 for script in Script}
        for word in words:
            letters[word.script] += len(word.text)
        abjad = letters[Script.HEBREW] + letters[Script.ARABIC]
        others = sum(count for script, count in letters.items() if script not in _ABJADS)
        if abjad and ABJAD_WEIGHT * abjad >= others:
            return _abjad_label(words, has_latin)
        dominant = max((s for s in Script if s not in _ABJADS), key=lambda s: letters[s])
        if dominant is Script.LATIN:
            return self._latin_label([w.text for w in words if w.script is Script.LATIN])
        if dominant is Script.CYRILLIC:
            cyrillic = " ".join(w.text for w in words if w.script is Script.CYRILLIC)
            return _lingua_label(self._cyrillic, self._cyrillic_order, cyrillic, self._cyrillic_only)
        return _script_language(words, dominant)

    def _latin_label(self, latin_words: list[str]) -> str:
        if arabizi.score(latin_words).is_arabizi:
            return ARABIZI
        return _lingua_label(self._latin, self._latin_order, " ".join(latin_words), self._latin_only)


_ABJADS = frozenset({Script.HEBREW, Script.ARABIC})
_HEBREW_LETTER = re.compile("[\u05d0-\u05ea]")


def _is_neutral_latin(word: Word) -> bool:
    return word.script is Script.LATIN and word.text.casefold() in NEUTRAL_LATIN_WORDS


def _abjad_label(words: list[Word], has_latin: bool) -> str:
    hebrew = sum(w.script is Script.HEBREW for w in words)
    arabic = sum(w.script is Script.ARABIC for w in words)
    # Arabic speakers drop Hebrew nouns into Arabic sentences ("جاني קנס"), often behind an Arabic
    # prefix ("بالתואר"); the Arabic grammar around them is what makes the message Arabic, so a
    # third of the words is enough.
    if arabic and 2 * arabic >= hebrew:
        mixed = hebrew or any(_HEBREW_LETTER.search(w.text) for w in words if w.script is Script.ARABIC)
        return MIXED_AR_HE if mixed else AR
    return MIXED_HE_EN if has_latin else HE


def _lingua_label(detector: LanguageDetector | None, order: Sequence[Language], text: str, only: str) -> str:
    if detector is None:
        return only
    confidences = {c.language: c.value for c in detector.compute_language_confidence_values(text)}
    best = max(confidences.values(), default=0.0)
    if best <= 0.0:
        return UNDETERMINED
    chosen = next(language for language in order if confidences.get(language, 0.0) >= best - PRIOR_MARGIN)
    return chosen.iso_code_639_1.name.lower()


def _script_language(words: list[Word], script: Script) -> str:
    labels = [w.script_language for w in words if w.script is script and w.script_language]
    # Counter keeps first-seen order among equal counts, so a tie goes to the language of the earliest
    # word, the same in every process (a set's order follows the hash seed).
    return Counter(labels).most_common(1)[0][0] if labels else UNDETERMINED
