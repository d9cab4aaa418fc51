{{/*
Helpers shared by every manifest. One Deployment/Service/PodDisruptionBudget template serves
all components (each force node, the hub); they differ only by the "component context" dict
built in force-node.yaml and hub.yaml:
  root        the top-level context ($)
  component   force-node | hub
  suffix      resource name suffix: force-36, hub
  forceCode   "36" (force nodes only)
  grpc        true when the component serves gRPC
  cfg         the component's settings (forceNode defaults merged with the force's entry, or
              .Values.hub)
The hub also serves the analysts' API on a port of its own when hub.analyst.enabled
("intel-platform.analystEnabled"): env, a containerPort and a Service port named `analyst`.
*/}}

{{- define "intel-platform.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "intel-platform.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "intel-platform.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Resource name of a component: <fullname>-<suffix>, at most 63 characters. */}}
{{- define "intel-platform.componentName" -}}
{{- printf "%s-%s" (include "intel-platform.fullname" .root) .suffix | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "intel-platform.selectorLabels" -}}
app.kubernetes.io/name: {{ include "intel-platform.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- with .forceCode }}
intel.police.uk/force-code: {{ . | quote }}
{{- end }}
{{- end }}

{{/* A workload's own selector: the component's, and for a hub its slot (a: the hub, b: its warm
standby; either may lead). The Service, NetworkPolicy and PodDisruptionBudget select the
component's labels only, so they cover both hubs. */}}
{{- define "intel-platform.workloadSelectorLabels" -}}
{{ include "intel-platform.selectorLabels" . }}
{{- with .slot }}
intel.police.uk/hub-slot: {{ . | quote }}
{{- end }}
{{- end }}

{{/* A workload's name: the component's, with "-<slot>" for a hub's slot other than a. */}}
{{- define "intel-platform.workloadName" -}}
{{- if and .slot (ne .slot "a") }}
{{- printf "%s-%s" (include "intel-platform.componentName" .) .slot | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- include "intel-platform.componentName" . }}
{{- end }}
{{- end }}

{{- define "intel-platform.labels" -}}
helm.sh/chart: {{ include "intel-platform.chart" .root }}
{{ include "intel-platform.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: intel-platform
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{- define "intel-platform.image" -}}
{{- $img := .Values.image }}
{{- if $img.digest }}
{{- printf "%s@%s" $img.repository $img.digest }}
{{- else }}
{{- printf "%s:%s" $img.repository (default .Chart.AppVersion $img.tag) }}
{{- end }}
{{- end }}

{{- define "intel-platform.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "intel-platform.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Name of the Secret with the component's TLS material. */}}
{{- define "intel-platform.tlsSecretName" -}}
{{- $v := .root.Values -}}
{{- if get .cfg "tlsSecretName" }}
{{- get .cfg "tlsSecretName" }}
{{- else if $v.tls.secretName }}
{{- $v.tls.secretName }}
{{- else }}
{{- printf "%s-tls" (include "intel-platform.componentName" .) }}
{{- end }}
{{- end }}

{{/* Name of the Secret with a Kafka principal's password (.principal, .cfg). */}}
{{- define "intel-platform.kafkaSecretName" -}}
{{- if get .cfg "kafkaSecretName" }}
{{- get .cfg "kafkaSecretName" }}
{{- else }}
{{- printf "%s-kafka-%s" (include "intel-platform.fullname" .root) .principal | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Kafka connection and authentication for a principal (.root, .principal). */}}
{{- define "intel-platform.kafkaEnv" -}}
{{- $k := .root.Values.kafka -}}
- name: KAFKA_BROKERS
  value: {{ $k.brokers | quote }}
{{- if .principal }}
- name: KAFKA_SASL_MECHANISM
  value: {{ $k.sasl.mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  value: {{ .principal | quote }}
- name: KAFKA_SASL_PASSWORD_FILE
  value: /etc/intel/kafka/{{ $k.sasl.passwordKey }}
{{- end }}
- name: KAFKA_SSL
  value: {{ ternary "true" "false" (eq (toString $k.tls.enabled) "true") | quote }}
{{- if and $k.tls.enabled $k.tls.caSecretName }}
- name: KAFKA_SSL_CA_FILE
  value: /etc/intel/kafka-ca/{{ $k.tls.caKey }}
{{- end }}
{{- end }}

{{/* The Kafka volume mounts and volumes of a principal (.root, .principal, .cfg). */}}
{{- define "intel-platform.kafkaMounts" -}}
{{- if .principal }}
- name: kafka-credentials
  mountPath: /etc/intel/kafka
  readOnly: true
{{- end }}
{{- if and .root.Values.kafka.tls.enabled .root.Values.kafka.tls.caSecretName }}
- name: kafka-ca
  mountPath: /etc/intel/kafka-ca
  readOnly: true
{{- end }}
{{- end }}

{{- define "intel-platform.kafkaVolumes" -}}
{{- $k := .root.Values.kafka -}}
{{- if .principal }}
- name: kafka-credentials
  secret:
    secretName: {{ include "intel-platform.kafkaSecretName" . }}
    defaultMode: 288
    items:
      - key: {{ $k.sasl.passwordKey }}
        path: {{ $k.sasl.passwordKey }}
{{- end }}
{{- if and $k.tls.enabled $k.tls.caSecretName }}
- name: kafka-ca
  secret:
    secretName: {{ $k.tls.caSecretName }}
    defaultMode: 288
    items:
      - key: {{ $k.tls.caKey }}
        path: {{ $k.tls.caKey }}
{{- end }}
{{- end }}

{{/*
The CA PostgreSQL's server certificate chains to (database.tls.caSecretName), at
/etc/intel/db-ca/<caKey>: name it in the URL, `?sslmode=verify-full&sslrootcert=/etc/intel/db-ca/ca.crt`.
*/}}
{{- define "intel-platform.dbCaMount" -}}
{{- if .Values.database.tls.caSecretName }}
- name: db-ca
  mountPath: /etc/intel/db-ca
  readOnly: true
{{- end }}
{{- end }}

{{- define "intel-platform.dbCaVolume" -}}
{{- with .Values.database.tls }}
{{- if .caSecretName }}
- name: db-ca
  secret:
    secretName: {{ .caSecretName }}
    defaultMode: 292
    items:
      - key: {{ .caKey }}
        path: {{ .caKey }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Checks made once per render: required values, and settings that would only fail at run time.
*/}}
{{- define "intel-platform.validate" -}}
{{- $v := .Values }}
{{- if and $v.networkPolicy.enabled $v.networkPolicy.egress.enabled (or (empty $v.networkPolicy.egress.kafka.to) (empty $v.networkPolicy.egress.database.to)) }}
{{- fail "networkPolicy.egress.enabled needs networkPolicy.egress.kafka.to and .database.to: an egress rule with no peers admits every destination" }}
{{- end }}
{{- if not $v.kafka.brokers }}
{{- fail "kafka.brokers is required: the comma-separated Kafka bootstrap list (host:port,…)" }}
{{- end }}
{{- if not (has $v.kafka.sasl.mechanism (list "scram-sha-512" "scram-sha-256" "plain")) }}
{{- fail "kafka.sasl.mechanism must be scram-sha-512, scram-sha-256 or plain" }}
{{- end }}
{{- if and (eq $v.kafka.sasl.mechanism "plain") (not $v.kafka.tls.enabled) }}
{{- fail "kafka.sasl.mechanism plain sends the password in clear: it needs kafka.tls.enabled" }}
{{- end }}
{{- if not $v.database.url }}
{{- fail "database.url is required (postgres://host:5432/postgres: no user, no password; each service connects as its own role)" }}
{{- end }}
{{- if regexMatch "^[a-z]+://[^/]*@" $v.database.url }}
{{- fail "database.url must name neither a user nor a password: each service connects as its own role (<database>_app) with its password from a Secret (database.passwordKey), and only the db-provision Job holds the admin URL (database.provision.adminUrlSecret)" }}
{{- end }}
{{- if and $v.database.provision.enabled (not $v.database.provision.adminUrlSecret.name) }}
{{- fail "database.provision.adminUrlSecret.name is required: the Secret with the admin URL the db-provision Job (only) uses; or set database.provision.enabled=false if the database's operators run db-provision themselves" }}
{{- end }}
{{- if $v.database.provision.enabled }}
{{- range $v.forces }}
{{- if and .databaseName (ne .databaseName (printf "intel_force_%s" (toString .code))) }}
{{- fail (printf "forces[].databaseName %q: the db-provision Job names force %s's database intel_force_%s; set database.provision.enabled=false to use another name" .databaseName (toString .code) (toString .code)) }}
{{- end }}
{{- end }}
{{- end }}
{{- $graceMs := int64 $v.shutdownGraceMs }}
{{- $periodMs := mul (int64 $v.terminationGracePeriodSeconds) 1000 }}
{{- if le $periodMs (add $graceMs 5000) }}
{{- fail (printf "terminationGracePeriodSeconds (%d s) must exceed shutdownGraceMs + 5 s (%d ms): the kubelet would SIGKILL pods before they finish draining" (int64 $v.terminationGracePeriodSeconds) (add $graceMs 5000)) }}
{{- end }}
{{- if $v.hub.enabled }}
{{- $hubGraceMs := int64 (include "intel-platform.shutdownGraceMs" (dict "root" $ "cfg" $v.hub)) }}
{{- $hubPeriodS := int64 (include "intel-platform.terminationGracePeriodSeconds" (dict "root" $ "cfg" $v.hub)) }}
{{- if le (mul $hubPeriodS 1000) (add $hubGraceMs 5000) }}
{{- fail (printf "hub.terminationGracePeriodSeconds (%d s) must exceed hub.shutdownGraceMs + 5 s (%d ms): the kubelet would SIGKILL the hub before its shutdown's snapshot is written" $hubPeriodS (add $hubGraceMs 5000)) }}
{{- end }}
{{- end }}
{{- if and $v.hub.enabled (ne (int64 $v.hub.replicas) 1) }}
{{- fail "hub.replicas must be 1: each hub Deployment runs one hub with its own snapshot volume; the warm standby is a second Deployment (hub.standby.enabled, docs/hub.md, Warm standby)" }}
{{- end }}
{{- $hubStrategy := get $v.hub "strategy" | default dict }}
{{- if and $v.hub.enabled (ne (get $hubStrategy "type" | default "") "Recreate") }}
{{- fail "hub.strategy.type must be Recreate: a surged pod of the same Deployment would wait as a standby that never turns ready, and the rollout would never finish (the warm standby is hub.standby.enabled)" }}
{{- end }}
{{- if and $v.hub.enabled $v.hub.standby.enabled (not $v.hub.snapshot.enabled) }}
{{- fail "hub.standby.enabled needs hub.snapshot.enabled: each hub keeps its own snapshot, and a standby without one restores from the database at every start (minutes at national scale)" }}
{{- end }}
{{- if and $v.hub.enabled $v.hub.standby.enabled $v.hub.snapshot.existingClaim (eq $v.hub.snapshot.existingClaim ($v.hub.standby.snapshotExistingClaim | default "")) }}
{{- fail "hub.standby.snapshotExistingClaim must differ from hub.snapshot.existingClaim: two hubs writing one snapshot directory" }}
{{- end }}
{{- $analyst := get $v.hub "analyst" | default dict }}
{{- $analystIngress := get $analyst "ingress" | default dict }}
{{- if and (get $analystIngress "enabled") (not (and $v.hub.enabled (get $analyst "enabled"))) }}
{{- fail "hub.analyst.ingress.enabled needs hub.enabled and hub.analyst.enabled: the ingress routes to the hub's analyst port only" }}
{{- end }}
{{- if and $v.hub.enabled (get $analyst "enabled") }}
{{- $oidc := get $analyst "oidc" | default dict }}
{{- range $key := list "issuer" "audience" "jwksUrl" }}
{{- if not (get $oidc $key) }}
{{- fail (printf "hub.analyst.oidc.%s is required with hub.analyst.enabled: the analysts' API trusts only tokens of the OIDC issuer named by issuer, audience and jwksUrl (docs/analyst.md, Identity)" $key) }}
{{- end }}
{{- end }}
{{- $analystPort := int64 (get $analyst "port" | default 0) }}
{{- if or (lt $analystPort 1) (gt $analystPort 65535) (eq $analystPort (int64 $v.ports.http)) (eq $analystPort (int64 $v.ports.grpc)) }}
{{- fail "hub.analyst.port must be a port of its own (1-65535), neither ports.http (health, metrics) nor ports.grpc" }}
{{- end }}
{{- range (get $analyst "nationalAuditorForces" | default list) }}
{{- if not (regexMatch "^[0-9]{2}$" (toString .)) }}
{{- fail (printf "hub.analyst.nationalAuditorForces: %q is not a two-digit PNC force code; quote it in YAML ('01', not 01)" (toString .)) }}
{{- end }}
{{- end }}
{{- end }}
{{- /* The development token issuer mints tokens for anyone who asks: never in a cluster. */}}
{{- range $envMap := list $v.env $v.hub.env }}
{{- range $name, $value := ($envMap | default dict) }}
{{- if and (eq $name "ANALYST_DEV_ISSUER") (ne (lower (toString $value)) "false") }}
{{- fail "ANALYST_DEV_ISSUER is for the local stack only (it signs a token for any demo user who asks); the chart's analysts' API trusts hub.analyst.oidc only" }}
{{- end }}
{{- end }}
{{- end }}
{{- $seen := dict }}
{{- range $v.forces }}
{{- $code := toString .code }}
{{- if not (regexMatch "^[0-9]{2}$" $code) }}
{{- fail (printf "forces[].code %q is not a two-digit PNC force code; quote it in YAML (code: \"01\", not code: 01)" $code) }}
{{- end }}
{{- if hasKey $seen $code }}
{{- fail (printf "force %s is listed twice in forces" $code) }}
{{- end }}
{{- $_ := set $seen $code true }}
{{- end }}
{{- end }}

{{/* A component's database (.cfg.databaseName, else the provisioning Job's name for it). */}}
{{- define "intel-platform.databaseName" -}}
{{- if get .cfg "databaseName" }}
{{- get .cfg "databaseName" }}
{{- else if eq .component "force-node" }}
{{- printf "intel_force_%s" .forceCode }}
{{- else }}
{{- print "intel_hub" }}
{{- end }}
{{- end }}

{{/* Name of the Secret with the password of a component's database role. */}}
{{- define "intel-platform.databaseSecretName" -}}
{{- if get .cfg "databaseSecretName" }}
{{- get .cfg "databaseSecretName" }}
{{- else }}
{{- printf "%s-db" (include "intel-platform.componentName" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* "true" when the component serves the analysts' API (the hub, hub.analyst.enabled); else empty. */}}
{{- define "intel-platform.analystEnabled" -}}
{{- if and (eq .component "hub") (get (get .cfg "analyst" | default dict) "enabled") }}true{{ end }}
{{- end }}

{{/* Environment shared by every component. */}}
{{- define "intel-platform.env" -}}
{{- $v := .root.Values -}}
{{ include "intel-platform.kafkaEnv" . }}
{{- $db := include "intel-platform.databaseName" . }}
{{- /* Its own role, never the admin: <database>_app, password from its Secret's file. */}}
- name: DATABASE_URL
  value: {{ regexReplaceAll "^([a-z]+://)" $v.database.url (printf "${1}%s_app@" $db) | quote }}
- name: DATABASE_PASSWORD_FILE
  value: /etc/intel/db/{{ $v.database.passwordKey }}
- name: DATABASE_NAME
  value: {{ $db | quote }}
{{- with .forceCode }}
- name: FORCE_CODE
  value: {{ . | quote }}
{{- end }}
- name: LOG_LEVEL
  value: {{ $v.logLevel | quote }}
- name: SHUTDOWN_GRACE_MS
  value: {{ include "intel-platform.shutdownGraceMs" . | quote }}
- name: HTTP_PORT
  value: {{ int64 $v.ports.http | quote }}
{{- if .grpc }}
- name: GRPC_PORT
  value: {{ int64 $v.ports.grpc | quote }}
{{- end }}
{{- if $v.tls.insecurePlaintext }}
# DEVELOPMENT ONLY: plaintext gRPC, callers not authenticated (tls.insecurePlaintext=true).
- name: GRPC_INSECURE_PLAINTEXT
  value: "true"
{{- else }}
- name: GRPC_TLS_CA
  value: /etc/intel/tls/{{ $v.tls.caKey }}
- name: GRPC_TLS_CERT
  value: /etc/intel/tls/{{ $v.tls.certKey }}
- name: GRPC_TLS_KEY
  value: /etc/intel/tls/{{ $v.tls.keyKey }}
{{- end }}
{{- /* Event keys (docs/security.md, "Events bound to their force"), mounted at /etc/intel/keys. */}}
{{- if eq .component "force-node" }}
- name: EVENT_SIGNING_KEY_FILE
  value: /etc/intel/keys/signing.key.pem
- name: EVENT_SIGNING_KEY_ID
  value: {{ $v.eventKeys.forceKeyId | quote }}
- name: HUB_SEALING_PUBLIC_KEY_FILE
  value: /etc/intel/keys/hub-sealing.pub.pem
- name: HUB_SEALING_KEY_ID
  value: {{ $v.eventKeys.hubKeyId | quote }}
{{- else if eq .component "hub" }}
- name: HUB_FORCE_KEYS_DIR
  value: /etc/intel/keys/forces
- name: HUB_SEALING_KEYS_DIR
  value: /etc/intel/keys/sealing
# Covert-persona deconfliction's HMAC keys (keyId:base64 lines, current first), outside
# PostgreSQL (docs/security.md, "Covert-persona deconfliction"). Required with mutual TLS.
- name: HUB_DECONFLICTION_KEYS_FILE
  value: /etc/intel/deconfliction/keys
# The auditors' screen reads the audit as the auditor role (docs/analyst.md): its password, if
# its Secret exists (absent: the viewer answers 503).
- name: DATABASE_AUDITOR_PASSWORD_FILE
  value: /etc/intel/db-auditor/{{ $v.database.passwordKey }}
{{- if .cfg.snapshot.enabled }}
# The national index's snapshot (docs/hub.md, "Snapshot and restart"), on its volume.
- name: HUB_SNAPSHOT_DIR
  value: /var/lib/intel/hub-snapshot
- name: HUB_SNAPSHOT_INTERVAL_MS
  value: {{ int64 .cfg.snapshot.intervalMs | quote }}
{{- end }}
{{- if .cfg.auditAnchor.enabled }}
- name: AUDIT_ANCHOR_KEY_FILE
  value: /etc/intel/audit-anchor/{{ .cfg.auditAnchor.key }}
- name: AUDIT_ANCHOR_INTERVAL_MS
  value: {{ int64 .cfg.auditAnchor.intervalMs | quote }}
{{- end }}
{{- if include "intel-platform.analystEnabled" . }}
{{- $a := .cfg.analyst }}
# The analysts' API and page (docs/analyst.md), on their own port (`analyst`), not the ops port.
- name: ANALYST_HTTP_ENABLED
  value: "true"
- name: ANALYST_HTTP_HOST
  value: "0.0.0.0"
- name: ANALYST_HTTP_PORT
  value: {{ int64 $a.port | quote }}
- name: ANALYST_OIDC_ISSUER
  value: {{ $a.oidc.issuer | quote }}
- name: ANALYST_OIDC_AUDIENCE
  value: {{ $a.oidc.audience | quote }}
- name: ANALYST_OIDC_JWKS_URL
  value: {{ $a.oidc.jwksUrl | quote }}
{{- with get $a.oidc "clientId" }}
- name: ANALYST_OIDC_CLIENT_ID
  value: {{ . | quote }}
{{- end }}
{{- with get $a.oidc "scope" }}
- name: ANALYST_OIDC_SCOPE
  value: {{ . | quote }}
{{- end }}
{{- with get $a "nationalAuditorForces" }}
- name: ANALYST_NATIONAL_AUDITOR_FORCES
  value: {{ join "," . | quote }}
{{- end }}
{{- with get $a "consultationTtlMinutes" }}
- name: ANALYST_CONSULTATION_TTL_MINUTES
  value: {{ int64 . | quote }}
{{- end }}
{{- $rate := get $a "rate" | default dict }}
{{- with get $rate "burst" }}
- name: ANALYST_RATE_BURST
  value: {{ int64 . | quote }}
{{- end }}
{{- with get $rate "perMinute" }}
- name: ANALYST_RATE_PER_MINUTE
  value: {{ int64 . | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- /* Extra env: chart-wide first, the component's own overriding it. */}}
{{- range $name, $value := merge (deepCopy (default dict (get .cfg "env"))) (deepCopy (default dict $v.env)) }}
- name: {{ $name }}
  {{- /* YAML numbers arrive as float64: print 1000000 as 1000000, not 1e+06. */}}
  {{- if and (kindIs "float64" $value) (eq $value (float64 (int64 $value))) }}
  value: {{ int64 $value | quote }}
  {{- else }}
  value: {{ toString $value | quote }}
  {{- end }}
{{- end }}
{{- end }}

{{/* A component's Deployment. */}}
{{- define "intel-platform.deployment" -}}
{{- $v := .root.Values }}
{{- $cfg := .cfg -}}
{{- /* A component's own probes (e.g. the hub's long start) override the chart's. */}}
{{- $probes := mergeOverwrite (deepCopy $v.probes) (deepCopy (get $cfg "probes" | default dict)) -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "intel-platform.workloadName" . }}
  labels:
    {{- include "intel-platform.labels" . | nindent 4 }}
spec:
  replicas: {{ int64 $cfg.replicas }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "intel-platform.workloadSelectorLabels" . | nindent 6 }}
  strategy:
    {{- with get $cfg "strategy" }}
    {{- toYaml . | nindent 4 }}
    {{- else }}
    type: RollingUpdate
    rollingUpdate:
      # Start the new pod before stopping an old one: no capacity dip during a release.
      maxSurge: 1
      maxUnavailable: 0
    {{- end }}
  template:
    metadata:
      labels:
        {{- include "intel-platform.workloadSelectorLabels" . | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        {{- if $v.metrics.scrapeAnnotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ int64 $v.ports.http | quote }}
        prometheus.io/path: {{ $v.metrics.path | quote }}
        {{- end }}
        {{- with merge (deepCopy (default dict (get $cfg "podAnnotations"))) (deepCopy (default dict $v.podAnnotations)) }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "intel-platform.serviceAccountName" .root }}
      # The services never call the Kubernetes API.
      automountServiceAccountToken: false
      # No docker-link style *_PORT/*_HOST variables: a Service named e.g. "kafka" or "grpc"
      # in the namespace would otherwise inject KAFKA_PORT=tcp://… into the environment.
      enableServiceLinks: false
      # Must outlast the service's own shutdown (gRPC close, outbox drain, the hub's snapshot:
      # shutdownGraceMs).
      terminationGracePeriodSeconds: {{ include "intel-platform.terminationGracePeriodSeconds" . }}
      {{- with $v.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ .component }}
          image: {{ include "intel-platform.image" .root | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          # args, not command: the image's ENTRYPOINT (tini) stays PID 1 and forwards SIGTERM.
          args:
            {{- toYaml $cfg.args | nindent 12 }}
          env:
            {{- include "intel-platform.env" . | nindent 12 }}
          ports:
            {{- if .grpc }}
            - name: grpc
              containerPort: {{ int64 $v.ports.grpc }}
              protocol: TCP
            {{- end }}
            - name: http
              containerPort: {{ int64 $v.ports.http }}
              protocol: TCP
            {{- if include "intel-platform.analystEnabled" . }}
            # The analysts' API and page (hub.analyst): the only port an ingress may reach.
            - name: analyst
              containerPort: {{ int64 $cfg.analyst.port }}
              protocol: TCP
            {{- end }}
          startupProbe:
            httpGet:
              path: /health/live
              port: http
            periodSeconds: {{ $probes.startup.periodSeconds }}
            timeoutSeconds: {{ $probes.startup.timeoutSeconds }}
            failureThreshold: {{ $probes.startup.failureThreshold }}
          livenessProbe:
            httpGet:
              path: /health/live
              port: http
            periodSeconds: {{ $probes.liveness.periodSeconds }}
            timeoutSeconds: {{ $probes.liveness.timeoutSeconds }}
            failureThreshold: {{ $probes.liveness.failureThreshold }}
          readinessProbe:
            httpGet:
              path: /health/ready
              port: http
            periodSeconds: {{ $probes.readiness.periodSeconds }}
            timeoutSeconds: {{ $probes.readiness.timeoutSeconds }}
            failureThreshold: {{ $probes.readiness.failureThreshold }}
          {{- with $cfg.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          securityContext:
            {{- toYaml $v.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if not $v.tls.insecurePlaintext }}
            - name: tls
              mountPath: /etc/intel/tls
              readOnly: true
            {{- end }}
            {{- with include "intel-platform.kafkaMounts" . }}
            {{- . | trim | nindent 12 }}
            {{- end }}
            - name: db-credentials
              mountPath: /etc/intel/db
              readOnly: true
            {{- with include "intel-platform.dbCaMount" .root }}
            {{- . | trim | nindent 12 }}
            {{- end }}
            {{- if eq .component "force-node" }}
            - name: event-keys
              mountPath: /etc/intel/keys
              readOnly: true
            {{- else if eq .component "hub" }}
            - name: force-keys
              mountPath: /etc/intel/keys/forces
              readOnly: true
            - name: sealing-keys
              mountPath: /etc/intel/keys/sealing
              readOnly: true
            - name: deconfliction-keys
              mountPath: /etc/intel/deconfliction
              readOnly: true
            - name: db-auditor
              mountPath: /etc/intel/db-auditor
              readOnly: true
            {{- if .cfg.auditAnchor.enabled }}
            - name: audit-anchor
              mountPath: /etc/intel/audit-anchor
              readOnly: true
            {{- end }}
            {{- if .cfg.snapshot.enabled }}
            - name: snapshot
              mountPath: /var/lib/intel/hub-snapshot
            {{- end }}
            {{- end }}
      volumes:
        # The root filesystem is read-only; /tmp is the only writable path.
        - name: tmp
          emptyDir:
            sizeLimit: {{ $v.tmpSizeLimit }}
        {{- if not $v.tls.insecurePlaintext }}
        - name: tls
          secret:
            secretName: {{ include "intel-platform.tlsSecretName" . }}
            # 0440 (decimal 288, unambiguous in any YAML version): group-readable only; fsGroup
            # makes the pod's user a member of that group.
            defaultMode: 288
            items:
              - key: {{ $v.tls.caKey }}
                path: {{ $v.tls.caKey }}
              - key: {{ $v.tls.certKey }}
                path: {{ $v.tls.certKey }}
              - key: {{ $v.tls.keyKey }}
                path: {{ $v.tls.keyKey }}
        {{- end }}
        {{- with include "intel-platform.kafkaVolumes" . }}
        {{- . | trim | nindent 8 }}
        {{- end }}
        {{- with include "intel-platform.dbCaVolume" .root }}
        {{- . | trim | nindent 8 }}
        {{- end }}
        # The password of this component's own database role (never the admin's).
        - name: db-credentials
          secret:
            secretName: {{ include "intel-platform.databaseSecretName" . }}
            defaultMode: 288
            items:
              - key: {{ $v.database.passwordKey }}
                path: {{ $v.database.passwordKey }}
        {{- if eq .component "force-node" }}
        # This force's signing key (signing.key.pem) and the hub's public sealing key
        # (hub-sealing.pub.pem): a Secret per force, "<component>-event-keys".
        - name: event-keys
          secret:
            secretName: {{ printf "%s-event-keys" (include "intel-platform.componentName" .) }}
            defaultMode: 288
        {{- else if eq .component "hub" }}
        # Every force's public key (<forceCode>.<keyId>.pub.pem; old keys kept for verification).
        - name: force-keys
          configMap:
            name: {{ printf "%s-force-keys" (include "intel-platform.componentName" .) }}
        # The hub's private sealing keys (<keyId>.key.pem; old keys kept to open old events).
        - name: sealing-keys
          secret:
            secretName: {{ printf "%s-sealing-keys" (include "intel-platform.componentName" .) }}
            defaultMode: 288
        # Deconfliction's HMAC keys: a Secret "<hub>-deconfliction-keys" with one item, keys.
        - name: deconfliction-keys
          secret:
            secretName: {{ printf "%s-deconfliction-keys" (include "intel-platform.componentName" .) }}
            defaultMode: 288
            items:
              - key: keys
                path: keys
        # The hub database's auditor role's password (the same Secret db-provision reads), for
        # the audit viewer; optional.
        - name: db-auditor
          secret:
            secretName: {{ $v.database.auditorSecretName | default (printf "%s-db-auditor" (include "intel-platform.componentName" .)) }}
            optional: true
            defaultMode: 288
            items:
              - key: {{ $v.database.passwordKey }}
                path: {{ $v.database.passwordKey }}
        {{- if .cfg.snapshot.enabled }}
        # The national index's snapshot (writable by uid 1000 through fsGroup).
        - name: snapshot
          persistentVolumeClaim:
            claimName: {{ include "intel-platform.snapshotClaimName" . }}
        {{- end }}
        {{- if .cfg.auditAnchor.enabled }}
        # The key that signs the audit chain's head: outside PostgreSQL, readable by the hub only.
        - name: audit-anchor
          secret:
            secretName: {{ .cfg.auditAnchor.secretName | default (printf "%s-audit-anchor" (include "intel-platform.componentName" .)) }}
            defaultMode: 288
            items:
              - key: {{ .cfg.auditAnchor.key }}
                path: {{ .cfg.auditAnchor.key }}
        {{- end }}
        {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if $v.affinity }}
      affinity:
        {{- toYaml $v.affinity | nindent 8 }}
      {{- else if .slot }}
      # The hub and its warm standby on different nodes where the cluster allows: a failover
      # must survive the loss of the leader's node.
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    {{- include "intel-platform.selectorLabels" . | nindent 20 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}

{{/* A component's Service. */}}
{{- define "intel-platform.service" -}}
{{- $v := .root.Values -}}
{{- $svc := default dict (get .cfg "service") -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "intel-platform.componentName" . }}
  labels:
    {{- include "intel-platform.labels" . | nindent 4 }}
  {{- with get $svc "annotations" }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ default "ClusterIP" (get $svc "type") }}
  selector:
    {{- include "intel-platform.selectorLabels" . | nindent 4 }}
  ports:
    {{- if .grpc }}
    - name: grpc
      port: {{ int64 $v.ports.grpc }}
      targetPort: grpc
      protocol: TCP
      appProtocol: grpc
    {{- end }}
    - name: http
      port: {{ int64 $v.ports.http }}
      targetPort: http
      protocol: TCP
      appProtocol: http
    {{- if include "intel-platform.analystEnabled" . }}
    - name: analyst
      port: {{ int64 .cfg.analyst.port }}
      targetPort: analyst
      protocol: TCP
      appProtocol: http
    {{- end }}
{{- end }}

{{/* A component's PodDisruptionBudget. */}}
{{- define "intel-platform.pdb" -}}
{{- if .root.Values.podDisruptionBudget.enabled -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "intel-platform.componentName" . }}
  labels:
    {{- include "intel-platform.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .root.Values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "intel-platform.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}

{{/* A component's shutdown grace (ms): its own (hub.shutdownGraceMs) or the chart's. */}}
{{- define "intel-platform.shutdownGraceMs" -}}
{{- int64 (get .cfg "shutdownGraceMs" | default .root.Values.shutdownGraceMs) }}
{{- end }}

{{/* A component's pod termination grace (s): its own or the chart's. */}}
{{- define "intel-platform.terminationGracePeriodSeconds" -}}
{{- int64 (get .cfg "terminationGracePeriodSeconds" | default .root.Values.terminationGracePeriodSeconds) }}
{{- end }}

{{/* The hub snapshot's claim: hub.snapshot.existingClaim, or the one the chart makes. */}}
{{/* A hub's snapshot claim, one per hub (each writes its own when it leads):
hub.snapshot.existingClaim (the hub) or hub.standby.snapshotExistingClaim (its standby), else
the one the chart makes, "<workload>-snapshot". */}}
{{- define "intel-platform.snapshotClaimName" -}}
{{- $existing := ternary .cfg.snapshot.existingClaim (.cfg.standby.snapshotExistingClaim | default "") (ne (.slot | default "a") "b") }}
{{- $existing | default (printf "%s-snapshot" (include "intel-platform.workloadName" .) | trunc 63 | trimSuffix "-") }}
{{- end }}
