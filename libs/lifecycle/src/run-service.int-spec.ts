import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { credentials, loadPackageDefinition, type GrpcObject } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { INTAKE_PROTO } from '@intel/contracts';
import { GrpcHealth } from '@intel/grpc';
import { createLogger } from '@intel/observability';
import { runService, type ProcessHooks } from './run-service';

// The one bootstrap on a real Nest application with a real gRPC server (port 0) and HTTP port:
// ready once both listen; on a signal, NOT_SERVING first, the service's steps in its order (a
// failing one does not stop the rest), the application closed, then exit 0, once.
@Controller()
class NothingController {}

@Module({
  controllers: [NothingController],
  providers: [{ provide: GrpcHealth, useValue: new GrpcHealth(['intel.v1.ForceIntake']) }],
})
class TinyModule {}

describe('runService (a real Nest application, gRPC and HTTP on port 0)', () => {
  it('starts, reports its ports, and on SIGTERM shuts down in order, once', async () => {
    const signals = new Map<string, () => void>();
    let exited: (code: number) => void = () => undefined;
    const exit = new Promise<number>((r) => (exited = r));
    const exits: number[] = [];
    const hooks: ProcessHooks = {
      onSignal: (s, h) => void signals.set(s, h),
      exit: (code) => {
        exits.push(code);
        exited(code);
      },
    };
    const order: string[] = [];
    let servingAtFirstStep = '';
    const running = await runService(
      {
        logger: createLogger('lifecycle-spec', 'silent'),
        grpc: { host: '127.0.0.1', port: 0, security: { mode: 'plaintext' } as never },
        http: { host: '127.0.0.1', port: 0 },
        protoPath: INTAKE_PROTO,
        shutdownGraceMs: 2000,
        create: () => NestFactory.create(TinyModule, { logger: false }),
        afterListen: () => Promise.resolve('extra'),
        ready: (ports, extra) => {
          order.push(`ready ${extra}`);
          return { fields: { ...ports }, message: 'ready' };
        },
        shutdown: ({ closeGrpc, extra }) => [
          {
            what: 'first',
            run: async () => {
              servingAtFirstStep = await healthOf(running.grpcPort);
              order.push(`first ${extra}`);
            },
          },
          { what: 'gRPC close', run: () => closeGrpc(500).then(() => order.push('grpc')) },
          { what: 'broken', run: () => Promise.reject(new Error('no')) },
          { what: 'last', run: () => void order.push('last') },
        ],
        afterClose: () => [{ what: 'after close', run: () => void order.push('after close') }],
      },
      hooks,
    );
    expect(running.grpcPort).toBeGreaterThan(0);
    expect(running.httpPort).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${running.httpPort}/nothing`);
    expect(res.status).toBe(404); // HTTP answers (no such route)

    signals.get('SIGTERM')!();
    signals.get('SIGINT')!(); // a second signal while stopping changes nothing
    expect(await exit).toBe(0);
    expect(order).toEqual(['ready extra', 'first extra', 'grpc', 'last', 'after close']);
    expect(servingAtFirstStep).toBe('NOT_SERVING');
    expect(exits).toEqual([0]);
    await expect(fetch(`http://127.0.0.1:${running.httpPort}/nothing`)).rejects.toThrow();
  });
});

/** The gRPC health status of the whole server ('' service), as a client sees it. */
function healthOf(port: number): Promise<string> {
  const def = loadSync(require.resolve('grpc-health-check/proto/health/v1/health.proto'), {
    keepCase: true,
    enums: String,
  });
  const pkg = loadPackageDefinition(def) as unknown as {
    grpc: { health: { v1: { Health: new (a: string, c: unknown) => GrpcObject } } };
  };
  const client = new pkg.grpc.health.v1.Health(
    `127.0.0.1:${port}`,
    credentials.createInsecure(),
  ) as unknown as {
    check: (r: object, cb: (e: Error | null, r: { status: string }) => void) => void;
    close: () => void;
  };
  return new Promise((resolve, reject) =>
    client.check({ service: '' }, (e, r) => {
      client.close();
      if (e) reject(e);
      else resolve(r.status);
    }),
  );
}
