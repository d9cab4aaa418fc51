import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadForceNodeConfig } from '@intel/config';
import { INTAKE_PROTO } from '@intel/contracts';
import { exitOnStartFailure, runService } from '@intel/lifecycle';
import { DataSource } from 'typeorm';
import { ForceNodeModule } from './force-node.module';
import { OutboxPruner } from './outbox/outbox.pruner';
import { OutboxRelay } from './outbox/outbox.relay';
import { OutboxRepository } from './outbox/outbox.repository';

const config = loadForceNodeConfig();
// Topics and ACLs are provisioned beforehand (`intel-cli kafka-provision`, as admin): a force
// principal may not create topics.
exitOnStartFailure(
  runService({
    service: 'force-node',
    logLevel: config.logLevel,
    logFields: { forceCode: config.forceCode },
    metricLabels: { force: config.forceCode },
    grpc: config.grpc,
    http: config.http,
    protoPath: INTAKE_PROTO,
    shutdownGraceMs: config.shutdownGraceMs,
    create: ({ logger, nestLogger, registry }) =>
      NestFactory.create(ForceNodeModule.forRoot(config, logger, registry), { logger: nestLogger }),
    ready: ({ grpcPort, httpPort }) => ({
      fields: {
        grpcPort,
        httpPort,
        database: config.database.name,
        tls: config.grpc.security.mode,
      },
      message: `force node ${config.forceCode} (${config.forceName}) ready: gRPC :${grpcPort}, HTTP :${httpPort}`,
    }),
    // Stop taking requests (in-flight calls finish), let the relay publish what was accepted,
    // then close the database and Kafka connections (the application's close).
    shutdown: ({ app, closeGrpc, logger }) => [
      { what: 'gRPC close', run: () => closeGrpc(Math.min(5000, config.shutdownGraceMs)) },
      { what: 'outbox pruner stop', run: () => app.get(OutboxPruner).stop() },
      {
        what: 'outbox relay drain',
        run: async () => {
          const drained = await app.get(OutboxRelay).drainAndStop(config.shutdownGraceMs);
          const left = await app.get(OutboxRepository).backlog(app.get(DataSource));
          logger.info({ drained, pending: left.pending }, 'outbox relay stopped');
        },
      },
    ],
  }),
);
