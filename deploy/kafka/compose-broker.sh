#!/usr/bin/env bash
# The compose stack's Kafka broker (apache/kafka:3.9.2), secured as deploy/local/kafka.sh's:
# SASL/SCRAM-SHA-512 for every client, StandardAuthorizer with no ACL = denied, super users only
# the broker and admin. The passwords come from the kafka-credentials-<principal> volumes,
# mounted at /credentials/<principal> (written once by the kafka-credentials service); the SCRAM
# users are bootstrapped when the storage is formatted (first start of the kafka-data volume).
# Topics and ACLs are provisioned afterwards by the kafka-provision service (intel-cli
# kafka-provision, as admin). HOST_PORT: the host listener's published port (default 39092).
set -euo pipefail
umask 077

CRED=/credentials
DATA=/var/lib/kafka/data
CONF=/tmp/server.properties
pw() { tr -d '\n' <"$CRED/$1/password"; }
BROKER_PW="$(pw broker)"

cat >"$CONF" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@kafka:9093
controller.listener.names=CONTROLLER
# INTERNAL for the containers, HOST for tools on this machine (the port compose publishes on
# 127.0.0.1); both SCRAM.
listeners=INTERNAL://:19092,CONTROLLER://:9093,HOST://:9094
advertised.listeners=INTERNAL://kafka:19092,HOST://localhost:${HOST_PORT:-39092}
listener.security.protocol.map=INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT,HOST:SASL_PLAINTEXT
inter.broker.listener.name=INTERNAL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.internal.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="$BROKER_PW";
listener.name.host.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="$BROKER_PW" user_broker="$BROKER_PW";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:broker;User:admin
auto.create.topics.enable=false
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.dirs=$DATA
PROPS

# For the healthcheck and for operators inside the container.
cat >/tmp/admin.properties <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(pw admin)";
PROPS

if [[ ! -f "$DATA/meta.properties" ]]; then
  scram=()
  for dir in "$CRED"/*/; do
    p="$(basename "$dir")"
    scram+=(--add-scram "SCRAM-SHA-512=[name=$p,password=$(pw "$p")]")
  done
  /opt/kafka/bin/kafka-storage.sh format -t "$CLUSTER_ID" -c "$CONF" "${scram[@]}"
fi
exec /opt/kafka/bin/kafka-server-start.sh "$CONF"
