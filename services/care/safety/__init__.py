"""Safety gate on generated candidates, and the safety-protocol candidate for high-risk turns."""

from care.safety.gate import (
    HALLUCINATED_IDENTIFIER,
    LANGUAGE_MISMATCH,
    REASONS,
    UNKNOWN_PLACEHOLDER,
    check_candidate,
    warm_up,
)
from care.safety.policy import DEFAULT_POLICY, SafetyPolicy
from care.safety.protocol import ProtocolConfigError, protocol_candidate
from care.safety.rules import (
    BLAMING,
    MEDICAL_DOSING,
    METHOD_OR_MEANS,
    MINIMISING,
    MORALISING,
    SECRECY_PROMISE,
    STIGMATISING,
)

__all__ = [
    "BLAMING",
    "DEFAULT_POLICY",
    "HALLUCINATED_IDENTIFIER",
    "LANGUAGE_MISMATCH",
    "MEDICAL_DOSING",
    "METHOD_OR_MEANS",
    "MINIMISING",
    "MORALISING",
    "REASONS",
    "SECRECY_PROMISE",
    "STIGMATISING",
    "UNKNOWN_PLACEHOLDER",
    "ProtocolConfigError",
    "SafetyPolicy",
    "check_candidate",
    "protocol_candidate",
    "warm_up",
]
