import {
  credentials as grpcCredentials,
  loadPackageDefinition,
  Metadata,
  type CallOptions,
  type ChannelCredentials,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { DECONFLICTION_PROTO, PROTO_LOADER_OPTIONS } from '@intel/contracts';
import type {
  AcknowledgeHitRequest,
  DeconflictionRegistration,
  HitAcknowledged,
  HitNotice,
  Justification,
  RegisterPersonaRequest,
  RegisterTargetRequest,
  RegistrationRetired,
  RetireRegistrationRequest,
  WatchHitsRequest,
} from '@intel/contracts';

type Callback<T> = (err: ServiceError | null, res: T) => void;
type Unary<Q, R> = (r: Q, md: Metadata, o: CallOptions, cb: Callback<R>) => void;
interface RawDeconflictionClient {
  registerPersona: Unary<RegisterPersonaRequest, DeconflictionRegistration>;
  retirePersona: Unary<RetireRegistrationRequest, RegistrationRetired>;
  registerTarget: Unary<RegisterTargetRequest, DeconflictionRegistration>;
  retireTarget: Unary<RetireRegistrationRequest, RegistrationRetired>;
  acknowledgeHit: Unary<AcknowledgeHitRequest, HitAcknowledged>;
  watchHits(r: WatchHitsRequest, md: Metadata): ClientReadableStream<HitNotice>;
  close(): void;
}

/**
 * A real grpc-js client for intel.v1.Deconfliction, as a covert unit's system would use it
 * (its certificate OU=covert-NN). In the plaintext development mode, `devCovert` and `devUnit`
 * name the caller (x-dev-covert, x-dev-caller).
 */
export class DeconflictionClient {
  private readonly raw: RawDeconflictionClient;

  constructor(
    address: string,
    creds: ChannelCredentials = grpcCredentials.createInsecure(),
    private readonly options: { devCovert?: string; devUnit?: string; deadlineMs?: number } = {},
  ) {
    const def = loadPackageDefinition(
      loadSync(DECONFLICTION_PROTO, PROTO_LOADER_OPTIONS),
    ) as unknown as {
      intel: {
        v1: { Deconfliction: new (addr: string, c: ChannelCredentials) => RawDeconflictionClient };
      };
    };
    this.raw = new def.intel.v1.Deconfliction(address, creds);
  }

  private md(): Metadata {
    const md = new Metadata();
    if (this.options.devCovert) md.set('x-dev-covert', this.options.devCovert);
    if (this.options.devUnit) md.set('x-dev-caller', this.options.devUnit);
    return md;
  }

  private call<Q, R>(fn: Unary<Q, R>, r: Q): Promise<R> {
    const opts = { deadline: Date.now() + (this.options.deadlineMs ?? 10_000) };
    return new Promise((res, rej) =>
      fn.call(this.raw, r, this.md(), opts, (e, v) => (e ? rej(e) : res(v))),
    );
  }

  registerPersona(r: RegisterPersonaRequest): Promise<DeconflictionRegistration> {
    return this.call(this.raw.registerPersona, r);
  }

  retirePersona(r: RetireRegistrationRequest): Promise<RegistrationRetired> {
    return this.call(this.raw.retirePersona, r);
  }

  registerTarget(r: RegisterTargetRequest): Promise<DeconflictionRegistration> {
    return this.call(this.raw.registerTarget, r);
  }

  retireTarget(r: RetireRegistrationRequest): Promise<RegistrationRetired> {
    return this.call(this.raw.retireTarget, r);
  }

  acknowledgeHit(r: AcknowledgeHitRequest): Promise<HitAcknowledged> {
    return this.call(this.raw.acknowledgeHit, r);
  }

  /** The unit's sealed notices: unacknowledged ones replayed, then new ones; cancel() to stop. */
  watchHits(justification: Justification): ClientReadableStream<HitNotice> {
    return this.raw.watchHits({ justification }, this.md());
  }

  close(): void {
    this.raw.close();
  }
}
