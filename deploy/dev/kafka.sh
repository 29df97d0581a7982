# shellcheck shell=bash
# Apache Kafka for development and tests: a single-node KRaft cluster (combined
# broker and controller) on 127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT),
# run from jars that Maven resolves from Maven Central. Sourced by services.sh.
#
# Jars: deploy/dev/kafka/pom.xml lists them. Maven downloads into ~/.m2, copies
# the runtime closure into the machine cache $CACHE_DIR/kafka-<version>-<pom hash>/libs,
# and each clone hard-links that into .cache/ (git-ignored). A fresh clone on a
# machine that already has the cache needs neither Maven nor the network.
# Data: $SERVICES_DIR/kafka (kraft-data/, broker.log, server.properties, broker.pid).

KAFKA_POM=$DEV_DIR/kafka/pom.xml
KAFKA_HOME=$SERVICES_DIR/kafka
KAFKA_LOG=$KAFKA_HOME/broker.log
KAFKA_PID=$KAFKA_HOME/broker.pid
KAFKA_WAIT=$REPO_CACHE_DIR/bin/kafkawait

kafka_version() {
	sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM"
}

# kafka_libs: prints the repo-local lib dir, resolving the jars on first use.
kafka_libs() {
	local key machine repo lock
	key=kafka-$(kafka_version)-$(sha256sum "$KAFKA_POM" | cut -c1-8)
	machine=$CACHE_DIR/$key
	repo=$REPO_CACHE_DIR/$key
	if [[ -f $repo/.complete ]]; then
		printf '%s' "$repo/libs"
		return
	fi
	mkdir -p "$CACHE_DIR"
	# One resolver at a time per machine (clones and engineers share the cache).
	exec {lock}>"$CACHE_DIR/.lock"
	flock "$lock"
	if [[ ! -f $machine/.complete ]]; then
		command -v mvn >/dev/null || die "kafka: mvn is missing (apt-get install -y maven)"
		command -v java >/dev/null || die "kafka: java is missing (apt-get install -y openjdk-17-jre-headless)"
		log "kafka: resolving Kafka $(kafka_version) jars with Maven into $machine (first time only); log: $SERVICES_DIR/mvn-kafka.log"
		rm -rf "$machine"
		mkdir -p "$machine" "$SERVICES_DIR"
		if ! mvn -B -q -f "$KAFKA_POM" dependency:copy-dependencies -DincludeScope=runtime \
			-DoutputDirectory="$machine/libs" >"$SERVICES_DIR/mvn-kafka.log" 2>&1; then
			tail_log "$SERVICES_DIR/mvn-kafka.log"
			die "kafka: Maven could not resolve $KAFKA_POM; see $SERVICES_DIR/mvn-kafka.log"
		fi
		ls "$machine/libs"/kafka_2.13-*.jar >/dev/null 2>&1 || die "kafka: no kafka_2.13 jar in $machine/libs after Maven"
		touch "$machine/.complete"
	fi
	link_tree "$machine" "$repo"
	exec {lock}>&-
	printf '%s' "$repo/libs"
}

# kafka_waiter: builds deploy/dev/kafkawait into .cache/bin when missing or stale.
kafka_waiter() {
	local src=$DEV_DIR/kafkawait/main.go
	if [[ ! -x $KAFKA_WAIT || $src -nt $KAFKA_WAIT || $REPO_DIR/go.sum -nt $KAFKA_WAIT ]]; then
		(cd "$REPO_DIR" && go build -o "$KAFKA_WAIT" ./deploy/dev/kafkawait) ||
			die "kafka: building deploy/dev/kafkawait failed"
	fi
}

kafka_write_config() {
	cat >"$KAFKA_HOME/server.properties" <<-EOF
		# Written by deploy/dev/kafka.sh on every 'services.sh up'; edits are lost.
		process.roles=broker,controller
		node.id=1
		controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
		listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
		advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
		inter.broker.listener.name=PLAINTEXT
		controller.listener.names=CONTROLLER
		listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
		log.dirs=$KAFKA_HOME/kraft-data
		# Test-speed settings for a single node.
		num.partitions=1
		auto.create.topics.enable=true
		delete.topic.enable=true
		offsets.topic.replication.factor=1
		offsets.topic.num.partitions=1
		transaction.state.log.replication.factor=1
		transaction.state.log.min.isr=1
		transaction.state.log.num.partitions=1
		share.coordinator.state.topic.replication.factor=1
		share.coordinator.state.topic.min.isr=1
		group.initial.rebalance.delay.ms=0
		group.consumer.min.heartbeat.interval.ms=500
		group.consumer.heartbeat.interval.ms=500
		group.consumer.min.session.timeout.ms=6000
		group.consumer.session.timeout.ms=6000
		log.retention.hours=24
		log.segment.bytes=67108864
	EOF
}

# kafka_java LIBS: the java command line shared by the storage tool and the broker.
kafka_java() {
	KAFKA_JAVA=(java -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
		-Dlog4j2.configurationFile="$DEV_DIR/kafka/log4j2.properties" -Dkafka.logs.dir="$KAFKA_HOME/logs"
		-cp "$1/*")
}

kafka_up() {
	local libs marker pid cid
	mkdir -p "$KAFKA_HOME"
	marker="kafka.Kafka $KAFKA_HOME/server.properties"
	if pid_alive "$KAFKA_PID" "$marker"; then
		kafka_waiter
		if "$KAFKA_WAIT" -q -brokers "$KAFKA_BROKERS" -timeout 120s -pid "$(<"$KAFKA_PID")"; then
			log "kafka: already running (pid $(<"$KAFKA_PID"), $KAFKA_BROKERS); log: $KAFKA_LOG"
			return 0
		fi
		tail_log "$KAFKA_LOG"
		die "kafka: pid $(<"$KAFKA_PID") runs but does not answer on $KAFKA_BROKERS; see $KAFKA_LOG"
	fi
	rm -f "$KAFKA_PID"

	kafka_waiter
	if port_open "$KAFKA_PORT"; then
		if "$KAFKA_WAIT" -q -brokers "$KAFKA_BROKERS" -timeout 10s; then
			log "kafka: $KAFKA_BROKERS is already served by another broker ($(port_owner "$KAFKA_PORT")); using it"
			return 0
		fi
		die "kafka: port $KAFKA_PORT is taken by something that is not a Kafka broker ($(port_owner "$KAFKA_PORT")); set HELIOS_KAFKA_PORT"
	fi
	port_open "$KAFKA_CONTROLLER_PORT" &&
		die "kafka: controller port $KAFKA_CONTROLLER_PORT is taken ($(port_owner "$KAFKA_CONTROLLER_PORT")); set HELIOS_KAFKA_CONTROLLER_PORT"

	libs=$(kafka_libs)
	kafka_java "$libs"
	kafka_write_config
	if [[ ! -f $KAFKA_HOME/kraft-data/meta.properties ]]; then
		cid=$("${KAFKA_JAVA[@]}" kafka.tools.StorageTool random-uuid 2>>"$KAFKA_LOG") ||
			die "kafka: StorageTool random-uuid failed; see $KAFKA_LOG"
		log "kafka: formatting $KAFKA_HOME/kraft-data (cluster id $cid)"
		if ! "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format --standalone --ignore-formatted -t "$cid" \
			-c "$KAFKA_HOME/server.properties" >>"$KAFKA_LOG" 2>&1; then
			tail_log "$KAFKA_LOG"
			die "kafka: StorageTool format failed; see $KAFKA_LOG"
		fi
	fi

	log "kafka: starting Kafka $(kafka_version) on $KAFKA_BROKERS; log: $KAFKA_LOG"
	start_detached "$KAFKA_PID" "$KAFKA_LOG" "${KAFKA_JAVA[@]}" kafka.Kafka "$KAFKA_HOME/server.properties"
	pid=$(<"$KAFKA_PID")
	if ! "$KAFKA_WAIT" -q -brokers "$KAFKA_BROKERS" -timeout 180s -pid "$pid"; then
		tail_log "$KAFKA_LOG"
		die "kafka: broker (pid $pid) did not become ready on $KAFKA_BROKERS; see $KAFKA_LOG"
	fi
	log "kafka: ready on $KAFKA_BROKERS (pid $pid)"
}

kafka_down() {
	stop_pid "$KAFKA_PID" "kafka.Kafka $KAFKA_HOME/server.properties" kafka 60
}

kafka_status() {
	if pid_alive "$KAFKA_PID" "kafka.Kafka $KAFKA_HOME/server.properties"; then
		printf 'kafka     running  pid %s  %s  data %s  log %s\n' "$(<"$KAFKA_PID")" "$KAFKA_BROKERS" "$KAFKA_HOME/kraft-data" "$KAFKA_LOG"
	elif port_open "$KAFKA_PORT"; then
		printf 'kafka     foreign  %s is served by another process: %s\n' "$KAFKA_BROKERS" "$(port_owner "$KAFKA_PORT")"
	else
		printf 'kafka     stopped  %s\n' "$KAFKA_BROKERS"
	fi
}
