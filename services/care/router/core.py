"""Language routing core: which model route a conversation takes, decided from what the help-seeker writes.

Plain functions over immutable values; the router's shell persists the returned ``RouteState`` per
conversation. Text reaching this stage is already de-identified, and no text is kept in the state.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from care.deid.placeholders import PLACEHOLDER_RE


class Language(StrEnum):
    HE = "he"
    AR = "ar"
    NEUTRAL = "neutral"  # no language evidence: emoji, digits, punctuation, "ok"
    OTHER = "other"


ROUTE_HE = "he"
ROUTE_AR = "ar"
ROUTE_UNSUPPORTED = "unsupported"
ROUTES = frozenset({ROUTE_HE, ROUTE_AR, ROUTE_UNSUPPORTED})

# Later detectors (Arabizi, statistical models) may report more languages; each maps to a route here.
ROUTE_FOR_LANGUAGE: Mapping[str, str] = MappingProxyType(
    {Language.HE: ROUTE_HE, Language.AR: ROUTE_AR, Language.OTHER: ROUTE_UNSUPPORTED}
)
_ROUTE_NAMES: Mapping[str, str] = MappingProxyType(
    {ROUTE_HE: "Hebrew", ROUTE_AR: "Arabic", ROUTE_UNSUPPORTED: "an unsupported language"}
)
_DECIDED_REASONS: Mapping[str, str] = MappingProxyType(
    {ROUTE_HE: "Hebrew script", ROUTE_AR: "Arabic script", ROUTE_UNSUPPORTED: "unsupported language"}
)

# How many consecutive messages in another language it takes to move a conversation: one stray
# message (a quoted phrase, a loanword-heavy line) must not flip the model mid-conversation.
SWITCH_AFTER = 3
DEFAULT_ROUTE = ROUTE_HE
DEFAULT_REASON = "no language evidence yet; default route"

_HEBREW_RANGES = ((0x05D0, 0x05EA), (0xFB1D, 0xFB4F))
_ARABIC_RANGES = (
    (0x0620, 0x064A),
    (0x066E, 0x06D3),
    (0x06FA, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)

# Chat fillers written in Latin letters by Hebrew and Arabic speakers alike; alone they say nothing
# about the conversation's language.
NEUTRAL_LATIN_TOKENS = frozenset(
    {
        "ok", "okay", "okey", "okk", "k", "kk", "oki", "lol", "lmao", "thx", "tnx", "ty", "hi", "hii",
        "hey", "bye", "hmm", "hm", "mm", "mmm", "ah", "oh", "wow", "omg", "xd", "xo", "ya", "yo",
        "pls", "plz", "np", "idk", "brb", "btw", "sry", "x", "v",
    }
)  # fmt: skip
# Hebrew and Arabic are written without most vowels, so the same words take about a third fewer
# letters than in Latin or Cyrillic script; without this weight "אני רק רוצה peace of mind" would
# count as English.
ABJAD_WEIGHT = 1.5
_LATIN_WORD = re.compile(r"[^\W\d_]+")


def _in_ranges(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def detect_language(text: str) -> Language:
    """The language of one message, by script: Hebrew vs Arabic vs other letters."""
    text = PLACEHOLDER_RE.sub(" ", text)
    hebrew = arabic = other = 0
    for ch in text:
        if not ch.isalpha():
            continue
        code = ord(ch)
        if _in_ranges(code, _HEBREW_RANGES):
            hebrew += 1
        elif _in_ranges(code, _ARABIC_RANGES):
            arabic += 1
        else:
            other += 1
    if hebrew == arabic == other == 0:
        return Language.NEUTRAL
    if hebrew == arabic == 0 and all(
        word.casefold() in NEUTRAL_LATIN_TOKENS for word in _LATIN_WORD.findall(text)
    ):
        return Language.NEUTRAL
    if other > ABJAD_WEIGHT * (hebrew + arabic):
        return Language.OTHER
    # Code-switching is common ("אני so done", "بدي أروح على פסיכולוג"): the larger of the two scripts
    # wins, and a tie goes to Hebrew, the default route.
    return Language.AR if arabic > hebrew else Language.HE


LanguageDetector = Callable[[str], str]


@dataclass(frozen=True)
class RouteState:
    """A conversation's route after its latest help-seeker message.

    ``route``: "he", "ar" or "unsupported" ("" only in a state built by hand before any message).
    ``language``: the language detected in the latest message. ``reason``: short English text for the
    counselor, never message text. ``recent``: languages of the latest non-neutral messages, oldest
    first, at most ``SWITCH_AFTER``; empty while the conversation has shown no language at all.
    """

    route: str
    language: str
    reason: str
    recent: tuple[str, ...]


def _route_for(language: str) -> str:
    return ROUTE_FOR_LANGUAGE.get(language, ROUTE_UNSUPPORTED)


def decide_route(
    state: RouteState | None, text: str, detect: LanguageDetector = detect_language
) -> RouteState:
    language = str(detect(text))
    decided = state is not None and bool(state.recent) and state.route in ROUTES

    if language == Language.NEUTRAL:
        if state is None or not decided:
            return RouteState(DEFAULT_ROUTE, language, DEFAULT_REASON, ())
        return RouteState(state.route, language, "route kept: no language in this message", state.recent)

    if state is None or not decided:
        route = _route_for(language)
        return RouteState(route, language, _DECIDED_REASONS[route], (language,))

    recent = (*state.recent, language)[-SWITCH_AFTER:]
    route = _route_for(language)
    if route == state.route:
        return RouteState(route, language, _DECIDED_REASONS[route], recent)
    if len(recent) == SWITCH_AFTER and all(_route_for(seen) == route for seen in recent):
        reason = f"switched to {_ROUTE_NAMES[route]} after {SWITCH_AFTER} messages"
        return RouteState(route, language, reason, recent)
    reason = f"route kept: {SWITCH_AFTER} messages in a row needed to switch language"
    return RouteState(state.route, language, reason, recent)
