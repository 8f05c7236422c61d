"""deploy/k8s is rendered from the chart (deploy/k8s/render.py): no drift, every overlay builds,
validates, and is exactly the chart rendered with the overlay's values."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from types import ModuleType
from typing import Any

import pytest
import yaml

from .conftest import ROOT, Validate, check

K8S = ROOT / "deploy" / "k8s"
RENDER = K8S / "render.py"


def load_render() -> ModuleType:
    spec = importlib.util.spec_from_file_location("care_k8s_render", RENDER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_drift_from_the_chart(helm: str) -> None:
    result = subprocess.run(
        [sys.executable, str(RENDER), "--check"], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, f"deploy/k8s or charts/care/files drifted:\n{result.stderr}"


@pytest.mark.parametrize("target", ["base", "overlays/dev", "overlays/prod"])
def test_kustomize_build_validates_and_equals_the_chart(
    helm: str, kustomize: str, validate: Validate, target: str
) -> None:
    out = check([kustomize, "build", str(K8S / target)])
    validate(out)
    built = [d for d in yaml.safe_load_all(out) if d]
    overlay = None if target == "base" else target.split("/")[1]
    render = load_render()
    namespaces = {d["metadata"].pop("namespace", None) for d in built}
    assert namespaces == ({None} if overlay is None else {render.OVERLAYS[overlay]})
    expected: dict[Any, Any] = {render.key(d): d for d in render.expected_build(overlay)}
    got: dict[Any, Any] = {render.key(d): d for d in built}
    assert set(got) == set(expected)
    for key, doc in expected.items():
        assert got[key] == doc, f"{key}: {list(render.diff(doc, got[key]))[:5]}"


def test_prod_overlay_runs_tgi_and_operators(kustomize: str) -> None:
    built = [d for d in yaml.safe_load_all(check([kustomize, "build", str(K8S / "overlays/prod")])) if d]
    kinds = {d["kind"] for d in built}
    assert {"ServiceMonitor", "PrometheusRule", "ScaledObject"} <= kinds
    names = {(d["kind"], d["metadata"]["name"]) for d in built}
    assert ("Deployment", "care-tgi") in names
    assert ("HorizontalPodAutoscaler", "care-deid") not in names  # KEDA scales the stages
