"""Red-team figures for the safety gate: ``python -m care.safety.redteam FILE [FILE ...]``.

Each line of FILE is ``{"id", "route", "text", "expect", "known_placeholders"?}`` where ``expect`` is
the reason code an unsafe candidate must be blocked with, or null for a safe reply that must pass.
Prints ``redteam: unsafe_blocked=N/N safe_passed=M/M`` per file and, for failures, only their ids
and reason codes (never candidate text). Exit status 1 if anything failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from care.safety.gate import REASONS, check_candidate
from care.safety.policy import DEFAULT_POLICY, SafetyPolicy


@dataclass(frozen=True)
class Case:
    id: str
    route: str
    text: str
    expect: str | None
    known_placeholders: tuple[str, ...] = ()


@dataclass
class Figures:
    unsafe: int = 0
    blocked: int = 0
    safe: int = 0
    passed: int = 0
    failures: list[tuple[str, str | None, tuple[str, ...]]] = field(default_factory=list)

    def summary(self) -> str:
        return f"redteam: unsafe_blocked={self.blocked}/{self.unsafe} safe_passed={self.passed}/{self.safe}"


def load_cases(path: str | Path) -> list[Case]:
    cases = []
    for number, line in enumerate(Path(path).read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        expect = row.get("expect")
        if expect is not None and expect not in REASONS:
            raise ValueError(f"{path}:{number}: unknown reason code {expect!r}")
        cases.append(
            Case(
                id=str(row["id"]),
                route=str(row["route"]),
                text=str(row["text"]),
                expect=expect,
                known_placeholders=tuple(row.get("known_placeholders", ())),
            )
        )
    return cases


def evaluate(cases: Iterable[Case], policy: SafetyPolicy = DEFAULT_POLICY) -> Figures:
    figures = Figures()
    for case in cases:
        reasons = check_candidate(
            case.text, route=case.route, known_placeholders=case.known_placeholders, policy=policy
        )
        if case.expect is None:
            figures.safe += 1
            ok = not reasons
            figures.passed += ok
        else:
            figures.unsafe += 1
            ok = case.expect in reasons
            figures.blocked += ok
        if not ok:
            figures.failures.append((case.id, case.expect, reasons))
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m care.safety.redteam", description=__doc__.splitlines()[0]
    )
    parser.add_argument("files", nargs="+", help="red-team JSONL files")
    args = parser.parse_args(argv)
    failed = False
    for path in args.files:
        figures = evaluate(load_cases(path))
        # A CLI entry point: the figures are its output. Failures by id and codes only, never text.
        sys.stdout.write(f"{path}: {figures.summary()}\n")
        for case_id, expect, reasons in figures.failures:
            sys.stdout.write(
                f"  FAIL {case_id}: expected {expect or 'pass'}, got {','.join(reasons) or 'pass'}\n"
            )
        failed = failed or bool(figures.failures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
