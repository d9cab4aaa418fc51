import { dropDatabase } from '@intel/db';
import { forcePrincipal } from '@intel/kafka';
import {
  IntakeClient,
  outboxPending,
  serviceDatabase,
  startService,
  testInfra,
  testKafkaEnv,
  uniqueDbName,
  waitFor,
  type RunningNode,
} from '@intel/testing';

/** One force node process on the real Postgres and Kafka, with its own fresh database. */
export class ForceNodeHarness {
  node!: RunningNode;
  client!: IntakeClient;
  readonly dbName: string;
  readonly infra = testInfra();
  /** The node runs as its own database role (libs/db provisionDatabase), as deployed. */
  readonly database: ReturnType<typeof serviceDatabase>;

  constructor(
    readonly forceCode: string,
    private readonly extraEnv: Record<string, string> = {},
  ) {
    this.dbName = uniqueDbName(`it_force_${forceCode}`);
    this.database = serviceDatabase(this.dbName, this.infra.databaseUrl);
  }

  env(): Record<string, string> {
    return {
      FORCE_CODE: this.forceCode,
      ...this.database.env,
      // The force's own Kafka principal: it may write person and incident events only.
      ...testKafkaEnv(forcePrincipal(this.forceCode)),
      GRPC_INSECURE_PLAINTEXT: 'true',
      OUTBOX_POLL_MS: '20',
      ...this.extraEnv,
    };
  }

  async start(): Promise<void> {
    this.node = await startService('force-node', this.env());
    this.client = new IntakeClient(this.node.grpcAddress, undefined, { devForce: this.forceCode });
  }

  async restart(): Promise<void> {
    this.client.close();
    await this.start();
  }

  /** Outbox rows not yet published, from the node's readiness endpoint. */
  pending(): Promise<number> {
    return outboxPending(this.node.httpUrl);
  }

  async drained(timeoutMs = 60_000): Promise<void> {
    await waitFor(async () => (await this.pending()) === 0, {
      timeoutMs,
      what: 'the outbox to drain',
    });
  }

  async stop(): Promise<void> {
    this.client?.close();
    await this.node?.stop();
    await dropDatabase(this.infra.databaseUrl, this.dbName).catch(() => undefined);
  }
}
