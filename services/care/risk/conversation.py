"""Reading help-seeker turns in order: the risk question pending and the conversation's running maximum.

:func:`context_for` is the stateless step (what the assembler calls with its own stored state);
:class:`ConversationRisk` is the same fold kept in memory (what ``care risk`` and tests use).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from care.risk.detect import RiskDetector, TurnContext, TurnRisk, default_detector
from care.risk.levels import RiskLevel
from care.risk.normalize import PLACEHOLDER_MARK, normalize

__all__ = [
    "COUNSELOR",
    "HELP_SEEKER",
    "ConversationRisk",
    "assess_turns",
    "context_for",
    "has_letters",
    "pending_question",
]

HELP_SEEKER = "help_seeker"
# An answer this short may be continued in the next message ("yes" / "for a while now").
SHORT_ANSWER_WORDS = 3
COUNSELOR = "counselor"


def has_letters(text: str) -> bool:
    """Whether a turn says anything; "..." or an emoji neither answers nor consumes a question.

    A de-identified value counts: "[ADDRESS_1]" answers "where are you?".
    """
    return any(ch.isalpha() or ch == PLACEHOLDER_MARK for ch in normalize(text))


def _is_short(text: str) -> bool:
    return len(normalize(text).split()) <= SHORT_ANSWER_WORDS


def _step(pending: str | None, carried: str | None, role: str, text: str) -> tuple[str | None, str | None]:
    """The fold's question state (pending, carried) after one turn; the single rule both the batch
    fold and :func:`pending_question` follow."""
    if role == COUNSELOR:
        return text, None
    if not has_letters(text):
        return pending, carried
    return None, (pending if pending is not None and _is_short(text) else None)


def _asked(pending: str | None, carried: str | None) -> str | None:
    return pending if pending is not None else carried


def pending_question(turns: Sequence[tuple[str, str]]) -> str | None:
    """The counselor message the next help-seeker turn is read against, from the history before it.

    ``turns`` are (role, text) pairs in order, roles ``"help_seeker"`` / ``"counselor"``: the last
    counselor message if no help-seeker turn with words answered it yet, or the one a short answer
    just answered ("yes" then "a lot, mostly at night"), else ``None``. Exactly what
    :class:`ConversationRisk` uses for the next help-seeker turn after the same turns.
    """
    pending: str | None = None
    carried: str | None = None
    for role, text in turns:
        pending, carried = _step(pending, carried, role, text)
    return _asked(pending, carried)


def context_for(
    counselor_text: str | None,
    prior_level: RiskLevel = RiskLevel.NONE,
    detector: RiskDetector | None = None,
) -> TurnContext:
    """The context to read a help-seeker turn in.

    ``counselor_text`` is the counselor's message this turn replies to: the last counselor message,
    as long as no help-seeker turn with words came after it (that turn already answered it); otherwise
    ``None``. ``prior_level`` is the conversation's running maximum before this turn.
    """
    if not counselor_text:
        return TurnContext(prior_level=prior_level)
    asked = (detector or default_detector()).questions(counselor_text)
    return TurnContext(
        question=asked[0] if asked else None,
        prior_level=prior_level,
        counselor_text=counselor_text,
        also_asked=asked[1:],
    )


@dataclass
class ConversationRisk:
    """One conversation's risk, turn by turn. Keeps no text beyond the one pending counselor message."""

    detector: RiskDetector = field(default_factory=default_detector)
    max_level: RiskLevel = RiskLevel.NONE
    _pending: str | None = None
    # The question a short answer just answered: a burst ("yes" then "a lot, mostly at night") goes
    # on answering it for one more turn.
    _carried: str | None = None

    def counselor(self, text: str) -> None:
        """Record a counselor message; the next help-seeker turn with words is read as its answer."""
        self._pending, self._carried = _step(self._pending, self._carried, COUNSELOR, text)

    def help_seeker(self, text: str) -> TurnRisk:
        """The risk this help-seeker turn expresses; raises the running maximum."""
        context = context_for(_asked(self._pending, self._carried), self.max_level, self.detector)
        risk = self.detector.assess(text, context)
        self._pending, self._carried = _step(self._pending, self._carried, HELP_SEEKER, text)
        if risk.level > self.max_level:
            self.max_level = risk.level
        return risk


def assess_turns(
    turns: Iterable[tuple[str, str]], detector: RiskDetector | None = None
) -> list[TurnRisk | None]:
    """(role, text) pairs in order -> a TurnRisk per help-seeker turn, ``None`` for counselor turns."""
    fold = ConversationRisk(detector or default_detector())
    results: list[TurnRisk | None] = []
    for role, text in turns:
        if role == COUNSELOR:
            fold.counselor(text)
            results.append(None)
        else:
            results.append(fold.help_seeker(text))
    return results
