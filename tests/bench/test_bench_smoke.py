"""Smoke test of the deid benchmark: a quick run on a handful of messages writes the expected files.

Timing figures depend on the machine and are never asserted here; ``make bench`` reports them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.run import main

FIGURES = {"messages", "seconds", "messages_per_second", "latency_ms", "by_language", "by_pii", "sanity"}
LATENCY = {"mean", "p50", "p95", "p99", "max"}
MACHINE = {"cpu_model", "logical_cpus", "pinned_cpu", "python", "packages", "date"}


def quick_run(out: Path) -> dict[str, Any]:
    affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    assert main(["--quick", "--only", "deid", "--messages", "30", "--out", str(out)]) == 0
    if affinity is not None:
        # The benchmark pins itself to one core and must give the others back.
        assert os.sched_getaffinity(0) == affinity
    assert (out / "deid.quick.md").read_text(encoding="utf-8").startswith("# deid benchmark (quick run)")
    result: dict[str, Any] = json.loads((out / "deid.quick.json").read_text(encoding="utf-8"))
    assert result["benchmark"] == "deid"
    assert result["mode"] == "quick"
    assert set(result["machine"]) >= MACHINE
    assert result["workload"]["messages"] == 30
    assert set(result["care"]) >= FIGURES
    assert set(result["care"]["latency_ms"]) >= LATENCY
    assert result["care"]["messages"] == 30
    assert result["care"]["detectors"]
    assert set(result["targets"]) == {"messages_per_second", "p99_ms"}
    return result


@pytest.mark.skipif(
    importlib.util.find_spec("presidio_analyzer") is None,
    reason="presidio-analyzer is not installed; it comes with the 'bench' extra (make bench)",
)
def test_quick_run_compares_with_presidio(tmp_path: Path) -> None:
    result = quick_run(tmp_path)
    presidio = result["presidio"]
    assert presidio["status"] == "measured"
    assert set(presidio) >= FIGURES
    assert presidio["messages"] == 30
    assert isinstance(result["ratio_care_to_presidio"], float)

    # The e-mail recognizer's suffix list comes from tldextract's bundled snapshot, never the network.
    import tldextract

    extractor = tldextract.tldextract.TLD_EXTRACTOR
    assert extractor.suffix_list_urls == ()
    assert extractor.fallback_to_snapshot


def test_quick_run_without_presidio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes "import presidio_analyzer" fail as if it were not installed.
    monkeypatch.setitem(sys.modules, "presidio_analyzer", None)
    result = quick_run(tmp_path)
    assert result["presidio"] == {"status": "skipped: presidio not installed"}
    assert result["ratio_care_to_presidio"] is None
    assert "skipped: presidio not installed" in (tmp_path / "deid.quick.md").read_text(encoding="utf-8")


def test_routing_benchmark_quick_run_writes_its_report(tmp_path: Path) -> None:
    assert main(["--quick", "--only", "routing", "--messages", "40", "--out", str(tmp_path)]) == 0
    result: dict[str, Any] = json.loads((tmp_path / "routing.quick.json").read_text(encoding="utf-8"))
    assert result["workload"]["messages"] == 40
    assert set(result["per_message"]["latency_ms"]) >= LATENCY
    assert set(result["startup_seconds"]) == {"import", "build_detector"}
    assert sum(result["final_routes"].values()) == result["workload"]["conversations"]
    assert (tmp_path / "routing.quick.md").read_text(encoding="utf-8").startswith("# routing benchmark")


def test_assembly_benchmark_quick_run_writes_its_report(tmp_path: Path) -> None:
    assert main(["--quick", "--only", "assembly", "--messages", "5", "--out", str(tmp_path)]) == 0
    result: dict[str, Any] = json.loads((tmp_path / "assembly.quick.json").read_text(encoding="utf-8"))
    assert set(result["per_length"]) == {"10", "100", "500"}
    longest = result["per_length"]["500"]
    assert longest["elided_turns"] > 0, "500 turns outgrow the context window"
    assert longest["budget_bookkeeping"]["p50_ms"] > 0
    assert 0.5 < result["prefix_stability"]["prefix_stability_median"] <= 1.0
    assert (tmp_path / "assembly.quick.md").read_text(encoding="utf-8").startswith("# assembly benchmark")


@pytest.mark.integration
def test_pipeline_benchmark_quick_run_writes_its_report(tmp_path: Path) -> None:
    """A tiny pipeline run (two embedded stacks): the report has every figure the issue asks for."""
    argv = ["--quick", "--only", "pipeline", "--rates", "20", "--seconds", "1", "--conversations", "20"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    result: dict[str, Any] = json.loads((tmp_path / "pipeline.quick.json").read_text(encoding="utf-8"))
    assert result["workload"]["rates"] == [20]
    level = result["levels"][0]
    assert level["suggestions"] == level["help_seeker_messages"] > 0
    assert set(level["overhead_ms"]) >= {"p50", "p95", "p99", "max"}
    assert set(result["floor"]["floor_ms"]) >= {"p50", "p99"}
    assert result["saturation"]["suggestions"] == result["saturation"]["help_seeker_messages"] == 20
    assert result["saturation"]["cpu_ms_per_message"]
    assert {"worker-deid", "worker-router", "worker-assembler"} <= set(result["memory_kib"])
    assert result["first_partial"]["with_partial"] > 0
    assert set(result["targets"]) == {
        "p99_ms_at_200",
        "saturation_messages_per_second",
        "ratio_to_floor_at_200",
    }
    assert (tmp_path / "pipeline.quick.md").read_text(encoding="utf-8").startswith("# pipeline benchmark")


def test_risk_benchmark_quick_run_writes_its_report(tmp_path: Path) -> None:
    assert main(["--quick", "--only", "risk", "--messages", "30", "--out", str(tmp_path)]) == 0
    result: dict[str, Any] = json.loads((tmp_path / "risk.quick.json").read_text(encoding="utf-8"))
    assert result["benchmark"] == "risk"
    assert set(result["machine"]) >= MACHINE
    assert result["workload"]["messages"] == 30 == result["per_message"]["messages"]
    assert set(result["per_message"]["latency_ms"]) >= LATENCY
    assert set(result["startup_seconds"]) == {
        "runs",
        "import",
        "build_lexicons",
        "build_detector",
        "first_call",
    }
    for group in ("by_language", "by_turn", "by_context", "by_length", "by_level"):
        assert sum(figures["messages"] for figures in result[group].values()) == 30, group
    assert sum(result["levels"].values()) == 30
    assert sum(result["final_conversation_levels"].values()) == result["workload"]["conversations"]
    assert set(result["targets"]) == {"p50_ms"}
    assert (tmp_path / "risk.quick.md").read_text(encoding="utf-8").startswith("# risk benchmark (quick run)")


def test_safety_benchmark_quick_run_writes_its_report(tmp_path: Path) -> None:
    assert main(["--quick", "--only", "safety", "--messages", "40", "--out", str(tmp_path)]) == 0
    result: dict[str, Any] = json.loads((tmp_path / "safety.quick.json").read_text(encoding="utf-8"))
    assert result["benchmark"] == "safety"
    assert set(result["machine"]) >= MACHINE
    workload = result["workload"]
    assert workload["candidates"] == 40 == result["per_candidate"]["messages"]
    assert 50 <= workload["chars"]["min"] <= workload["chars"]["max"] <= 400
    assert set(workload["routes"]) <= {"he", "ar"}
    assert set(result["per_candidate"]["latency_ms"]) >= LATENCY
    assert set(result["startup_seconds"]) == {
        "runs",
        "import",
        "warm_up",
        "first_arabic_call",
        "warm_up_in_process",
    }
    assert set(result["by_length"]) <= {"50-99", "100-199", "200-299", "300-400"}
    for group in ("by_length", "by_register", "by_placeholders", "by_outcome"):
        assert sum(figures["messages"] for figures in result[group].values()) == 40, group
    sanity = result["sanity"]
    assert sanity["safe_candidates"] + workload["with_a_fault"] == 40
    assert set(result["targets"]) == {"p99_ms"}
    assert (
        (tmp_path / "safety.quick.md")
        .read_text(encoding="utf-8")
        .startswith("# safety benchmark (quick run)")
    )


def test_safety_benchmark_candidates_stay_within_50_to_400_characters() -> None:
    from bench.safety import MAX_CHARS, MIN_CHARS, candidates

    pool = candidates(500)
    assert all(MIN_CHARS <= len(c.text) <= MAX_CHARS for c in pool)
    assert any("[PERSON_" in c.text or "[LOCATION_" in c.text for c in pool)
    assert {c.route for c in pool} == {"he", "ar"}
