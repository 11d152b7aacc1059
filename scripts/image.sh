#!/usr/bin/env bash
# Build the kubectl-release container image (the Argo CD CMP sidecar and the
# webhook) as an OCI image layout, without a container engine, and push it.
#
# Usage: scripts/image.sh [--bin PATH] [--out DIR] [--push REF]
#
#   --bin PATH  the binary to put in (default: kubectl-release from this
#               version's linux archive for this machine's arch in target/dist,
#               so the image runs the same bytes krew installs; scripts/dist.sh
#               builds it)
#   --out DIR   where the OCI image layout goes (default target/dist/image)
#   --push REF  push it with crane (scripts/dist-tools.sh builds crane), e.g.
#               ghcr.io/kubectl-release/kubectl-release:<version> (README
#               "Container image"); prints the pushed digest on stdout
#
# Two layers, no shell:
#   1. runtime: /etc/passwd and /etc/group (root, argocd 999), /etc/nsswitch.conf,
#      CA certificates (/etc/ssl/certs/ca-certificates.crt, from this machine or
#      CA_BUNDLE), /tmp, /home/argocd, git (this machine's, or GIT_CORE's: the
#      git binary and its HTTP(S) transport, for `deploy --via argocd` and the
#      webhook's --write-back) and the shared libraries they link (found with
#      ldd; none for the static musl build of kubectl-release itself)
#   2. app: /usr/local/bin/kubectl-release (the entrypoint, on PATH for
#      argocd-cmp-server) and deploy/argocd/plugin.yaml at
#      /home/argocd/cmp-server/config/plugin.yaml, where argocd-cmp-server reads it
# Config: user 999:999, PATH=/usr/local/bin, HOME and workdir /home/argocd,
# OCI labels (version, revision, source). Reproducible: the same binary and
# SOURCE_DATE_EPOCH (default: the HEAD commit's time) give the same digest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

bin=""
out="$root/target/dist/image"
push=""
while (($#)); do
	case "$1" in
	--bin) bin=$(realpath "$2"); shift 2 ;;
	--out) out=$(realpath -m "$2"); shift 2 ;;
	--push) push="$2"; shift 2 ;;
	*) echo "usage: scripts/image.sh [--bin PATH] [--out DIR] [--push REF]" >&2; exit 2 ;;
	esac
done
cd "$root"
log() { echo "scripts/image.sh: $*" >&2; }
die() { log "$*"; exit 1; }
tar --version 2>/dev/null | grep -q GNU || die "GNU tar is needed"
sha256() { sha256sum "$1" | cut -d' ' -f1; }
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || echo 0)
fi
ca_bundle=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
[ -s "$ca_bundle" ] || die "no CA bundle at $ca_bundle (Debian: apt-get install ca-certificates; or set CA_BUNDLE)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
if [ -z "$bin" ]; then
	case "$(uname -m)" in
	x86_64) arch=amd64 ;;
	aarch64) arch=arm64 ;;
	*) die "no archive arch for $(uname -m)" ;;
	esac
	archive="$root/target/dist/kubectl-release_${version}_linux_$arch.tar.gz"
	[ -f "$archive" ] || die "$archive is missing: run scripts/dist.sh first (or pass --bin)"
	tar -xzf "$archive" -C "$work" kubectl-release
	bin="$work/kubectl-release"
fi
info=$("$bin" version -o json) || die "$bin does not run on this machine"
field() { sed -n "s/.*\"$1\": \"\(.*\)\".*/\1/p" <<<"$info"; }
target=$(field target)
case "$target" in
x86_64-*-linux-*) arch=amd64 ;;
aarch64-*-linux-*) arch=arm64 ;;
*) die "$bin is built for $target, not Linux" ;;
esac

# Layer 1: what the binary needs at run time besides itself.
rt="$work/runtime"
mkdir -p "$rt/etc/ssl/certs" "$rt/tmp" "$rt/home/argocd"
printf 'root:x:0:0:root:/root:/sbin/nologin\nargocd:x:999:999:Argo CD:/home/argocd:/sbin/nologin\n' >"$rt/etc/passwd"
printf 'root:x:0:\nargocd:x:999:\n' >"$rt/etc/group"
# glibc's resolver order for a dynamically linked build (musl ignores this file).
printf 'hosts: files dns\n' >"$rt/etc/nsswitch.conf"
cp "$ca_bundle" "$rt/etc/ssl/certs/ca-certificates.crt"
libs=()
# Copies each shared library an executable links (ldd) into the layer, once.
add_libs() { # executable
	local ldd_out lib
	ldd_out=$(ldd "$1" 2>/dev/null) || return 0 # static: none
	grep -q 'not found' <<<"$ldd_out" && die "unresolved libraries of $1: $ldd_out"
	# "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and the loader "/lib64/ld-linux-x86-64.so.2 (0x...)".
	while read -r lib; do
		[ -e "$rt$lib" ] && continue
		mkdir -p "$rt$(dirname "$lib")"
		cp -L "$lib" "$rt$lib"
		libs+=("$lib")
	done < <(sed -n -e 's/.*=> \(\/[^ ]*\) .*/\1/p' -e 's/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p' <<<"$ldd_out")
}
add_libs "$bin"
# git, for `deploy --via argocd` and the webhook's --write-back (they run the git
# command): this machine's git in its own exec path with the HTTP(S) transport,
# no shell and no other git-core helpers; `git` on PATH is a link to it.
git_core=${GIT_CORE:-$(git --exec-path)}
[ -x "$git_core/git" ] && [ -x "$git_core/git-remote-http" ] || die "no git in $git_core (Debian: apt-get install git)"
mkdir -p "$rt$git_core" "$rt/usr/local/bin"
cp -L "$git_core/git" "$git_core/git-remote-http" "$rt$git_core/"
ln -s git-remote-http "$rt$git_core/git-remote-https"
ln -s "$git_core/git" "$rt/usr/local/bin/git"
# The templates git init and clone copy into .git (hooks samples, info/exclude).
git_templates=/usr/share/git-core/templates
if [ -d "$git_templates" ]; then
	mkdir -p "$rt$(dirname "$git_templates")"
	cp -R "$git_templates" "$rt$git_templates"
	chmod -R u=rwX,go=rX "$rt/usr/share"
fi
add_libs "$git_core/git"
add_libs "$git_core/git-remote-http"
git_version=$(git --version | sed 's/^git version //')
chmod 0755 "$rt" "$rt/etc" "$rt/etc/ssl" "$rt/etc/ssl/certs" "$rt/home" "$rt/home/argocd" "$rt/usr/local/bin"
chmod 0644 "$rt/etc/passwd" "$rt/etc/group" "$rt/etc/nsswitch.conf" "$rt/etc/ssl/certs/ca-certificates.crt"
chmod 1777 "$rt/tmp"

# Layer 2: the binary and the plugin config.
app="$work/app"
mkdir -p "$app/usr/local/bin" "$app/home/argocd/cmp-server/config"
install -m 0755 "$bin" "$app/usr/local/bin/kubectl-release"
install -m 0644 deploy/argocd/plugin.yaml "$app/home/argocd/cmp-server/config/plugin.yaml"
chmod 0755 "$app" "$app/usr" "$app/usr/local" "$app/home" "$app/home/argocd" "$app/home/argocd/cmp-server"

# A layer tar: sorted, fixed times, root-owned except the directories user 999
# owns, which are appended with that owner.
layer_tar() { # dir tarfile [paths owned by 999]...
	local dir=$1 file=$2
	shift 2
	(cd "$dir" && find . -print | LC_ALL=C sort) >"$work/all"
	: >"$work/owned"
	if (($#)); then printf './%s\n' "$@" >"$work/owned"; fi
	grep -vxF -f "$work/owned" "$work/all" >"$work/rooted" || true
	local common=(--format=gnu --no-recursion --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -C "$dir" -f "$file")
	tar --create "${common[@]}" --owner=0 --group=0 -T "$work/rooted"
	tar --append "${common[@]}" --owner=999 --group=999 -T "$work/owned"
}
layer_tar "$rt" "$work/runtime.tar" home/argocd
layer_tar "$app" "$work/app.tar" home/argocd

rm -rf "$out"
mkdir -p "$out/blobs/sha256"
blob() { # file -> moves it into the layout, prints its digest
	local d
	d=$(sha256 "$1")
	mv "$1" "$out/blobs/sha256/$d"
	echo "$d"
}
diff_ids=() layer_descs=()
for l in runtime app; do
	diff_ids+=("\"sha256:$(sha256 "$work/$l.tar")\"")
	gzip -n "$work/$l.tar"
	size=$(stat -c %s "$work/$l.tar.gz")
	d=$(blob "$work/$l.tar.gz")
	layer_descs+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$d\",\"size\":$size}")
done
created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
commit=$(field gitCommit)
join() { local IFS=,; echo "$*"; }
cat >"$work/config.json" <<EOF
{"architecture":"$arch","os":"linux","created":"$created","config":{"User":"999:999","Env":["PATH=/usr/local/bin","HOME=/home/argocd"],"Entrypoint":["/usr/local/bin/kubectl-release"],"WorkingDir":"/home/argocd","Labels":{"org.opencontainers.image.title":"kubectl-release","org.opencontainers.image.version":"$version","org.opencontainers.image.revision":"$commit","org.opencontainers.image.source":"https://github.com/kubectl-release/kubectl-release","org.opencontainers.image.licenses":"Apache-2.0"}},"rootfs":{"type":"layers","diff_ids":[$(join "${diff_ids[@]}")]},"history":[{"created":"$created","created_by":"scripts/image.sh: runtime (passwd, group, CA certificates, /tmp, /home/argocd, git $git_version, shared libraries)"},{"created":"$created","created_by":"scripts/image.sh: kubectl-release $version ($target), plugin.yaml"}]}
EOF
config_size=$(stat -c %s "$work/config.json")
config=$(blob "$work/config.json")
cat >"$work/manifest.json" <<EOF
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:$config","size":$config_size},"layers":[$(join "${layer_descs[@]}")]}
EOF
manifest_size=$(stat -c %s "$work/manifest.json")
manifest=$(blob "$work/manifest.json")
printf '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"}}]}' \
	"$manifest" "$manifest_size" "$arch" >"$out/index.json"
log "$out: sha256:$manifest (linux/$arch, $(du -sk "$out/blobs" | cut -f1) KiB${libs:+; libraries: ${libs[*]}})"

if [ -n "$push" ]; then
	crane=$(command -v crane || true)
	[ -n "$crane" ] || crane="$("$root/scripts/dist-tools.sh" --check)/crane"
	"$crane" push "$out" "$push" >&2
	echo "sha256:$manifest"
fi
