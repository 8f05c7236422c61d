"""Text normalisation shared by the risk lexicons and the text they are matched against.

Lexicon patterns are written in natural spelling and folded with :func:`fold_letters` when they load,
so a pattern and a message that differ only in hamza seats, diacritics or final letters still meet.
Message text additionally goes through :func:`normalize`, which also lower-cases Latin script, expands
English contractions ("can't" -> "can not") and shortens letter elongation ("بديييي", "למותתתת").
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["PLACEHOLDER_MARK", "clause_starts", "fold_letters", "normalize", "sentence_starts"]

# Hebrew points and cantillation (not the maqaf, U+05BE, which joins words like a hyphen).
_HEBREW_MARKS = re.compile("[\u0591-\u05bd\u05bf-\u05c7]")
# Arabic harakat, superscript alef and tatweel: optional in chat and often half present.
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640\u06d6-\u06ed]")
_LETTER_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "ی": "ي",
        "ک": "ك",
        "گ": "ك",
        "ڤ": "ف",
        "پ": "ب",
        "چ": "ج",
        "׳": "'",
        "״": '"',
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "־": "-",
        "،": ",",
        "؛": ";",
        "؟": "?",
        "\u200f": "",
        "\u200e": "",
        "\u200d": "",
        "\u200c": "",
    }
)
# Three or more of one letter: chat elongation. Latin keeps two so "killll" stays "kill".
_ELONGATED_NON_LATIN = re.compile(r"([^\W\d_a-z])\1{2,}")
_ELONGATED_LATIN = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"[ \t\r\f\v]+")
# De-identification placeholders ("[PERSON_1]", "[PHONE_2]"): the detector runs after de-identification.
# Their Latin letters would wake the English and Arabizi lexicons on Hebrew or Arabic text, so each one
# becomes a symbol that is neither a letter nor a sentence or clause boundary. The same shape as
# care.deid.placeholders.PLACEHOLDER_RE, written here so that risk does not import the deid detectors.
_PLACEHOLDER = re.compile(r"\[[A-Z]+(?:_[A-Z]+)*_[1-9][0-9]*\]")
PLACEHOLDER_MARK = "\u2022"

# English contractions and chat spellings, applied after lower-casing. Patterns are written against
# the expanded forms ("i am", "do not", "going to"), so each spelling needs one entry here only.
_CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bcan'?t\b|\bcannot\b", "can not"),
        (r"\bwon'?t\b", "will not"),
        (r"\bain'?t\b", "am not"),
        (r"\b(do|does|did|is|are|was|were|would|could|should|have|has|had|must|need)n'?t\b", r"\1 not"),
        (r"\bi'?m\b", "i am"),
        (r"\bi'?ve\b", "i have"),
        (r"\bi'll\b", "i will"),
        (r"\bi'd\b", "i would"),
        (r"\b(it|that|there|what|he|she)'s\b", r"\1 is"),
        (r"\b(you|we|they)'re\b", r"\1 are"),
        (r"\bgonna\b", "going to"),
        (r"\bwanna\b", "want to"),
        (r"\bgotta\b", "got to"),
        (r"\bu\b", "you"),
        (r"\bur\b", "your"),
        (r"\brn\b", "right now"),
        (r"\b(?:tonite|2nite|2night)\b", "tonight"),
    )
)
_HAS_LATIN = re.compile(r"[a-z]")

# Where a sentence ends; a clause also ends at a comma, a dash or a contrastive conjunction.
_SENTENCE_END = re.compile(r"[.!?\n]+|\.\.+|…")
_CLAUSE_END = re.compile(
    r"[.!?\n,;:()\[\]\"]+|…|\s[-–—]+\s"
    r"|(?<!\w)(?:but|however|although|though|אבל|אך|אלא|لكن|لاكن|بس|bas|bs|bass)(?!\w)"
)


def fold_letters(text: str) -> str:
    """Fold spelling variants that carry no meaning here: diacritics, hamza seats, presentation forms."""
    text = unicodedata.normalize("NFKC", text)
    text = _HEBREW_MARKS.sub("", text)
    text = _ARABIC_MARKS.sub("", text)
    return text.translate(_LETTER_FOLD)


def normalize(text: str) -> str:
    """The form risk patterns are matched against; lengths change, so offsets are into this string."""
    text = _PLACEHOLDER.sub(PLACEHOLDER_MARK, text)
    text = fold_letters(text).casefold()
    text = _ELONGATED_NON_LATIN.sub(r"\1", text)
    if _HAS_LATIN.search(text):
        text = _ELONGATED_LATIN.sub(r"\1\1", text)
        for pattern, replacement in _CONTRACTIONS:
            text = pattern.sub(replacement, text)
    return _SPACES.sub(" ", text).strip()


def sentence_starts(text: str) -> list[int]:
    """Offsets at which sentences start, 0 first."""
    return [0, *(m.end() for m in _SENTENCE_END.finditer(text))]


def clause_starts(text: str) -> list[int]:
    """Offsets at which clauses start, 0 first: negation does not reach across these."""
    return [0, *(m.end() for m in _CLAUSE_END.finditer(text))]
