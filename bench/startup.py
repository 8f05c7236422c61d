"""Start-up cost measured in fresh interpreters, so caches warmed by an earlier benchmark in the
same ``make bench`` run cannot make it look free."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections import defaultdict
from typing import Any


def median_steps(script: str, runs: int) -> dict[str, Any]:
    """Median over ``runs`` fresh interpreters (pinned like this process) of each step ``script``
    times; the script prints one JSON object of step -> seconds as its last line."""
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(runs):
        # This interpreter running a fixed script: nothing from outside reaches the command line.
        completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        for step, seconds in json.loads(completed.stdout.strip().splitlines()[-1]).items():
            samples[step].append(seconds)
    return {"runs": runs, **{step: round(statistics.median(values), 4) for step, values in samples.items()}}
