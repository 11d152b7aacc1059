# Sourced by the testenv scripts: where Go keeps its module and build caches,
# and where the built binaries go. Everything lives outside the repository so a
# fresh clone (CI) on the same machine reuses it.
: "${KUBECTL_RELEASE_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-release}"
export GOMODCACHE="${TESTENV_GOMODCACHE:-$KUBECTL_RELEASE_CACHE/go/mod}"
export GOCACHE="${TESTENV_GOCACHE:-$KUBECTL_RELEASE_CACHE/go/build}"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
export GOTOOLCHAIN=local
export CGO_ENABLED=0
mkdir -p "$GOMODCACHE" "$GOCACHE"
