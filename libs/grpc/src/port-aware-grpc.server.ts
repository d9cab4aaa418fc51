import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ServerGrpc, type GrpcOptions } from '@nestjs/microservices';
import type { GrpcSecurity } from '@intel/config';
import { assignMethodCodecs, PROTO_LOADER_OPTIONS } from '@intel/contracts';
import { serverCredentials } from './credentials';
import { directUnaryHandler, type DirectUnary } from './direct-unary';
import type { GrpcHealth } from './health-and-reflection';

/** A service definition's methods as grpc-js's client constructors carry them. */
type MethodDefinitions = Record<
  string,
  { path: string; originalName?: string; requestStream: boolean; responseStream: boolean }
>;

/**
 * Nest's gRPC transport binds with the port the URL names but does not say which port it got,
 * so port 0 (tests, side-by-side nodes) could not be used. This strategy binds the same way and
 * keeps the bound port.
 */
export class PortAwareGrpcServer extends ServerGrpc {
  private bound: number | undefined;
  private readonly direct: Map<string, DirectUnary>;
  private readonly directBound = new Set<string>();

  /**
   * `direct`: unary methods served by grpc-js straight into their handler, by full method name
   * (`intel.v1.S.M`), instead of through Nest's per-call pipeline (its RxJS observables, guard,
   * interceptor, pipe and exception-filter layers), for the hot calls; errors reach the caller
   * as through Nest (`grpcErrorOf`).
   */
  constructor(
    private readonly grpcOptions: GrpcOptions['options'],
    direct: Record<string, DirectUnary> = {},
  ) {
    super(grpcOptions);
    this.direct = new Map(Object.entries(direct));
  }

  get boundPort(): number {
    if (this.bound === undefined) throw new Error('gRPC server is not listening yet');
    return this.bound;
  }

  override async createClient(): Promise<Server> {
    const server = new Server({
      ...(this.grpcOptions.channelOptions ?? {}),
      'grpc.max_receive_message_length':
        this.grpcOptions.maxReceiveMessageLength ?? 16 * 1024 * 1024,
    });
    const credentials =
      (this.grpcOptions.credentials as ServerCredentials | undefined) ??
      ServerCredentials.createInsecure();
    this.bound = await new Promise<number>((resolve, reject) => {
      server.bindAsync(this.grpcOptions.url ?? '0.0.0.0:0', credentials, (err, port) =>
        err ? reject(err) : resolve(port),
      );
    });
    return server;
  }

  /** Nest's implementation of a service, with the direct methods put in place of its own. */
  override async createService(grpcService: unknown, name: string): Promise<object> {
    const service = (await super.createService(grpcService, name)) as Record<string, unknown>;
    const methods = (grpcService as { service?: MethodDefinitions }).service ?? {};
    for (const [method, d] of Object.entries(methods)) {
      const full = d.path.slice(1).replace('/', '.');
      const direct = this.direct.get(full);
      if (!direct) continue;
      if (d.requestStream || d.responseStream)
        throw new Error(`gRPC method ${d.path} is not unary: it cannot be served directly`);
      const handler = directUnaryHandler(direct);
      service[method] = handler;
      if (d.originalName) service[d.originalName] = handler;
      this.directBound.add(full);
    }
    return service;
  }

  /** Binds the services; a direct method that names no method of them is a mistake, loudly. */
  override async bindEvents(): Promise<void> {
    await super.bindEvents();
    const unknown = [...this.direct.keys()].filter((m) => !this.directBound.has(m));
    if (unknown.length > 0)
      throw new Error(`no gRPC method ${unknown.join(', ')} to serve directly`);
  }

  /**
   * Graceful close with a deadline: in-flight calls may finish within `graceMs`, then the server
   * is shut down hard (a client that never ends its stream must not block shutdown).
   */
  async closeWithin(graceMs: number): Promise<void> {
    const server = (this as unknown as { grpcClient: Server | null }).grpcClient;
    if (!server) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/**
 * The platform's gRPC server for one `intel.v1` service: the configured address and security
 * (mutual TLS, or the announced plaintext development mode), graceful shutdown, and standard
 * health checking and reflection attached.
 */
export function intelGrpcServer(opts: {
  /** One proto file, or several (each an `intel.v1` service served on the same port). */
  protoPath: string | string[];
  grpc: { host: string; port: number; security: GrpcSecurity };
  health: GrpcHealth;
  /** Response serializers replacing proto-loader's, by full method name (`intel.v1.S.M`). */
  responseSerializers?: Record<string, (value: unknown) => Buffer>;
  /** Unary methods served by grpc-js straight into their handler (`PortAwareGrpcServer`). */
  directUnary?: Record<string, DirectUnary>;
}): PortAwareGrpcServer {
  return new PortAwareGrpcServer(
    {
      package: 'intel.v1',
      protoPath: Array.isArray(opts.protoPath) ? opts.protoPath : [opts.protoPath],
      url: `${opts.grpc.host}:${opts.grpc.port}`,
      loader: PROTO_LOADER_OPTIONS,
      credentials: serverCredentials(opts.grpc.security),
      gracefulShutdown: true,
      onLoadPackageDefinition: (pkg: PackageDefinition, server: Server) => {
        assignMethodCodecs(
          pkg,
          Object.fromEntries(
            Object.entries(opts.responseSerializers ?? {}).map(([m, serialize]) => [
              m,
              { responseSerialize: serialize },
            ]),
          ),
        );
        opts.health.attach(pkg, server);
      },
    },
    opts.directUnary,
  );
}
