#!/usr/bin/env bash
# Benchmark: `kubectl-release diff -k DIR` against `kubectl diff -f rendered.yaml`
# on the same objects (default 200: ConfigMaps, Services and Deployments in one
# namespace) in the testenv. The objects are applied with `kubectl apply`, a few
# are changed in the kustomization, then each tool runs once to warm up (kubectl
# fills its discovery cache) and RUNS times measured. Prints each run, the
# medians and the ratio.
#
# Usage: scripts/bench-diff.sh            (RUNS=5 N=200 by default)
# Starts the testenv when it is not up (and stops it again afterwards); builds
# the release binary first.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

export TESTENV_DIR="${TESTENV_DIR:-$repo/target/testenv}"
RUNS=${RUNS:-5}
N=${N:-200}
BIN=${BIN:-$repo/target/release/kubectl-release}
KUBECTL=${KUBECTL:-$TESTENV_DIR/bin/kubectl}
unset KUBECTL_EXTERNAL_DIFF
command -v diff >/dev/null || { echo "kubectl diff needs a diff binary (diffutils)" >&2; exit 2; }

if [ -z "${BIN_PREBUILT:-}" ]; then
  nice -n 10 cargo build --release --quiet
fi

started=
if ! { [ -f "$TESTENV_DIR/kubeconfig" ] &&
  "$KUBECTL" --kubeconfig "$TESTENV_DIR/kubeconfig" get --raw /readyz >/dev/null 2>&1; }; then
  testenv/up >&2
  started=1
fi
export KUBECONFIG=$TESTENV_DIR/kubeconfig

ns=bench-diff-$$
work=$(mktemp -d)
cleanup() {
  "$KUBECTL" delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
  rm -rf "$work"
  if [ -n "$started" ]; then testenv/down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# $1: the variant (0: as applied, 1: a few objects changed)
generate() {
  local changed=$1 i kind
  for ((i = 0; i < N; i++)); do
    kind=$((i % 3))
    local bump=0
    if [ "$changed" = 1 ] && [ $((i % 20)) -lt 3 ]; then bump=1; fi
    case $kind in
    0) cat <<EOF
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-$i
data:
  index: "$i"
  setting: "value-$((i + bump))"
EOF
      ;;
    1) cat <<EOF
---
apiVersion: v1
kind: Service
metadata:
  name: svc-$i
spec:
  selector:
    app: app-$i
  ports:
  - name: http
    port: 80
    targetPort: $((8080 + bump))
EOF
      ;;
    2) cat <<EOF
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-$i
spec:
  replicas: $((1 + bump))
  selector:
    matchLabels:
      app: app-$i
  template:
    metadata:
      labels:
        app: app-$i
    spec:
      containers:
      - name: app
        image: registry.test/app-$i:1.$bump.0
        ports:
        - containerPort: 8080
EOF
      ;;
    esac
  done
}

mkdir -p "$work/dir"
printf 'namespace: %s\nresources:\n- objects.yaml\n' "$ns" >"$work/dir/kustomization.yaml"
generate 0 >"$work/dir/objects.yaml"
"$KUBECTL" create namespace "$ns" >/dev/null
"$BIN" render -k "$work/dir" >"$work/applied.yaml"
"$KUBECTL" apply -f "$work/applied.yaml" >/dev/null
generate 1 >"$work/dir/objects.yaml"
"$BIN" render -k "$work/dir" >"$work/rendered.yaml"
echo "objects: $(grep -c '^kind:' "$work/rendered.yaml") in namespace $ns; cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"

# Runs a command RUNS times (after one warm-up); prints each time in ms and sets $median.
measure() {
  local label=$1
  shift
  "$@" >/dev/null 2>&1 || true
  local times=() t0 t1 rc
  for ((r = 0; r < RUNS; r++)); do
    t0=$(date +%s%N)
    rc=0
    "$@" >"$work/out" 2>"$work/err" || rc=$?
    t1=$(date +%s%N)
    if [ "$rc" -gt 1 ]; then
      echo "$label failed (exit $rc):" >&2
      cat "$work/err" >&2
      exit 2
    fi
    times+=($(((t1 - t0) / 1000000)))
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
  printf '%-16s runs (ms): %s   median: %s ms\n' "$label" "${times[*]}" "$median"
}

measure "kubectl-release" "$BIN" diff -k "$work/dir"
ours=$median
changed_ours=$(grep -cE '^\S+ +\S+ +\S+ +update$' "$work/out" || true)
measure "kubectl diff" "$KUBECTL" diff -f "$work/rendered.yaml"
theirs=$median
changed_theirs=$(grep -c '^diff -u -N' "$work/out" || true)
echo "objects changed: kubectl-release $changed_ours, kubectl diff $changed_theirs"
awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "ratio (kubectl diff / kubectl-release): %.1fx\n", a / (b > 0 ? b : 1) }'
