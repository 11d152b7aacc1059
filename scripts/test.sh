#!/usr/bin/env bash
# Runs the whole test suite on this machine: installs the system packages the
# tests need, builds (first time only: ~820 CPU-seconds for the control plane,
# ~460 for Argo CD, ~60 for krew, crane and actionlint) and starts the
# Kubernetes testenv with Argo CD, runs formatting, lints, unit and integration
# tests, and always stops the testenv again.
#
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
# The Go tools the distribution tests use (cached; a no-op once built).
scripts/dist-tools.sh >/dev/null

cleanup() {
  rc=$?
  if [ "$rc" != 0 ]; then
    tail -n 40 target/testenv/logs/*.log >&2 2>/dev/null || true
  fi
  testenv/down >/dev/null 2>&1 || true
  exit "$rc"
}
trap cleanup EXIT
# Compile the tests first: Argo CD's cmp-server runs the kubectl-release binary
# they use (target/debug), so what Argo CD renders is what the tests compare.
cargo test --no-run --lib --bins --tests
KUBECTL_RELEASE_BIN="$PWD/target/debug/kubectl-release" testenv/up --argocd

cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
# The kustomize conformance corpus first, with its "N passed, M failed" line shown.
cargo test --test it conformance -- --nocapture 2>&1 | grep -E "^conformance:|^FAIL" || true
# Library, binary and the integration-test binary; benchmarks run with `cargo bench` only
# (clippy above still compiles them).
cargo test --lib --bins --tests
