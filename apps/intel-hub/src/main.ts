import 'reflect-metadata';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { createKafka, ensureTopics, type EventConsumer } from '@intel/kafka';
import { PinoNestLogger, createLogger, createMetricsRegistry } from '@intel/observability';
import { DataSource } from 'typeorm';
import { loadHubConfig } from '@intel/config';
import { HubModule } from './hub.module';
import { EVENT_CONSUMER } from './hub.tokens';
import { DeadLetterPublisher } from './ingest/dead-letters';

async function bootstrap(): Promise<void> {
  const config = loadHubConfig();
  const logger = createLogger('intel-hub', config.logLevel);

  // Topics are created explicitly (idempotent): a hub started against a fresh cluster works.
  await ensureTopics(createKafka({ ...config.kafka, clientId: `${config.kafka.clientId}-admin` }));

  const registry = createMetricsRegistry('intel-hub');
  const app = await NestFactory.create(HubModule.forRoot(config, logger, registry), {
    logger: new PinoNestLogger(logger),
  });
  await app.listen(config.http.port, config.http.host);
  const httpPort = ((app.getHttpServer() as HttpServer).address() as AddressInfo).port;
  logger.info(
    {
      event: 'ready',
      // No gRPC server yet (IntelQuery comes with the query slice).
      grpcPort: 0,
      httpPort,
      database: config.database.name,
      consumerGroup: config.consumer.groupId,
    },
    `intel hub ready: HTTP :${httpPort}, consumer group ${config.consumer.groupId}`,
  );

  // Graceful shutdown: stop consuming (the batch in hand finishes and its offsets are
  // committed), then close the dead-letter producer, HTTP, and the database.
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
    await app
      .get<EventConsumer>(EVENT_CONSUMER)
      .stop()
      .catch((err: unknown) => logger.warn({ err }, 'consumer stop failed'));
    const ds = app.get(DataSource);
    await app.get(DeadLetterPublisher).close();
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
