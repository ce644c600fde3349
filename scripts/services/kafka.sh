#!/usr/bin/env bash
# Apache Kafka (org.apache.kafka:kafka_2.13 ${TIDE_KAFKA_VERSION:-4.1.1} from Maven Central), one
# KRaft node that is both broker and controller, data in $TIDE_SERVICES_DIR/kafka:
#   127.0.0.1:${TIDE_KAFKA_PORT:-39092}  PLAINTEXT, no authentication (the tests' own clients)
#   127.0.0.1:PORT+1                     the KRaft controller listener
#   127.0.0.1:PORT+2                     SASL_PLAINTEXT, mechanism PLAIN, user tide, password
#                                        tide-test-password; advertised as 127.0.0.1:PORT+3, where
#                                        the source contract's TCP proxy listens (a Kafka client
#                                        connects to the address the broker advertises, so the
#                                        proxy can only stand between them if the broker names it)
# The jars are resolved once with Maven (`mvn dependency:copy-dependencies`, runtime scope) into
# ~/.cache/tide/kafka/<version>/libs (TIDE_CACHE_DIR overrides ~/.cache/tide), never into the
# repository. Usage: kafka.sh [start|stop]; prints the PLAINTEXT host:port.
SERVICE=kafka
. "$(dirname "$0")/lib.sh"
VERSION="${TIDE_KAFKA_VERSION:-4.1.1}"
PORT="${TIDE_KAFKA_PORT:-39092}"
CONTROLLER_PORT=$((PORT + 1)) SASL_PORT=$((PORT + 2)) PROXY_PORT=$((PORT + 3))
DIR=$(svc_dir)
CACHE="${TIDE_CACHE_DIR:-$HOME/.cache/tide}/kafka/$VERSION"

if [ "${1:-start}" = stop ]; then stop_service; exit 0; fi
need_binary java
need_binary mvn

# resolve: the broker's runtime jars, once per version. The pom names the broker and the slf4j
# binding the Kafka distribution ships (without it the broker logs nothing).
resolve() {
  [ -f "$CACHE/libs/.complete" ] && return 0
  local t0=$SECONDS
  mkdir -p "$CACHE"
  cat >"$CACHE/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.tide.test</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>$VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>2.24.3</version>
    </dependency>
  </dependencies>
</project>
POM
  rm -rf "$CACHE/libs"
  log "resolving kafka_2.13 $VERSION with Maven into $CACHE/libs"
  mvn -q -B -f "$CACHE/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$CACHE/libs" >"$CACHE/mvn.log" 2>&1 \
    || { tail -n 30 "$CACHE/mvn.log" >&2; die "mvn could not resolve kafka_2.13 $VERSION"; }
  [ -f "$CACHE/libs/kafka_2.13-$VERSION.jar" ] || die "mvn did not fetch kafka_2.13-$VERSION.jar"
  touch "$CACHE/libs/.complete"
  log "resolved in $((SECONDS - t0))s"
}

configure() {
  cat >"$DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT,PROXIED://127.0.0.1:$SASL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT,PROXIED://127.0.0.1:$PROXY_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,PROXIED:SASL_PLAINTEXT
inter.broker.listener.name=PLAINTEXT
sasl.enabled.mechanisms=PLAIN
listener.name.proxied.sasl.enabled.mechanisms=PLAIN
listener.name.proxied.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_tide="tide-test-password";
log.dirs=$DIR/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
background.threads=2
PROPS
  cat >"$DIR/log4j2.properties" <<'LOG'
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
logger.kafka.name = kafka
logger.kafka.level = WARN
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
logger.started.name = kafka.server.KafkaRaftServer
logger.started.level = INFO
LOG
}

# A small heap and a quick-starting JIT: the broker shares two cores with the other servers.
JAVA_OPTS=(-Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
  -Dlog4j2.configurationFile="$DIR/log4j2.properties")
CLUSTER_ID=i4RJlcRjSY2a61CM25nnsg

if ! running; then
  resolve
  rm -rf "$DIR" && mkdir -p "$DIR/data"
  for p in "$PORT" "$CONTROLLER_PORT" "$SASL_PORT"; do
    port_open 127.0.0.1 "$p" && die "port $p is taken by another process (set TIDE_KAFKA_PORT)"
  done
  configure
  java "${JAVA_OPTS[@]}" -cp "$CACHE/libs/*" kafka.tools.StorageTool format \
    --config "$DIR/server.properties" --cluster-id "$CLUSTER_ID" --ignore-formatted \
    >>"$DIR/log" 2>&1 || { tail -n 30 "$DIR/log" >&2; die "formatting the KRaft storage failed"; }
  start_bg java "${JAVA_OPTS[@]}" -cp "$CACHE/libs/*" kafka.Kafka "$DIR/server.properties"
fi
# Ready when the broker answers on its client port (it binds only once it has joined the quorum).
wait_until 90 "kafka on 127.0.0.1:$PORT" port_open 127.0.0.1 "$PORT"
echo "127.0.0.1:$PORT"
