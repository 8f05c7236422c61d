"""The safety gate: reason codes for a generated candidate that must not be offered to a counselor.

``check_candidate`` is pure (no faust, Kafka or gRPC) and cheap: lexicons, the de-identification
detectors and the language detector are built once per process and reused. Reason codes are stable
snake_case strings, used as a metric label and attached to the suggestion; nothing here logs or
returns candidate text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from functools import cache

from care.deid.core import DeidentificationError, detect
from care.deid.placeholders import PLACEHOLDER_RE
from care.router.core import LANGUAGE_ROUTES, NATURAL_ROUTE
from care.router.detect import NEUTRAL, UNDETERMINED, MessageLanguageDetector
from care.router.scripts import profile
from care.safety import lexicon as lexicon_files
from care.safety.lexicon import Lexicon
from care.safety.policy import DEFAULT_POLICY, SafetyPolicy
from care.safety.rules import (
    BLAMING,
    MEDICAL_DOSING,
    METHOD_OR_MEANS,
    MINIMISING,
    MORALISING,
    SECRECY_PROMISE,
    STIGMATISING,
    lexical_reasons,
)
from care.safety.text import Prepared

HALLUCINATED_IDENTIFIER = "hallucinated_identifier"
UNKNOWN_PLACEHOLDER = "unknown_placeholder"
LANGUAGE_MISMATCH = "language_mismatch"

# Every code the gate can return, in the order it returns them.
REASONS: tuple[str, ...] = (
    METHOD_OR_MEANS,
    MINIMISING,
    BLAMING,
    STIGMATISING,
    MORALISING,
    SECRECY_PROMISE,
    MEDICAL_DOSING,
    HALLUCINATED_IDENTIFIER,
    UNKNOWN_PLACEHOLDER,
    LANGUAGE_MISMATCH,
)

# Placeholder-shaped tokens the restore step cannot fill: "[NAME]", "[PERSON]", "[PHONE_NUMBER]".
_PLACEHOLDER_LIKE = re.compile(r"\[[A-Z][A-Z]*(?:_[A-Z0-9]+)*\]")
# A number to dial that the detectors leave alone because it is short ("*6110", "1202"): flagged only
# where the sentence says to call it, so "100 reasons" or "2 mg" are no business of this check.
_DIAL_NUMBER = re.compile(r"(?<![\w.,/])\*?\d(?:[\d-]*\d){2,}(?![\w/]|[.,]\d)")
_DIAL_CUE = re.compile(
    r"(?i)call|dial|phone|number|hotline|text|whatsapp|התקשר|להתקשר|חייג|לחייג|טלפון|מספר|קו|וואטסאפ|"
    r"ווטסאפ|اتصل|تتصل|اتصلي|اتصال|رقم|هاتف|تلفون|خط|واتس|واتساب"
)
_SENTENCE = re.compile(r"[^.!?\n؟]+")
_URL_PREFIX = re.compile(r"^(?i:[a-z][a-z0-9+.-]*://)?(?i:www\d{0,3}\.)?")
# The de-identifier reads a lone word as a name whenever it might be one ("אמיתי", "سأجد"): right
# for redaction, too eager for a reply that is not quoting anyone. A one-word name counts here only
# when something marks it as a person: a title, "with / to / ask", or being addressed at the start.
_PERSON_CUE = re.compile(
    r"(?i)(?:^|[\s(\-])(?:עם|אל|ל-?|את|ש|מ|ד\"ר|דר'?|מר|גב'?|גברת|הרופא|הרופאה|העובד|העובדת|המורה|היועצת|"
    r"היועץ|הפסיכולוג|הפסיכולוגית|مع|لـ?|عند|د\.?|دكتور|دكتوره|الدكتور|الدكتوره|الدكتورة|الأستاذ|الاستاذ|"
    r"الأستاذة|الاستاذه|السيد|السيدة|السيده|الأخصائية|الاخصائيه|with|to|ask|call|contact|dr\.?|mr\.?|"
    r"mrs\.?|ms\.?|miss|doctor|nurse|counselor|counsellor)\s*$"
)
_VOCATIVE_AFTER = re.compile(r"\s*[,،!:]")
_SENTENCE_START = re.compile(r"(?:^|[.!?؟\n])\W*$")
# Fewer words than this with letters in them say too little about a language to block on.
MIN_LANGUAGE_WORDS = 2


@cache
def _lexicon(directory: str) -> Lexicon:
    return lexicon_files.load(directory or None)


@cache
def _language_detector() -> MessageLanguageDetector:
    # One Latin and one Cyrillic language: no statistical model is loaded, script counting and the
    # Arabizi detector decide, which is all the gate needs to tell a reply off its route.
    return MessageLanguageDetector(latin_languages=("en",), cyrillic_languages=("ru",))


def _digits(value: str) -> str:
    return "".join(str(unicodedata.decimal(ch)) for ch in value if ch.isdecimal())


def _link_key(value: str) -> str:
    return _URL_PREFIX.sub("", value.strip().casefold()).rstrip("/")


@cache
def _allowed_numbers(policy: SafetyPolicy) -> frozenset[str]:
    numbers = (*policy.allowed_numbers, policy.emergency_number, policy.hotline_number)
    return frozenset(d for d in map(_digits, numbers) if d)


@cache
def _allowed_links(policy: SafetyPolicy) -> frozenset[str]:
    return frozenset(_link_key(link) for link in policy.allowed_links if link.strip())


def _allowed_link(value: str, policy: SafetyPolicy) -> bool:
    key = _link_key(value)
    host, _, _ = key.partition("/")
    for allowed in _allowed_links(policy):
        if key == allowed or host == allowed or host.endswith("." + allowed):
            return True
    return False


def _allowed_identifier(entity_type: str, value: str, policy: SafetyPolicy) -> bool:
    if entity_type == "PHONE":
        return _digits(value) in _allowed_numbers(policy)
    if entity_type in ("URL", "EMAIL"):
        return _allowed_link(value, policy)
    return False


def _mask_placeholders(text: str) -> str:
    """Placeholders blanked out (same length), so no detector reads "[PERSON_1]" as a word."""
    text = PLACEHOLDER_RE.sub(lambda m: " " * len(m.group()), text)
    return _PLACEHOLDER_LIKE.sub(lambda m: " " * len(m.group()), text)


def _normalise_placeholder(token: str) -> str:
    token = token.strip()
    return token if token.startswith("[") else f"[{token}]"


def unknown_placeholders(text: str, known_placeholders: Collection[str]) -> bool:
    known = {_normalise_placeholder(p) for p in known_placeholders}
    if any(m.group() not in known for m in PLACEHOLDER_RE.finditer(text)):
        return True
    return any(
        not PLACEHOLDER_RE.fullmatch(m.group()) and m.group() not in known
        for m in _PLACEHOLDER_LIKE.finditer(text)
    )


def _marked_person(text: str, start: int, end: int) -> bool:
    if len(text[start:end].split()) > 1:
        return True
    before = text[max(0, start - 30) : start]
    if _PERSON_CUE.search(before):
        return True
    return bool(_SENTENCE_START.search(before) and _VOCATIVE_AFTER.match(text, end))


def hallucinated_identifiers(masked: str, policy: SafetyPolicy) -> bool:
    try:
        spans = detect(masked)
    except DeidentificationError:
        # Too long or a detector failed: the text cannot be vouched for, so it is not offered.
        return True
    for span in spans:
        if span.entity_type not in policy.identifier_types:
            continue
        if span.entity_type == "PERSON" and not _marked_person(masked, span.start, span.end):
            continue
        if not _allowed_identifier(span.entity_type, masked[span.start : span.end], policy):
            return True
    allowed = _allowed_numbers(policy)
    for sentence in _SENTENCE.finditer(masked):
        numbers = _DIAL_NUMBER.findall(sentence.group())
        if (
            numbers
            and _DIAL_CUE.search(sentence.group())
            and any(_digits(number) not in allowed for number in numbers)
        ):
            return True
    return False


def language_mismatch(masked: str, route: str) -> bool:
    if route not in LANGUAGE_ROUTES:
        # A multilingual or unsupported route has no single language to hold a reply to.
        return False
    lettered = [word for word in profile(masked).words if any(ch.isalpha() for ch in word.text)]
    if len(lettered) < MIN_LANGUAGE_WORDS:
        return False
    label = _language_detector().detect(masked)
    if label in (NEUTRAL, UNDETERMINED):
        return False
    return NATURAL_ROUTE.get(label) != route


def check_candidate(
    text: str,
    *,
    route: str,
    known_placeholders: Collection[str],
    policy: SafetyPolicy = DEFAULT_POLICY,
) -> tuple[str, ...]:
    """The reason codes this candidate fails on, in ``REASONS`` order; empty when it may be offered.

    ``route`` is the conversation's route (``he``, ``ar``; other routes skip the language check),
    ``known_placeholders`` the placeholders (``[PERSON_1]`` or ``PERSON_1``) seen in the
    conversation's de-identified history.
    """
    found = set(lexical_reasons(Prepared.of(text), _lexicon(policy.lexicon_dir)))
    masked = _mask_placeholders(text)
    if hallucinated_identifiers(masked, policy):
        found.add(HALLUCINATED_IDENTIFIER)
    if unknown_placeholders(text, known_placeholders):
        found.add(UNKNOWN_PLACEHOLDER)
    if language_mismatch(masked, route):
        found.add(LANGUAGE_MISMATCH)
    return tuple(reason for reason in REASONS if reason in found)


def warm_up(policy: SafetyPolicy = DEFAULT_POLICY) -> None:
    """Compile the lexicons and build the detectors now, so the first candidate is not slow."""
    _lexicon(policy.lexicon_dir).warm()
    check_candidate("שלום", route="he", known_placeholders=(), policy=policy)
