"""Each atheris target (fuzz/) runs a few hundred inputs cleanly: its seeds decode, its checks hold.

A smoke test, not a campaign (``make fuzz`` is one): fixed libFuzzer seed, bounded runs, each
target in its own process because libFuzzer owns the process it runs in.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("atheris") is None,
    reason="atheris is not installed (its wheels are x86_64 Linux only; see pyproject.toml's dev extra)",
)

ROOT = Path(__file__).resolve().parents[2]
# Runs and input size limit per target (deid: a long text takes tens of milliseconds).
TARGETS = {"decode": (300, 4096), "deid": (300, 1024), "routing": (300, 1024), "assembly": (300, 4096)}


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_target_runs_cleanly(target: str, tmp_path: Path) -> None:
    runs, max_len = TARGETS[target]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            f"fuzz.{target}",
            f"-runs={runs}",
            f"-max_len={max_len}",
            "-seed=1",
            "-max_total_time=20",
            "-timeout=20",
            str(corpus),
        ],
        cwd=ROOT,
        env={**os.environ, "CARE_FUZZ_OUT": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # libFuzzer's log, not the inputs: a failing input is in tmp_path/crashes/<target>/.
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"Done {runs} runs" in done.stderr
    assert not list((tmp_path / "crashes" / target).iterdir())
