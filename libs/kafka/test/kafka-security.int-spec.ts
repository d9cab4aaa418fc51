import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig } from 'kafkajs';
import {
  ADMIN_PRINCIPAL,
  HUB_PRINCIPAL,
  TOPICS,
  alertTopic,
  forcePrincipal,
  forceResourcePrefix,
  type KafkaConnection,
} from '@intel/kafka';
import { testInfra, testKafka } from '@intel/testing';

// The real broker with authentication and ACLs on, exactly as `npm test` provisions it
// (kafka.sh + `intel-cli kafka-provision`). Every check here passed on the unsecured broker
// before: anyone who reached it could write any force's records and read every record and alert.
describe('Kafka authentication and ACLs (integration: real broker)', () => {
  const { kafkaBrokers } = testInfra();
  const run = randomUUID();
  const NORFOLK = '36';
  const MET = '01';

  /**
   * The broker's error codes the clients met. kafkajs reports a refused coordinator lookup
   * (GROUP_ / TRANSACTIONAL_ID_AUTHORIZATION_FAILED) only as "Failed to find group coordinator"
   * and logs the broker's code at debug level: it is collected here.
   */
  const brokerErrors = new Set<string>();
  beforeEach(() => brokerErrors.clear());

  /** A kafkajs client that gives up fast: refusals are expected here. */
  function client(conn: Partial<KafkaConnection>): Kafka {
    const config: KafkaJsConfig = {
      clientId: conn.clientId ?? 'it-kafka-security',
      brokers: kafkaBrokers,
      connectionTimeout: 3000,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 },
      logLevel: logLevel.DEBUG,
      logCreator:
        () =>
        ({ log }) => {
          const e = (log as { error?: unknown }).error;
          if (e && typeof e === 'object' && 'type' in e) brokerErrors.add(String(e.type));
        },
    };
    if (conn.sasl) config.sasl = { ...conn.sasl, mechanism: 'scram-sha-512' };
    return new Kafka(config);
  }
  const as = (principal: string) => client(testKafka(principal, `it-sec-${principal}`));

  async function listTopics(kafka: Kafka): Promise<string[]> {
    const admin = kafka.admin();
    try {
      await admin.connect();
      return await admin.listTopics();
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async function send(kafka: Kafka, topic: string, key: string, transactionalId?: string) {
    const producer = transactionalId
      ? kafka.producer({ idempotent: true, transactionalId, maxInFlightRequests: 1 })
      : kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      // An empty value decodes as an empty EventEnvelope: other tests reading these shared
      // topics skip it, and the hub sets it aside (dead letter) like any invalid event.
      const message = { key, value: Buffer.alloc(0) };
      if (!transactionalId) {
        await producer.send({ topic, acks: -1, messages: [message] });
        return;
      }
      const txn = await producer.transaction();
      try {
        await txn.send({ topic, acks: -1, messages: [message] });
        await txn.commit();
      } catch (err) {
        await txn.abort().catch(() => undefined);
        throw err;
      }
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }

  /**
   * Reads `topic` from the beginning in group `groupId` until `key` is seen, the consumer is
   * refused, or the timeout passes.
   */
  async function read(
    kafka: Kafka,
    topic: string,
    groupId: string,
    key: string,
    timeoutMs = 20_000,
  ): Promise<{ found: boolean; error: string | undefined }> {
    const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 200 });
    let found = false;
    let error: string | undefined;
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    consumer.on(consumer.events.CRASH, (e) => {
      error = `${e.payload.error.name}: ${e.payload.error.message}`;
      done();
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: ({ message }) => {
          if (message.key?.toString() === key) {
            found = true;
            done();
          }
          return Promise.resolve();
        },
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([finished, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
    return { found, error };
  }

  const denied = /authoriz/i;
  const norfolkKey = `${NORFOLK}:it-sec-${run}`;

  beforeAll(async () => {
    // One Norfolk record on each force topic, sent the way a force node sends (a transaction
    // under the force's own transactional-id prefix): what the reads below look for.
    await send(
      as(forcePrincipal(NORFOLK)),
      TOPICS.person,
      norfolkKey,
      `${forceResourcePrefix(NORFOLK)}it-sec-${run}`,
    );
    await send(
      as(forcePrincipal(NORFOLK)),
      TOPICS.incident,
      norfolkKey,
      `${forceResourcePrefix(NORFOLK)}it-sec-${run}`,
    );
  });

  it('given a client without credentials, then the broker refuses it', async () => {
    await expect(listTopics(client({}))).rejects.toThrow();
  });

  it('given the right password the principal connects; given a wrong one it is refused', async () => {
    expect(await listTopics(as(HUB_PRINCIPAL))).toEqual(
      expect.arrayContaining([TOPICS.person, TOPICS.incident]),
    );
    const wrong = testKafka(HUB_PRINCIPAL, 'it-sec-wrong');
    const err = await listTopics(
      client({ ...wrong, sasl: { ...wrong.sasl, password: `${wrong.sasl.password}x` } }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('KafkaJSSASLAuthenticationError');
  });

  it('given a force principal, then it cannot read the person or incident topic (its own records included)', async () => {
    const norfolk = as(forcePrincipal(NORFOLK));
    for (const topic of [TOPICS.person, TOPICS.incident]) {
      // A group the force may use, so that the topic is what is refused.
      const r = await read(
        norfolk,
        topic,
        `${forceResourcePrefix(NORFOLK)}it-${randomUUID()}`,
        norfolkKey,
      );
      expect(r.found).toBe(false);
      expect(r.error).toMatch(denied);
    }
  });

  it("given a force principal, then it cannot write alerts (its own or another force's) or dead letters", async () => {
    const norfolk = as(forcePrincipal(NORFOLK));
    for (const topic of [alertTopic(NORFOLK), alertTopic(MET), TOPICS.dlq]) {
      await expect(send(norfolk, topic, `it-sec-${run}`)).rejects.toThrow(denied);
    }
  });

  it("given a force principal, then it cannot produce under another force's transactional id", async () => {
    await expect(
      send(
        as(forcePrincipal(NORFOLK)),
        TOPICS.person,
        `${MET}:it-sec-${run}`,
        `${forceResourcePrefix(MET)}outbox-relay`,
      ),
    ).rejects.toThrow();
    expect([...brokerErrors]).toContain('TRANSACTIONAL_ID_AUTHORIZATION_FAILED');
  });

  it("given the hub publishes alerts for Norfolk and the Met, then Norfolk reads its own and not the Met's", async () => {
    const hub = as(HUB_PRINCIPAL);
    const key = `it-sec-alert-${run}`;
    await send(hub, alertTopic(NORFOLK), key);
    await send(hub, alertTopic(MET), key);
    const norfolk = as(forcePrincipal(NORFOLK));
    const group = () => `${forceResourcePrefix(NORFOLK)}alerts-${randomUUID()}`;
    expect(await read(norfolk, alertTopic(NORFOLK), group(), key)).toEqual({
      found: true,
      error: undefined,
    });
    const met = await read(norfolk, alertTopic(MET), group(), key);
    expect(met.found).toBe(false);
    expect(met.error).toMatch(denied);
    // The Met reads its own.
    const asMet = as(forcePrincipal(MET));
    expect(
      await read(asMet, alertTopic(MET), `${forceResourcePrefix(MET)}alerts-${randomUUID()}`, key),
    ).toEqual({ found: true, error: undefined });
  });

  it('given the hub principal, then it reads the person and incident topics and writes the DLQ, but cannot forge a force record', async () => {
    const hub = as(HUB_PRINCIPAL);
    for (const topic of [TOPICS.person, TOPICS.incident]) {
      expect(await read(hub, topic, `intel-hub-it-${randomUUID()}`, norfolkKey, 60_000)).toEqual({
        found: true,
        error: undefined,
      });
    }
    await send(hub, TOPICS.dlq, `it-sec-${run}`);
    await expect(send(hub, TOPICS.person, `${NORFOLK}:it-sec-forged-${run}`)).rejects.toThrow(
      denied,
    );
  });

  it('given the hub principal, then it may not consume in a group outside its prefix', async () => {
    const r = await read(as(HUB_PRINCIPAL), TOPICS.person, `force-36-${randomUUID()}`, norfolkKey);
    expect(r.found).toBe(false);
    expect(r.error).toBeDefined();
    expect([...brokerErrors]).toContain('GROUP_AUTHORIZATION_FAILED');
  });

  it('given the admin principal, then it reads everything (operators: provisioning, DLQ)', async () => {
    expect(
      await read(as(ADMIN_PRINCIPAL), TOPICS.person, `ops-${randomUUID()}`, norfolkKey, 60_000),
    ).toEqual({ found: true, error: undefined });
  });
});
