import 'reflect-metadata';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { loadForceNodeConfig } from '@intel/config';
import { INTAKE_PROTO } from '@intel/contracts';
import { GrpcHealth, PLAINTEXT_WARNING, intelGrpcServer } from '@intel/grpc';
import {
  PinoNestLogger,
  createLogger,
  createMetricsRegistry,
  registerCertificateExpiry,
} from '@intel/observability';
import { ForceNodeModule } from './force-node.module';
import { OutboxPruner } from './outbox/outbox.pruner';
import { OutboxRelay } from './outbox/outbox.relay';
import { OutboxRepository } from './outbox/outbox.repository';
import { DataSource } from 'typeorm';

async function bootstrap(): Promise<void> {
  const config = loadForceNodeConfig();
  const logger = createLogger('force-node', config.logLevel, { forceCode: config.forceCode });
  if (config.grpc.security.mode === 'plaintext') logger.warn(PLAINTEXT_WARNING);

  // Topics and ACLs are provisioned beforehand (`intel-cli kafka-provision`, as admin): a force
  // principal may not create topics.
  const registry = createMetricsRegistry('force-node', { force: config.forceCode });
  registerCertificateExpiry(registry, config.grpc.security);
  const app = await NestFactory.create(ForceNodeModule.forRoot(config, logger, registry), {
    logger: new PinoNestLogger(logger),
  });
  const grpcHealth = app.get(GrpcHealth);
  const grpc = intelGrpcServer({ protoPath: INTAKE_PROTO, grpc: config.grpc, health: grpcHealth });
  app.connectMicroservice({ strategy: grpc }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(config.http.port, config.http.host);
  const httpPort = ((app.getHttpServer() as HttpServer).address() as AddressInfo).port;
  logger.info(
    {
      event: 'ready',
      grpcPort: grpc.boundPort,
      httpPort,
      database: config.database.name,
      tls: config.grpc.security.mode,
    },
    `force node ${config.forceCode} (${config.forceName}) ready: gRPC :${grpc.boundPort}, HTTP :${httpPort}`,
  );

  // Graceful shutdown: stop taking requests (in-flight calls finish), let the relay publish
  // what was accepted, then close the database and Kafka connections.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    grpcHealth.set('NOT_SERVING');
    await grpc.closeWithin(Math.min(5000, config.shutdownGraceMs));
    const relay = app.get(OutboxRelay);
    await app.get(OutboxPruner).stop();
    const drained = await relay.drainAndStop(config.shutdownGraceMs);
    const left = await app.get(OutboxRepository).backlog(app.get(DataSource));
    logger.info({ drained, pending: left.pending }, 'outbox relay stopped');
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

bootstrap().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
