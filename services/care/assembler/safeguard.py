"""What the assembler does for safety around a suggestion, with no I/O: the safety gate on every
generated candidate, the safety-protocol candidate at high risk, and the settings they run under.

The gate (``care.safety``) decides; this module applies its verdicts to a suggestion. A candidate
that fails is replaced from the fallback bank, so the counselor still gets a choice, and the
reason codes (never the text) are attached to the suggestion. Streamed partial text passes the
same gate before it is shown: a candidate whose text so far fails is withheld from partials.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from care.assembler.history import History
from care.assembler.state import risk_from_proto, risk_to_proto
from care.config import Settings
from care.deid.placeholders import PLACEHOLDER_RE
from care.inference.fallback import FALLBACK_SOURCE, fallback_text
from care.risk.levels import RiskLevel
from care.safety import SafetyPolicy, check_candidate, protocol_candidate
from care.v1 import events_pb2

PROTOCOL_SOURCE = "protocol"
# The protocol asks about safety and offers emergency services: ESConv's "Providing Suggestions"
# is the label it fits, and the one the model candidates beside it (the first strategies of the
# default order) never take at the default count.
PROTOCOL_STRATEGY = "Providing Suggestions"
PROTOCOL_LEVEL = RiskLevel.HIGH

SAFETY_REPLACED_ALL = "The safety gate withheld every generated reply; showing general supportive replies."


def safety_policy(settings: Settings) -> SafetyPolicy:
    return SafetyPolicy(
        allowed_numbers=settings.safety_allowed_number_list,
        allowed_links=settings.safety_allowed_link_list,
        emergency_number=settings.safety_emergency_number,
        hotline_number=settings.safety_hotline_number,
        protocol_dir=settings.safety_protocol_dir,
    )


def known_placeholders(history: History) -> frozenset[str]:
    """Every placeholder the conversation's de-identified turns carry: the only ones restore can fill."""
    return frozenset(match.group(0) for turn in history.turns for match in PLACEHOLDER_RE.finditer(turn.text))


def needs_protocol(risk_level: RiskLevel) -> bool:
    return risk_level >= PROTOCOL_LEVEL


def model_candidate_count(num_candidates: int, risk_level: RiskLevel) -> int:
    """How many candidates to ask the model for: one fewer when the protocol candidate takes a place."""
    return max(1, num_candidates - 1) if needs_protocol(risk_level) else num_candidates


@dataclass(frozen=True)
class Gated:
    candidates: list[events_pb2.Candidate]
    # One reason code per failed rule of every replaced candidate, in candidate order.
    blocks: tuple[str, ...]
    replaced: int
    generated: int


def gate_candidates(
    candidates: Sequence[events_pb2.Candidate],
    *,
    route: str,
    placeholders: Collection[str],
    policy: SafetyPolicy,
    variant: int = 0,
) -> Gated:
    """Model candidates that fail the gate are replaced by a fallback reply of the same strategy;
    fallback and protocol texts are the line's own and are not re-checked."""
    kept: list[events_pb2.Candidate] = []
    blocks: list[str] = []
    replaced = generated = 0
    for candidate in candidates:
        if candidate.source in (FALLBACK_SOURCE, PROTOCOL_SOURCE):
            kept.append(candidate)
            continue
        generated += 1
        reasons = check_candidate(candidate.text, route=route, known_placeholders=placeholders, policy=policy)
        if not reasons:
            kept.append(candidate)
            continue
        replaced += 1
        blocks.extend(reasons)
        kept.append(
            events_pb2.Candidate(
                index=candidate.index,
                text=fallback_text(route, candidate.strategy, variant + candidate.index),
                strategy=candidate.strategy,
                source=FALLBACK_SOURCE,
            )
        )
    return Gated(kept, tuple(blocks), replaced, generated)


def withhold_unsafe_partials(
    candidates: Iterable[events_pb2.Candidate],
    *,
    route: str,
    placeholders: Collection[str],
    policy: SafetyPolicy,
) -> list[events_pb2.Candidate]:
    """Partial text that already fails the gate is not shown; the complete suggestion replaces it."""
    return [
        candidate
        for candidate in candidates
        if not check_candidate(candidate.text, route=route, known_placeholders=placeholders, policy=policy)
    ]


def shown_partials(
    candidates: Iterable[events_pb2.Candidate],
    *,
    route: str,
    placeholders: Collection[str],
    risk_level: RiskLevel,
    policy: SafetyPolicy,
) -> list[events_pb2.Candidate]:
    """What a streamed partial suggestion shows: text that passes the gate so far, led by the
    protocol candidate at high risk, numbered as the complete suggestion will be."""
    shown = withhold_unsafe_partials(candidates, route=route, placeholders=placeholders, policy=policy)
    return protocol_first(shown, route, policy) if needs_protocol(risk_level) else shown


def protocol_first(
    candidates: Sequence[events_pb2.Candidate], route: str, policy: SafetyPolicy
) -> list[events_pb2.Candidate]:
    """The safety-protocol candidate first, the others after it, renumbered."""
    protocol = events_pb2.Candidate(
        index=0, text=protocol_candidate(route, policy), strategy=PROTOCOL_STRATEGY, source=PROTOCOL_SOURCE
    )
    rest = [shift_index(candidate, 1) for candidate in candidates]
    return [protocol, *rest]


def shift_index(candidate: events_pb2.Candidate, by: int) -> events_pb2.Candidate:
    moved = events_pb2.Candidate()
    moved.CopyFrom(candidate)
    moved.index = candidate.index + by
    return moved


def apply_safety(
    suggestion: events_pb2.Suggestion,
    *,
    history: History,
    risk_level: RiskLevel,
    policy: SafetyPolicy,
    variant: int = 0,
) -> Gated:
    """Gate a complete suggestion in place, add the protocol candidate at high risk, and set its risk
    level and block codes. Superseded and no-suggestion results pass through untouched."""
    suggestion.risk_level = risk_level_to_proto(risk_level)
    if suggestion.status not in (events_pb2.SUGGESTION_STATUS_OK, events_pb2.SUGGESTION_STATUS_FALLBACK):
        return Gated(list(suggestion.candidates), (), 0, 0)
    route = suggestion.route
    gated = gate_candidates(
        suggestion.candidates,
        route=route,
        placeholders=known_placeholders(history),
        policy=policy,
        variant=variant,
    )
    candidates = gated.candidates
    if needs_protocol(risk_level):
        candidates = protocol_first(candidates, route, policy)
    del suggestion.candidates[:]
    suggestion.candidates.extend(candidates)
    suggestion.safety_blocks.extend(gated.blocks)
    if gated.replaced:
        if gated.replaced == gated.generated:
            suggestion.status = events_pb2.SUGGESTION_STATUS_FALLBACK
            suggestion.status_reason = SAFETY_REPLACED_ALL
        else:
            note = (
                f"{gated.replaced} of {gated.generated} generated replies replaced by general replies "
                "(safety gate)"
            )
            suggestion.status_reason = (
                f"{suggestion.status_reason}; {note}" if suggestion.status_reason else note
            )
    return gated


def risk_level_to_proto(level: RiskLevel) -> events_pb2.RiskLevel:
    return risk_to_proto(int(level))


def risk_level_from_proto(value: int) -> RiskLevel:
    return RiskLevel(risk_from_proto(value))
