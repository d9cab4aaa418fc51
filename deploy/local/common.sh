# Shared by up.sh, down.sh and test.sh: install what is missing, find PostgreSQL.
# shellcheck shell=bash
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="$REPO_ROOT/.run"

say() { echo "[stack] $*"; }
fail() { echo "[stack] ERROR: $*" >&2; exit 1; }

require_node() {
  command -v node >/dev/null 2>&1 || fail "Node.js 20+ is required (https://nodejs.org)."
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [[ "$major" -ge 20 ]] || fail "Node.js 20+ is required; found $(node --version)."
}

# npm ci when node_modules is missing or older than the lock file.
ensure_node_modules() {
  require_node
  # A node_modules linked from another checkout is that checkout's: npm ci would empty it under
  # whoever else uses it.
  if [[ -L "$REPO_ROOT/node_modules" ]]; then
    say "node_modules is a link to $(readlink "$REPO_ROOT/node_modules"): not reinstalling it here"
    return 0
  fi
  if [[ ! -d "$REPO_ROOT/node_modules" || "$REPO_ROOT/package-lock.json" -nt "$REPO_ROOT/node_modules/.package-lock.json" ]]; then
    say "installing npm packages (npm ci)"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund)
  fi
}

build() {
  say "building (tsc)"
  (cd "$REPO_ROOT" && npm run --silent build)
}

# DATABASE_URL (default: the local server). Starts the Debian cluster if it is installed but down.
ensure_postgres() {
  export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
  if node -e "const {Client}=require('pg');const c=new Client({connectionString:process.env.DATABASE_URL,connectionTimeoutMillis:3000});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))" 2>/dev/null; then
    return 0
  fi
  if command -v pg_ctlcluster >/dev/null 2>&1 && [[ -d /etc/postgresql ]]; then
    say "PostgreSQL is not answering; starting the local cluster"
    local v
    v="$(ls /etc/postgresql | sort -V | tail -1)"
    pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
    for _ in $(seq 1 30); do
      node -e "const {Client}=require('pg');const c=new Client({connectionString:process.env.DATABASE_URL});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))" 2>/dev/null && return 0
      sleep 1
    done
  fi
  fail "no PostgreSQL answers at DATABASE_URL=$DATABASE_URL. Install PostgreSQL 15+ (Debian: apt-get install postgresql) or set DATABASE_URL."
}

# apt_install <package> <file it provides> <what it is for>: installs a Debian package the tests
# need when <file> is missing (as root, with apt-get; otherwise says what to install and why).
apt_install() {
  local package=$1 provides=$2 purpose=$3
  [[ -x "$provides" ]] && return 0
  command -v apt-get >/dev/null 2>&1 ||
    fail "$provides is missing and there is no apt-get: install $package (Debian/Ubuntu: apt-get install -y $package) for $purpose."
  if [[ "$(id -u)" != 0 ]]; then
    fail "$provides is missing and installing it needs root: run 'sudo apt-get install -y $package' ($purpose)."
  fi
  say "installing $package (apt-get) for $purpose"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package" ||
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package"; } ||
    fail "apt-get could not install $package"
  [[ -x "$provides" ]] || fail "$package was installed but $provides is not there"
}

# The analysts' page is tested in a real browser: Debian's chromium, driven by playwright-core
# through its executablePath (browser downloads do not work here). Installed with apt when absent.
CHROMIUM=/usr/bin/chromium
ensure_chromium() { apt_install chromium "$CHROMIUM" "the analysts' page e2e test"; }

# promtool (Debian package prometheus) checks and unit-tests the alerting rules in
# deploy/monitoring (`npm run check:monitoring`).
ensure_promtool() { apt_install prometheus /usr/bin/promtool "checking deploy/monitoring's alerting rules"; }

# After the broker is up (local or KAFKA_BROKERS): KAFKA_CREDENTIALS_DIR names the principals'
# <principal>.password files (the caller sets the local broker's, from `kafka.sh credentials`;
# for an external cluster it must be given), then the topics and ACLs are provisioned as admin
# (idempotent).
kafka_credentials_and_provision() {
  [[ -n "${KAFKA_CREDENTIALS_DIR:-}" ]] ||
    fail "KAFKA_BROKERS is set: give its credentials in KAFKA_CREDENTIALS_DIR (one <principal>.password file per principal: admin, hub, force-NN; deploy/local/README.md)"
  [[ -r "$KAFKA_CREDENTIALS_DIR/admin.password" ]] ||
    fail "no readable admin.password in KAFKA_CREDENTIALS_DIR=$KAFKA_CREDENTIALS_DIR"
  export KAFKA_CREDENTIALS_DIR
  say "provisioning Kafka topics and ACLs (as admin; credentials in $KAFKA_CREDENTIALS_DIR)"
  (cd "$REPO_ROOT" && env -u KAFKA_SASL_USERNAME -u KAFKA_SASL_PASSWORD -u KAFKA_SASL_PASSWORD_FILE \
    node dist/apps/cli/src/main.js kafka-provision)
}
