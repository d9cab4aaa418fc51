import 'reflect-metadata';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { AuditLog } from '@intel/audit';
import { DECONFLICTION_PROTO, QUERY_PROTO } from '@intel/contracts';
import { GrpcHealth, PLAINTEXT_WARNING, intelGrpcServer } from '@intel/grpc';
import { KafkaPlainPublisher, type EventConsumer } from '@intel/kafka';
import {
  PinoNestLogger,
  createLogger,
  createMetricsRegistry,
  registerCertificateExpiry,
} from '@intel/observability';
import { DataSource } from 'typeorm';
import { loadHubConfig } from '@intel/config';
import { HubModule } from './hub.module';
import { AUDIT_ANCHORER, EVENT_CONSUMER, PRIORITY_CONSUMER } from './hub.tokens';
import { EscalationScheduler } from './alerts/escalation-scheduler';
import type { AuditAnchorer } from './audit/audit-anchorer';
import { AlertFeed } from './alerts/alert-feed';
import { AlertRelay } from './alerts/alert-relay';
import { HubLeadership } from './leadership/hub-leadership';
import { HubLifecycle } from './hub-lifecycle';
import { startAnalystApi } from './analyst/analyst-app';
import { DeconflictionService } from './deconfliction/deconfliction.service';

async function bootstrap(): Promise<void> {
  const config = loadHubConfig();
  const logger = createLogger('intel-hub', config.logLevel);
  if (config.grpc.security.mode === 'plaintext') logger.warn(PLAINTEXT_WARNING);
  if (config.deconfliction.devKey)
    logger.warn(
      'DEVELOPMENT DECONFLICTION KEY: no HUB_DECONFLICTION_KEYS(_FILE) given in plaintext mode; covert personas are hashed under a fixed, public key and are NOT protected. Never register real personas here.',
    );

  // Topics and ACLs are provisioned beforehand (`intel-cli kafka-provision`, as admin): the hub
  // principal may not create topics.
  const registry = createMetricsRegistry('intel-hub');
  registerCertificateExpiry(registry, config.grpc.security);
  const app = await NestFactory.create(HubModule.forRoot(config, logger, registry), {
    logger: new PinoNestLogger(logger),
  });
  const grpcHealth = app.get(GrpcHealth);
  const grpc = intelGrpcServer({
    protoPath: [QUERY_PROTO, DECONFLICTION_PROTO],
    grpc: config.grpc,
    health: grpcHealth,
  });
  app.connectMicroservice({ strategy: grpc }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(config.http.port, config.http.host);
  const httpPort = ((app.getHttpServer() as HttpServer).address() as AddressInfo).port;
  // The analysts' HTTP API: a second application on the hub's services, on its own port.
  const analyst = config.analyst.enabled ? await startAnalystApi(app, config, logger) : undefined;
  logger.info(
    {
      event: 'ready',
      grpcPort: grpc.boundPort,
      httpPort,
      analystHttpPort: analyst?.port,
      tls: config.grpc.security.mode,
      database: config.database.name,
      consumerGroup: config.consumer.groupId,
    },
    `intel hub ready: gRPC :${grpc.boundPort}, HTTP :${httpPort}` +
      (analyst ? `, analysts' API :${analyst.port}` : '') +
      `, consumer group ${config.consumer.groupId}`,
  );

  // Graceful shutdown: stop answering (open alert streams end; clients resume by alert id;
  // in-flight queries finish and are audited), stop consuming (the batch in hand finishes,
  // is resolved, and its offsets are committed), publish pending alerts, then close the
  // producers, HTTP and the database.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.warn('shutdown grace period exceeded; exiting');
      process.exit(1);
    }, config.shutdownGraceMs + 5000);
    timer.unref();
    // No recovery of a lost leadership from here on.
    app.get(HubLifecycle).stop();
    grpcHealth.set('NOT_SERVING');
    app.get(AlertFeed).closeAll();
    // Hits already found are written (durable) before the database closes.
    const deconfliction = app.get(DeconflictionService);
    await grpc.closeWithin(Math.min(5000, config.shutdownGraceMs));
    await analyst
      ?.close()
      .catch((err: unknown) => logger.warn({ err }, "the analysts' API did not close cleanly"));
    await app
      .get<EventConsumer>(EVENT_CONSUMER)
      .stop()
      .catch((err: unknown) => logger.warn({ err }, 'consumer stop failed'));
    await app
      .get<EventConsumer>(PRIORITY_CONSUMER)
      .stop()
      .catch((err: unknown) => logger.warn({ err }, 'priority consumer stop failed'));
    await app.get(EscalationScheduler).stop();
    const ds = app.get(DataSource);
    const relay = app.get(AlertRelay);
    await relay.stop();
    await relay
      .publishPending()
      .catch((err: unknown) => logger.warn({ err }, 'alerts left unpublished'));
    await deconfliction
      .stop()
      .catch((err: unknown) => logger.warn({ err }, 'deconfliction hits left unwritten'));
    await app.get(AuditLog).close();
    // The final head, anchored outside the database before the producers close.
    await app.get<AuditAnchorer | null>(AUDIT_ANCHORER)?.stop();
    await app.get(KafkaPlainPublisher).close();
    // Last before the database closes: another hub may take the index from here.
    await app.get(HubLeadership).release();
    await app.close();
    await ds.destroy().catch(() => undefined);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

bootstrap().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
