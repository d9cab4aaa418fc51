/* eslint-disable @typescript-eslint/no-explicit-any -- test helpers hand back JSON for assertions */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { dropDatabase, withDatabase } from '@intel/db';
import { QueryClient } from '@intel/grpc';
import { HUB_PRINCIPAL } from '@intel/kafka';
import {
  serviceDatabase,
  startService,
  testInfra,
  testKafkaEnv,
  uniqueDbName,
  waitFor,
  type RunningNode,
} from '@intel/testing';
import { analystHttp, type AnalystHttpOptions, type AnalystHttpResponse } from './analyst-http';
import { TestIssuer, type MintOptions, type TestClaims } from './test-issuer';

export interface HubHarnessOptions {
  /** Starts the analysts' HTTP API (port 0) trusting a test OIDC issuer made for this run. */
  analyst?: boolean;
}

/**
 * The intel hub as its own process on the real PostgreSQL and Kafka: a fresh database served as
 * the hub's own role, the hub's Kafka principal, a fresh consumer group (`intel-hub-it-<name>-…`,
 * which reads the shared topics from the beginning), the local plaintext gRPC mode, a direct
 * connection to its database, and query clients acting as a force.
 */
export class HubHarness {
  readonly infra = testInfra();
  readonly dbName: string;
  /** The hub runs as its own database role (libs/db provisionDatabase), as deployed. */
  readonly database: ReturnType<typeof serviceDatabase>;
  readonly group: string;
  /** A direct connection to the hub's database (as the test superuser). */
  readonly db: Client;
  private running: RunningNode | undefined;
  private readonly clients: QueryClient[] = [];
  /** The test OIDC issuer the analysts' API trusts (with `analyst: true`). */
  readonly issuer: TestIssuer | undefined;

  constructor(
    dbPrefix: string,
    groupName: string,
    private readonly extraEnv: Record<string, string> = {},
    opts: HubHarnessOptions = {},
  ) {
    this.issuer = opts.analyst ? new TestIssuer() : undefined;
    this.dbName = uniqueDbName(dbPrefix);
    this.database = serviceDatabase(this.dbName, this.infra.databaseUrl);
    this.group = `intel-hub-it-${groupName}-${randomUUID()}`;
    this.db = new Client({ connectionString: withDatabase(this.infra.databaseUrl, this.dbName) });
  }

  env(): Record<string, string> {
    return {
      ...this.database.env,
      ...testKafkaEnv(HUB_PRINCIPAL),
      HUB_CONSUMER_GROUP: this.group,
      GRPC_INSECURE_PLAINTEXT: 'true',
      ...(this.issuer?.env() ?? {}),
      ...this.extraEnv,
    };
  }

  /** The running hub process. */
  get hub(): RunningNode {
    if (!this.running) throw new Error('the hub is not running');
    return this.running;
  }

  /** Starts the hub and connects to its database. */
  async start(): Promise<void> {
    await this.issuer?.start();
    await this.startProcess();
    await this.db.connect();
  }

  /**
   * Starts the hub process only (its database connection is kept across restarts); `env`
   * overrides the harness's for this start (e.g. a restart that learns its parameters again).
   */
  async startProcess(env: Record<string, string> = {}): Promise<void> {
    this.running = await startService('intel-hub', { ...this.env(), ...env });
  }

  /** Stops the hub process only. */
  async stopProcess(): Promise<void> {
    const hub = this.running;
    this.running = undefined;
    await hub?.stop();
  }

  /** A query client acting as `force` (local plaintext mode), closed by stop(). */
  as(force: string): QueryClient {
    const c = new QueryClient(this.hub.grpcAddress, undefined, { devForce: force });
    this.clients.push(c);
    return c;
  }

  /** The analysts' API's origin, e.g. http://127.0.0.1:41234 (from the ready line's analystHttpPort). */
  get analystUrl(): string {
    // The ready line itself: a hub catching up on a long backlog can log more lines than
    // `logs` keeps.
    const port = (JSON.parse(this.hub.readyLine) as { analystHttpPort?: number }).analystHttpPort;
    if (!port)
      throw new Error("the hub's analysts' API is not running (HubHarness { analyst: true })");
    return `http://127.0.0.1:${port}`;
  }

  /** A bearer token from the test issuer (`opts` spoils it for refusal tests). */
  mintToken(claims: TestClaims, opts?: MintOptions): Promise<string> {
    if (!this.issuer) throw new Error('HubHarness was made without { analyst: true }');
    return this.issuer.mintToken(claims, opts);
  }

  /** A request to the analysts' API; `path` is absolute (`/api/v1/me`, `/analyst/`). */
  http<T = any>(
    method: string,
    path: string,
    opts?: AnalystHttpOptions,
  ): Promise<AnalystHttpResponse<T>> {
    return analystHttp<T>(this.analystUrl, method, path, opts);
  }

  /** A request to the API under /api/v1 (`api('GET', '/me', …)`). */
  api<T = any>(
    method: string,
    path: string,
    opts?: AnalystHttpOptions,
  ): Promise<AnalystHttpResponse<T>> {
    return this.http<T>(method, `/api/v1${path}`, opts);
  }

  /** Opens a consultation for the token's user; resolves with its id (for X-Consultation-Id). */
  async openConsultation(
    token: string,
    reason = 'Online grooming referral: checking the suspect',
  ): Promise<string> {
    const r = await this.api<{ consultationId: string }>('POST', '/consultations', {
      token,
      body: { purposeCode: 'PREVENTING_OFFENCES', reason },
    });
    if (r.status !== 201)
      throw new Error(`openConsultation: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.consultationId;
  }

  /** The national person holding every one of `members` ([force, nominalId]), once it does. */
  async personOf(members: Array<[string, string]>, timeoutMs = 120_000): Promise<string> {
    let id = '';
    await waitFor(
      async () => {
        const { rows } = await this.db.query<{ person_id: string; n: number }>(
          `SELECT m.person_id, count(*)::int AS n FROM person_member m
           JOIN unnest($1::text[], $2::text[]) AS t(f, n) ON m.force_code = t.f AND m.nominal_id = t.n
           GROUP BY m.person_id`,
          [members.map((m) => m[0]), members.map((m) => m[1])],
        );
        id = rows[0]?.person_id ?? '';
        return rows.length === 1 && rows[0]?.n === members.length;
      },
      { timeoutMs, intervalMs: 300, what: `one national person of ${JSON.stringify(members)}` },
    );
    return id;
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.close();
    await this.db.end().catch(() => undefined);
    await this.stopProcess();
    await this.issuer?.stop();
    await dropDatabase(this.infra.databaseUrl, this.dbName).catch(() => undefined);
  }
}
