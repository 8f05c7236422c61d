"""Phone numbers, Israeli ID numbers and e-mail addresses.

Libraries: phonenumbers (Google's libphonenumber port) parses and validates numbers of the IL and PS
plans better than any regex we would maintain; python-stdnum carries the Teudat Zehut check digit.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import CountryCodeSource, Leniency, PhoneNumber, PhoneNumberMatcher
from stdnum.il import idnr

from care.deid.context import has_cue
from care.deid.normalize import NormalizedText, Span

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


DETECTORS = (detect_phones, detect_phone_patterns, detect_national_ids, detect_emails)
