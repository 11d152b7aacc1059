#!/usr/bin/env bash
# Build the plugin archives and the krew manifest into target/dist/:
#
#   kubectl-release_<version>_<os>_<arch>.tar.gz   kubectl-release, kubectl_complete-release,
#                                                 man/man1/kubectl-release.1 (and a page per
#                                                 command), LICENSE, README.md
#   kubectl-release_<version>_<os>_<arch>.tar.gz.sha256
#   krew-manifest.yaml                            krew-manifest.yaml filled with the uri and
#                                                 sha256 of every archive of this version in
#                                                 the output directory (only platforms built)
#
# Usage: scripts/dist.sh [--target TRIPLE]... [--bin PATH] [--manifest-only] [--out DIR] [--base-url URL]
#
#   --target TRIPLE  cargo build --release --locked --target TRIPLE and package it
#                    (repeatable). Default: x86_64-unknown-linux-musl, a static
#                    binary (needs `rustup target add x86_64-unknown-linux-musl`
#                    and musl-gcc: Debian's musl-tools).
#   --bin PATH       package this already built binary instead (its platform is
#                    what `PATH version -o json` reports); the tests package the
#                    debug build this way.
#   --manifest-only  package nothing; write the manifest for the archives already
#                    in the output directory (a release job that collects the
#                    archives of a CI matrix, .github/workflows/release.yml).
#   --out DIR        output directory (default target/dist).
#   --base-url URL   where the archives will be downloadable (default the GitHub
#                    release v<version>); the manifest's uri is URL/<archive>.
#
# Archives are reproducible: fixed owner, sorted names, mtime SOURCE_DATE_EPOCH
# (default: the HEAD commit's time). The man pages come from the packaged binary
# (`__man`), so each platform is packaged where its binary runs (a CI matrix of
# native runners; README "Install").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
abspath() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac }

targets=()
bins=()
out="$root/target/dist"
base_url=""
manifest_only=0
while (($#)); do
	case "$1" in
	--target) targets+=("$2"); shift 2 ;;
	--bin) bins+=("$(abspath "$2")"); shift 2 ;;
	--out) out=$(abspath "$2"); shift 2 ;;
	--base-url) base_url="${2%/}"; shift 2 ;;
	--manifest-only) manifest_only=1; shift ;;
	*) echo "usage: scripts/dist.sh [--target TRIPLE]... [--bin PATH] [--manifest-only] [--out DIR] [--base-url URL]" >&2; exit 2 ;;
	esac
done
cd "$root"
log() { echo "scripts/dist.sh: $*" >&2; }
die() { log "$*"; exit 1; }

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
[ -n "$version" ] || die "no version in Cargo.toml"
: "${base_url:=https://github.com/kubectl-release/kubectl-release/releases/download/v$version}"
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || echo 0)
fi
# GNU tar for reproducible archives (macOS: brew install gnu-tar, which is gtar).
tar=tar
command -v gtar >/dev/null && tar=gtar
"$tar" --version 2>/dev/null | grep -q GNU || die "GNU tar is needed (macOS: brew install gnu-tar)"
sha256() { if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1; }

if ((${#targets[@]} == 0 && ${#bins[@]} == 0 && !manifest_only)); then
	targets=(x86_64-unknown-linux-musl)
fi
for t in "${targets[@]}"; do
	if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx "$t"; then
		die "the Rust target $t is not installed: rustup target add $t"
	fi
	if [[ $t == *-linux-musl ]] && ! command -v musl-gcc >/dev/null; then
		die "building $t compiles C (ring, jemalloc) with musl-gcc: apt-get install musl-tools"
	fi
	log "building $t (release)"
	cargo build --release --locked --target "$t"
	bins+=("${CARGO_TARGET_DIR:-$root/target}/$t/release/kubectl-release")
done

# kubectl's os/arch names (krew's selector labels) for a Rust target triple.
platform_of() {
	local arch os
	case "$1" in
	x86_64-*) arch=amd64 ;;
	aarch64-*) arch=arm64 ;;
	*) die "no krew arch for target $1" ;;
	esac
	case "$1" in
	*-linux-*) os=linux ;;
	*-apple-darwin) os=darwin ;;
	*) die "no krew os for target $1" ;;
	esac
	echo "${os}_$arch"
}

mkdir -p "$out"
for bin in "${bins[@]}"; do
	[ -x "$bin" ] || die "$bin is not an executable"
	info=$("$bin" version -o json) || die "$bin does not run here; package each platform on a machine it runs on"
	target=$(sed -n 's/.*"target": "\(.*\)".*/\1/p' <<<"$info")
	bin_version=$(sed -n 's/.*"version": "\(.*\)".*/\1/p' <<<"$info")
	[ "$bin_version" = "$version" ] || die "$bin is version $bin_version, Cargo.toml says $version"
	plat=$(platform_of "$target")
	name="kubectl-release_${version}_$plat.tar.gz"
	stage=$(mktemp -d)
	trap 'rm -rf "$stage"' EXIT
	install -m 0755 "$bin" "$stage/kubectl-release"
	install -m 0755 completions/kubectl_complete-release "$stage/kubectl_complete-release"
	"$bin" __man "$stage/man/man1"
	chmod 0755 "$stage/man" "$stage/man/man1"
	chmod 0644 "$stage"/man/man1/*.1
	install -m 0644 LICENSE README.md "$stage/"
	"$tar" --create --format=gnu --sort=name --owner=0 --group=0 --numeric-owner \
		--mtime="@$SOURCE_DATE_EPOCH" -C "$stage" \
		kubectl-release kubectl_complete-release man LICENSE README.md |
		gzip -n >"$out/$name.tmp"
	mv "$out/$name.tmp" "$out/$name"
	echo "$(sha256 "$out/$name")  $name" >"$out/$name.sha256"
	rm -rf "$stage"
	trap - EXIT
	log "$out/$name ($target, $(du -k "$out/$name" | cut -f1) KiB)"
done

# The manifest: the template's head, then its platform item once per archive.
template="$root/krew-manifest.yaml"
line=$(grep -n '^  platforms:$' "$template" | cut -d: -f1)
[ -n "$line" ] || die "$template has no '  platforms:' line"
manifest="$out/krew-manifest.yaml"
{
	head -n "$line" "$template" | grep -v "^#"
	n=0
	for archive in "$out"/kubectl-release_"${version}"_*.tar.gz; do
		[ -e "$archive" ] || continue
		name=$(basename "$archive")
		plat=${name#kubectl-release_"${version}"_}
		plat=${plat%.tar.gz}
		tail -n +"$((line + 1))" "$template" | sed \
			-e "s|{{OS}}|${plat%%_*}|g" -e "s|{{ARCH}}|${plat#*_}|g" \
			-e "s|{{URI}}|$base_url/$name|g" -e "s|{{SHA256}}|$(sha256 "$archive")|g"
		n=$((n + 1))
	done
	((n > 0)) || die "no archives of version $version in $out"
} | sed -e "s|{{VERSION}}|$version|g" >"$manifest.tmp"
if grep -n '{{' "$manifest.tmp" >&2; then die "unfilled placeholders in $template"; fi
mv "$manifest.tmp" "$manifest"
log "$manifest"
