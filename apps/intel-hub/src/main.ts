import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AuditLog } from '@intel/audit';
import { loadHubConfig } from '@intel/config';
import {
  DECONFLICTION_PROTO,
  INTEL_QUERY_RESPONSE_SERIALIZERS,
  QUERY_PROTO,
} from '@intel/contracts';
import { KafkaPlainPublisher, type EventConsumer } from '@intel/kafka';
import { exitOnStartFailure, runService } from '@intel/lifecycle';
import { DataSource } from 'typeorm';
import { AlertFeed } from './alerts/alert-feed';
import { AlertRelay } from './alerts/alert-relay';
import { EscalationScheduler } from './alerts/escalation-scheduler';
import { startAnalystApi } from './analyst/analyst-app';
import type { AuditAnchorer } from './audit/audit-anchorer';
import { DeconflictionService } from './deconfliction/deconfliction.service';
import { HubLifecycle } from './hub-lifecycle';
import { HubModule } from './hub.module';
import { AUDIT_ANCHORER, EVENT_CONSUMER, PRIORITY_CONSUMER } from './hub.tokens';
import { HubLeadership } from './leadership/hub-leadership';
import {
  IntelQueryGrpcController,
  intelQueryDirectUnary,
} from './query/intel-query.grpc-controller';
import { ResolutionService } from './resolution/resolution.service';

const config = loadHubConfig();
// Topics and ACLs are provisioned beforehand (`intel-cli kafka-provision`, as admin): the hub
// principal may not create topics.
exitOnStartFailure(
  runService({
    service: 'intel-hub',
    logLevel: config.logLevel,
    grpc: config.grpc,
    http: config.http,
    protoPath: [QUERY_PROTO, DECONFLICTION_PROTO],
    // Answers' stored states go to the wire as stored (docs/hub.md "Answer detail").
    responseSerializers: INTEL_QUERY_RESPONSE_SERIALIZERS,
    // The unary queries go from grpc-js straight into their controller (docs/hub.md "IntelQuery").
    directUnary: (app) => intelQueryDirectUnary(app.get(IntelQueryGrpcController)),
    shutdownGraceMs: config.shutdownGraceMs,
    startWarnings: config.deconfliction.devKey
      ? [
          'DEVELOPMENT DECONFLICTION KEY: no HUB_DECONFLICTION_KEYS(_FILE) given in plaintext mode; covert personas are hashed under a fixed, public key and are NOT protected. Never register real personas here.',
        ]
      : [],
    create: ({ logger, nestLogger, registry }) =>
      NestFactory.create(HubModule.forRoot(config, logger, registry), { logger: nestLogger }),
    // The analysts' HTTP API: a second application on the hub's services, on its own port.
    afterListen: (app, { logger }) =>
      config.analyst.enabled ? startAnalystApi(app, config, logger) : Promise.resolve(undefined),
    ready: ({ grpcPort, httpPort }, analyst) => ({
      fields: {
        grpcPort,
        httpPort,
        analystHttpPort: analyst?.port,
        tls: config.grpc.security.mode,
        database: config.database.name,
        consumerGroup: config.consumer.groupId,
      },
      message:
        `intel hub ready: gRPC :${grpcPort}, HTTP :${httpPort}` +
        (analyst ? `, analysts' API :${analyst.port}` : '') +
        `, consumer group ${config.consumer.groupId}`,
    }),
    // Stop answering (open alert streams end; clients resume by alert id; in-flight queries
    // finish and are audited), stop consuming (the batch in hand finishes, is resolved, and its
    // offsets are committed), publish pending alerts, write the deconfliction hits found, then
    // close the audit, the producers, the leadership, HTTP and the database.
    shutdown: ({ app, extra: analyst, closeGrpc }) => {
      const consumer = (token: symbol) => app.get<EventConsumer>(token);
      return [
        // No recovery of a lost leadership from here on; a standby stops tailing.
        { what: 'leadership recovery stop', run: () => app.get(HubLifecycle).stop() },
        { what: 'alert streams close', run: () => app.get(AlertFeed).closeAll() },
        { what: 'gRPC close', run: () => closeGrpc(Math.min(5000, config.shutdownGraceMs)) },
        { what: "the analysts' API close", run: () => analyst?.close() },
        { what: 'consumer stop', run: () => consumer(EVENT_CONSUMER).stop() },
        { what: 'priority consumer stop', run: () => consumer(PRIORITY_CONSUMER).stop() },
        // Nothing more is resolved: the index as it stands, for the next start to load.
        { what: 'index snapshot write', run: () => app.get(ResolutionService).stopSnapshots() },
        { what: 'escalation scheduler stop', run: () => app.get(EscalationScheduler).stop() },
        { what: 'alert relay stop', run: () => app.get(AlertRelay).stop() },
        {
          // The leader's work: a standby leaves it to the hub that leads.
          what: 'publishing pending alerts',
          run: () =>
            app.get(HubLifecycle).standingByNow ? undefined : app.get(AlertRelay).publishPending(),
        },
        // Hits already found are written (durable) before the database closes.
        { what: 'deconfliction hits write', run: () => app.get(DeconflictionService).stop() },
        { what: 'audit log close', run: () => app.get(AuditLog).close() },
        // The final head, anchored outside the database before the producers close.
        {
          what: 'audit anchoring',
          run: () => app.get<AuditAnchorer | null>(AUDIT_ANCHORER)?.stop(),
        },
        { what: 'alert producer close', run: () => app.get(KafkaPlainPublisher).close() },
        // Last before the database closes: another hub may take the index from here.
        { what: 'leadership release', run: () => app.get(HubLeadership).release() },
      ];
    },
    afterClose: ({ app }) => {
      const ds = app.get(DataSource);
      return [{ what: 'database close', run: () => ds.destroy() }];
    },
  }),
);
