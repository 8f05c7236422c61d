"""Risk levels, in the spirit of the Columbia Suicide Severity Rating Scale (C-SSRS).

none < low < moderate < high < imminent:

- low: hopelessness, a passive wish to be dead, to disappear, not to wake up, to stop being a burden;
- moderate: active suicidal thoughts without plan or intent ("I think about killing myself");
- high: a plan or intent, preparation, a goodbye, or recent self-harm;
- imminent: intent with means or a time that is now, or an act in progress.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["RiskLevel"]


class RiskLevel(IntEnum):
    NONE = 0
    LOW = 1
    MODERATE = 2
    HIGH = 3
    IMMINENT = 4

    @property
    def label(self) -> str:
        """The lower-case name used on the wire and in evaluation files ("moderate")."""
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> RiskLevel:
        """The level named ``value`` (any case); ``ValueError`` for an unknown name."""
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown risk level {value!r}; expected one of {[m.label for m in cls]}"
            ) from None
