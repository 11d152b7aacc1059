#!/usr/bin/env bash
# Argo CD benchmarks, side by side in one run (benches/argocd.rs says what is measured):
# manifest generation at SIZE resources (kubectl-release's plugin vs Argo CD's built-in
# kustomize, and `cmp generate` vs `kustomize build`), and the release loop (push ->
# synced with the refresh vs Argo CD's poll; failure -> revert synced -> healthy; Argo
# CD alone).
#
# Usage: scripts/bench-argocd.sh [SIZE] [--runs N] [--poll-runs N] [generate|release]
#   SIZE defaults to 2000 resources. Needs Go (kustomize v5.5.0 and Argo CD are built
#   from the module proxy on first use). Takes about 20 minutes: Argo CD's poll is
#   120 s plus up to 60 s of jitter per poll run, and Argo CD alone is watched 120 s.
set -euo pipefail
cd "$(dirname "$0")/.."
size=2000
if [[ ${1:-} =~ ^[0-9]+$ ]]; then size=$1; shift; fi
repo="${BENCH_ARGOCD_REPO:-$PWD/target/bench-argocd/repo-$size}"
if [ ! -d "$repo/envs/prod" ]; then
  mkdir -p "$(dirname "$repo")"
  # The render benchmark's generator (services with base + overlays, patches, generators).
  scripts/bench.sh "$size" --generate-only "$(dirname "$repo")" >&2
fi
cargo build --release --bin kubectl-release >&2
# Argo CD's plugin runs this build (the cmp-server reaches it through a symlink).
KUBECTL_RELEASE_BIN="$PWD/target/release/kubectl-release" testenv/up --argocd >&2
exec nice -n 5 cargo bench --bench argocd -- --repo "$repo" "$@"
