"""Suicide-risk detection on help-seeker turns, in Hebrew, Arabic (MSA and dialect), Arabizi and English.

Levels (:class:`RiskLevel`, C-SSRS spirit): none < low (hopelessness, passive wish to be dead or to
disappear, feeling a burden) < moderate (active suicidal thoughts without plan or intent) < high (plan,
intent, preparation, a goodbye, recent self-harm or attempt) < imminent (intent with means at hand or a
time that is now, an act in progress).

Public API (pure Python; no faust, Kafka or gRPC; lexicons compiled once per process):

``default_detector() -> RiskDetector``
    The cached lexicon detector. ``RiskDetector(lexicons=None, classifier=None)`` builds another one,
    e.g. with an :class:`care.risk.classifier.OnnxRiskClassifier` whose level is combined by maximum.
``RiskDetector.assess(text, context: TurnContext | None = None) -> TurnRisk``
    The level one help-seeker turn expresses. Works on de-identified text (``[PERSON_1]`` etc.).
``context_for(counselor_text: str | None, prior_level=RiskLevel.NONE, detector=None) -> TurnContext``
    Builds the context from the counselor message the turn replies to (the last counselor message, if
    no help-seeker turn with words answered it yet; else ``None``) and the conversation's running
    maximum before the turn. A "yes" after "are you thinking of suicide?" is moderate, after "do you
    have a plan?" high, after "are the pills with you?" imminent.
``ConversationRisk``
    The same fold kept in memory: ``.counselor(text)``, ``.help_seeker(text) -> TurnRisk``,
    ``.max_level``. A short answer ("yes") lets the next help-seeker message go on answering the
    same question ("a lot, mostly at night"). ``assess_turns([(role, text), ...])`` runs it over a
    whole conversation.
``pending_question([(role, text), ...]) -> str | None``
    The counselor message the next help-seeker turn is read against, from the history before it:
    exactly what ``ConversationRisk`` would use (the same step function drives both).
``TurnRisk(level: RiskLevel, categories: tuple[str, ...])``
    Never holds text: a level and cue category names ("active_ideation", "plan", "affirmed_question",
    "other_person", "denial", ...). ``level.label`` is the wire name ("moderate").

Typical assembler use, per help-seeker message::

    context = context_for(unanswered_counselor_text, RiskLevel(state_max))
    risk = default_detector().assess(text, context)

Per-message cost is a fraction of a millisecond on one core (measured by the benchmark, bench/risk.py;
figures in bench/results/risk.md).
"""

from __future__ import annotations

from care.risk.context import QuestionKind
from care.risk.conversation import (
    COUNSELOR,
    HELP_SEEKER,
    ConversationRisk,
    assess_turns,
    context_for,
    pending_question,
)
from care.risk.detect import RiskDetector, TurnClassifier, TurnContext, TurnRisk, default_detector, detect
from care.risk.levels import RiskLevel

__all__ = [
    "COUNSELOR",
    "HELP_SEEKER",
    "ConversationRisk",
    "QuestionKind",
    "RiskDetector",
    "RiskLevel",
    "TurnClassifier",
    "TurnContext",
    "TurnRisk",
    "assess_turns",
    "context_for",
    "default_detector",
    "detect",
    "pending_question",
]
