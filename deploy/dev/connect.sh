# shellcheck shell=bash
# Kafka Connect (distributed mode) with the Debezium PostgreSQL connector, on
# $CONNECT_URL, against the dev Kafka broker. Started only by 'up --connect'.
# Sourced by services.sh; needs kafka.sh for the lib dir (Connect's runtime
# jars are in the same lib dir as the broker's, as in the Kafka tarball).
#
# Plugin: Debezium's own plugin tarball (io.debezium:debezium-connector-postgres:
# <version>:tar.gz:plugin) from Maven Central, unpacked into the machine cache
# $CACHE_DIR/debezium-postgres-<version>/plugins and hard-linked into .cache/.
# Data: $SERVICES_DIR/connect (connect-distributed.properties, connect.log,
# connect.pid); the worker's state is in the Kafka topics _helios-connect-*.

CONNECT_HOME=$SERVICES_DIR/connect
CONNECT_LOG=$CONNECT_HOME/connect.log
CONNECT_PID=$CONNECT_HOME/connect.pid

# debezium_plugins: prints the repo-local plugin.path, fetching it on first use.
debezium_plugins() {
	local key machine repo lock artifact tgz
	key=debezium-postgres-$DEBEZIUM_VERSION
	machine=$CACHE_DIR/$key
	repo=$REPO_CACHE_DIR/$key
	if [[ -f $repo/.complete ]]; then
		printf '%s' "$repo/plugins"
		return
	fi
	mkdir -p "$CACHE_DIR"
	exec {lock}>"$CACHE_DIR/.lock"
	flock "$lock"
	if [[ ! -f $machine/.complete ]]; then
		artifact=io.debezium:debezium-connector-postgres:$DEBEZIUM_VERSION:tar.gz:plugin
		log "connect: fetching $artifact with Maven into $machine (first time only); log: $SERVICES_DIR/mvn-debezium.log"
		rm -rf "$machine"
		mkdir -p "$machine/plugins" "$SERVICES_DIR"
		# The standalone (project-less) copy goal needs a recent plugin version.
		if ! (cd "$machine" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
			-Dartifact="$artifact" -DoutputDirectory="$machine") >"$SERVICES_DIR/mvn-debezium.log" 2>&1; then
			tail_log "$SERVICES_DIR/mvn-debezium.log"
			die "connect: Maven could not fetch $artifact; see $SERVICES_DIR/mvn-debezium.log"
		fi
		tgz=$machine/debezium-connector-postgres-$DEBEZIUM_VERSION-plugin.tar.gz
		tar -xzf "$tgz" -C "$machine/plugins" || die "connect: unpacking $tgz failed"
		rm -f "$tgz"
		touch "$machine/.complete"
	fi
	link_tree "$machine" "$repo"
	exec {lock}>&-
	printf '%s' "$repo/plugins"
}

connect_write_config() {
	local plugins=$1
	cat >"$CONNECT_HOME/connect-distributed.properties" <<-EOF
		# Written by deploy/dev/connect.sh on every 'services.sh up --connect'; edits are lost.
		bootstrap.servers=$KAFKA_BROKERS
		group.id=helios-connect
		config.storage.topic=_helios-connect-configs
		offset.storage.topic=_helios-connect-offsets
		status.storage.topic=_helios-connect-status
		config.storage.replication.factor=1
		offset.storage.replication.factor=1
		offset.storage.partitions=1
		status.storage.replication.factor=1
		status.storage.partitions=1
		key.converter=org.apache.kafka.connect.json.JsonConverter
		value.converter=org.apache.kafka.connect.json.JsonConverter
		key.converter.schemas.enable=false
		value.converter.schemas.enable=false
		offset.flush.interval.ms=1000
		listeners=http://127.0.0.1:$CONNECT_PORT
		rest.advertised.host.name=127.0.0.1
		rest.advertised.port=$CONNECT_PORT
		plugin.path=$plugins
		plugin.discovery=service_load
	EOF
}

connect_up() {
	local libs plugins marker pid i
	mkdir -p "$CONNECT_HOME"
	marker="ConnectDistributed $CONNECT_HOME/connect-distributed.properties"
	if pid_alive "$CONNECT_PID" "$marker"; then
		if connect_ready; then
			log "connect: already running (pid $(<"$CONNECT_PID"), $CONNECT_URL); log: $CONNECT_LOG"
			return 0
		fi
	else
		rm -f "$CONNECT_PID"
		if port_open "$CONNECT_PORT"; then
			connect_ready && {
				log "connect: $CONNECT_URL is already served by another worker ($(port_owner "$CONNECT_PORT")); using it"
				return 0
			}
			die "connect: port $CONNECT_PORT is taken ($(port_owner "$CONNECT_PORT")); set HELIOS_CONNECT_PORT"
		fi
		libs=$(kafka_libs)
		plugins=$(debezium_plugins)
		connect_write_config "$plugins"
		log "connect: starting Kafka Connect $(kafka_version) with Debezium $DEBEZIUM_VERSION on $CONNECT_URL; log: $CONNECT_LOG"
		start_detached "$CONNECT_PID" "$CONNECT_LOG" java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true \
			-Dlog4j2.configurationFile="$DEV_DIR/kafka/connect-log4j2.properties" -Dkafka.logs.dir="$CONNECT_HOME/logs" \
			-cp "$libs/*" org.apache.kafka.connect.cli.ConnectDistributed "$CONNECT_HOME/connect-distributed.properties"
	fi
	pid=$(<"$CONNECT_PID")
	for ((i = 0; i < 240; i++)); do
		if connect_ready; then
			log "connect: ready on $CONNECT_URL (pid $pid), Debezium PostgresConnector listed"
			return 0
		fi
		if [[ ! -e /proc/$pid ]]; then
			tail_log "$CONNECT_LOG"
			die "connect: worker (pid $pid) exited while starting; see $CONNECT_LOG"
		fi
		sleep 0.5
	done
	tail_log "$CONNECT_LOG"
	die "connect: $CONNECT_URL/connector-plugins did not list io.debezium.connector.postgresql.PostgresConnector within 120s; see $CONNECT_LOG"
}

# connect_ready: the REST API answers and lists the Debezium PostgreSQL connector.
connect_ready() {
	curl -fsS -m 3 "$CONNECT_URL/connector-plugins" 2>/dev/null |
		grep -qF '"io.debezium.connector.postgresql.PostgresConnector"'
}

connect_down() {
	stop_pid "$CONNECT_PID" "ConnectDistributed $CONNECT_HOME/connect-distributed.properties" connect 60
}

connect_status() {
	if pid_alive "$CONNECT_PID" "ConnectDistributed $CONNECT_HOME/connect-distributed.properties"; then
		printf 'connect   running  pid %s  %s  log %s\n' "$(<"$CONNECT_PID")" "$CONNECT_URL" "$CONNECT_LOG"
	elif port_open "$CONNECT_PORT"; then
		printf 'connect   foreign  %s is served by another process: %s\n' "$CONNECT_URL" "$(port_owner "$CONNECT_PORT")"
	else
		printf 'connect   stopped  %s (start with: deploy/dev/services.sh up --connect)\n' "$CONNECT_URL"
	fi
}
