"""Risk on each new help-seeker turn, read in the conversation's context, and whether to alert.

Pure: the assembler's core calls it with the history before the turn; the shell publishes the
alert before the history is stored, so a crash in between means redelivery and the same alert
again (its id derives from the turn's), never a lost one. The conversation keeps its running
maximum; an alert goes out when that maximum reaches the threshold and exceeds what was already
alerted, so a conversation is re-alerted only on a rise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from care.assembler.history import History, Turn
from care.assembler.state import risk_to_proto
from care.risk import RiskDetector, RiskLevel, TurnRisk, context_for, pending_question
from care.v1 import events_pb2


@dataclass(frozen=True)
class RiskPolicy:
    detector: RiskDetector
    alert_threshold: RiskLevel = RiskLevel.MODERATE


@dataclass(frozen=True)
class RiskStep:
    turn: TurnRisk
    previous_max: RiskLevel
    level_max: RiskLevel
    # The level alerted before this turn; an alert for this turn when ``alert`` is set.
    previously_alerted: RiskLevel
    alert: bool


def pending_counselor_text(turns: Sequence[Turn]) -> str | None:
    """The counselor message a new help-seeker turn replies to, exactly as the batch fold reads it:
    the last counselor message unless a help-seeker turn with words already answered it, or the one a
    short answer just answered ("yes" then "a lot, mostly at night")."""
    return pending_question([(turn.speaker.value, turn.text) for turn in turns])


def assess_turn(
    history: History, text: str, detector: RiskDetector, threshold: RiskLevel
) -> tuple[History, RiskStep]:
    """The risk of a new help-seeker turn given the ``history`` before it, and the history with its
    running maximum (and alerted level, when this turn alerts) updated."""
    previous_max = RiskLevel(history.risk_max)
    alerted = RiskLevel(history.risk_alerted)
    context = context_for(pending_counselor_text(history.turns), previous_max, detector)
    turn = detector.assess(text, context)
    level_max = max(previous_max, turn.level)
    alert = level_max >= threshold and level_max > alerted
    updated = replace(history, risk_max=int(level_max), risk_alerted=int(level_max if alert else alerted))
    return updated, RiskStep(turn, previous_max, level_max, alerted, alert)


def alert_id(event_id: str) -> str:
    """Derived from the triggering turn's id: a redelivery yields the same alert, which consumers drop."""
    return f"{event_id}/alert"


def risk_alert(conversation_id: str, event_id: str, step: RiskStep) -> events_pb2.RiskAlert:
    """The alert for ``step``: levels and category names only, never text."""
    alert = events_pb2.RiskAlert(
        alert_id=alert_id(event_id),
        conversation_id=conversation_id,
        event_id=event_id,
        level=risk_to_proto(step.level_max),
        previous_level=risk_to_proto(step.previously_alerted),
        categories=list(step.turn.categories),
    )
    alert.created_at.GetCurrentTime()
    return alert
