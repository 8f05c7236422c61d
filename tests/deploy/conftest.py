"""Deployment tests: the Helm chart, the kustomize tree rendered from it, Prometheus rules and the
Grafana dashboard, with the real tools (helm, kustomize, promtool, kubernetes-validate).

The tools come from scripts/install-tools.sh (into .tools/bin) or PATH. Without them these tests
skip, with the reason, unless CARE_REQUIRE_DEPLOY_TOOLS is set (CI and `make test` set it): then a
missing tool is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS_BIN = ROOT / ".tools" / "bin"
CHART = ROOT / "charts" / "care"
VALUES = Path(__file__).with_name("values")
RULES_PATH = ROOT / "ops" / "prometheus" / "rules.yaml"
KUBE_VERSION = "1.29.0"
CRD_APIS = (
    "monitoring.coreos.com/v1/ServiceMonitor",
    "monitoring.coreos.com/v1/PrometheusRule",
    "keda.sh/v1alpha1/ScaledObject",
    "kafka.strimzi.io/v1beta2/KafkaTopic",
)
# Kinds of operator CRDs that kubernetes-validate has no schema for; tests check them themselves.
CRD_KINDS = frozenset({"ServiceMonitor", "PrometheusRule", "ScaledObject", "KafkaTopic"})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "deploy: deployment tests (helm, kustomize, promtool, kubernetes-validate)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.deploy)


def find_tool(name: str) -> str | None:
    local = TOOLS_BIN / name
    if local.exists() and os.access(local, os.X_OK):
        return str(local)
    venv = ROOT / ".venv" / "bin" / name
    if venv.exists():
        return str(venv)
    return shutil.which(name)


def require_tool(name: str) -> str:
    path = find_tool(name)
    if path is not None:
        return path
    message = f"{name} is not installed: run scripts/install-tools.sh (or make tools)"
    if os.environ.get("CARE_REQUIRE_DEPLOY_TOOLS"):
        pytest.fail(f"{message}; CARE_REQUIRE_DEPLOY_TOOLS is set")
    pytest.skip(message)


@pytest.fixture(scope="session")
def helm() -> str:
    return require_tool("helm")


@pytest.fixture(scope="session")
def kustomize() -> str:
    return require_tool("kustomize")


@pytest.fixture(scope="session")
def promtool() -> str:
    return require_tool("promtool")


@pytest.fixture(scope="session")
def kubernetes_validate() -> str:
    return require_tool("kubernetes-validate")


def run(argv: Sequence[str], stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(argv), input=stdin, capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def check(argv: Sequence[str], stdin: str | None = None, cwd: Path = ROOT) -> str:
    result = run(argv, stdin, cwd)
    assert result.returncode == 0, (
        f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


Validate = Callable[[str], list[str]]


@pytest.fixture(scope="session")
def validate(kubernetes_validate: str) -> Validate:
    """Validates a YAML stream strictly against the Kubernetes schemas; returns the kinds it had no
    schema for (operator CRDs), and fails on anything else."""

    def _validate(manifests: str) -> list[str]:
        result = run([kubernetes_validate, "--strict", "-k", KUBE_VERSION, "--quiet", "-"], stdin=manifests)
        unknown, problems = [], []
        for line in (result.stdout + result.stderr).splitlines():
            if "Couldn't find schema for kind" in line:
                unknown.append(line.split("for kind ", 1)[1].split(" ", 1)[0])
            elif line.strip():
                problems.append(line)
        assert not problems, "\n".join(problems)
        assert result.returncode == 0, result.stderr
        assert set(unknown) <= CRD_KINDS, f"no schema for {set(unknown) - CRD_KINDS}"
        return unknown

    return _validate


def helm_template_argv(helm: str, values: Sequence[Path] = (), extra: Sequence[str] = ()) -> list[str]:
    argv = [helm, "template", "care", str(CHART), "--kube-version", KUBE_VERSION]
    for api in CRD_APIS:
        argv += ["--api-versions", api]
    for path in values:
        argv += ["--values", str(path)]
    return [*argv, *extra]
