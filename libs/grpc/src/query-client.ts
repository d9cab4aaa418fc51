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
import { PROTO_LOADER_OPTIONS, QUERY_PROTO } from '@intel/contracts';
import type {
  AcknowledgeAlertRequest,
  AcknowledgeAlertResponse,
  Alert,
  AlertType,
  CheckIdentifiersRequest,
  CheckIdentifiersResponse,
  CheckPersonRequest,
  CheckPersonResponse,
  GetPersonRequest,
  Justification,
  NationalPerson,
  WatchAlertsRequest,
} from '@intel/contracts';

type Callback<T> = (err: ServiceError | null, res: T) => void;
interface RawQueryClient {
  checkPerson(
    r: CheckPersonRequest,
    md: Metadata,
    o: CallOptions,
    cb: Callback<CheckPersonResponse>,
  ): void;
  checkIdentifiers(
    r: CheckIdentifiersRequest,
    md: Metadata,
    o: CallOptions,
    cb: Callback<CheckIdentifiersResponse>,
  ): void;
  getPerson(r: GetPersonRequest, md: Metadata, o: CallOptions, cb: Callback<NationalPerson>): void;
  watchAlerts(r: WatchAlertsRequest, md: Metadata): ClientReadableStream<Alert>;
  acknowledgeAlert(
    r: AcknowledgeAlertRequest,
    md: Metadata,
    o: CallOptions,
    cb: Callback<AcknowledgeAlertResponse>,
  ): void;
  close(): void;
}

/**
 * A real grpc-js client for intel.v1.IntelQuery, as a force system would use it. Calls carry a
 * deadline (default 10 s). In the plaintext development mode, `devForce` names the caller.
 */
export class QueryClient {
  private readonly raw: RawQueryClient;

  constructor(
    address: string,
    creds: ChannelCredentials = grpcCredentials.createInsecure(),
    private readonly options: { devForce?: string; deadlineMs?: number } = {},
  ) {
    const def = loadPackageDefinition(loadSync(QUERY_PROTO, PROTO_LOADER_OPTIONS)) as unknown as {
      intel: { v1: { IntelQuery: new (addr: string, c: ChannelCredentials) => RawQueryClient } };
    };
    this.raw = new def.intel.v1.IntelQuery(address, creds);
  }

  private md(): Metadata {
    const md = new Metadata();
    if (this.options.devForce) {
      md.set('x-dev-force', this.options.devForce);
      md.set('x-dev-caller', `dev-${this.options.devForce}`);
    }
    return md;
  }

  private opts(): CallOptions {
    return { deadline: Date.now() + (this.options.deadlineMs ?? 10_000) };
  }

  checkPerson(r: CheckPersonRequest): Promise<CheckPersonResponse> {
    return new Promise((res, rej) =>
      this.raw.checkPerson(r, this.md(), this.opts(), (e, v) => (e ? rej(e) : res(v))),
    );
  }

  checkIdentifiers(r: CheckIdentifiersRequest): Promise<CheckIdentifiersResponse> {
    return new Promise((res, rej) =>
      this.raw.checkIdentifiers(r, this.md(), this.opts(), (e, v) => (e ? rej(e) : res(v))),
    );
  }

  getPerson(r: GetPersonRequest): Promise<NationalPerson> {
    return new Promise((res, rej) =>
      this.raw.getPerson(r, this.md(), this.opts(), (e, v) => (e ? rej(e) : res(v))),
    );
  }

  /**
   * The caller's alerts, resumable after an alert id; cancel() the stream to stop. Justified
   * like every call: the hub audits the watch and every alert it sends.
   */
  /** The caller's alerts from `sinceAlertId` on, then live; of `alertTypes` only, if given. */
  watchAlerts(
    justification: Justification,
    sinceAlertId = '',
    alertTypes: AlertType[] = [],
  ): ClientReadableStream<Alert> {
    return this.raw.watchAlerts({ sinceAlertId, justification, alertTypes }, this.md());
  }

  /** Acknowledges an alert to the caller's force, by a named person (audited by the hub). */
  acknowledgeAlert(r: AcknowledgeAlertRequest): Promise<AcknowledgeAlertResponse> {
    return new Promise((res, rej) =>
      this.raw.acknowledgeAlert(r, this.md(), this.opts(), (e, v) => (e ? rej(e) : res(v))),
    );
  }

  close(): void {
    this.raw.close();
  }
}
