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

# pid_of NAME: the pid recorded for NAME if that process still runs the
# binary it was started with (guards against reused pids).
pid_of() {
	local f="$TESTENV_DIR/run/pids/$1.pid" pid exe
	[ -f "$f" ] || return 1
	read -r pid exe <"$f" || return 1
	[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
	[ "$(tr '\0' '\n' <"/proc/$pid/cmdline" | head -n1)" = "$exe" ] || return 1
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

# start NAME BINARY ARGS...: run in its own session, log to logs/NAME.log.
start() {
	local name=$1 exe=$2
	shift
	setsid "$@" </dev/null >"$TESTENV_DIR/logs/$name.log" 2>&1 &
	echo "$! $exe" >"$TESTENV_DIR/run/pids/$name.pid"
}

# wait_for WHAT SECONDS CMD...: poll CMD every 0.2 s until it succeeds; fail
# early if a component died.
wait_for() {
	local what=$1 secs=$2 deadline c
	shift 2
	deadline=$(($(date +%s) + secs))
	until "$@" >/dev/null 2>&1; do
		for c in "${components[@]}"; do
			if [ -f "$TESTENV_DIR/run/pids/$c.pid" ] && ! pid_of "$c" >/dev/null; then
				die "$c exited while waiting for $what (see $TESTENV_DIR/logs/$c.log)"
			fi
		done
		[ "$(date +%s)" -lt "$deadline" ] || die "timed out after ${secs}s waiting for $what"
		sleep 0.2
	done
}
