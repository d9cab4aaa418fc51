#!/usr/bin/env bash
# npm run bench -- <suite>: builds, makes sure PostgreSQL and a Kafka broker are there (the
# stack's broker if `npm start` is running, else a local one on the bench port), then runs the
# suite, which writes bench/results/latest.json and prints a table. A broker it started is
# stopped when the suite ends (KAFKA_BENCH_KEEP_BROKER=1 keeps it; `KAFKA_PORT=29092 bash
# deploy/local/kafka.sh stop` stops it later).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
ensure_node_modules
build >&2
ensure_postgres
# matching, index-memory, index-snapshot and hub-index-memory run in this process alone: no
# broker, no topics.
in_process() {
  [[ " $* " == *" matching "* || " $* " == *" index-memory "* || " $* " == *" index-snapshot "* ||
    " $* " == *" hub-index-memory "* ]]
}
if [[ -z "${KAFKA_BROKERS:-}" ]] && ! in_process "$@"; then
  export KAFKA_PORT="${KAFKA_BENCH_PORT:-29092}"
  # pipeline, query, analyst and immediate start a hub, which reads the topics from the
  # beginning: give it a clean bench broker rather than every earlier run's events.
  if [[ " $* " == *" pipeline "* || " $* " == *" query "* || " $* " == *" analyst "* ||
    " $* " == *" immediate "* ]]; then
    bash deploy/local/kafka.sh reset >&2
  fi
  bash deploy/local/kafka.sh start >&2
  if [[ "${KAFKA_BENCH_KEEP_BROKER:-0}" != 1 ]]; then
    trap 'env -u KAFKA_BROKERS bash deploy/local/kafka.sh stop >&2 || true' EXIT
  fi
  bash deploy/local/kafka.sh wait 120 >&2
  export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
  KAFKA_CREDENTIALS_DIR="$(env -u KAFKA_BROKERS bash deploy/local/kafka.sh credentials)"
fi
if ! in_process "$@"; then
  kafka_credentials_and_provision >&2
fi
# --expose-gc: the in-process suites collect before they measure.
node --max-old-space-size=14000 --expose-gc dist/apps/cli/src/main.js bench "$@"
