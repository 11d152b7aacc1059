#!/usr/bin/env bash
# Differential run of the renderer's YAML loader against kustomize v5.5.0:
# generated targets (tools/loader-diff/gen.py: scalar styles, chomping and
# indentation indicators, trailing whitespace, CRLF, missing final newline,
# BOMs, tabs, document markers, comments at the end, nulls in metadata maps,
# anchors) rendered by both and compared byte for byte.
#
# `--gen smp` takes the cases from tools/loader-diff/gen_smp.py instead: nulls
# written without text (`key:`, `{a: }`, `!!null`) under strategic-merge patches,
# JSON 6902 patches, replacements and overlays.
#
# Usage: scripts/diff-loader.sh [-n N] [--seed S] [--jobs J] [--keep DIR] [--show K] [--fixture FILE] [--gen loader|smp]
#   e.g. scripts/diff-loader.sh -n 2000 --seed 7
# Defaults: 1000 cases, seed 1, 2 jobs. The same seed gives the same cases.
# Exit status 1 when any case differs (the first --show ones are printed).
# `--fixture tests/it/fixtures/loader_kustomize.jsonl -n 400 --seed 1` regenerates
# the recorded cases that `cargo test --test it loader_kustomize` checks offline,
# `--gen smp --fixture tests/it/fixtures/smp_empty_nulls.jsonl -n 200 --seed 1` the
# second set it checks.
# Needs Go and Python 3. kustomize is `go install`ed into
# ~/.cache/kubectl-release/tools/bin when missing (as scripts/bench.sh does); set
# KUSTOMIZE=/path/to/kustomize to use another binary, KUBECTL_RELEASE=/path to
# skip the `cargo build`.
set -euo pipefail
cd "$(dirname "$0")/.."

kustomize=${KUSTOMIZE:-$HOME/.cache/kubectl-release/tools/bin/kustomize}
if [ -z "${KUSTOMIZE:-}" ] && ! go version -m "$kustomize" 2>/dev/null | grep -q 'kustomize/v5[[:space:]]*v5.5.0'; then
  echo "installing kustomize v5.5.0 into $(dirname "$kustomize")" >&2
  mkdir -p "$(dirname "$kustomize")"
  GOBIN=$(dirname "$kustomize") go install sigs.k8s.io/kustomize/kustomize/v5@v5.5.0
fi

ours=${KUBECTL_RELEASE:-}
if [ -z "$ours" ]; then
  cargo build --quiet --bin kubectl-release
  ours=target/debug/kubectl-release
fi

exec python3 tools/loader-diff/run.py --kustomize "$kustomize" --ours "$ours" "$@"
