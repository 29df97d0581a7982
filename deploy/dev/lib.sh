# shellcheck shell=bash
# Common settings and helpers for deploy/dev/*.sh. Sourced, never run.
#
# Every path and port can be overridden from the environment, so a second set of
# services (for example a cold-start measurement) can run next to the usual one:
#   HELIOS_SERVICES_DIR   data, logs and pid files      (default <repo>/.services)
#   HELIOS_CACHE_DIR      machine-level jar cache         (default ~/.cache/helios-etl)
#   HELIOS_PG_PORT        PostgreSQL                      (default 54329)
#   HELIOS_KAFKA_PORT     Kafka broker listener           (default 19092)
#   HELIOS_KAFKA_CONTROLLER_PORT  KRaft controller        (default 19093)
#   HELIOS_CONNECT_PORT   Kafka Connect REST              (default 18083)

DEV_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$DEV_DIR/../.." && pwd)

SERVICES_DIR=${HELIOS_SERVICES_DIR:-$REPO_DIR/.services}
CACHE_DIR=${HELIOS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/helios-etl}
# Repo-local copies (hard links where possible) of what the machine cache holds.
REPO_CACHE_DIR=$REPO_DIR/.cache

PG_PORT=${HELIOS_PG_PORT:-54329}
KAFKA_PORT=${HELIOS_KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${HELIOS_KAFKA_CONTROLLER_PORT:-19093}
CONNECT_PORT=${HELIOS_CONNECT_PORT:-18083}

PG_USER=helios
PG_PASSWORD=helios
PG_DB=helios
PG_DSN="postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB?sslmode=disable"
KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
CONNECT_URL="http://127.0.0.1:$CONNECT_PORT"

# The Kafka version is set in deploy/dev/kafka/pom.xml. Debezium 3.7.1.Final is
# only partly on Maven Central (its parent pom and plugin tarball are missing), so
# 3.7.0.Final is the newest usable 3.x.
DEBEZIUM_VERSION=3.7.0.Final

log() { printf 'services: %s\n' "$*" >&2; }
die() {
	printf 'services: error: %s\n' "$*" >&2
	exit 1
}

# need CMD PACKAGE: installs the Debian package PACKAGE when CMD is missing.
need() {
	local cmd=$1 pkg=$2
	command -v "$cmd" >/dev/null 2>&1 && return 0
	[[ $(id -u) -eq 0 ]] || die "$cmd is missing; install the Debian package $pkg (apt-get install -y $pkg)"
	log "installing $pkg (for $cmd) with apt-get; log: $SERVICES_DIR/apt.log"
	mkdir -p "$SERVICES_DIR"
	if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg"; } >>"$SERVICES_DIR/apt.log" 2>&1; then
		die "apt-get install $pkg failed; see $SERVICES_DIR/apt.log"
	fi
	command -v "$cmd" >/dev/null 2>&1 || die "$pkg installed but $cmd is still missing"
}

# port_open PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# port_owner PORT: "pid cmdline" of the process listening on 127.0.0.1:PORT, if ss can tell.
port_owner() {
	local pid
	pid=$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2)
	[[ -n $pid ]] || return 0
	printf '%s %s' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-200)"
}

# pid_alive PIDFILE MARKER: true when PIDFILE names a live process whose command
# line contains MARKER (so a stale pid file whose pid was reused does not count).
pid_alive() {
	local pidfile=$1 marker=$2 pid
	[[ -s $pidfile ]] || return 1
	pid=$(<"$pidfile")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	[[ -r /proc/$pid/cmdline ]] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker"
}

# stop_pid PIDFILE MARKER NAME [TIMEOUT]: SIGTERM, wait, then SIGKILL; removes PIDFILE.
stop_pid() {
	local pidfile=$1 marker=$2 name=$3 timeout=${4:-30} pid i
	if ! pid_alive "$pidfile" "$marker"; then
		rm -f "$pidfile"
		log "$name: not running"
		return 0
	fi
	pid=$(<"$pidfile")
	log "$name: stopping pid $pid"
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < timeout * 10; i++)); do
		[[ -e /proc/$pid ]] || break
		sleep 0.1
	done
	if [[ -e /proc/$pid ]]; then
		log "$name: pid $pid still alive after ${timeout}s, sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$pidfile"
}

# start_detached PIDFILE LOG CMD...: runs CMD in its own session, immune to the
# caller's hangup, with stdin from /dev/null and output appended to LOG.
start_detached() {
	local pidfile=$1 logfile=$2
	shift 2
	printf '\n==== %s start: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$logfile"
	# 8>&-: the child must not inherit services.sh's lock (it would hold it forever).
	setsid nohup "$@" >>"$logfile" 2>&1 </dev/null 8>&- &
	echo $! >"$pidfile"
}

# tail_log LOG: the last lines of LOG, indented, for error messages.
tail_log() {
	[[ -r $1 ]] && tail -n 20 "$1" | sed 's/^/    /' >&2
	return 0
}

# link_tree SRC DST: DST becomes a copy of SRC made of hard links (a plain copy
# across file systems), replaced atomically.
link_tree() {
	local src=$1 dst=$2 tmp
	tmp="$dst.tmp.$$"
	rm -rf "$tmp"
	mkdir -p "$(dirname "$dst")"
	cp -al "$src" "$tmp" 2>/dev/null || cp -a "$src" "$tmp"
	rm -rf "$dst"
	mv "$tmp" "$dst"
}
