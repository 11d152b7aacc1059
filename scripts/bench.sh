#!/usr/bin/env bash
# Render benchmark: kubectl-release's built-in renderer against kustomize v5.5.0
# on generated GitOps repos (default sizes 200, 2000 and 10000 resources).
#
# Usage: scripts/bench.sh [SIZE...] [--runs N] [--keep] [--generate-only DIR]
#   e.g. scripts/bench.sh 2000 --runs 3
# The default sizes take about an hour on a 2-core machine, most of it
# kustomize at 10,000 resources (7-11 minutes a run); `scripts/bench.sh 200 2000`
# takes about three minutes. Both outputs must be byte-identical: on a
# difference the bench stops with the first differing line (a renderer bug).
# Needs Go (kustomize is `go install`ed into ~/.cache/kubectl-release/tools/bin
# when missing; set KUSTOMIZE=/path/to/kustomize to use another binary).
# `cargo bench` builds the kubectl-release binary (bench profile = release
# settings) into target/release/ before the bench runs it.
# The overlays' strategic-merge patch merges into the containers list by name;
# BENCH_SMP_LISTS=0 limits it to maps.
set -euo pipefail
cd "$(dirname "$0")/.."
exec nice -n 10 cargo bench --bench render -- "$@"
