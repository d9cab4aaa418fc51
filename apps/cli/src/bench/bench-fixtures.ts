import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { BatchItem, PersonRecord } from '@intel/contracts';
import { personRecord, pncId, waitFor } from '@intel/testing';
import { seconds } from './bench-stats';

const GIVEN = [
  'James',
  'Oliver',
  'Harry',
  'George',
  'Jack',
  'Thomas',
  'Daniel',
  'Liam',
  'Ryan',
  'Connor',
  'Sophie',
  'Emily',
];
const FAMILY = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Williams',
  'Wilson',
  'Johnson',
  'Davies',
  'Patel',
  'Wright',
  'Walker',
  'Evans',
];

/** i in base 26 as letters, so every person's family name (and its phonetic code) differs. */
function letters(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26))
    s = String.fromCharCode(97 + ((n - 1) % 26)) + s;
  return s;
}

/**
 * Distinct people (no two indices share a key), each with a PNC ID, an e-mail and a username.
 * Callers use disjoint index ranges so measured records are new people, not merges.
 */
export function people(prefix: string, from: number, n: number): BatchItem[] {
  const items: BatchItem[] = new Array<BatchItem>(n);
  for (let k = 0; k < n; k++) {
    const i = from + k;
    const rec: PersonRecord = personRecord({
      sourceSystem: 'bench-rms',
      sourceRecordId: `${prefix}-${i}`,
      names: [
        {
          given: [GIVEN[i % GIVEN.length] as string],
          family: `${FAMILY[(i >> 4) % FAMILY.length]}${letters(i)}`,
          type: 'NAME_TYPE_BIRTH' as never,
        },
      ],
      dateOfBirth: { year: 1960 + (i % 40), month: 1 + (i % 12), day: 1 + (i % 28) },
      identifiers: [
        {
          scheme: 'IDENTIFIER_SCHEME_PNC' as never,
          value: pncId(2010 + (i % 10), (i * 7919) % 9_999_999),
        },
      ],
      onlineIdentifiers: [
        {
          kind: 'ONLINE_IDENTIFIER_KIND_EMAIL' as never,
          platform: '',
          value: `${prefix}.${i}@example.org`,
          observedAt: undefined,
        },
        {
          kind: 'ONLINE_IDENTIFIER_KIND_USERNAME' as never,
          platform: 'kik',
          value: `${prefix}_u${i}`,
          observedAt: undefined,
        },
      ],
    });
    items[k] = { person: rec, incident: undefined };
  }
  return items;
}

/** Ceiling 2: raw kafkajs idempotent produce (acks -1) of same-sized payloads, consumed back. */
export async function rawKafkaCeiling(
  kafka: Kafka,
  items: BatchItem[],
): Promise<{ producePerSec: number; roundTripPerSec: number }> {
  const topic = `bench.raw.${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: 6, replicationFactor: -1 }],
    waitForLeaders: true,
  });
  const payloads = items.map((x) => Buffer.from(JSON.stringify(x.person)));
  const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}` });
  let got = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      got += batch.messages.length;
      return Promise.resolve();
    },
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < payloads.length; i += 1000) {
    await producer.send({
      topic,
      acks: -1,
      messages: payloads.slice(i, i + 1000).map((value, k) => ({ key: `36:${i + k}`, value })),
    });
  }
  const produceSeconds = seconds(t0);
  await waitFor(() => got >= payloads.length, { timeoutMs: 120_000, what: 'raw round trip' });
  const roundTripSeconds = seconds(t0);
  await producer.disconnect();
  await consumer.disconnect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  return {
    producePerSec: payloads.length / produceSeconds,
    roundTripPerSec: payloads.length / roundTripSeconds,
  };
}
