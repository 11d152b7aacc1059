# Sourced by testenv/up for --argocd: once the control plane runs, starts Argo
# CD's components as local processes the way Argo CD's own Procfile does for
# local development (one multi-call binary chosen by ARGOCD_BINARY_NAME,
# ARGOCD_FAKE_IN_CLUSTER=true, KUBECONFIG to the testenv admin), with Redis
# and a git server on loopback, and writes $TESTENV_DIR/argocd.env.
#
# argocd_prepare checks what is needed and builds Argo CD (before anything
# starts); argocd_start starts it all. They use from testenv/up: repo, here,
# run, conf, logs, timeout, kubectl(), start(), wait_for(), free_port(),
# die(), log().

argocd_ns=argocd

argocd_prepare() {
	for tool in redis-server redis-cli git; do
		command -v "$tool" >/dev/null || die "'$tool' is not installed (scripts/deps.sh installs it: redis-server, git)"
	done

	# The plugin's binary: KUBECTL_RELEASE_BIN, else the worktree's release build,
	# else its debug build. The cmp-server finds it through a symlink, so a
	# rebuild is picked up without restarting anything.
	plugin_bin=${KUBECTL_RELEASE_BIN:-}
	if [ -z "$plugin_bin" ]; then
		for b in "$repo/target/release/kubectl-release" "$repo/target/debug/kubectl-release"; do
			[ -x "$b" ] && { plugin_bin=$b; break; }
		done
	fi
	[ -n "$plugin_bin" ] || die "no kubectl-release binary for the Argo CD plugin: run 'cargo build --release' (or 'cargo build'), or set KUBECTL_RELEASE_BIN"
	[ -x "$plugin_bin" ] || die "KUBECTL_RELEASE_BIN=$plugin_bin is not an executable file"
	plugin_bin=$(cd "$(dirname "$plugin_bin")" && pwd)/$(basename "$plugin_bin")
	plugin_config="$repo/deploy/argocd"
	[ -f "$plugin_config/plugin.yaml" ] || die "no plugin config at $plugin_config/plugin.yaml"
	plugin_name=$(sed -n '/^metadata:/,/^[^ ]/s/^  name: *\([^ ]*\)$/\1/p' "$plugin_config/plugin.yaml" | head -n1)
	[ -n "$plugin_name" ] || die "no metadata.name in $plugin_config/plugin.yaml"

	argocd_out=$("$here/build-argocd")
	argocd_bin="$argocd_out/bin"
}

# argocd_use_plugin_bin PATH: a running cmp-server runs PATH from now on.
argocd_use_plugin_bin() {
	local b
	[ -x "$1" ] || die "KUBECTL_RELEASE_BIN=$1 is not an executable file"
	b=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
	ln -sfn "$b" "$TESTENV_DIR/run/argocd/plugin-path/kubectl-release"
	sed -i "s|^KUBECTL_RELEASE_BIN=.*|KUBECTL_RELEASE_BIN=$b|" "$TESTENV_DIR/argocd.env"
}

argocd_start() {
	# --- state directories ----------------------------------------------
	ad="$run/argocd"
	git_root="$TESTENV_DIR/git"
	mkdir -p "$ad/tls" "$ad/ssh" "$ad/gpg" "$ad/tmp" "$ad/cmp-work" "$ad/plugin-path" "$git_root"
	ln -sfn "$plugin_bin" "$ad/plugin-path/kubectl-release"
	# A unix socket path must fit in 108 bytes; a deep TESTENV_DIR gets a short
	# directory under /tmp instead (removed by down).
	sock_dir="$ad/plugins"
	if [ ${#sock_dir} -gt 80 ]; then
		sock_dir=$(mktemp -d /tmp/testenv-argocd-plugins.XXXXXX)
		echo "$sock_dir" >"$ad/external-sock-dir"
	fi
	mkdir -p "$sock_dir"
	# The cmp-server extracts the repository for every call (discovery and
	# generation): on tmpfs, as deploy/argocd mounts the sidecar's /tmp (a memory
	# emptyDir). On ext4, creating thousands of files right after deleting the
	# previous copy spends seconds in the kernel (measured: 2,000 resources, the
	# plugin's GenerateManifest 3-4.5 s on disk, 1.0-1.5 s on tmpfs).
	cmp_work="$ad/cmp-work"
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		cmp_work=$(mktemp -d /dev/shm/testenv-argocd-cmp.XXXXXX)
		echo "$cmp_work" >"$ad/external-cmp-work"
	fi
	mkdir -p "$cmp_work/named" "$cmp_work/discover"
	# The second sidecar: deploy/argocd/plugin-discover.yaml (discovery by
	# kubectl-release.yaml, for Applications that name no plugin) under its own
	# name, so both variants are tested against one Argo CD.
	mkdir -p "$ad/cmp-discover"
	sed "/^metadata:/,/^[^ ]/s/^  name: .*/  name: $plugin_name-discover/" \
		"$plugin_config/plugin-discover.yaml" >"$ad/cmp-discover/plugin.yaml"

	# --- ports ----------------------------------------------------------
	taken=$(sed -n 's/^TESTENV_[A-Z_]*PORT=//p' "$run/env" | tr '\n' ' ')
	git_port=$(free_port $taken)
	redis_port=$(free_port $taken "$git_port")
	repo_port=$(free_port $taken "$git_port" "$redis_port")
	repo_metrics_port=$(free_port $taken "$git_port" "$redis_port" "$repo_port")
	ctrl_metrics_port=$(free_port $taken "$git_port" "$redis_port" "$repo_port" "$repo_metrics_port")
	git_url="http://127.0.0.1:$git_port"

	# Every Argo CD component: the multi-call binary under its component's name.
	argocd_env=(
		ARGOCD_FAKE_IN_CLUSTER=true
		KUBECONFIG="$conf/admin.kubeconfig"
		ARGOCD_TLS_DATA_PATH="$ad/tls"
		ARGOCD_SSH_DATA_PATH="$ad/ssh"
		ARGOCD_PLUGINSOCKFILEPATH="$sock_dir"
		TMPDIR="$ad/tmp"
	)

	# --- git server, Redis, cmp-server, repo-server ----------------------
	# None of these needs the cluster: they start while the CRDs go in.
	start git-server "$argocd_bin/git-http-server" -listen "127.0.0.1:$git_port" -root "$git_root"
	start redis "$(command -v redis-server)" --bind 127.0.0.1 --port "$redis_port" \
		--save "" --appendonly no --dir "$ad/tmp" --protected-mode yes
	# The cmp-server runs the plugin's commands: PATH starts with the
	# kubectl-release symlink. Its work directory is wiped when it starts, so
	# it gets its own.
	start argocd-cmp-server "${argocd_env[@]}" ARGOCD_BINARY_NAME=argocd-cmp-server \
		ARGOCD_CMP_WORKDIR="$cmp_work/named" PATH="$ad/plugin-path:$PATH" \
		"$argocd_bin/argocd-cmp-server" \
		--config-dir-path "$plugin_config" --logformat text --loglevel info
	start argocd-cmp-server-discover "${argocd_env[@]}" ARGOCD_BINARY_NAME=argocd-cmp-server \
		ARGOCD_CMP_WORKDIR="$cmp_work/discover" PATH="$ad/plugin-path:$PATH" \
		"$argocd_bin/argocd-cmp-server" \
		--config-dir-path "$ad/cmp-discover" --logformat text --loglevel info
	# The repo-server runs git and, for Applications without the plugin, the
	# kustomize release Argo CD's image bundles (built beside argocd).
	# The recommended plugin tar exclusion (reposerver.plugin.tar.exclusions): the
	# plugin never needs the repository's .git.
	start argocd-repo-server "${argocd_env[@]}" ARGOCD_BINARY_NAME=argocd-repo-server \
		ARGOCD_REPO_SERVER_PLUGIN_TAR_EXCLUSIONS='.git/*' \
		ARGOCD_GPG_ENABLED=false ARGOCD_GNUPGHOME="$ad/gpg" PATH="$argocd_bin:$PATH" \
		"$argocd_bin/argocd-repo-server" \
		--address 127.0.0.1 --port "$repo_port" \
		--metrics-address 127.0.0.1 --metrics-port "$repo_metrics_port" \
		--redis "127.0.0.1:$redis_port" --disable-tls \
		--logformat text --loglevel info

	# --- CRDs, namespace, configuration, default project ----------------
	# One kubectl, in order. Server-side apply: the ApplicationSet CRD is too
	# large for the last-applied annotation of a client-side apply.
	printf '%s\n' "apiVersion: v1" "kind: Namespace" "metadata:" "  name: $argocd_ns" >"$ad/namespace.yaml"
	kubectl -n "$argocd_ns" apply --server-side --force-conflicts -f "$argocd_out/manifests/crds/" \
		-f "$ad/namespace.yaml" -f "$argocd_out/manifests/config/" >/dev/null
	# What the controller watches (kubectl wait fails on a CRD without status).
	crds_established() {
		[ "$(kubectl get crd/applications.argoproj.io crd/appprojects.argoproj.io \
			-o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Established")].status}{end}')" = TrueTrue ]
	}
	wait_for "Argo CD CRDs Established" "$timeout" crds_established
	# The API server would create the default project; without it, a project
	# that allows everything, like the one it creates. Retried: kubectl's
	# discovery may not list the new kind at once.
	printf '%s\n' >"$ad/default-project.yaml" \
		"apiVersion: argoproj.io/v1alpha1" \
		"kind: AppProject" \
		"metadata:" \
		"  name: default" \
		"  namespace: $argocd_ns" \
		"spec:" \
		"  sourceRepos: ['*']" \
		"  destinations:" \
		"  - server: '*'" \
		"    namespace: '*'" \
		"  clusterResourceWhitelist:" \
		"  - group: '*'" \
		"    kind: '*'"
	wait_for "AppProject default" "$timeout" kubectl -n "$argocd_ns" apply --server-side -f "$ad/default-project.yaml"
	# What the restricted identity needs for `deploy --via argocd` (Argo CD's namespace only).
	kubectl apply -f "$here/rbac-argocd.yaml" >/dev/null

	# --- readiness, application controller ------------------------------
	git_ready() { curl -fsS "$git_url/-/health"; }
	redis_ready() { [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping)" = PONG ]; }
	wait_for git-server "$timeout" git_ready
	wait_for redis "$timeout" redis_ready
	wait_for "argocd-cmp-server socket $sock_dir/$plugin_name.sock" "$timeout" test -S "$sock_dir/$plugin_name.sock"
	wait_for "argocd-cmp-server-discover socket $sock_dir/$plugin_name-discover.sock" "$timeout" test -S "$sock_dir/$plugin_name-discover.sock"
	# full=true: the repo-server's own gRPC health check, through its port.
	wait_for argocd-repo-server "$timeout" curl -fsS "http://127.0.0.1:$repo_metrics_port/healthz?full=true"

	start argocd-application-controller "${argocd_env[@]}" ARGOCD_BINARY_NAME=argocd-application-controller \
		HOSTNAME=argocd-application-controller-0 \
		"$argocd_bin/argocd-application-controller" \
		--namespace "$argocd_ns" \
		--repo-server "127.0.0.1:$repo_port" --repo-server-plaintext \
		--redis "127.0.0.1:$redis_port" \
		--metrics-port "$ctrl_metrics_port" \
		--logformat text --loglevel info
	wait_for argocd-application-controller "$timeout" curl -fsS "http://127.0.0.1:$ctrl_metrics_port/healthz"

	cat >"$TESTENV_DIR/argocd.env" <<-EOF
	ARGOCD_NAMESPACE=$argocd_ns
	ARGOCD_VERSION=$(basename "$argocd_out")
	ARGOCD_BIN=$argocd_bin/argocd
	ARGOCD_PLUGIN_NAME=$plugin_name
	ARGOCD_PLUGIN_CONFIG=$plugin_config/plugin.yaml
	ARGOCD_PLUGIN_DISCOVER_NAME=$plugin_name-discover
	ARGOCD_PLUGIN_DISCOVER_CONFIG=$ad/cmp-discover/plugin.yaml
	ARGOCD_PLUGIN_SOCKET_DIR=$sock_dir
	KUBECTL_RELEASE_BIN=$plugin_bin
	ARGOCD_REDIS=127.0.0.1:$redis_port
	ARGOCD_REPO_SERVER=127.0.0.1:$repo_port
	ARGOCD_REPO_SERVER_METRICS=http://127.0.0.1:$repo_metrics_port/metrics
	ARGOCD_CONTROLLER_METRICS=http://127.0.0.1:$ctrl_metrics_port/metrics
	ARGOCD_LOG_DIR=$logs
	GIT_URL=$git_url
	GIT_ROOT=$git_root
	EOF
}
