#!/usr/bin/env bash
# Run a real Apache Kafka 3.9.2 broker (single KRaft node, broker+controller)
# on this machine without Docker, from Maven Central jars.
#
#   deploy/local/kafka.sh fetch|start|wait [secs]|stop|kill|status|reset|brokers|credentials
#
# The broker authenticates every client (SASL/SCRAM-SHA-512) and authorises every request
# (StandardAuthorizer, no ACL = denied). The first `start` generates one random password per
# principal (broker, admin, hub, auditor, force-NN for every PNC force code) into <data dir>/sasl/
# (mode 600, git-ignored, deleted by `reset`) and bootstraps the SCRAM users at format time.
# Topics and ACLs are provisioned afterwards by `intel-cli kafka-provision` (as admin).
#
# Env knobs (see deploy/local/README.md):
#   KAFKA_BROKERS          use an existing cluster instead (start/stop are no-ops)
#   KAFKA_CREDENTIALS_DIR  with KAFKA_BROKERS: where its <principal>.password files are
#   KAFKA_PORT             SASL_PLAINTEXT port (loopback) (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port        (default KAFKA_PORT+1)
#   KAFKA_DATA_DIR         config, logs, data, pid file (default deploy/local/.kafka/data-$KAFKA_PORT)
#   KAFKA_HEAP_OPTS        JVM heap                     (default "-Xms256m -Xmx768m")
#   JAVA_HOME              JDK 17+ to use               (default: java on PATH)
set -euo pipefail
# Data dirs hold passwords: nothing this script creates is readable by other users.
umask 077

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$SCRIPT_DIR/pom.xml"
TEMPLATE_DIR="$SCRIPT_DIR/kafka"
KAFKA_HOME_DIR="$SCRIPT_DIR/.kafka"
LIBS_DIR="$KAFKA_HOME_DIR/libs"
MARKER="$LIBS_DIR/.complete"
KAFKA_VERSION="3.9.2"
# Jars that must be present for the download to count as complete.
REQUIRED_JARS=(
  "kafka_2.13-$KAFKA_VERSION.jar" "kafka-clients-$KAFKA_VERSION.jar"
  "kafka-server-$KAFKA_VERSION.jar" "kafka-server-common-$KAFKA_VERSION.jar"
  "kafka-metadata-$KAFKA_VERSION.jar" "kafka-raft-$KAFKA_VERSION.jar"
  "kafka-storage-$KAFKA_VERSION.jar" "kafka-group-coordinator-$KAFKA_VERSION.jar"
  "kafka-transaction-coordinator-$KAFKA_VERSION.jar" "slf4j-reload4j-1.7.36.jar"
)

PORT="${KAFKA_PORT:-9092}"
[[ "$PORT" =~ ^[0-9]+$ ]] || { echo "[kafka] ERROR: KAFKA_PORT must be a number, got '$PORT'" >&2; exit 1; }
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
[[ "$CONTROLLER_PORT" =~ ^[0-9]+$ ]] || { echo "[kafka] ERROR: KAFKA_CONTROLLER_PORT must be a number, got '$CONTROLLER_PORT'" >&2; exit 1; }
DATA_DIR="${KAFKA_DATA_DIR:-$KAFKA_HOME_DIR/data-$PORT}"
case "$DATA_DIR" in /*) ;; *) DATA_DIR="$PWD/${DATA_DIR#./}" ;; esac
DATA_DIR="${DATA_DIR%/}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"

CONFIG="$DATA_DIR/server.properties"
LOG4J_CONFIG="$DATA_DIR/log4j.properties"
LOGS_DIR="$DATA_DIR/logs"          # log4j output (server.log)
LOG_DIR="$DATA_DIR/kraft-logs"     # Kafka log.dirs (topic + metadata data)
SERVER_LOG="$LOGS_DIR/server.log"
PID_FILE="$DATA_DIR/kafka.pid"
OUT_FILE="$DATA_DIR/kafka.out"
CLUSTER_ID_FILE="$DATA_DIR/cluster.id"
START_TIME_FILE="$DATA_DIR/kafka.start-time"
CRED_DIR="$DATA_DIR/sasl"
CRED_MARKER="$CRED_DIR/.complete"
FORCE_CODES_SRC="$SCRIPT_DIR/../../libs/config/src/force-codes.ts"
STARTED_PATTERN='Kafka Server started'

log() { echo "[kafka] $*"; }
err() { echo "[kafka] ERROR: $*" >&2; }
die() { err "$@"; exit 1; }

now_ms() { date +%s%3N; }
fmt_ms() { local ms=$1; printf '%d.%01ds' $((ms / 1000)) $(((ms % 1000) / 100)); }

external() { [[ -n "${KAFKA_BROKERS:-}" ]]; }

# --------------------------------------------------------------------------
# prerequisites

INSTALL_HINT="Install OpenJDK 17+ and Maven (Debian/Ubuntu: 'apt-get install -y openjdk-17-jre-headless maven'; macOS: 'brew install openjdk@17 maven'), or set KAFKA_BROKERS=host:port to use an existing Kafka cluster."

java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    echo "$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then
    command -v java
  else
    return 1
  fi
}

require_java() {
  local java version major
  java="$(java_bin)" || die "'java' not found (Kafka $KAFKA_VERSION needs Java 17+). $INSTALL_HINT"
  version="$("$java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
  major="${version%%.*}"
  [[ "$major" == 1 ]] && major="$(echo "$version" | cut -d. -f2)"   # 1.8.0_x -> 8
  [[ "$major" =~ ^[0-9]+$ ]] || die "could not determine the Java version of $java ('$version'). $INSTALL_HINT"
  ((major >= 17)) || die "$java is Java $version; Java 17+ is required. $INSTALL_HINT"
  JAVA="$java"
}

require_mvn() {
  command -v mvn >/dev/null 2>&1 || die "'mvn' (Maven) not found; it is needed once to download the Kafka jars from Maven Central. $INSTALL_HINT"
}

pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

libs_complete() {
  [[ -f "$MARKER" ]] || return 1
  [[ "$(cat "$MARKER")" == "$(pom_hash)" ]] || return 1   # pom changed -> re-fetch
  local jar
  for jar in "${REQUIRED_JARS[@]}"; do [[ -f "$LIBS_DIR/$jar" ]] || return 1; done
}

do_fetch() {
  require_java
  if libs_complete; then
    log "jars already present in $LIBS_DIR"
    return 0
  fi
  require_mvn
  mkdir -p "$KAFKA_HOME_DIR"
  # Serialise concurrent fetches (e.g. two brokers started in parallel).
  # The lock fd is closed again below and never inherited by the broker JVM.
  exec 9>"$KAFKA_HOME_DIR/.fetch.lock"
  command -v flock >/dev/null 2>&1 && flock 9
  if libs_complete; then
    exec 9>&-
    log "jars already present in $LIBS_DIR"
    return 0
  fi
  local tmp="$KAFKA_HOME_DIR/libs.tmp.$$" t0
  rm -rf "$tmp"
  t0=$(now_ms)
  log "downloading Kafka $KAFKA_VERSION jars from Maven Central into $LIBS_DIR ..."
  # Output goes to a file (Debian's mvn -q still prints bare ANSI resets) and
  # is only shown when Maven fails.
  local mvn_log="$KAFKA_HOME_DIR/fetch.log"
  if ! mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
    -DoutputDirectory="$tmp" >"$mvn_log" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$mvn_log" | tail -n 40 | sed 's/^/[kafka]   /' >&2
    rm -rf "$tmp"
    exec 9>&-
    die "Maven could not download the Kafka jars (output above, full log in $mvn_log). Check access to Maven Central, or set KAFKA_BROKERS to use an existing cluster."
  fi
  local jar
  for jar in "${REQUIRED_JARS[@]}"; do
    [[ -f "$tmp/$jar" ]] || { rm -rf "$tmp"; die "download incomplete: $jar missing"; }
  done
  pom_hash >"$tmp/.complete"
  rm -rf "$LIBS_DIR"
  mv "$tmp" "$LIBS_DIR"
  exec 9>&-
  log "fetched $(find "$LIBS_DIR" -name '*.jar' | wc -l) jars in $(fmt_ms $(($(now_ms) - t0)))"
}

# --------------------------------------------------------------------------
# process helpers

port_open() { # host port
  if command -v timeout >/dev/null 2>&1; then
    timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
  else
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
  fi
}

# Is $1 a live Kafka process started by this script for this data dir?
is_our_broker() {
  local pid=$1 args
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    args="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  else
    args="$(ps -p "$pid" -o args= 2>/dev/null || true)"
  fi
  args="${args%"${args##*[![:space:]]}"}"   # trim trailing whitespace
  [[ "$args" == *" kafka.Kafka $CONFIG" ]]
}

# Prints the pid of our broker (pid file first, then a scan of /proc in case
# the pid file was lost); returns 1 if none is running.
broker_pid() {
  local pid
  if [[ -f "$PID_FILE" ]]; then
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    if is_our_broker "$pid"; then echo "$pid"; return 0; fi
  fi
  if [[ -d /proc ]]; then
    local f
    for f in /proc/[0-9]*/cmdline; do
      pid="${f#/proc/}"; pid="${pid%/cmdline}"
      if is_our_broker "$pid"; then echo "$pid"; echo "$pid" >"$PID_FILE" 2>/dev/null || true; return 0; fi
    done
  fi
  return 1
}

first_external_broker() {
  local first="${KAFKA_BROKERS%%,*}"
  first="${first#*://}"
  echo "$first"
}

show_logs() {
  if [[ -s "$SERVER_LOG" ]]; then
    err "last 40 lines of $SERVER_LOG:"
    tail -n 40 "$SERVER_LOG" | sed 's/^/[kafka]   /' >&2
  fi
  if [[ -s "$OUT_FILE" ]]; then
    err "last 40 lines of $OUT_FILE:"
    tail -n 40 "$OUT_FILE" | sed 's/^/[kafka]   /' >&2
  fi
}

# --------------------------------------------------------------------------
# credentials

# The PNC force codes, read from the one list the services validate against.
force_codes() {
  local codes
  codes="$(sed -n "s/^  '\([0-9][0-9]\)': .*/\1/p" "$FORCE_CODES_SRC")"
  (($(wc -w <<<"$codes") >= 40)) || die "could not read the force codes from $FORCE_CODES_SRC"
  echo "$codes"
}

principals() {
  local code
  echo broker admin hub auditor
  for code in $(force_codes); do echo "force-$code"; done
}

new_password() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

# One random password per principal, generated once per data dir (a fresh broker, fresh secrets).
ensure_credentials() {
  [[ -f "$CRED_MARKER" ]] && return 0
  if [[ -f "$LOG_DIR/meta.properties" ]]; then
    die "$DATA_DIR was formatted without SASL users (a broker from before authentication was on); run '$0 reset' (deletes its topics) and start again"
  fi
  mkdir -p "$CRED_DIR"
  chmod 700 "$CRED_DIR"
  local p
  for p in $(principals); do
    new_password >"$CRED_DIR/$p.password"
  done
  touch "$CRED_MARKER"
  log "generated SASL credentials for $(principals | wc -w) principals in $CRED_DIR"
}

password_of() { cat "$CRED_DIR/$1.password"; }

# --------------------------------------------------------------------------
# config rendering

render() { # template output key=value...
  local tpl out content kv key val
  tpl="$1"; out="$2"; shift 2
  content="$(<"$tpl")"
  for kv in "$@"; do
    key="${kv%%=*}"; val="${kv#*=}"
    content="${content//"@$key@"/"$val"}"
  done
  printf '%s\n' "$content" >"$out.tmp"
  mv "$out.tmp" "$out"
}

render_config() {
  mkdir -p "$DATA_DIR" "$LOGS_DIR" "$LOG_DIR"
  render "$TEMPLATE_DIR/server.properties.template" "$CONFIG" \
    "PORT=$PORT" "CONTROLLER_PORT=$CONTROLLER_PORT" "LOG_DIR=$LOG_DIR" \
    "BROKER_PASSWORD=$(password_of broker)"
  render "$TEMPLATE_DIR/log4j.properties.template" "$LOG4J_CONFIG" "LOGS_DIR=$LOGS_DIR"
}

# Runs a Kafka command-line tool's main class (Kafka's jars, a small JVM). The broker's log4j
# config would send the tool's logging into server.log; give it one that prints warnings to
# stderr only.
kafka_tool() { # main-class args...
  local main="$1" tool_log4j="$DATA_DIR/log4j-tools.properties"
  shift
  if [[ ! -f "$tool_log4j" ]]; then
    mkdir -p "$DATA_DIR"
    printf '%s\n' 'log4j.rootLogger=WARN, stderr' \
      'log4j.appender.stderr=org.apache.log4j.ConsoleAppender' \
      'log4j.appender.stderr.Target=System.err' \
      'log4j.appender.stderr.layout=org.apache.log4j.PatternLayout' \
      'log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n' >"$tool_log4j"
  fi
  "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$LIBS_DIR/*" -Dlog4j.configuration="file:$tool_log4j" \
    "$main" "$@"
}

storage_tool() { kafka_tool kafka.tools.StorageTool "$@"; }

format_storage() {
  if [[ -f "$LOG_DIR/meta.properties" ]]; then
    return 0
  fi
  local cluster_id
  if [[ -s "$CLUSTER_ID_FILE" ]]; then
    cluster_id="$(<"$CLUSTER_ID_FILE")"
  else
    cluster_id="$(storage_tool random-uuid | tail -n1 | tr -d '[:space:]')"
    [[ -n "$cluster_id" ]] || die "kafka.tools.StorageTool random-uuid returned nothing"
    echo "$cluster_id" >"$CLUSTER_ID_FILE"
  fi
  log "formatting storage in $LOG_DIR (cluster id $cluster_id, SCRAM users bootstrapped)"
  local -a scram=()
  local p
  for p in $(principals); do
    scram+=(--add-scram "SCRAM-SHA-512=[name=$p,password=$(password_of "$p")]")
  done
  storage_tool format -t "$cluster_id" -c "$CONFIG" "${scram[@]}" | sed 's/^/[kafka]   /' ||
    die "formatting storage failed"
  [[ -f "$LOG_DIR/meta.properties" ]] || die "formatting storage failed: no $LOG_DIR/meta.properties"
}

# --------------------------------------------------------------------------
# commands

cmd_fetch() {
  do_fetch
}

cmd_start() {
  if external; then
    log "KAFKA_BROKERS=$KAFKA_BROKERS is set: using that external cluster, not starting a local broker"
    return 0
  fi
  do_fetch
  local pid
  if pid="$(broker_pid)"; then
    if port_open 127.0.0.1 "$PORT"; then
      log "broker already running on 127.0.0.1:$PORT (pid $pid)"
    else
      log "broker already starting on 127.0.0.1:$PORT (pid $pid); run '$0 wait' to wait for it"
    fi
    return 0
  fi
  if port_open 127.0.0.1 "$PORT"; then
    log "something already answers on 127.0.0.1:$PORT (not started by this script for $DATA_DIR); assuming it is a Kafka broker and using it"
    return 0
  fi
  if port_open 127.0.0.1 "$CONTROLLER_PORT"; then
    die "controller port 127.0.0.1:$CONTROLLER_PORT is already in use; set KAFKA_CONTROLLER_PORT to a free port"
  fi

  rm -f "$PID_FILE"
  mkdir -p "$DATA_DIR" "$LOGS_DIR" "$LOG_DIR"
  ensure_credentials
  render_config
  format_storage

  # Start every run with a fresh server.log so 'wait' only sees this run.
  if [[ -f "$SERVER_LOG" ]]; then mv -f "$SERVER_LOG" "$SERVER_LOG.prev"; fi
  if [[ -f "$OUT_FILE" ]]; then mv -f "$OUT_FILE" "$OUT_FILE.prev"; fi

  local -a heap launcher=()
  read -r -a heap <<<"$HEAP_OPTS"
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)
  now_ms >"$START_TIME_FILE"
  nohup ${launcher[@]+"${launcher[@]}"} "$JAVA" "${heap[@]}" \
    -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -Dkafka.logs.dir="$LOGS_DIR" \
    -Dlog4j.configuration="file:$LOG4J_CONFIG" \
    -cp "$LIBS_DIR/*" \
    kafka.Kafka "$CONFIG" \
    </dev/null >"$OUT_FILE" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  log "started broker pid $pid on 127.0.0.1:$PORT (controller 127.0.0.1:$CONTROLLER_PORT, data $DATA_DIR)"
  log "logs: $SERVER_LOG ; run '$0 wait' to wait until it is ready"
}

cmd_wait() {
  local timeout="${1:-90}"
  [[ "$timeout" =~ ^[0-9]+$ ]] || die "wait: timeout must be a number of seconds, got '$timeout'"
  local t0 elapsed pid
  t0=$(now_ms)

  if external; then
    local hp host port
    hp="$(first_external_broker)"; host="${hp%:*}"; port="${hp##*:}"
    log "waiting up to ${timeout}s for external broker $hp ..."
    while ! port_open "$host" "$port"; do
      elapsed=$(($(now_ms) - t0))
      ((elapsed < timeout * 1000)) || die "external broker $hp not reachable after ${timeout}s"
      sleep 0.5
    done
    log "external broker $hp reachable after $(fmt_ms $(($(now_ms) - t0)))"
    return 0
  fi

  log "waiting up to ${timeout}s for broker on 127.0.0.1:$PORT ..."
  while true; do
    if pid="$(broker_pid)"; then
      if port_open 127.0.0.1 "$PORT" && grep -q "$STARTED_PATTERN" "$SERVER_LOG" 2>/dev/null; then
        break
      fi
    else
      if port_open 127.0.0.1 "$PORT"; then
        log "127.0.0.1:$PORT answers (broker not managed by this script for $DATA_DIR)"
        return 0
      fi
      err "broker process is not running (data dir $DATA_DIR)"
      show_logs
      exit 1
    fi
    elapsed=$(($(now_ms) - t0))
    if ((elapsed >= timeout * 1000)); then
      err "broker on 127.0.0.1:$PORT not ready after ${timeout}s (pid $pid still running)"
      show_logs
      exit 1
    fi
    sleep 0.25
  done
  local msg
  msg="broker ready on 127.0.0.1:$PORT (pid $pid) after waiting $(fmt_ms $(($(now_ms) - t0)))"
  # Cold start = JVM launch (recorded by 'start') -> "Kafka Server started" log line.
  if [[ -s "$START_TIME_FILE" ]]; then
    local launched line ts ready
    launched="$(<"$START_TIME_FILE")"
    line="$(grep -m1 "$STARTED_PATTERN" "$SERVER_LOG" 2>/dev/null || true)"
    ts="$(sed -n 's/^\[\([0-9-]* [0-9:]*\),\([0-9]*\)\].*/\1.\2/p' <<<"$line")"
    ready="$(date -d "$ts" +%s%3N 2>/dev/null || true)"
    if [[ "$launched" =~ ^[0-9]+$ && "$ready" =~ ^[0-9]+$ ]] && ((ready >= launched)); then
      msg+="; cold start (JVM launch -> ready) $(fmt_ms $((ready - launched)))"
    fi
  fi
  log "$msg"
}

cmd_stop() {
  if external; then
    log "KAFKA_BROKERS=$KAFKA_BROKERS is set: external cluster, nothing to stop"
    return 0
  fi
  local pid
  if ! pid="$(broker_pid)"; then
    rm -f "$PID_FILE"
    log "no broker running for 127.0.0.1:$PORT (data $DATA_DIR)"
    return 0
  fi
  local t0
  t0=$(now_ms)
  log "stopping broker pid $pid (SIGTERM, controlled shutdown) ..."
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if (($(now_ms) - t0 >= 30000)); then
      err "broker pid $pid did not stop within 30s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$PID_FILE"
  log "broker stopped after $(fmt_ms $(($(now_ms) - t0)))"
}

cmd_kill() {
  if external; then
    die "KAFKA_BROKERS=$KAFKA_BROKERS is set: cannot kill an external cluster"
  fi
  local pid
  if ! pid="$(broker_pid)"; then
    rm -f "$PID_FILE"
    log "no broker running for 127.0.0.1:$PORT (data $DATA_DIR)"
    return 0
  fi
  kill -KILL "$pid" 2>/dev/null || true
  local _
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$PID_FILE"
  log "killed broker pid $pid (SIGKILL); data kept in $DATA_DIR"
}

cmd_status() {
  if external; then
    local hp host port
    hp="$(first_external_broker)"; host="${hp%:*}"; port="${hp##*:}"
    if port_open "$host" "$port"; then
      log "external cluster KAFKA_BROKERS=$KAFKA_BROKERS: $hp reachable"
      return 0
    fi
    log "external cluster KAFKA_BROKERS=$KAFKA_BROKERS: $hp NOT reachable"
    return 3
  fi
  local pid
  if pid="$(broker_pid)"; then
    local state="starting"
    if port_open 127.0.0.1 "$PORT"; then
      grep -q "$STARTED_PATTERN" "$SERVER_LOG" 2>/dev/null && state="ready" || state="port open, starting"
    fi
    log "running: pid $pid, port $PORT, controller port $CONTROLLER_PORT, $state (data $DATA_DIR)"
    return 0
  fi
  if port_open 127.0.0.1 "$PORT"; then
    log "running: port $PORT answers, but not a broker started by this script for $DATA_DIR (pid unknown)"
    return 0
  fi
  log "not running (port $PORT, data $DATA_DIR)"
  return 3
}

cmd_reset() {
  if external; then
    log "KAFKA_BROKERS=$KAFKA_BROKERS is set: external cluster, nothing to reset"
    return 0
  fi
  cmd_stop
  if [[ -d "$DATA_DIR" ]]; then
    rm -rf "$DATA_DIR"
    log "deleted $DATA_DIR"
  else
    log "no data dir $DATA_DIR"
  fi
}

# Where the <principal>.password files are (KAFKA_CREDENTIALS_DIR for an external cluster).
cmd_credentials() {
  if external && [[ "$KAFKA_BROKERS" != "127.0.0.1:$PORT" ]]; then
    [[ -n "${KAFKA_CREDENTIALS_DIR:-}" ]] || die "KAFKA_BROKERS is set: give its credentials in KAFKA_CREDENTIALS_DIR"
    echo "$KAFKA_CREDENTIALS_DIR"
  else
    # The local broker on KAFKA_PORT (also when KAFKA_BROKERS names it).
    [[ -f "$CRED_MARKER" ]] || die "no credentials in $CRED_DIR yet: run '$0 start' first"
    echo "$CRED_DIR"
  fi
}

cmd_brokers() {
  if external; then
    echo "$KAFKA_BROKERS"
  else
    echo "127.0.0.1:$PORT"
  fi
}

# A principal's SCRAM password changed on the running broker (kafka.admin.ConfigCommand as
# admin), then its <principal>.password file: the procedure of docs/security.md "Rotation",
# for the local broker. Services holding the old password keep their connections until they
# reconnect; restart them to use the new one.
cmd_rotate_password() {
  local principal="${1:-}"
  [[ -n "$principal" ]] || die "usage: $0 rotate-password <principal>"
  if external && [[ "$KAFKA_BROKERS" != "127.0.0.1:$PORT" ]]; then
    die "rotate-password changes the local broker's credentials; for a cluster use kafka-configs.sh (docs/security.md, Rotation)"
  fi
  [[ "$principal" != broker ]] || die "the broker's own password is set in its configuration: '$0 reset' makes new ones"
  [[ -f "$CRED_DIR/$principal.password" ]] || die "no principal '$principal' in $CRED_DIR"
  port_open 127.0.0.1 "$PORT" || die "no broker answers on 127.0.0.1:$PORT: start it first"
  require_java
  local new props
  new="$(new_password)"
  props="$(mktemp "$DATA_DIR/admin-client.XXXXXX")"
  chmod 600 "$props"
  printf '%s\n' 'security.protocol=SASL_PLAINTEXT' 'sasl.mechanism=SCRAM-SHA-512' \
    "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$(password_of admin)\";" >"$props"
  if ! kafka_tool kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$PORT" --command-config "$props" --alter \
    --entity-type users --entity-name "$principal" \
    --add-config "SCRAM-SHA-512=[iterations=4096,password=$new]" >/dev/null; then
    rm -f "$props"
    die "the broker refused the new password of $principal (the old one still holds)"
  fi
  rm -f "$props"
  (umask 077 && printf '%s' "$new" >"$CRED_DIR/$principal.password.new")
  mv "$CRED_DIR/$principal.password.new" "$CRED_DIR/$principal.password"
  log "$principal has a new password (in $CRED_DIR/$principal.password); restart the services that use it"
}

usage() {
  cat <<EOF
usage: $0 <command>

  fetch          download the Kafka $KAFKA_VERSION jars (once) into $LIBS_DIR
  start          start a single-node KRaft broker in the background (idempotent)
  wait [secs]    wait until the broker is ready (default 90 s)
  stop           controlled shutdown (SIGTERM, SIGKILL after 30 s)
  kill           SIGKILL the broker (simulate a crash; data kept)
  status         print state; exit 0 if running, 3 if not
  reset          stop and delete the data dir
  brokers        print the bootstrap address (127.0.0.1:\$KAFKA_PORT or \$KAFKA_BROKERS)
  credentials    print the directory of <principal>.password files (SASL/SCRAM-SHA-512)
  rotate-password <principal>
                 a new SCRAM password for the principal on the running broker, then its file

env: KAFKA_BROKERS KAFKA_CREDENTIALS_DIR KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_DATA_DIR KAFKA_HEAP_OPTS JAVA_HOME
EOF
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    fetch) cmd_fetch "$@" ;;
    start) cmd_start "$@" ;;
    wait) cmd_wait "$@" ;;
    stop) cmd_stop "$@" ;;
    kill) cmd_kill "$@" ;;
    status) cmd_status "$@" ;;
    reset) cmd_reset "$@" ;;
    brokers) cmd_brokers "$@" ;;
    credentials) cmd_credentials "$@" ;;
    rotate-password) cmd_rotate_password "$@" ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
