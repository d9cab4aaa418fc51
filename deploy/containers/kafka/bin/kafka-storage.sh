#!/usr/bin/env bash
# kafka-storage.sh format|random-uuid|info ...: KRaft storage tool, as upstream's script.
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"
