"""Detectors of personal details. Each one finds spans of one or more entity types in normalised text.

A detector is any callable ``(NormalizedText) -> Iterable[Span]`` whose spans are offsets into
``NormalizedText.text``; the core maps them back onto the original text, resolves overlaps and
replaces them. New entity types (names, addresses, ...) plug in by adding a detector to
``DEFAULT_DETECTORS`` and, where needed, a priority in ``TYPE_PRIORITY`` and cues in ``CONTEXT_CUES``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import phonenumbers
from phonenumbers import CountryCodeSource, Leniency, PhoneNumber, PhoneNumberMatcher
from stdnum.il import idnr


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

# --- context cues -------------------------------------------------------------------------------

# Words that, shortly before a number, say what kind of number it is. Used to break ties between
# equally long candidates (a 9-digit Teudat Zehut with a leading 0 also looks like a landline).
CONTEXT_WINDOW_CHARS = 40
CONTEXT_CUES: Mapping[str, re.Pattern[str]] = MappingProxyType(
    {
        "NATIONAL_ID": re.compile(
            r"ת\s?[.\"״׳']\s?ז|תעודת\s+זהות|זהות|هوي[ةت]|\b(?:id|teudat|zehut|zeut|identity)\b"
            r"|теудат|зеут|удостоверени",
            re.IGNORECASE,
        ),
        "PHONE": re.compile(
            r"טלפון|נייד|פלאפון|וואטסאפ|תתקשר|תלפון|تلفون|تليفون|هاتف|جوال|موبايل|واتس|اتصل"
            r"|\b(?:phone|call|whatsapp|mobile|cell|tel)\b|телефон|номер|звон",
            re.IGNORECASE,
        ),
    }
)


def has_cue(entity_type: str, norm: NormalizedText, start: int) -> bool:
    cue = CONTEXT_CUES.get(entity_type)
    if cue is None:
        return False
    return cue.search(norm.text, max(0, start - CONTEXT_WINDOW_CHARS), start) is not None


# --- PHONE --------------------------------------------------------------------------------------

PHONE_REGIONS = ("IL", "PS")

# libphonenumber's VALID leniency checks numbers against allocated ranges, and its metadata lags
# reality: numbers like 050-1xxxxxx, 054-1xxxxxx and 076-9xxxxxx are rejected. We therefore
# take POSSIBLE matches and check the number plan's shape ourselves: mobile 5x and VoIP/other 7x
# with 9 national digits, landlines 2/3/4/8/9 with 8. Short codes, 1-700/1-800 service numbers
# and anything written without the trunk 0 or a country code are not personal numbers.
_LOCAL_NATIONAL_NUMBER = re.compile(r"[57]\d{8}|[2-489]\d{7}")
_LOCAL_COUNTRY_CODES = frozenset({972, 970})
_INTERNATIONAL_SOURCES = frozenset(
    {
        CountryCodeSource.FROM_NUMBER_WITH_PLUS_SIGN,
        CountryCodeSource.FROM_NUMBER_WITH_IDD,
    }
)
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")


def _is_personal_number(number: PhoneNumber, raw: str) -> bool:
    source = number.country_code_source
    if source == CountryCodeSource.FROM_DEFAULT_COUNTRY and not raw.lstrip("(").startswith("0"):
        return False
    if number.country_code in _LOCAL_COUNTRY_CODES:
        national = phonenumbers.national_significant_number(number)
        return bool(_LOCAL_NATIONAL_NUMBER.fullmatch(national))
    # A foreign number counts only when written with its country code, and must be a real one.
    return source in _INTERNATIONAL_SOURCES and phonenumbers.is_valid_number(number)


def detect_phones(norm: NormalizedText) -> list[Span]:
    text = norm.text
    spans: list[Span] = []
    for region in PHONE_REGIONS:
        for match in PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE):
            start, end = match.start, match.end
            # The matcher clears how the country code was found; parse again to keep it.
            try:
                number = phonenumbers.parse(match.raw_string, region, keep_raw_input=True)
            except phonenumbers.NumberParseException:
                continue
            if not _is_personal_number(number, match.raw_string):
                continue
            # POSSIBLE does not check the neighbours: skip digits glued to codes like IBANs.
            if (start > 0 and _ASCII_ALNUM.match(text[start - 1])) or (
                end < len(text) and _ASCII_ALNUM.match(text[end])
            ):
                continue
            # Right-to-left rendering often moves the "+" of "+972..." behind the digits.
            if (
                number.country_code_source == CountryCodeSource.FROM_NUMBER_WITHOUT_PLUS_SIGN
                and text[end : end + 1] == "+"
                and not text[end + 1 : end + 2].isdigit()
            ):
                end += 1
            if text[start] == "(" and ")" not in match.raw_string:
                start += 1
            spans.append(Span(start, end, "PHONE"))
    return spans


# The matcher gives up on some spellings people use ("[050-1234567]", "050_1234567",
# "050-1234567/8", two numbers joined by a dash); the common layouts are caught by pattern as well.
_PHONE_PATTERNS = (
    re.compile(r"(?<![\d+])(?:0[57]\d|0[2-489])(?:[-_/ ]?\d{7}|[-. ]?\d{3}[-. ]?\d{4})(?!\d)"),
    re.compile(r"(?:\+ ?|(?<!\d)00)97[02][- ]?(?:\(0\)[- ]?)?(?:[57]\d|[2-489])(?:[- ]?\d){7}(?!\d)"),
)


def detect_phone_patterns(norm: NormalizedText) -> list[Span]:
    return [
        Span(m.start(), m.end(), "PHONE") for pattern in _PHONE_PATTERNS for m in pattern.finditer(norm.text)
    ]


# --- EMAIL --------------------------------------------------------------------------------------

# The local part starts with a letter, digit or "_", so Hebrew prefixes written with a hyphen
# ("ו-dana@...", "ל-dana@...") stay outside the match.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9_])"
    r"[A-Za-z0-9_][A-Za-z0-9_%+-]*(?:\.[A-Za-z0-9_%+-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
    # Digits or a hyphen right after the top-level domain are glued-on text, not more domain.
    r"(?![A-Za-z])(?!\.[A-Za-z0-9])"
)


def detect_emails(norm: NormalizedText) -> list[Span]:
    return [Span(m.start(), m.end(), "EMAIL") for m in _EMAIL.finditer(norm.text)]


# --- NATIONAL_ID --------------------------------------------------------------------------------

# Not glued to other digits, a "+", or a digit group joined by a separator (card numbers, IBANs).
_NOT_AFTER_DIGITS = r"(?<![\d+])(?<!\d[-/.])"
_NOT_BEFORE_DIGITS = r"(?!\d)(?![-/.]\d)"
_FULL_ID = re.compile(
    _NOT_AFTER_DIGITS
    + r"(?:\d{9}|\d{8}-\d|\d{3}-\d{3}-\d{3}|(?<!\d )\d{3} \d{3} \d{3}(?! \d))"
    + _NOT_BEFORE_DIGITS
)
# Written with its leading zeros dropped; only taken as an ID when the text says it is one.
_SHORT_ID = re.compile(_NOT_AFTER_DIGITS + r"(?:\d{5,8}|\d{4,7}-\d)" + _NOT_BEFORE_DIGITS)


def _is_valid_id(candidate: str) -> bool:
    digits = candidate.replace("-", "").replace(" ", "")
    return bool(idnr.is_valid(digits))


def detect_national_ids(norm: NormalizedText) -> list[Span]:
    spans = [
        Span(m.start(), m.end(), "NATIONAL_ID")
        for m in _FULL_ID.finditer(norm.text)
        if _is_valid_id(m.group())
    ]
    spans.extend(
        Span(m.start(), m.end(), "NATIONAL_ID")
        for m in _SHORT_ID.finditer(norm.text)
        if has_cue("NATIONAL_ID", norm, m.start()) and _is_valid_id(m.group())
    )
    return spans


# --- registry -----------------------------------------------------------------------------------

DEFAULT_DETECTORS: tuple[Detector, ...] = (
    detect_phones,
    detect_phone_patterns,
    detect_national_ids,
    detect_emails,
)

# At equal length, the earlier type wins (after context cues): a number that is both a plausible
# phone and a valid ID is more often a phone.
TYPE_PRIORITY: tuple[str, ...] = ("PHONE", "NATIONAL_ID", "EMAIL")
