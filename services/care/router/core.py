"""Language routing core: which model route a conversation takes, decided from what the help-seeker writes.

Plain functions over immutable values; the router's shell detects each message's language (see
``care.router.detect``) and persists the returned ``RouteState`` per conversation. Text reaching this
stage is already de-identified, and no text is kept in the state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from lingua import IsoCode639_1, Language

from care.router.detect import AR, ARABIZI, HE, MIXED_AR_HE, MIXED_HE_EN, NEUTRAL, UNDETERMINED

ROUTE_HE: Final = "he"
ROUTE_AR: Final = "ar"
# A multilingual model for the languages no dedicated route serves, when a line configures one.
ROUTE_MULTI: Final = "multi"
ROUTE_UNSUPPORTED: Final = "unsupported"
LANGUAGE_ROUTES: Final = (ROUTE_HE, ROUTE_AR)
MODEL_ROUTES: Final = frozenset({ROUTE_HE, ROUTE_AR, ROUTE_MULTI})
ROUTES: Final = MODEL_ROUTES | {ROUTE_UNSUPPORTED}

# Route by the text: Arabizi and Arabic with Hebrew words are read by the Arabic model, Hebrew with
# English by the Hebrew one; who writes does not matter, only what the model must read.
NATURAL_ROUTE: Mapping[str, str] = MappingProxyType(
    {HE: ROUTE_HE, MIXED_HE_EN: ROUTE_HE, AR: ROUTE_AR, ARABIZI: ROUTE_AR, MIXED_AR_HE: ROUTE_AR}
)

_LABEL_NAMES: Mapping[str, str] = MappingProxyType(
    {
        HE: "Hebrew",
        AR: "Arabic",
        ARABIZI: "Arabic in Latin letters (Arabizi)",
        MIXED_AR_HE: "Arabic with Hebrew words",
        MIXED_HE_EN: "Hebrew with English words",
        UNDETERMINED: "a language that could not be identified",
        "am": "Amharic",  # lingua has no Ethiopic languages; the label comes from the script
    }
)

# How many consecutive messages in another route's language it takes to move a conversation: one
# stray message (a quoted phrase, a loanword-heavy line) must not flip the model mid-conversation.
SWITCH_AFTER = 3
DEFAULT_ROUTE = ROUTE_HE
DEFAULT_REASON = "no language evidence yet; default route"


def language_name(label: str) -> str:
    """An English name for a per-message label, for reasons shown to counselors."""
    if label in _LABEL_NAMES:
        return _LABEL_NAMES[label]
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(label)).name.title()
    except ValueError:
        return "an unsupported language"


class RouteConfigError(ValueError):
    """A routing configuration this line cannot run with."""


@dataclass(frozen=True)
class RoutePolicy:
    """Which routes have a model on this line, and where the other languages go.

    ``served``: the language routes with a model ("he", "ar"). ``fallback``: ``ROUTE_MULTI`` to send
    every other language to a multilingual model, or "" to give it no suggestions.
    """

    served: frozenset[str] = frozenset(LANGUAGE_ROUTES)
    fallback: str = ""

    def __post_init__(self) -> None:
        unknown = set(self.served) - set(LANGUAGE_ROUTES)
        if unknown:
            raise RouteConfigError(
                f"unknown language routes: {sorted(unknown)} (known: {list(LANGUAGE_ROUTES)})"
            )
        if not self.served and not self.fallback:
            raise RouteConfigError("no route serves any language: set routes_served or route_fallback")
        if self.fallback not in ("", ROUTE_MULTI):
            raise RouteConfigError(f"fallback route must be {ROUTE_MULTI!r} or empty, not {self.fallback!r}")

    @classmethod
    def of(cls, served: Iterable[str], fallback: str = "") -> RoutePolicy:
        return cls(frozenset(served), fallback)

    @property
    def default_route(self) -> str:
        """Where a conversation goes before it has shown any language."""
        if DEFAULT_ROUTE in self.served:
            return DEFAULT_ROUTE
        return next(iter(sorted(self.served)), self.fallback or ROUTE_UNSUPPORTED)

    def route_for(self, label: str) -> str:
        natural = NATURAL_ROUTE.get(label)
        if natural is not None and natural in self.served:
            return natural
        return self.fallback or ROUTE_UNSUPPORTED


DEFAULT_POLICY = RoutePolicy()


@dataclass(frozen=True)
class RouteState:
    """A conversation's route after its latest help-seeker message.

    ``route``: one of :data:`ROUTES` ("" only in a state built by hand before any message).
    ``language``: the label of the latest message. ``reason``: short English text for the counselor,
    never message text. ``recent``: labels of the latest non-neutral messages, oldest first, at most
    ``SWITCH_AFTER``; empty while the conversation has shown no language at all.
    """

    route: str
    language: str
    reason: str
    recent: tuple[str, ...]


def _decided_reason(route: str, label: str) -> str:
    name = language_name(label)
    if route == ROUTE_UNSUPPORTED:
        return f"the help-seeker writes in {name}, which no model on this line serves"
    if route == ROUTE_MULTI:
        return f"{name}: served by the multilingual model"
    return name


def decide_route(state: RouteState | None, label: str, policy: RoutePolicy = DEFAULT_POLICY) -> RouteState:
    """The conversation's route after one more help-seeker message whose language is ``label``."""
    decided = state is not None and bool(state.recent) and state.route in ROUTES

    if label == NEUTRAL:
        if state is None or not decided:
            return RouteState(policy.default_route, label, DEFAULT_REASON, ())
        return RouteState(state.route, label, "route kept: no language in this message", state.recent)

    route = policy.route_for(label)
    if state is None or not decided:
        return RouteState(route, label, _decided_reason(route, label), (label,))

    recent = (*state.recent, label)[-SWITCH_AFTER:]
    if route == state.route:
        return RouteState(route, label, _decided_reason(route, label), recent)
    if len(recent) == SWITCH_AFTER and all(policy.route_for(seen) == route for seen in recent):
        reason = f"switched after {SWITCH_AFTER} messages: {_decided_reason(route, label)}"
        return RouteState(route, label, reason, recent)
    reason = f"route kept: {SWITCH_AFTER} messages in a row needed to switch language"
    return RouteState(state.route, label, reason, recent)
