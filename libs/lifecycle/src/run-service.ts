import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { GrpcSecurity } from '@intel/config';
import { GrpcHealth, PLAINTEXT_WARNING, intelGrpcServer, type DirectUnary } from '@intel/grpc';
import {
  PinoNestLogger,
  createLogger,
  createMetricsRegistry,
  registerCertificateExpiry,
  type Logger,
  type Registry,
} from '@intel/observability';
import { runShutdownSteps, type ShutdownStep } from './shutdown-steps';

/** The ports a service listens on once it is up (port 0 in the config: the one bound). */
export interface BoundPorts {
  grpcPort: number;
  httpPort: number;
}

/** What every service is started with: its logger and metrics registry, made once here. */
export interface ServiceBase {
  /** Structured logs named after the service, with its log fields on every line. */
  logger: Logger;
  /** Nest's own messages through the same logger (NestFactory.create's `logger`). */
  nestLogger: PinoNestLogger;
  /** Its metrics (default process metrics; the gRPC certificate's expiry under mTLS). */
  registry: Registry;
}

/** What the shutdown steps of a service may use. */
export interface Running<Extra> extends BoundPorts, ServiceBase {
  app: INestApplication;
  extra: Extra;
  /** Stops the gRPC server: new calls refused, in-flight calls given `graceMs` to finish. */
  closeGrpc: (graceMs: number) => Promise<void>;
}

/** A service process: its Nest application, its gRPC and HTTP edges, its shutdown order. */
export interface ServiceSpec<Extra> {
  /** Names the service on every log line (`service`) and metric (label `service`). */
  service: string;
  logLevel: string;
  /** More fields on every log line (a force node's `forceCode`). */
  logFields?: Record<string, unknown>;
  /** More labels on every metric (a force node's `force`). */
  metricLabels?: Record<string, string>;
  grpc: { host: string; port: number; security: GrpcSecurity };
  http: { host: string; port: number };
  /** The intel.v1 services' proto files served on the gRPC port. */
  protoPath: string | string[];
  /** Response serializers replacing proto-loader's, by full method name (`intel.v1.S.M`). */
  responseSerializers?: Record<string, (value: unknown) => Buffer>;
  /**
   * Unary methods grpc-js serves straight into their controller, by full method name, past
   * Nest's per-call pipeline (the hot calls; `PortAwareGrpcServer`), given the application.
   */
  directUnary?: (app: INestApplication) => Record<string, DirectUnary>;
  /** How long a graceful shutdown may take before the process exits anyway (status 1). */
  shutdownGraceMs: number;
  /** Warnings that must be loud at start (development keys, issuers), after the plaintext one. */
  startWarnings?: string[];
  create: (base: ServiceBase) => Promise<INestApplication>;
  /** More to start once gRPC and HTTP listen (the analysts' API). */
  afterListen?: (app: INestApplication, base: ServiceBase) => Promise<Extra>;
  /** The `ready` log line: structured fields and the message people read. */
  ready: (ports: BoundPorts, extra: Extra) => { fields: Record<string, unknown>; message: string };
  /**
   * The shutdown, in order, after the process stops reporting SERVING and before the Nest
   * application closes. Each step runs even if one before it failed.
   */
  shutdown: (running: Running<Extra>) => ShutdownStep[];
  /** After the application closed (connections Nest does not own). */
  afterClose?: (running: Running<Extra>) => ShutdownStep[];
}

/** What a started service leaves to its caller: the process signals, and exit. */
export interface ProcessHooks {
  onSignal: (signal: 'SIGTERM' | 'SIGINT', handler: () => void) => void;
  exit: (code: number) => void;
}

const NODE_PROCESS: ProcessHooks = {
  onSignal: (signal, handler) => void process.on(signal, handler),
  exit: (code) => process.exit(code),
};

/** The logger and metrics registry of a service. */
function serviceBase(
  spec: Pick<ServiceSpec<unknown>, 'service' | 'logLevel' | 'logFields' | 'metricLabels' | 'grpc'>,
): ServiceBase {
  const logger = createLogger(spec.service, spec.logLevel, spec.logFields);
  const registry = createMetricsRegistry(spec.service, spec.metricLabels);
  registerCertificateExpiry(registry, spec.grpc.security);
  return { logger, nestLogger: new PinoNestLogger(logger), registry };
}

/**
 * The one start-up and shutdown order of every service (docs/engineering.md, "One bootstrap"):
 * its logger and metrics registry (with the gRPC certificate's expiry), the Nest application, its gRPC server (with health) and its HTTP port, then anything more,
 * then one `ready` line; on SIGTERM or SIGINT, once: NOT_SERVING, the service's own steps in
 * its order, the application closed, exit 0 — or exit 1 when the grace period runs out first.
 */
export async function runService<Extra = undefined>(
  spec: ServiceSpec<Extra>,
  hooks: ProcessHooks = NODE_PROCESS,
): Promise<Running<Extra>> {
  const base = serviceBase(spec);
  const { logger } = base;
  if (spec.grpc.security.mode === 'plaintext') logger.warn(PLAINTEXT_WARNING);
  for (const w of spec.startWarnings ?? []) logger.warn(w);
  const app = await spec.create(base);
  const health = app.get(GrpcHealth);
  const grpc = intelGrpcServer({
    protoPath: spec.protoPath,
    grpc: spec.grpc,
    health,
    responseSerializers: spec.responseSerializers,
    directUnary: spec.directUnary?.(app),
  });
  app.connectMicroservice({ strategy: grpc }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(spec.http.port, spec.http.host);
  const httpPort = ((app.getHttpServer() as HttpServer).address() as AddressInfo).port;
  const extra = spec.afterListen ? await spec.afterListen(app, base) : (undefined as Extra);
  const running: Running<Extra> = {
    ...base,
    app,
    extra,
    grpcPort: grpc.boundPort,
    httpPort,
    closeGrpc: (graceMs) => grpc.closeWithin(graceMs),
  };
  const ready = spec.ready({ grpcPort: running.grpcPort, httpPort }, extra);
  logger.info({ event: 'ready', ...ready.fields }, ready.message);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.warn('shutdown grace period exceeded; exiting');
      hooks.exit(1);
    }, spec.shutdownGraceMs + 5000);
    timer.unref();
    health.set('NOT_SERVING');
    await runShutdownSteps(
      [
        ...spec.shutdown(running),
        { what: 'application close', run: () => app.close() },
        ...(spec.afterClose?.(running) ?? []),
      ],
      logger,
    );
    clearTimeout(timer);
    logger.info('stopped');
    hooks.exit(0);
  };
  hooks.onSignal('SIGTERM', () => void stop('SIGTERM'));
  hooks.onSignal('SIGINT', () => void stop('SIGINT'));
  return running;
}

/** For a service's `main.ts`: a failed start is printed and the process exits 1. */
export function exitOnStartFailure(started: Promise<unknown>): void {
  started.catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
