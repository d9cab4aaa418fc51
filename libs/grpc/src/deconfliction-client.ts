import {
  credentials as grpcCredentials,
  loadPackageDefinition,
  Metadata,
  type ChannelCredentials,
  type ClientReadableStream,
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
import { unary, type UnaryMethod, type UnaryOptions } from './unary';

interface RawDeconflictionClient {
  registerPersona: UnaryMethod<RegisterPersonaRequest, DeconflictionRegistration>;
  retirePersona: UnaryMethod<RetireRegistrationRequest, RegistrationRetired>;
  registerTarget: UnaryMethod<RegisterTargetRequest, DeconflictionRegistration>;
  retireTarget: UnaryMethod<RetireRegistrationRequest, RegistrationRetired>;
  acknowledgeHit: UnaryMethod<AcknowledgeHitRequest, HitAcknowledged>;
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

  private opts(): UnaryOptions {
    return { deadlineMs: this.options.deadlineMs ?? 10_000 };
  }

  async registerPersona(r: RegisterPersonaRequest): Promise<DeconflictionRegistration> {
    return unary(this.raw, 'registerPersona', r, this.md(), this.opts());
  }

  async retirePersona(r: RetireRegistrationRequest): Promise<RegistrationRetired> {
    return unary(this.raw, 'retirePersona', r, this.md(), this.opts());
  }

  async registerTarget(r: RegisterTargetRequest): Promise<DeconflictionRegistration> {
    return unary(this.raw, 'registerTarget', r, this.md(), this.opts());
  }

  async retireTarget(r: RetireRegistrationRequest): Promise<RegistrationRetired> {
    return unary(this.raw, 'retireTarget', r, this.md(), this.opts());
  }

  async acknowledgeHit(r: AcknowledgeHitRequest): Promise<HitAcknowledged> {
    return unary(this.raw, 'acknowledgeHit', r, this.md(), this.opts());
  }

  /** The unit's sealed notices: unacknowledged ones replayed, then new ones; cancel() to stop. */
  watchHits(justification: Justification): ClientReadableStream<HitNotice> {
    return this.raw.watchHits({ justification }, this.md());
  }

  close(): void {
    this.raw.close();
  }
}
