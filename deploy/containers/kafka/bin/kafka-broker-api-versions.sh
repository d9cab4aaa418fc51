#!/usr/bin/env bash
# kafka-broker-api-versions.sh --bootstrap-server ... [--command-config ...]: as upstream's script
# (compose's healthcheck for the broker).
exec "$(dirname "$0")/kafka-run-class.sh" kafka.admin.BrokerApiVersionsCommand "$@"
