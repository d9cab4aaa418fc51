import {
  credentials as grpcCredentials,
  loadPackageDefinition,
  Metadata,
  type ChannelCredentials,
  type ClientReadableStream,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import {
  assignMethodCodecs,
  INTEL_QUERY_CLIENT_CODECS,
  PROTO_LOADER_OPTIONS,
  QUERY_PROTO,
} from '@intel/contracts';
import type {
  AcknowledgeAlertRequest,
  AcknowledgeAlertResponse,
  Alert,
  AlertType,
  CheckIdentifiersCall,
  CheckIdentifiersResponse,
  CheckPersonCall,
  CheckPersonResponse,
  GetPersonRequest,
  Justification,
  NationalPerson,
  WatchAlertsRequest,
} from '@intel/contracts';
import { unary, type UnaryMethod, type UnaryOptions } from './unary';

interface RawQueryClient {
  checkPerson: UnaryMethod<CheckPersonCall, CheckPersonResponse>;
  checkIdentifiers: UnaryMethod<CheckIdentifiersCall, CheckIdentifiersResponse>;
  getPerson: UnaryMethod<GetPersonRequest, NationalPerson>;
  watchAlerts(r: WatchAlertsRequest, md: Metadata): ClientReadableStream<Alert>;
  acknowledgeAlert: UnaryMethod<AcknowledgeAlertRequest, AcknowledgeAlertResponse>;
  close(): void;
}

/**
 * A real grpc-js client for intel.v1.IntelQuery, as a force system would use it. Calls carry a
 * deadline (default 10 s). In the plaintext development mode, `devForce` names the caller.
 * `generatedCodecs`: CheckPerson and CheckIdentifiers encode and decode with the generated
 * (ts-proto) codecs instead of proto-loader's, as the hub answers them (the query bench's
 * client, on the hub and on its bare ceiling alike); without it, proto-loader's, which also
 * send what a hostile caller may write (a wrong type, an unknown enum name).
 */
export class QueryClient {
  private readonly raw: RawQueryClient;

  constructor(
    address: string,
    creds: ChannelCredentials = grpcCredentials.createInsecure(),
    private readonly options: {
      devForce?: string;
      deadlineMs?: number;
      generatedCodecs?: boolean;
    } = {},
  ) {
    const pkg = loadSync(QUERY_PROTO, PROTO_LOADER_OPTIONS);
    if (options.generatedCodecs) assignMethodCodecs(pkg, INTEL_QUERY_CLIENT_CODECS);
    const def = loadPackageDefinition(pkg) as unknown as {
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

  private opts(): UnaryOptions {
    return { deadlineMs: this.options.deadlineMs ?? 10_000 };
  }

  async checkPerson(r: CheckPersonCall): Promise<CheckPersonResponse> {
    return unary(this.raw, 'checkPerson', r, this.md(), this.opts());
  }

  async checkIdentifiers(r: CheckIdentifiersCall): Promise<CheckIdentifiersResponse> {
    return unary(this.raw, 'checkIdentifiers', r, this.md(), this.opts());
  }

  async getPerson(r: GetPersonRequest): Promise<NationalPerson> {
    return unary(this.raw, 'getPerson', r, this.md(), this.opts());
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
  async acknowledgeAlert(r: AcknowledgeAlertRequest): Promise<AcknowledgeAlertResponse> {
    return unary(this.raw, 'acknowledgeAlert', r, this.md(), this.opts());
  }

  close(): void {
    this.raw.close();
  }
}
