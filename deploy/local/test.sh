#!/usr/bin/env bash
# npm test: the whole suite on a fresh machine, doing its own set-up — npm packages, the build,
# generated-contract and lint checks, unit tests, then a real Kafka broker (KRaft, from Maven
# Central jars) and the real PostgreSQL for the integration and end-to-end tiers.
# The broker authenticates every client (SASL/SCRAM) and enforces ACLs; the tests start each
# service as its own principal. With KAFKA_BROKERS set, that cluster is used instead of a local
# broker, with the principals' passwords in KAFKA_CREDENTIALS_DIR (deploy/local/README.md).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

ensure_node_modules
say "checking generated contracts are up to date"
npm run --silent check:proto
# One build, the one the image ships (tsc, tsc-alias, the analysts' page): the tests run on it.
# `nest build <app>` compiles the same server code (its tsconfig.app.json only narrows
# tsconfig.build.json) but not the page's browser modules; tools/nest-cli.spec.ts holds
# nest-cli.json to that.
build
say "checking the analysts' OpenAPI document is up to date (from the build above)"
node tools/gen-openapi.js --check
say "lint (types, eslint, prettier, import cycles)"
npm run --silent lint
ensure_promtool
say "checking the alerting rules (promtool check + rule unit tests)"
npm run --silent check:monitoring

say "unit tests"
npx jest --selectProjects unit

ensure_postgres
started_kafka=0
if [[ -z "${KAFKA_BROKERS:-}" ]]; then
  # A broker of its own on a test port, from a clean data directory.
  export KAFKA_PORT="${KAFKA_TEST_PORT:-19092}"
  bash deploy/local/kafka.sh reset >/dev/null
  bash deploy/local/kafka.sh start
  started_kafka=1
  trap 'env -u KAFKA_BROKERS bash deploy/local/kafka.sh stop >/dev/null 2>&1 || true' EXIT
  bash deploy/local/kafka.sh wait 120
  export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
  # This broker's own credentials (never those of another broker named in the environment).
  KAFKA_CREDENTIALS_DIR="$(env -u KAFKA_BROKERS bash deploy/local/kafka.sh credentials)"
fi
kafka_credentials_and_provision
say "integration tests (real PostgreSQL at $DATABASE_URL, real Kafka at $KAFKA_BROKERS)"
npx jest --selectProjects int --runInBand --testTimeout=120000
if [[ "$started_kafka" == 1 ]]; then
  # The end-to-end tier on a broker of its own, as a deployment starts: its hubs read the topics
  # from the beginning, and the integration tier's events (each test file signs with keys of its
  # own, so every other hub dead-letters them) are not part of any story told there.
  say "a clean broker for the end-to-end tier"
  env -u KAFKA_BROKERS bash deploy/local/kafka.sh reset >/dev/null
  env -u KAFKA_BROKERS bash deploy/local/kafka.sh start
  env -u KAFKA_BROKERS bash deploy/local/kafka.sh wait 120
  KAFKA_CREDENTIALS_DIR="$(env -u KAFKA_BROKERS bash deploy/local/kafka.sh credentials)"
  kafka_credentials_and_provision
fi
say "end-to-end tests"
ensure_chromium
npx jest --selectProjects e2e --runInBand --passWithNoTests --testTimeout=300000
if [[ "$started_kafka" == 1 ]]; then env -u KAFKA_BROKERS bash deploy/local/kafka.sh stop >/dev/null; fi
say "all tests passed"
