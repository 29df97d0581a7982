# shellcheck shell=bash
# PostgreSQL for development and tests: the project's own cluster from Debian's
# package, on 127.0.0.1:$PG_PORT, data under $SERVICES_DIR/pg. Sourced by services.sh.
#
# The cluster runs as the postgres user (initdb refuses root), so its folder must
# be reachable by that user. When some parent folder of the clone is not (for
# example a clone under /root), the data lives under /var/lib/helios-etl/pg-<hash
# of the services path> instead, and $SERVICES_DIR/pg is a symlink to it.
#
# Test-speed settings: fsync, synchronous_commit and full_page_writes are off, so
# a machine crash can corrupt the cluster; remove $SERVICES_DIR/pg to start over.

PG_LINK=$SERVICES_DIR/pg

# pg_bindir: the bin folder of the newest installed PostgreSQL major version.
pg_bindir() {
	local d
	d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)
	[[ -x $d/initdb ]] && printf '%s' "$d"
}

pg_install() {
	[[ -n $(pg_bindir) ]] && return 0
	[[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb); apt-get install -y postgresql"
	log "installing PostgreSQL with apt-get; log: $SERVICES_DIR/apt.log"
	mkdir -p "$SERVICES_DIR"
	if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql; } >>"$SERVICES_DIR/apt.log" 2>&1; then
		die "apt-get install postgresql failed; see $SERVICES_DIR/apt.log"
	fi
	[[ -n $(pg_bindir) ]] || die "postgresql installed but no /usr/lib/postgresql/*/bin/initdb"
}

# as_pg CMD...: runs CMD as the postgres user (or as the caller when not root).
as_pg() {
	if [[ $(id -u) -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# pg_dir: the folder holding the cluster (data/, postgres.log, socket), created on
# first use where the postgres user can reach it.
pg_dir() {
	if [[ -e $PG_LINK ]]; then
		(cd "$PG_LINK" && pwd -P)
		return
	fi
	mkdir -p "$SERVICES_DIR"
	local dir=$PG_LINK
	if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$SERVICES_DIR"; then
		dir=/var/lib/helios-etl/pg-$(printf '%s' "$SERVICES_DIR" | sha256sum | cut -c1-12)
		log "postgres cannot reach $SERVICES_DIR; keeping the cluster in $dir (symlinked from $PG_LINK)"
		ln -sfn "$dir" "$PG_LINK"
	fi
	mkdir -p "$dir"
	[[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
	chmod 700 "$dir"
	printf '%s' "$dir"
}

# pg_socket_dir DIR: DIR, unless the socket path would pass the 107-byte limit.
pg_socket_dir() {
	local dir=$1
	if ((${#dir} > 90)); then
		dir=/tmp/helios-pg-$PG_PORT
		mkdir -p "$dir"
		[[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
	fi
	printf '%s' "$dir"
}

pg_running() {
	local dir=$1
	[[ -f $dir/data/postmaster.pid ]] && as_pg "$(pg_bindir)/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

# pg_psql DIR SQL...: runs SQL as the postgres superuser over the cluster's socket.
pg_psql() {
	local dir=$1
	shift
	as_pg "$(pg_bindir)/psql" -X -q -v ON_ERROR_STOP=1 -h "$(pg_socket_dir "$dir")" -p "$PG_PORT" -U postgres -d postgres "$@"
}

pg_up() {
	pg_install
	local bin dir data sock
	bin=$(pg_bindir)
	dir=$(pg_dir)
	data=$dir/data
	sock=$(pg_socket_dir "$dir")

	if ! pg_running "$dir" && port_open "$PG_PORT"; then
		if "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d "$PG_DB" -U "$PG_USER"; then
			log "postgres: 127.0.0.1:$PG_PORT is already served by another cluster ($(port_owner "$PG_PORT")); using it"
			return 0
		fi
		die "postgres: port $PG_PORT is taken by something else ($(port_owner "$PG_PORT")); set HELIOS_PG_PORT"
	fi

	if [[ ! -f $data/PG_VERSION ]]; then
		log "postgres: initdb $data ($("$bin/postgres" --version))"
		rm -rf "$data"
		if ! as_pg "$bin/initdb" -D "$data" -U postgres -A trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
			>"$dir/initdb.log" 2>&1; then
			tail_log "$dir/initdb.log"
			die "postgres: initdb failed; see $dir/initdb.log"
		fi
		echo "include_if_exists = 'helios.conf'" >>"$data/postgresql.conf"
	fi
	# Rewritten on every up, so a change here takes effect at the next (re)start.
	cat >"$data/helios.conf" <<-EOF
		# Written by deploy/dev/pg.sh on every 'services.sh up'; edits are lost.
		listen_addresses = '127.0.0.1'
		port = $PG_PORT
		unix_socket_directories = '$sock'
		max_connections = 200
		wal_level = logical
		max_replication_slots = 32
		max_wal_senders = 32
		# Test speed: no durability on a machine crash.
		fsync = off
		synchronous_commit = off
		full_page_writes = off
	EOF
	[[ $(id -u) -eq 0 ]] && chown postgres:postgres "$data/helios.conf"

	if pg_running "$dir"; then
		log "postgres: already running (127.0.0.1:$PG_PORT, data $data)"
	else
		log "postgres: starting on 127.0.0.1:$PG_PORT; log: $dir/postgres.log"
		# pg_ctl detaches the server (setsid + nohup style) and -w waits until it accepts connections.
		if ! as_pg "$bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 start </dev/null >/dev/null 8>&-; then
			tail_log "$dir/postgres.log"
			die "postgres: start failed; see $dir/postgres.log"
		fi
	fi

	pg_psql "$dir" <<-EOF || die "postgres: creating role $PG_USER / database $PG_DB failed; log: $dir/postgres.log"
		SELECT format('CREATE ROLE %I SUPERUSER LOGIN REPLICATION PASSWORD %L', '$PG_USER', '$PG_PASSWORD')
		WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') \gexec
		SELECT format('CREATE DATABASE %I OWNER %I', '$PG_DB', '$PG_USER')
		WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB') \gexec
	EOF
	"$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d "$PG_DB" -U "$PG_USER" ||
		die "postgres: not answering on 127.0.0.1:$PG_PORT; see $dir/postgres.log"
	log "postgres: ready: $PG_DSN"
}

pg_down() {
	local bin dir
	bin=$(pg_bindir) || true
	if [[ -z $bin || ! -e $PG_LINK ]]; then
		log "postgres: not running"
		return 0
	fi
	dir=$(pg_dir)
	if pg_running "$dir"; then
		log "postgres: stopping ($dir/data)"
		as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null ||
			die "postgres: stop failed; see $dir/postgres.log"
	else
		log "postgres: not running"
	fi
}

pg_status() {
	local dir
	if [[ -e $PG_LINK && -n $(pg_bindir) ]] && dir=$(pg_dir) && pg_running "$dir"; then
		printf 'postgres  running  pid %s  127.0.0.1:%s  data %s  log %s\n' \
			"$(head -n1 "$dir/data/postmaster.pid")" "$PG_PORT" "$dir/data" "$dir/postgres.log"
	elif port_open "$PG_PORT"; then
		printf 'postgres  foreign  127.0.0.1:%s is served by another process: %s\n' "$PG_PORT" "$(port_owner "$PG_PORT")"
	else
		printf 'postgres  stopped  127.0.0.1:%s\n' "$PG_PORT"
	fi
}
