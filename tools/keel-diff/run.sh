#!/usr/bin/env bash
# Differential check of src/webhook/keel.rs and payload.rs against real Keel.
#
#   tools/keel-diff/run.sh [N]      generate N cases (default 3000; SEED=1), run
#                                   Keel and ours, print agreement counts
#   RECORD=1 tools/keel-diff/run.sh 6000
#                                   also rewrite tests/it/fixtures/keel_cases.jsonl
#                                   (1,500 of the cases with Keel's answers)
#
# Keel comes from the fetched mirror (KEEL_GIT, a bare git dir): it is copied to a
# temporary directory with the driver (main.go) and two shims that expose the
# unexported decision functions; nothing of Keel lands in this repository.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n=${1:-3000}
keel_git=${KEEL_GIT:-$(ls -d /work/.mirror/keel-hq+keel/*/ 2>/dev/null | head -1)}
work=${KEEL_DIFF_WORK:-/tmp/keel-diff}
mkdir -p "$work"
if [ ! -f "$work/keel/go.mod" ]; then
  rm -rf "$work/keel" && mkdir -p "$work/keel"
  git --git-dir="$keel_git" archive HEAD | tar -x -C "$work/keel"
fi
cp "$here/shim/kubernetes_keeldiff.go" "$work/keel/provider/kubernetes/zz_keeldiff.go"
cp "$here/shim/http_keeldiff.go" "$work/keel/pkg/http/zz_keeldiff.go"
mkdir -p "$work/keel/cmd/keeldiff" && cp "$here/main.go" "$work/keel/cmd/keeldiff/main.go"
(cd "$work/keel" && GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 nice -n 10 \
  go build -o "$work/keeldiff" ./cmd/keeldiff)

python3 "$here/gen.py" "$n" "${SEED:-1}" > "$work/cases.jsonl"
"$work/keeldiff" < "$work/cases.jsonl" > "$work/keel.jsonl"
python3 "$here/join.py" "$work/cases.jsonl" "$work/keel.jsonl" > "$work/all.jsonl"

# Ours: the integration test reads the joined file (KEEL_DIFF_CASES) instead of the fixture.
(cd "$root" && KEEL_DIFF_CASES="$work/all.jsonl" KEEL_DIFF_REPORT=1 nice -n 10 \
  cargo test -q --test it keel_diff -- --nocapture)
if [ "${RECORD:-}" = 1 ]; then
  python3 "$here/join.py" --sample 1500 "$work/cases.jsonl" "$work/keel.jsonl" \
    > "$root/tests/it/fixtures/keel_cases.jsonl"
  echo "recorded tests/it/fixtures/keel_cases.jsonl"
fi
