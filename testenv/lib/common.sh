# Sourced by testenv/up and testenv/down.
: "${TESTENV_DIR:=$repo/target/testenv}"
export TESTENV_DIR

log() { echo "testenv: $*" >&2; }
die() {
	failure="$*"
	log "error: $*"
	exit 1
}

# The components in start order; down stops them in reverse.
components=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
# What `up --argocd` adds (testenv/lib/argocd.sh), started after the above.
argocd_components=(git-server redis argocd-cmp-server argocd-cmp-server-discover argocd-repo-server argocd-application-controller)

# pid_of NAME: the pid recorded for NAME if that process still runs the
# binary it was started with (guards against reused pids). A process that
# rewrites its title (Redis: "/usr/bin/redis-server 127.0.0.1:PORT") keeps
# the binary as the first word.
pid_of() {
	local f="$TESTENV_DIR/run/pids/$1.pid" pid exe argv0
	[ -f "$f" ] || return 1
	read -r pid exe <"$f" || return 1
	[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
	argv0=$(tr '\0' '\n' <"/proc/$pid/cmdline" | head -n1)
	[ "$argv0" = "$exe" ] || [[ $argv0 == "$exe "* ]] || return 1
	echo "$pid"
}

# is_up: every component runs and the apiserver answers /readyz.
is_up() {
	local c server
	[ -f "$TESTENV_DIR/kubeconfig" ] && [ -f "$TESTENV_DIR/kubeconfig-restricted" ] || return 1
	for c in "${components[@]}"; do pid_of "$c" >/dev/null || return 1; done
	server=$(sed -n 's/^TESTENV_SERVER=//p' "$TESTENV_DIR/run/env" 2>/dev/null)
	local pki="$TESTENV_DIR/run/pki"
	curl -fsS -m 5 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
		"$server/readyz" >/dev/null 2>&1
}

# free_port [TAKEN...]: a loopback TCP port nobody uses (nor one of TAKEN).
free_port() {
	local used port i
	used=" $(ss -Htan | awk '{n = split($4, a, ":"); print a[n]}' | tr '\n' ' ') $* "
	for i in $(seq 1 200); do
		port=$((20000 + RANDOM % 12000)) # below the ephemeral range (32768+)
		case "$used" in *" $port "*) continue ;; esac
		echo "$port"
		return 0
	done
	die "no free port found"
}

# Seconds a component gets to exit after TERM before it is killed (default
# 5). argocd-cmp-server only removes its socket on TERM and keeps serving; in
# Kubernetes the kubelet kills it after the grace period.
declare -A stop_grace=([argocd-cmp-server]=0.5 [argocd-cmp-server-discover]=0.5)

# running PID: the process exists and has not exited. An exited one stays a
# zombie until whoever adopted it reaps it (seconds, in some containers).
running() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# stop NAME...: stop each component by its recorded pid, last first (TERM,
# then KILL after its grace period); prints the names of those that were
# running.
stop() {
	local i c pid grace
	for ((i = $#; i >= 1; i--)); do
		c=${!i}
		pid=$(pid_of "$c") || continue
		grace=${stop_grace[$c]:-5}
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 "$(awk -v g="$grace" 'BEGIN{print int(g * 10)}')"); do
			running "$pid" || break
			sleep 0.1
		done
		if running "$pid"; then
			[ -n "${stop_grace[$c]:-}" ] || log "$c ($pid) did not stop in $grace s; killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
		rm -f "$TESTENV_DIR/run/pids/$c.pid"
		echo "$c"
	done
}

# start NAME [VAR=VALUE...] BINARY ARGS...: run in its own session, with
# those variables added to its environment, log to logs/NAME.log.
start() {
	local name=$1 vars=()
	shift
	while [[ ${1:-} =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
		vars+=("$1")
		shift
	done
	if [ ${#vars[@]} = 0 ]; then
		setsid "$@" </dev/null >"$TESTENV_DIR/logs/$name.log" 2>&1 &
	else
		setsid env "${vars[@]}" "$@" </dev/null >"$TESTENV_DIR/logs/$name.log" 2>&1 &
	fi
	echo "$! $1" >"$TESTENV_DIR/run/pids/$name.pid"
}

# wait_for WHAT SECONDS CMD...: poll CMD every 0.2 s until it succeeds; fail
# early if a component died.
wait_for() {
	local what=$1 secs=$2 deadline c
	shift 2
	deadline=$(($(date +%s) + secs))
	until "$@" >/dev/null 2>&1; do
		for c in "${components[@]}" "${argocd_components[@]}"; do
			if [ -f "$TESTENV_DIR/run/pids/$c.pid" ] && ! pid_of "$c" >/dev/null; then
				die "$c exited while waiting for $what (see $TESTENV_DIR/logs/$c.log)"
			fi
		done
		[ "$(date +%s)" -lt "$deadline" ] || die "timed out after ${secs}s waiting for $what"
		sleep 0.2
	done
}
