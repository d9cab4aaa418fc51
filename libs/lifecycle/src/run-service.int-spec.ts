import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { credentials, loadPackageDefinition, type GrpcObject } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { INTAKE_PROTO } from '@intel/contracts';
import { GrpcHealth } from '@intel/grpc';
import { makeTestPki } from '@intel/testing';
import { runService, type ProcessHooks, type ServiceBase } from './run-service';

// The one bootstrap on a real Nest application with a real gRPC server (port 0) and HTTP port:
// ready once both listen; on a signal, NOT_SERVING first, the service's steps in its order (a
// failing one does not stop the rest), the application closed, then exit 0, once. The logger and
// metrics registry it makes for the service carry its name and labels, and under mTLS the gRPC
// certificate's expiry.
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
    let given: ServiceBase | undefined;
    const running = await runService(
      {
        service: 'lifecycle-spec',
        logLevel: 'silent',
        metricLabels: { force: '36' },
        grpc: { host: '127.0.0.1', port: 0, security: { mode: 'plaintext' } },
        http: { host: '127.0.0.1', port: 0 },
        protoPath: INTAKE_PROTO,
        shutdownGraceMs: 2000,
        create: (base) => {
          given = base;
          return NestFactory.create(TinyModule, { logger: base.nestLogger });
        },
        afterListen: (_app, base) => Promise.resolve(base === given ? 'extra' : 'another base'),
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
    // One logger and registry, named and labelled, given to the application and the steps.
    expect(running.registry).toBe(given?.registry);
    expect(running.logger.bindings()).toMatchObject({ service: 'lifecycle-spec' });
    const metrics = await running.registry.metrics();
    expect(metrics).toMatch(
      /process_cpu_user_seconds_total\{service="lifecycle-spec",force="36"\}/,
    );
    // Plaintext: no certificate, no expiry gauge.
    expect(metrics).not.toContain('tls_certificate_not_after_seconds');

    signals.get('SIGTERM')!();
    signals.get('SIGINT')!(); // a second signal while stopping changes nothing
    expect(await exit).toBe(0);
    expect(order).toEqual(['ready extra', 'first extra', 'grpc', 'last', 'after close']);
    expect(servingAtFirstStep).toBe('NOT_SERVING');
    expect(exits).toEqual([0]);
    await expect(fetch(`http://127.0.0.1:${running.httpPort}/nothing`)).rejects.toThrow();
  });
});

describe('runService under mTLS', () => {
  it("registers the gRPC certificate chain's and CA bundle's expiry in the service's registry", async () => {
    const pki = makeTestPki('lifecycle-ca', { days: 30 });
    let exited: (code: number) => void = () => undefined;
    const exit = new Promise<number>((r) => (exited = r));
    const signals = new Map<string, () => void>();
    const running = await runService(
      {
        service: 'lifecycle-mtls',
        logLevel: 'silent',
        logFields: { forceCode: '36' },
        grpc: {
          host: '127.0.0.1',
          port: 0,
          security: {
            mode: 'mtls',
            ca: pki.read(pki.caCert),
            cert: pki.read(pki.serverCert),
            key: pki.read(pki.serverKey),
          },
        },
        http: { host: '127.0.0.1', port: 0 },
        protoPath: INTAKE_PROTO,
        shutdownGraceMs: 2000,
        create: ({ nestLogger }) => NestFactory.create(TinyModule, { logger: nestLogger }),
        ready: (ports) => ({ fields: { ...ports }, message: 'ready' }),
        shutdown: ({ closeGrpc }) => [{ what: 'gRPC close', run: () => closeGrpc(500) }],
      },
      { onSignal: (s, h) => void signals.set(s, h), exit: (code) => exited(code) },
    );
    expect(running.logger.bindings()).toMatchObject({ service: 'lifecycle-mtls', forceCode: '36' });
    const gauge = await running.registry
      .getSingleMetric('tls_certificate_not_after_seconds')
      ?.get();
    const inDays = (role: string) =>
      ((gauge?.values.find((v) => v.labels.role === role)?.value ?? 0) - Date.now() / 1000) /
      86_400;
    for (const role of ['server', 'ca']) {
      expect(inDays(role)).toBeGreaterThan(29);
      expect(inDays(role)).toBeLessThanOrEqual(30);
    }
    signals.get('SIGTERM')!();
    expect(await exit).toBe(0);
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
