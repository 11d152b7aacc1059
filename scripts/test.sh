#!/usr/bin/env bash
# Runs the whole test suite: formatting, lints, unit and integration tests.
# Usage: scripts/test.sh   (from a fresh clone; installs nothing that cargo does not fetch)
set -euo pipefail
cd "$(dirname "$0")/.."

export KUSTOMIZE_CONFORMANCE_DIR="${KUSTOMIZE_CONFORMANCE_DIR:-$PWD/../shared/conformance/kustomize}"

cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo test --all-targets
