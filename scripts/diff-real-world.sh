#!/usr/bin/env bash
# Differential render check on real-world repositories: every kustomization
# directory found under the given roots is built by kustomize v5.5.0 (the
# oracle) and by `kubectl-release render -k`, the latter twice: with the
# absolute path, and as `-k .` with the directory as the current directory.
# Stdout must be byte-identical and both must agree on success or failure.
#
# Usage: scripts/diff-real-world.sh [--out DIR] [--bin PATH] ROOT...
#   ROOT is a checked-out directory, or a git directory (a bare clone or a
#   mirror): its HEAD is extracted into OUT/src/NAME first (blobs the mirror
#   lacks are skipped).
#   --out DIR   where outputs and the report go (default: a new temp dir)
#   --bin PATH  kubectl-release binary (default: target/release/kubectl-release,
#               built with `cargo build --release` when missing)
#   KUSTOMIZE=/path/to/kustomize overrides the oracle; by default the cached
#   ~/.cache/kubectl-release/tools/bin/kustomize (see scripts/bench.sh), else
#   `kubectl kustomize` when its kustomize is v5.5.0.
#
# Not part of the test command: it needs repositories that CI does not have.
# Output: one line per target in OUT/results.tsv (category, directory), the
# oracle's and our stdout/stderr under OUT/cases/N/, and the figures on stdout.
# Categories:
#   identical          kustomize and both of our runs succeed with the same bytes
#   both-error         kustomize fails and so do both of our runs
#   refused            kustomize succeeds; we refuse a documented unsupported
#                      feature (helmCharts, remote resources, ...) with exit 2
#   we-error           kustomize succeeds; we fail for another reason (defect)
#   we-succeed         kustomize fails; we succeed (defect unless explained)
#   output-differs     both succeed with different bytes (defect)
#   dot-differs        `-k .` and `-k ABS` disagree (defect)
set -uo pipefail

repo_dir=$(cd "$(dirname "$0")/.." && pwd)
out=""
bin=""
roots=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) roots+=("$1"); shift ;;
  esac
done
if [ ${#roots[@]} = 0 ]; then
  echo "usage: $0 [--out DIR] [--bin PATH] ROOT..." >&2
  exit 2
fi
[ -n "$out" ] || out=$(mktemp -d /tmp/diff-real-world.XXXXXX)
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ -z "$bin" ]; then
  bin=$repo_dir/target/release/kubectl-release
  [ -x "$bin" ] || (cd "$repo_dir" && cargo build --release) || exit 2
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

# The oracle, as an array (a binary, or `kubectl kustomize`).
oracle=()
if [ -n "${KUSTOMIZE:-}" ]; then
  oracle=("$KUSTOMIZE" build)
elif go version -m "$HOME/.cache/kubectl-release/tools/bin/kustomize" 2>/dev/null | grep -q 'kustomize/v5.*v5\.5\.0'; then
  oracle=("$HOME/.cache/kubectl-release/tools/bin/kustomize" build)
elif kubectl version --client 2>/dev/null | grep -q 'Kustomize Version: v5\.5\.0'; then
  oracle=(kubectl kustomize)
else
  echo "no kustomize v5.5.0: set KUSTOMIZE, or run scripts/bench.sh once to install it" >&2
  exit 2
fi

# A git directory's HEAD, extracted file by file so that blobs a partial
# mirror lacks (large images) do not stop it; symlinks stay symlinks.
extract() {
  local gitdir=$1 dest=$2
  mkdir -p "$dest"
  if git --git-dir="$gitdir" archive HEAD 2>/dev/null | tar -x -C "$dest" 2>/dev/null; then
    return
  fi
  git --git-dir="$gitdir" ls-tree -r -z HEAD | while IFS= read -r -d '' entry; do
    local meta=${entry%%$'\t'*} path=${entry#*$'\t'}
    local mode=${meta%% *} sha=${meta##* }
    [ "$mode" = 160000 ] && continue # submodule
    mkdir -p "$dest/$(dirname "$path")"
    if [ "$mode" = 120000 ]; then
      ln -sfn "$(git --git-dir="$gitdir" cat-file blob "$sha")" "$dest/$path"
    else
      git --git-dir="$gitdir" cat-file blob "$sha" >"$dest/$path" 2>/dev/null || rm -f "$dest/$path"
    fi
  done
}

dirs=()
for root in "${roots[@]}"; do
  root=$(cd "$root" && pwd) || exit 2
  if [ -f "$root/HEAD" ] && [ -d "$root/objects" ]; then
    name=$(basename "$root")
    [ "$name" = repo ] && name=$(basename "$(dirname "$root")")
    [ -d "$out/src/$name" ] || extract "$root" "$out/src/$name"
    root=$out/src/$name
  fi
  while IFS= read -r -d '' k; do
    dirs+=("$(dirname "$k")")
  done < <(find "$root" -name .git -prune -o -type f \( -name kustomization.yaml -o -name kustomization.yml -o -name Kustomization \) -print0 | sort -z)
done

: >"$out/results.tsv"
n=0
for dir in "${dirs[@]}"; do
  n=$((n + 1))
  c=$out/cases/$n
  mkdir -p "$c"
  echo "$dir" >"$c/dir"
  (cd / && timeout 120 "${oracle[@]}" "$dir" >"$c/kustomize.out" 2>"$c/kustomize.err")
  k_rc=$?
  (cd / && timeout 120 "$bin" render -k "$dir" >"$c/abs.out" 2>"$c/abs.err")
  a_rc=$?
  (cd "$dir" && timeout 120 "$bin" render -k . >"$c/dot.out" 2>"$c/dot.err")
  d_rc=$?
  echo "$k_rc $a_rc $d_rc" >"$c/rc"
  if [ $a_rc != $d_rc ] || ! cmp -s "$c/abs.out" "$c/dot.out"; then
    cat=dot-differs
  elif [ $k_rc = 0 ] && [ $a_rc = 0 ]; then
    if cmp -s "$c/kustomize.out" "$c/abs.out"; then cat=identical; else cat=output-differs; fi
  elif [ $k_rc != 0 ] && [ $a_rc != 0 ]; then
    cat=both-error
  elif [ $k_rc = 0 ]; then
    if [ $a_rc = 2 ] && grep -q 'is not supported by the built-in renderer' "$c/abs.err"; then
      cat=refused
    else
      cat=we-error
    fi
  else
    cat=we-succeed
  fi
  printf '%s\t%s\t%s\n' "$cat" "$n" "$dir" | tee -a "$out/results.tsv" >&2
done

echo "oracle: ${oracle[*]}; binary: $bin"
echo "roots: ${#roots[@]}; targets: $n"
for cat in identical both-error refused we-error we-succeed output-differs dot-differs; do
  printf '  %-15s %d\n' "$cat" "$(awk -F'\t' -v c="$cat" '$1 == c' "$out/results.tsv" | wc -l)"
done
echo "details: $out/results.tsv, $out/cases/N/{dir,rc,kustomize.out,abs.out,dot.out,*.err}"
# Exit non-zero when any defect category is non-empty.
! awk -F'\t' '$1 == "we-error" || $1 == "we-succeed" || $1 == "output-differs" || $1 == "dot-differs"' "$out/results.tsv" | grep -q .
