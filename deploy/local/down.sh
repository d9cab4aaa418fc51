#!/usr/bin/env bash
# npm stop: stops what npm start started (SIGTERM: each service drains its outbox first).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

shopt -s nullglob
pids=("$RUN_DIR"/pids/*.pid)
for f in "${pids[@]}"; do
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping $(basename "$f" .pid) (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
  fi
done
for f in "${pids[@]}"; do
  pid="$(cat "$f")"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    say "$(basename "$f" .pid) did not stop in 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
done
if [[ "$(cat "$RUN_DIR/kafka.mode" 2>/dev/null)" == "local" ]]; then
  KAFKA_PORT="$(cat "$RUN_DIR/kafka.port")" bash deploy/local/kafka.sh stop
fi
rm -f "$RUN_DIR/stack.json" "$RUN_DIR/kafka.mode" "$RUN_DIR/kafka.port"
say "stopped"
