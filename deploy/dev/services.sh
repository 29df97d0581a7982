#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Real services for development and tests: PostgreSQL, Apache Kafka (KRaft) and,
# on request, Kafka Connect with the Debezium PostgreSQL connector.
#
# Usage: deploy/dev/services.sh up [--connect] | up connect | down | env | status
#
#   up         install what is missing, start PostgreSQL and Kafka (idempotent:
#              fast when they already run; nothing that exists is re-formatted)
#   up --connect, up connect
#              also start Kafka Connect (distributed mode) with Debezium
#   down       stop everything this clone started (data is kept)
#   env        print the HELIOS_TEST_* variables the tests read, on one line
#   status     show what runs, where its data and log are
#
# Data, logs and pid files live in .services/ (git-ignored); see deploy/dev/README.md.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=pg.sh
source "$DEV_DIR/pg.sh"
# shellcheck source=kafka.sh
source "$DEV_DIR/kafka.sh"
# shellcheck source=connect.sh
source "$DEV_DIR/connect.sh"

# usage [CODE]: prints the header's usage lines and exits with CODE (default 2).
usage() {
	sed -n '/^# Usage:/,/^#   status/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit "${1:-2}"
}

# lock: one up/down at a time per services folder. Started services must not
# inherit fd 8 (see start_detached and pg_up).
lock() {
	mkdir -p "$SERVICES_DIR"
	exec 8>"$SERVICES_DIR/.lock"
	flock 8
}

cmd_up() {
	local connect=false arg
	for arg in "$@"; do
		case $arg in
		connect | --connect) connect=true ;;
		*) usage ;;
		esac
	done
	lock
	need kcat kcat
	need ss iproute2
	pg_up
	kafka_up
	if $connect; then
		need curl curl
		connect_up
	fi
	log "up: $(cmd_env)"
}

cmd_down() {
	[[ $# -eq 0 ]] || usage
	lock
	connect_down
	kafka_down
	pg_down
}

# cmd_env prints the variables the tests read. It does not start anything; the
# Connect URL is included only when a Connect worker answers on its port.
cmd_env() {
	[[ $# -eq 0 ]] || usage
	local out="HELIOS_TEST_PG_DSN=$PG_DSN HELIOS_TEST_KAFKA_BROKERS=$KAFKA_BROKERS"
	if port_open "$CONNECT_PORT"; then
		out+=" HELIOS_TEST_CONNECT_URL=$CONNECT_URL"
	fi
	printf '%s\n' "$out"
}

cmd_status() {
	[[ $# -eq 0 ]] || usage
	pg_status
	kafka_status
	connect_status
}

main() {
	local sub=${1:-}
	[[ -n $sub ]] || usage
	shift
	case $sub in
	up) cmd_up "$@" ;;
	down) cmd_down "$@" ;;
	env) cmd_env "$@" ;;
	status) cmd_status "$@" ;;
	-h | --help | help) usage 0 ;;
	*) usage ;;
	esac
}

main "$@"
