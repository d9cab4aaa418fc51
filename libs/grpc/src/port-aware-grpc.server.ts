import { Server, ServerCredentials } from '@grpc/grpc-js';
import { ServerGrpc, type GrpcOptions } from '@nestjs/microservices';

/**
 * Nest's gRPC transport binds with the port the URL names but does not say which port it got,
 * so port 0 (tests, side-by-side nodes) could not be used. This strategy binds the same way and
 * keeps the bound port.
 */
export class PortAwareGrpcServer extends ServerGrpc {
  private bound: number | undefined;

  constructor(private readonly grpcOptions: GrpcOptions['options']) {
    super(grpcOptions);
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
