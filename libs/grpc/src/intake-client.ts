import {
  credentials as grpcCredentials,
  loadPackageDefinition,
  Metadata,
  type ChannelCredentials,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { INTAKE_PROTO, PROTO_LOADER_OPTIONS } from '@intel/contracts';
import type {
  BatchItem,
  BatchSummary,
  IncidentRecord,
  PersonRecord,
  SubmitResult,
  WithdrawRequest,
} from '@intel/contracts';
import { unary, type UnaryMethod } from './unary';

type Callback<T> = (err: ServiceError | null, res: T) => void;
interface RawIntakeClient {
  submitPerson: UnaryMethod<PersonRecord, SubmitResult>;
  submitIncident: UnaryMethod<IncidentRecord, SubmitResult>;
  withdraw: UnaryMethod<WithdrawRequest, SubmitResult>;
  submitBatch(
    md: Metadata,
    cb: Callback<BatchSummary>,
  ): {
    write(item: BatchItem): boolean;
    end(): void;
    cancel(): void;
    once(e: 'drain', f: () => void): void;
  };
  close(): void;
}

/**
 * A real grpc-js client for intel.v1.ForceIntake, as a force system would use it. In the
 * plaintext development mode, `devForce` names the caller's force (a node serves only its own
 * force's callers) and `devCaller` the calling system; with mutual TLS the certificate does.
 */
export class IntakeClient {
  private readonly raw: RawIntakeClient;

  constructor(
    address: string,
    creds: ChannelCredentials = grpcCredentials.createInsecure(),
    private readonly options: { devForce?: string; devCaller?: string } = {},
  ) {
    const def = loadPackageDefinition(loadSync(INTAKE_PROTO, PROTO_LOADER_OPTIONS)) as unknown as {
      intel: { v1: { ForceIntake: new (addr: string, c: ChannelCredentials) => RawIntakeClient } };
    };
    this.raw = new def.intel.v1.ForceIntake(address, creds);
  }

  private metadata(): Metadata {
    const md = new Metadata();
    if (this.options.devForce) {
      md.set('x-dev-force', this.options.devForce);
      md.set('x-dev-caller', this.options.devCaller ?? `dev-${this.options.devForce}`);
    }
    return md;
  }

  async submitPerson(r: PersonRecord): Promise<SubmitResult> {
    return unary(this.raw, 'submitPerson', r, this.metadata());
  }

  async submitIncident(r: IncidentRecord): Promise<SubmitResult> {
    return unary(this.raw, 'submitIncident', r, this.metadata());
  }

  async withdraw(r: WithdrawRequest): Promise<SubmitResult> {
    return unary(this.raw, 'withdraw', r, this.metadata());
  }

  /** Streams the items (honouring flow control) and resolves with the summary. */
  async submitBatch(items: Iterable<BatchItem>): Promise<BatchSummary> {
    let call!: ReturnType<RawIntakeClient['submitBatch']>;
    const done = new Promise<BatchSummary>((res, rej) => {
      call = this.raw.submitBatch(this.metadata(), (e, v) => (e ? rej(e) : res(v)));
    });
    for (const item of items) {
      if (!call.write(item)) await new Promise<void>((r) => call.once('drain', r));
    }
    call.end();
    return done;
  }

  /**
   * A SubmitBatch call left open: write items, then end() it for the summary, or cancel() it
   * (e.g. a client giving up half-way).
   */
  openBatch(): {
    write(item: BatchItem): Promise<void>;
    end(): void;
    cancel(): void;
    summary: Promise<BatchSummary>;
  } {
    let call!: ReturnType<RawIntakeClient['submitBatch']>;
    const summary = new Promise<BatchSummary>((res, rej) => {
      call = this.raw.submitBatch(this.metadata(), (e, v) => (e ? rej(e) : res(v)));
    });
    return {
      write: async (item) => {
        if (!call.write(item)) await new Promise<void>((r) => call.once('drain', r));
      },
      end: () => call.end(),
      cancel: () => call.cancel(),
      summary,
    };
  }

  close(): void {
    this.raw.close();
  }
}
