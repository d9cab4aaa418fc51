#!/usr/bin/env bash
# What this image keeps of Kafka's bin/kafka-run-class.sh: java with the jars of /opt/kafka/libs,
# the tools' logging (warnings, on stderr) unless KAFKA_LOG4J_OPTS says otherwise, and the same
# KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS and KAFKA_OPTS knobs.
set -euo pipefail
base_dir="$(cd "$(dirname "$0")/.." && pwd)"
read -r -a heap <<<"${KAFKA_HEAP_OPTS:--Xmx256M}"
# The tools (storage format, the healthcheck's api-versions) are short-lived: start fast.
read -r -a perf <<<"${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true}"
read -r -a log4j <<<"${KAFKA_LOG4J_OPTS:--Dlog4j.configuration=file:$base_dir/config/tools-log4j.properties}"
read -r -a opts <<<"${KAFKA_OPTS:-}"
exec java "${heap[@]}" "${perf[@]}" "${log4j[@]}" ${opts[@]+"${opts[@]}"} -cp "$base_dir/libs/*" "$@"
