#!/usr/bin/env bash
# Build the tools that check the distribution, once per pinned version, from the
# Go module proxy (no download sites):
#
#   kubectl-krew            sigs.k8s.io/krew/cmd/krew (named as `krew install krew`
#                           names it, so `kubectl krew` finds it on PATH)
#   validate-krew-manifest  sigs.k8s.io/krew/cmd/validate-krew-manifest (krew-index's check)
#   crane                   github.com/google/go-containerregistry/cmd/crane (builds,
#                           pushes and exports images without a container engine)
#   actionlint              github.com/rhysd/actionlint/cmd/actionlint (GitHub Actions lint)
#
# Output: $KUBECTL_RELEASE_CACHE/dist-tools/bin (default ~/.cache/kubectl-release/...),
# Go caches shared with testenv/build, never inside the repository. A stamp (hash
# of this script, which pins the versions) makes it a no-op when nothing changed.
# Prints the bin directory on stdout.
#
# Options: --check  only print the bin directory when it is built and current,
#                   else say how to build it and exit 1 (what the tests call);
#          --force  rebuild even if the stamp matches.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../testenv/lib/goenv.sh"

KREW_VERSION=v0.4.3
CRANE_VERSION=v0.22.1
ACTIONLINT_VERSION=v1.7.12

mode=build
case "${1:-}" in
--check) mode=check ;;
--force) mode=force ;;
"") ;;
*)
	echo "usage: scripts/dist-tools.sh [--check|--force]" >&2
	exit 2
	;;
esac

bin="$KUBECTL_RELEASE_CACHE/dist-tools/bin"
stamp_want=$(sha256sum "$here/dist-tools.sh" | cut -c1-16)
tools=(kubectl-krew validate-krew-manifest crane actionlint)

have_all() {
	[ "$(cat "$bin/.stamp" 2>/dev/null)" = "$stamp_want" ] || return 1
	for t in "${tools[@]}"; do [ -x "$bin/$t" ] || return 1; done
}

if [ $mode != force ] && have_all; then
	echo "$bin"
	exit 0
fi
if [ $mode = check ]; then
	echo "the distribution tools (krew $KREW_VERSION, crane $CRANE_VERSION, actionlint $ACTIONLINT_VERSION) are not built in $bin: run scripts/dist-tools.sh (scripts/test.sh does; cold build about 3 min)" >&2
	exit 1
fi

log() { echo "scripts/dist-tools.sh: $*" >&2; }
command -v go >/dev/null || { log "go is not installed (need Go >= 1.25)"; exit 1; }
mkdir -p "$bin"
rm -f "$bin/.stamp"
start=$(date +%s)
log "building krew $KREW_VERSION, crane $CRANE_VERSION, actionlint $ACTIONLINT_VERSION into $bin"

t0=$(date +%s)
GOBIN="$bin" go install -trimpath -ldflags "-s -w" \
	"sigs.k8s.io/krew/cmd/krew@$KREW_VERSION" \
	"sigs.k8s.io/krew/cmd/validate-krew-manifest@$KREW_VERSION"
mv -f "$bin/krew" "$bin/kubectl-krew"
log "krew built in $(($(date +%s) - t0)) s"

t0=$(date +%s)
GOBIN="$bin" go install -trimpath -ldflags "-s -w" "github.com/google/go-containerregistry/cmd/crane@$CRANE_VERSION"
log "crane built in $(($(date +%s) - t0)) s"

t0=$(date +%s)
GOBIN="$bin" go install -trimpath -ldflags "-s -w" "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
log "actionlint built in $(($(date +%s) - t0)) s"

echo "$stamp_want" >"$bin/.stamp"
log "done in $(($(date +%s) - start)) s"
echo "$bin"
