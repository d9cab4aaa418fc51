import { Controller, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  status,
  type GrpcObject,
  type ServerUnaryCall,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Observable } from 'rxjs';
import {
  ForceIntakeControllerMethods,
  INTAKE_PROTO,
  PROTO_LOADER_OPTIONS,
  SubmitOutcome,
  type BatchItem,
  type BatchSummary,
  type ForceIntakeController,
  type SubmitResult,
  type WithdrawRequest,
} from '@intel/contracts';
import { GrpcHealth } from './health-and-reflection';
import { intelGrpcServer, type PortAwareGrpcServer } from './port-aware-grpc.server';
import { rpcError } from './rpc-errors';
import type { DirectUnary } from './direct-unary';

// The same Nest controller served twice on real gRPC servers (port 0): through Nest's transport,
// and with its unary method served directly (grpc-js straight into the controller). A caller
// must not be able to tell them apart: the same answers, the same statuses and messages for a
// refusal and for an unexpected failure; the direct method gets the request, the metadata and
// the call as Nest gives them.
@Controller()
@ForceIntakeControllerMethods()
class EchoIntake implements ForceIntakeController {
  submitPerson(): Promise<SubmitResult> {
    return Promise.reject(new Error('not used'));
  }

  submitIncident(): Promise<SubmitResult> {
    return Promise.reject(new Error('not used'));
  }

  submitBatch(): Observable<BatchSummary> {
    return new Observable<BatchItem>() as unknown as Observable<BatchSummary>;
  }

  withdraw(
    r: WithdrawRequest,
    md?: Metadata,
    call?: ServerUnaryCall<unknown, unknown>,
  ): Promise<SubmitResult> {
    if (r.reason === 'refuse')
      return Promise.reject(rpcError(status.INVALID_ARGUMENT, 'sourceRecordId: not held here'));
    if (r.reason === 'fail') return Promise.reject(new Error('a secret internal detail'));
    return Promise.resolve({
      nominalId: String(md?.get('x-caller')[0] ?? ''),
      outcome: SubmitOutcome.SUBMIT_OUTCOME_WITHDRAWN,
      version: typeof call?.getPeer === 'function' ? 7 : 0,
      incidentId: r.sourceRecordId,
    });
  }
}

@Module({
  controllers: [EchoIntake],
  providers: [{ provide: GrpcHealth, useValue: new GrpcHealth(['intel.v1.ForceIntake']) }],
})
class EchoModule {}

interface Served {
  app: INestApplication;
  grpc: PortAwareGrpcServer;
}

async function serve(direct?: (c: EchoIntake) => Record<string, DirectUnary>): Promise<Served> {
  const app = await NestFactory.create(EchoModule, { logger: false });
  const grpc = intelGrpcServer({
    protoPath: INTAKE_PROTO,
    grpc: { host: '127.0.0.1', port: 0, security: { mode: 'plaintext' } },
    health: app.get(GrpcHealth),
    directUnary: direct?.(app.get(EchoIntake)),
  });
  app.connectMicroservice({ strategy: grpc }, { inheritAppConfig: true });
  try {
    await app.startAllMicroservices();
  } catch (err) {
    await app.close();
    throw err;
  }
  return { app, grpc };
}

type WithdrawClient = {
  withdraw(
    r: Partial<WithdrawRequest>,
    md: Metadata,
    cb: (err: ServiceError | null, res: SubmitResult) => void,
  ): void;
  close(): void;
};

function client(port: number): WithdrawClient {
  const pkg = loadPackageDefinition(loadSync(INTAKE_PROTO, PROTO_LOADER_OPTIONS));
  const Ctor = ((pkg['intel'] as GrpcObject)['v1'] as GrpcObject)['ForceIntake'] as unknown as new (
    address: string,
    creds: ReturnType<typeof credentials.createInsecure>,
  ) => WithdrawClient;
  return new Ctor(`127.0.0.1:${port}`, credentials.createInsecure());
}

function withdraw(
  c: WithdrawClient,
  reason: string,
): Promise<{ code: number; details: string; response?: SubmitResult }> {
  const md = new Metadata();
  md.set('x-caller', 'system-a');
  return new Promise((resolve) =>
    c.withdraw({ sourceSystem: 'S', sourceRecordId: 'R1', reason }, md, (err, res) =>
      resolve(
        err
          ? { code: err.code, details: err.details }
          : { code: status.OK, details: '', response: res },
      ),
    ),
  );
}

describe('direct unary methods (grpc-js straight into the controller)', () => {
  const running: Served[] = [];
  const clients: WithdrawClient[] = [];
  let viaNest: WithdrawClient;
  let direct: WithdrawClient;
  /** Calls that went through the direct method (not Nest's handler of the same controller). */
  let directCalls = 0;

  beforeAll(async () => {
    const nest = await serve();
    const straight = await serve((c) => ({
      'intel.v1.ForceIntake.Withdraw': (r, md, call) => {
        directCalls++;
        return c.withdraw(r as WithdrawRequest, md, call);
      },
    }));
    running.push(nest, straight);
    viaNest = client(nest.grpc.boundPort);
    direct = client(straight.grpc.boundPort);
    clients.push(viaNest, direct);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    for (const s of running) {
      await s.grpc.closeWithin(1000);
      await s.app.close();
    }
  });

  it.each([
    ['an answer', 'ok'],
    ['a refusal (RpcException)', 'refuse'],
    ['an unexpected failure', 'fail'],
  ])('answers %s exactly as through Nest', async (_what, reason) => {
    const before = directCalls;
    const [a, b] = await Promise.all([withdraw(viaNest, reason), withdraw(direct, reason)]);
    expect(b).toEqual(a);
    expect(directCalls).toBe(before + 1);
  });

  it('gives the method the request, the metadata and the call', async () => {
    const r = await withdraw(direct, 'ok');
    expect(r.response).toMatchObject({ nominalId: 'system-a', version: 7, incidentId: 'R1' });
  });

  it('refuses the statuses Nest gives: the refusal named, the failure not described', async () => {
    expect(await withdraw(direct, 'refuse')).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'sourceRecordId: not held here',
    });
    expect(await withdraw(direct, 'fail')).toEqual({
      code: status.UNKNOWN,
      details: 'Internal server error',
    });
  });

  it('will not start with a direct method the services do not have, or a streaming one', async () => {
    const never = (() => Promise.resolve({})) as DirectUnary;
    await expect(serve(() => ({ 'intel.v1.ForceIntake.Withdrew': never }))).rejects.toThrow(
      'no gRPC method intel.v1.ForceIntake.Withdrew to serve directly',
    );
    await expect(serve(() => ({ 'intel.v1.ForceIntake.SubmitBatch': never }))).rejects.toThrow(
      'is not unary',
    );
  });
});
