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
  type RunningNode,
} from '@intel/testing';

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

  constructor(
    dbPrefix: string,
    groupName: string,
    private readonly extraEnv: Record<string, string> = {},
  ) {
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
    await this.startProcess();
    await this.db.connect();
  }

  /** Starts the hub process only (its database connection is kept across restarts). */
  async startProcess(): Promise<void> {
    this.running = await startService('intel-hub', this.env());
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

  async stop(): Promise<void> {
    for (const c of this.clients) c.close();
    await this.db.end().catch(() => undefined);
    await this.stopProcess();
    await dropDatabase(this.infra.databaseUrl, this.dbName).catch(() => undefined);
  }
}
