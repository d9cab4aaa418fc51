#!/usr/bin/env bash
# npm start: the whole stack on one machine without Docker — installs what is missing, starts a
# local Kafka broker (or uses KAFKA_BROKERS), uses the local PostgreSQL (or DATABASE_URL),
# starts force nodes for Norfolk (36), the Metropolitan Police (01) and Kent (46), writes
# .run/stack.json with every endpoint, and prints them. `npm stop` takes it down.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

FORCES=(36 01 46)
mkdir -p "$RUN_DIR/logs" "$RUN_DIR/pids"

if ls "$RUN_DIR"/pids/*.pid >/dev/null 2>&1; then
  say "a stack is already running (.run/pids); run 'npm stop' first"
  exit 1
fi

ensure_node_modules
build
ensure_postgres

if [[ -z "${KAFKA_BROKERS:-}" ]]; then
  export KAFKA_PORT="${KAFKA_PORT:-9092}"
  bash deploy/local/kafka.sh start
  bash deploy/local/kafka.sh wait 120
  export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
  KAFKA_CREDENTIALS_DIR="$(env -u KAFKA_BROKERS bash deploy/local/kafka.sh credentials)"
  echo "local" > "$RUN_DIR/kafka.mode"
  echo "$KAFKA_PORT" > "$RUN_DIR/kafka.port"
else
  echo "external" > "$RUN_DIR/kafka.mode"
fi
# Every service authenticates as its own principal (force-NN, hub) and may do only what the
# ACLs provisioned here allow (docs/security.md).
kafka_credentials_and_provision

say "WARNING: the local stack runs gRPC in PLAINTEXT development mode (GRPC_INSECURE_PLAINTEXT=true):"
say "         no TLS and no caller authentication. Use mutual TLS (GRPC_TLS_*) with real data."
say "WARNING: the analysts' API trusts a DEVELOPMENT token issuer (ANALYST_DEV_ISSUER=true): anyone who"
say "         reaches 127.0.0.1:8095 can sign in as a demo user. Use a real OIDC issuer with real data."

# Least-privilege database roles (docs/security.md): DATABASE_URL is the admin role, used by each
# service only to provision its database (roles, migrations as the owner, grants); the service
# itself runs as <database>_app with a password generated here, never committed.
SECRETS_DIR="$RUN_DIR/secrets"
mkdir -p "$SECRETS_DIR" && chmod 700 "$SECRETS_DIR"
new_secret() { node -e "process.stdout.write(require('crypto').randomBytes(24).toString('hex'))"; }
role_url() { # user password: DATABASE_URL with that user and password
  node -e "const u=new URL(process.argv[1]);u.username=process.argv[2];u.password=process.argv[3];process.stdout.write(u.toString())" "$DATABASE_URL" "$1" "$2"
}
AUDITOR_PASSWORD="$(new_secret)"
# The key that signs the audit chain's head (anchors on intel.audit-anchor.v1 and in
# .run/audit-anchors.jsonl): a file PostgreSQL never sees. Kept across restarts.
if [[ ! -f "$SECRETS_DIR/audit-anchor-key.pem" ]]; then
  node -e "const c=require('crypto');const k=c.generateKeyPairSync('ed25519');const fs=require('fs');
fs.writeFileSync(process.argv[1],k.privateKey.export({type:'pkcs8',format:'pem'}),{mode:0o600});
fs.writeFileSync(process.argv[2],k.publicKey.export({type:'spki',format:'pem'}));" \
    "$SECRETS_DIR/audit-anchor-key.pem" "$RUN_DIR/audit-anchor-key.pub.pem"
fi
role_url intel_hub_auditor "$AUDITOR_PASSWORD" >"$SECRETS_DIR/auditor-url"
chmod 600 "$SECRETS_DIR/auditor-url"

# Event keys (docs/security.md, "Events bound to their force"): generated for this stack on its
# first start into .run/keys (never committed) and kept, so the events already on the topics
# still verify after a restart. Each force node signs with its own key and seals handling-code-C
# states for the hub; the hub verifies every event against the forces' public keys.
KEYS_DIR="$RUN_DIR/keys"
ensure_event_keys() {
  [[ -f "$KEYS_DIR/forces/hub.h1.pub.pem" ]] || rm -rf "$KEYS_DIR"
  local f
  for f in "${FORCES[@]}"; do
    if [[ ! -f "$KEYS_DIR/forces/$f.k1.key.pem" ]]; then
      node dist/apps/cli/src/main.js keys generate --out "$KEYS_DIR" --forces "$f" --key-id k1 --no-hub >/dev/null
    fi
  done
  if [[ ! -f "$KEYS_DIR/forces/hub.h1.pub.pem" ]]; then
    node dist/apps/cli/src/main.js keys generate --out "$KEYS_DIR" --hub-key-id h1 >/dev/null
  fi
}
ensure_event_keys

start_service() { # name grpcPort httpPort main database kafkaPrincipal [env...]
  local name=$1 grpc=$2 http=$3 main=$4 database=$5 principal=$6
  shift 6
  env -u KAFKA_SASL_PASSWORD "$@" GRPC_PORT="$grpc" HTTP_PORT="$http" GRPC_INSECURE_PLAINTEXT=true \
    DATABASE_ADMIN_URL="$DATABASE_URL" DATABASE_NAME="$database" \
    DATABASE_URL="$(role_url "${database}_app" "$(new_secret)")" \
    KAFKA_BROKERS="$KAFKA_BROKERS" \
    KAFKA_SASL_USERNAME="$principal" KAFKA_SASL_PASSWORD_FILE="$KAFKA_CREDENTIALS_DIR/$principal.password" \
    nohup node "$main" >"$RUN_DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/pids/$name.pid"
}

wait_ready() { # name
  local name=$1 log="$RUN_DIR/logs/$1.log" pid
  pid="$(cat "$RUN_DIR/pids/$name.pid")"
  for _ in $(seq 1 120); do
    grep -q '"event":"ready"' "$log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { tail -30 "$log" >&2; fail "$name exited during start-up (log: $log)"; }
    sleep 0.5
  done
  tail -30 "$log" >&2
  fail "$name did not become ready within 60 s (log: $log)"
}

for f in "${FORCES[@]}"; do
  start_service "force-$f" "500$f" "80$f" dist/apps/force-node/src/main.js "intel_force_$f" "force-$f" FORCE_CODE="$f" \
    EVENT_SIGNING_KEY_FILE="$KEYS_DIR/forces/$f.k1.key.pem" EVENT_SIGNING_KEY_ID=k1 \
    HUB_SEALING_PUBLIC_KEY_FILE="$KEYS_DIR/forces/hub.h1.pub.pem" HUB_SEALING_KEY_ID=h1
done
# The analysts' API (docs/analyst.md) on 8095, loopback only, with the development issuer: its
# signing key is kept in .run/secrets so that tokens outlive a restart of the hub.
ANALYST_URL="http://127.0.0.1:8095"
start_service hub 50100 8090 dist/apps/intel-hub/src/main.js intel_hub hub \
  DATABASE_AUDITOR_PASSWORD="$AUDITOR_PASSWORD" \
  ANALYST_HTTP_ENABLED=true ANALYST_HTTP_PORT=8095 ANALYST_HTTP_HOST=127.0.0.1 ANALYST_DEV_ISSUER=true \
  ANALYST_DEV_ISSUER_KEY_FILE="$SECRETS_DIR/dev-oidc-key.jwk.json" \
  AUDIT_ANCHOR_KEY_FILE="$SECRETS_DIR/audit-anchor-key.pem" AUDIT_ANCHOR_FILE="$RUN_DIR/audit-anchors.jsonl" \
  HUB_SNAPSHOT_DIR="$RUN_DIR/hub-snapshot" \
  HUB_FORCE_KEYS_DIR="$KEYS_DIR/hub/force-keys" HUB_SEALING_KEYS_DIR="$KEYS_DIR/hub/sealing-keys"
for f in "${FORCES[@]}"; do wait_ready "force-$f"; done
wait_ready hub

forces_json=""
for f in "${FORCES[@]}"; do
  name="$(node -p "require('./dist/libs/config/src/force-codes.js').forceName('$f')")"
  forces_json+="${forces_json:+,}{\"code\":\"$f\",\"name\":\"$name\",\"grpc\":\"127.0.0.1:500$f\",\"http\":\"http://127.0.0.1:80$f\"}"
done
cat >"$RUN_DIR/stack.json" <<JSON
{
  "forces": [$forces_json],
  "hub": { "grpc": "127.0.0.1:50100", "http": "http://127.0.0.1:8090" },
  "analyst": { "url": "$ANALYST_URL", "page": "$ANALYST_URL/analyst/", "api": "$ANALYST_URL/api/v1", "devIssuer": true },
  "kafka": { "brokers": "$KAFKA_BROKERS", "credentials": "$KAFKA_CREDENTIALS_DIR", "sasl": "${KAFKA_SASL_MECHANISM:-scram-sha-512}" },
  "databaseUrl": "$DATABASE_URL",
  "tls": "plaintext-dev",
  "logs": "$RUN_DIR/logs"
}
JSON

say "loading the demonstration data set through the force nodes (deploy/local/demo)"
for f in "${FORCES[@]}"; do
  node dist/apps/cli/src/main.js import --force "$f" --in "deploy/local/demo/$f.jsonl" >/dev/null
done

say "stack is up:"
for f in "${FORCES[@]}"; do
  say "  force $f  gRPC intel.v1.ForceIntake 127.0.0.1:500$f   health http://127.0.0.1:80$f/health   metrics http://127.0.0.1:80$f/metrics"
done
say "  hub      gRPC intel.v1.IntelQuery 127.0.0.1:50100      health http://127.0.0.1:8090/health   metrics http://127.0.0.1:8090/metrics"
say "  analysts' page $ANALYST_URL/analyst/   API $ANALYST_URL/api/v1 (docs/analyst.md, docs/openapi.json)"
say "  kafka    $KAFKA_BROKERS (SASL ${KAFKA_SASL_MECHANISM:-scram-sha-512}, ACLs on; passwords in $KAFKA_CREDENTIALS_DIR)"
say "  postgres $DATABASE_URL (databases intel_force_36, intel_force_01, intel_force_46, intel_hub;"
say "           each service runs as <database>_app, the audit is read as intel_hub_auditor)"
say "  endpoints written to .run/stack.json; logs in .run/logs/"
say "try, as Kent (46) — one national person, flagged, with the evidence and an explanation:"
say "  npm run cli -- check-person --as 46 --given William --family Hendry --dob 1979-03-14 --phone +447911100123 --reason 'Undercover operation: suspect contact in a chatroom'"
say "  npm run cli -- check-identifiers --as 46 --kind USERNAME --platform discord --value billy_h79 --reason 'Undercover operation: username seen in a chatroom'"
say "  DATABASE_URL=\"\$(cat .run/secrets/auditor-url)\" npm run cli -- audit verify --public-key .run/audit-anchor-key.pub.pem --anchors-file .run/audit-anchors.jsonl"
say "       (the hash-chained audit log, read as the auditor role, checked against the signed anchors of its head)"
say "sign in to the analysts' page ($ANALYST_URL/analyst/) as a demo user of the development issuer:"
say "  analyst.36 (Norfolk), analyst.01 (Metropolitan Police), analyst.46 (Kent), supervisor.36, auditor.36"
say "  or take a token for the API:"
say "  curl -s -X POST $ANALYST_URL/dev-oidc/token -H 'Content-Type: application/json' -d '{\"sub\":\"analyst.46\"}'"
say "more data: npm run cli -- generate --persons 5000 --forces 1 --out /tmp/persons.jsonl"
say "      then: npm run cli -- import --force 36 --in /tmp/persons.jsonl"
say "stop with: npm stop"
