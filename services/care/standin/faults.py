"""The stand-in's fault plan: which generation requests fail, and how (pure; the server owns the state).

Modes: ``none``; ``429`` (TGI's "overloaded"), ``503`` (backend unavailable), ``424`` (TGI's "generation"
error), ``500`` (TGI's "incomplete_generation"), ``timeout`` (the request is held open, unanswered).
``rate`` is the probability that a request is hit; ``count`` bounds how many are hit before the plan
reverts to ``none``. The draw comes from a ``random.Random`` the caller owns and seeds, so a run of
requests fails the same way every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any, Final, Literal, cast

FaultMode = Literal["none", "429", "503", "424", "500", "timeout"]

FAULT_MODES: Final[tuple[FaultMode, ...]] = ("none", "429", "503", "424", "500", "timeout")


class FaultPlanError(ValueError):
    """A fault plan that cannot be applied (bad mode, rate or count)."""


@dataclass(frozen=True)
class FaultPlan:
    mode: FaultMode = "none"
    rate: float = 0.0
    # Faults left to inject before reverting to "none"; None means no limit.
    count: int | None = None

    def __post_init__(self) -> None:
        if self.mode not in FAULT_MODES:
            raise FaultPlanError(f"mode must be one of {', '.join(FAULT_MODES)}")
        if not 0.0 <= self.rate <= 1.0:
            raise FaultPlanError("rate must be between 0.0 and 1.0")
        if self.count is not None and self.count < 0:
            raise FaultPlanError("count must be a non-negative integer")

    @property
    def active(self) -> bool:
        return self.mode != "none" and self.rate > 0.0 and self.count != 0

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "rate": self.rate, "count": self.count}

    @classmethod
    def from_json(cls, body: object) -> FaultPlan:
        """Parse the control endpoint's body. ``rate`` defaults to 1.0 when a failing mode is named."""
        if not isinstance(body, dict):
            raise FaultPlanError("body must be a JSON object")
        unknown = set(body) - {"mode", "rate", "count"}
        if unknown:
            raise FaultPlanError(f"unknown fields: {', '.join(sorted(unknown))}")
        mode = body.get("mode", "none")
        if mode not in FAULT_MODES:
            raise FaultPlanError(f"mode must be one of {', '.join(FAULT_MODES)}")
        rate = body.get("rate", 0.0 if mode == "none" else 1.0)
        if isinstance(rate, bool) or not isinstance(rate, int | float):
            raise FaultPlanError("rate must be a number between 0.0 and 1.0")
        count = body.get("count")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
            raise FaultPlanError("count must be a non-negative integer or null")
        plan = cls(mode=cast(FaultMode, mode), rate=float(rate), count=count)
        return plan if plan.active else cls()


def decide(plan: FaultPlan, rng: random.Random) -> tuple[FaultMode | None, FaultPlan]:
    """Whether this request gets a fault, and the plan that holds after it."""
    if not plan.active:
        return None, plan
    # Drawing only when the outcome is uncertain keeps a rate of 1.0 from consuming the sequence.
    if plan.rate < 1.0 and rng.random() >= plan.rate:
        return None, plan
    if plan.count is None:
        return plan.mode, plan
    remaining = plan.count - 1
    return plan.mode, (replace(plan, count=remaining) if remaining > 0 else FaultPlan())
