import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { BatchItem } from '@intel/contracts';
import { withDatabase } from '@intel/db';
import { TOPICS } from '@intel/kafka';
import { Client } from 'pg';
import {
  incidentRecord,
  personRecord,
  pncId,
  readTopic,
  waitFor,
  type ReadMessage,
} from '@intel/testing';
import { ForceNodeHarness } from './force-node.harness';

// Real PostgreSQL, real Kafka broker, the node as its own process; nothing mocked.
describe('force node intake (integration: real Postgres + Kafka)', () => {
  const h = new ForceNodeHarness('36');
  const brokers = h.infra.kafkaBrokers;
  const run = randomUUID().slice(0, 8);
  const sid = (s: string) => `${run}-${s}`;

  beforeAll(async () => {
    await h.start();
  });
  afterAll(async () => {
    await h.stop();
  });

  async function eventsFor(
    nominalId: string,
    until: (m: ReadMessage[]) => boolean,
  ): Promise<ReadMessage[]> {
    return readTopic(brokers, TOPICS.person, {
      keyPrefix: `36:${nominalId}`,
      until,
      timeoutMs: 20_000,
    });
  }

  it('publishes a submitted person on intel.person.v1 with the right key and a decodable value', async () => {
    const res = await h.client.submitPerson(
      personRecord({
        sourceRecordId: sid('p1'),
        names: [{ given: ['Peter'], family: `First${run}`, type: 'NAME_TYPE_BIRTH' as never }],
        identifiers: [{ scheme: 'IDENTIFIER_SCHEME_PNC' as never, value: '79/163001B' }],
      }),
    );
    expect(res.outcome).toBe('SUBMIT_OUTCOME_CREATED');
    expect(res.version).toBe(1);
    const msgs = await eventsFor(res.nominalId, (m) => m.length >= 1);
    expect(msgs).toHaveLength(1);
    const [m] = msgs;
    expect(m?.key).toBe(`36:${res.nominalId}`);
    expect(m?.headers['intel-event-type']).toBe('EVENT_TYPE_NOMINAL_UPSERTED');
    expect(m?.envelope?.forceCode).toBe('36');
    expect(m?.envelope?.nominal?.nominalId).toBe(res.nominalId);
    expect(m?.envelope?.nominal?.version).toBe(1);
    // Canonical PNC form, check letter verified.
    expect(m?.envelope?.nominal?.identifiers).toEqual([
      { scheme: 'IDENTIFIER_SCHEME_PNC', value: '1979/0163001B' },
    ]);
    expect(m?.envelope?.nominal?.handling?.handlingCode).toBe('HANDLING_CODE_P');
  });

  it('publishes nothing for an unchanged resubmission and version + 1 for a change', async () => {
    const rec = personRecord({
      sourceRecordId: sid('p2'),
      names: [{ given: ['Adam'], family: 'Tregear', type: 'NAME_TYPE_BIRTH' as never }],
    });
    const first = await h.client.submitPerson(rec);
    const again = await h.client.submitPerson(rec);
    expect(again).toMatchObject({
      nominalId: first.nominalId,
      outcome: 'SUBMIT_OUTCOME_UNCHANGED',
      version: 1,
    });
    const changed = await h.client.submitPerson({
      ...rec,
      addresses: [{ line: '1 High St', town: 'Norwich', postcode: 'nr1 1aa' }],
    });
    expect(changed).toMatchObject({
      nominalId: first.nominalId,
      outcome: 'SUBMIT_OUTCOME_UPDATED',
      version: 2,
    });
    await h.drained();
    const msgs = await eventsFor(first.nominalId, (m) => m.length >= 2);
    expect(msgs.map((m) => m.envelope?.nominal?.version)).toEqual([1, 2]);
    expect(msgs[1]?.envelope?.nominal?.addresses).toEqual([
      { line: '1 High St', town: 'Norwich', postcode: 'NR1 1AA' },
    ]);
  });

  it('merges two source records sharing a PNC ID into one nominal', async () => {
    const pnc = pncId(2004, 100000 + Math.floor(Math.random() * 800000));
    const a = await h.client.submitPerson(
      personRecord({
        sourceRecordId: sid('pa'),
        names: [{ given: ['John'], family: `Smith${run}`, type: 'NAME_TYPE_BIRTH' as never }],
        identifiers: [{ scheme: 'IDENTIFIER_SCHEME_PNC' as never, value: pnc }],
      }),
    );
    const b = await h.client.submitPerson(
      personRecord({
        sourceSystem: 'custody',
        sourceRecordId: sid('pb'),
        names: [{ given: ['Jon'], family: 'Smyth', type: 'NAME_TYPE_ALIAS' as never }],
        dateOfBirth: undefined,
        identifiers: [{ scheme: 'IDENTIFIER_SCHEME_PNC' as never, value: pnc }],
      }),
    );
    expect(a.outcome).toBe('SUBMIT_OUTCOME_CREATED');
    expect(b).toMatchObject({
      nominalId: a.nominalId,
      outcome: 'SUBMIT_OUTCOME_MERGED',
      version: 2,
    });
    const msgs = await eventsFor(a.nominalId, (m) => m.length >= 2);
    const last = msgs[msgs.length - 1]?.envelope?.nominal;
    expect(last?.sources.map((s) => s.sourceRecordId).sort()).toEqual(
      [sid('pa'), sid('pb')].sort(),
    );
    expect(last?.names.map((n) => n.family)).toEqual([`Smith${run}`, 'Smyth']);
  });

  it('merges a nickname record of the same man (same DOB and address, no shared identifier) by the engine, and not a namesake', async () => {
    const family = `Tregunna${run}`;
    const base = {
      dateOfBirth: { year: 1979, month: 3, day: 14 },
      addresses: [{ line: '12 Acacia Avenue', town: 'Norwich', postcode: 'NR1 1AA' }],
    };
    const a = await h.client.submitPerson(
      personRecord({
        sourceRecordId: sid('e1'),
        names: [{ given: ['William'], family, type: 'NAME_TYPE_BIRTH' as never }],
        ...base,
      }),
    );
    const b = await h.client.submitPerson(
      personRecord({
        sourceSystem: 'custody',
        sourceRecordId: sid('e2'),
        names: [{ given: ['Bill'], family, type: 'NAME_TYPE_BIRTH' as never }],
        ...base,
      }),
    );
    expect(b).toMatchObject({ nominalId: a.nominalId, outcome: 'SUBMIT_OUTCOME_MERGED' });
    const namesake = await h.client.submitPerson(
      personRecord({
        sourceRecordId: sid('e3'),
        names: [{ given: ['William'], family, type: 'NAME_TYPE_BIRTH' as never }],
        dateOfBirth: { year: 1991, month: 8, day: 2 },
        addresses: [{ line: '4 Mill Lane', town: 'Dereham', postcode: 'NR19 1AB' }],
      }),
    );
    expect(namesake.outcome).toBe('SUBMIT_OUTCOME_CREATED');
    expect(namesake.nominalId).not.toBe(a.nominalId);
  });

  it('rejects invalid input with INVALID_ARGUMENT naming the field, and stores nothing', async () => {
    const bad = personRecord({
      sourceRecordId: sid('bad'),
      identifiers: [{ scheme: 'IDENTIFIER_SCHEME_PNC' as never, value: '2001/0171310S' }],
    });
    const err = (await h.client.submitPerson(bad).catch((e: unknown) => e)) as ServiceError;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^identifiers\[0\]\.value: .*check/);
    const noHandling = { ...personRecord({ sourceRecordId: sid('bad2') }), handling: undefined };
    const err2 = (await h.client.submitPerson(noHandling).catch((e: unknown) => e)) as ServiceError;
    expect(err2.code).toBe(status.INVALID_ARGUMENT);
    expect(err2.details).toContain('handling');
    const cWithout = personRecord({ sourceRecordId: sid('bad3') });
    cWithout.handling = { ...cWithout.handling!, handlingCode: 'HANDLING_CODE_C' as never };
    const err3 = (await h.client.submitPerson(cWithout).catch((e: unknown) => e)) as ServiceError;
    expect(err3.details).toContain('handling.handlingConditions: required when handlingCode is C');
    // Nothing was stored: a valid resubmission of the same key is CREATED, not UPDATED.
    const ok = await h.client.submitPerson(
      personRecord({
        sourceRecordId: sid('bad'),
        names: [{ given: ['Zed'], family: 'Quinnell', type: 'NAME_TYPE_BIRTH' as never }],
      }),
    );
    expect(ok.outcome).toBe('SUBMIT_OUTCOME_CREATED');
  });

  it('accepts the rest of a batch and reports the bad item by index and field', async () => {
    const items: BatchItem[] = [];
    for (let i = 0; i < 5; i++) {
      items.push({
        person: personRecord({
          sourceRecordId: sid(`b${i}`),
          names: [
            { given: [`Batch${i}`], family: `Person${run}`, type: 'NAME_TYPE_BIRTH' as never },
          ],
          onlineIdentifiers: [
            {
              kind: 'ONLINE_IDENTIFIER_KIND_EMAIL' as never,
              platform: '',
              value: `b${i}.${run}@example.org`,
              observedAt: undefined,
            },
          ],
        }),
        incident: undefined,
      });
    }
    items[2] = {
      person: personRecord({
        sourceRecordId: sid('b2'),
        dateOfBirth: { year: 1990, month: 2, day: 30 },
      }),
      incident: undefined,
    };
    items.push({
      person: undefined,
      incident: incidentRecord({
        sourceRecordId: sid('i1'),
        subjects: [
          {
            personSourceRecordId: sid('b0'),
            role: 'SUBJECT_ROLE_SUSPECT' as never,
            personSourceSystem: '',
          },
        ],
      }),
    });
    const summary = await h.client.submitBatch(items);
    expect(summary).toMatchObject({ received: 6, accepted: 5, rejected: 1 });
    const bad = summary.results.filter((r) => r.error);
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({
      index: 2,
      error: { code: 'INVALID_ARGUMENT', field: 'person.dateOfBirth.day' },
    });
    expect(summary.results[5]?.result?.incidentId).toBeTruthy();
    const incidents = await readTopic(brokers, TOPICS.incident, {
      keyPrefix: `36:${summary.results[5]?.result?.incidentId}`,
      until: (m) => m.length >= 1,
      timeoutMs: 20_000,
    });
    expect(incidents[0]?.envelope?.incident?.subjects).toEqual([
      { nominalId: summary.results[0]?.result?.nominalId, role: 'SUBJECT_ROLE_SUSPECT' },
    ]);
  });

  it('withdraws a record: a withdrawn event and then a tombstone', async () => {
    const res = await h.client.submitPerson(
      personRecord({
        sourceRecordId: sid('w1'),
        names: [{ given: ['Wil'], family: `Drawn${run}`, type: 'NAME_TYPE_BIRTH' as never }],
      }),
    );
    const w = await h.client.withdraw({
      sourceSystem: 'niche-rms',
      sourceRecordId: sid('w1'),
      reason: 'MoPI review: disposal',
      kind: 'RECORD_KIND_PERSON' as never,
    });
    expect(w).toMatchObject({
      nominalId: res.nominalId,
      outcome: 'SUBMIT_OUTCOME_WITHDRAWN',
      version: 2,
    });
    const msgs = await eventsFor(res.nominalId, (m) => m.length >= 3);
    expect(msgs.map((m) => m.headers['intel-event-type'])).toEqual([
      'EVENT_TYPE_NOMINAL_UPSERTED',
      'EVENT_TYPE_NOMINAL_WITHDRAWN',
      'TOMBSTONE',
    ]);
    expect(msgs[2]?.envelope).toBeNull();
    const again = (await h.client
      .withdraw({
        sourceSystem: 'niche-rms',
        sourceRecordId: sid('w1'),
        reason: 'again',
        kind: 'RECORD_KIND_PERSON' as never,
      })
      .catch((e: unknown) => e)) as ServiceError;
    expect(again.code).toBe(status.NOT_FOUND);
  });

  it('deletes published outbox rows past retention (30 days) at start, and keeps the rest', async () => {
    await h.client.submitPerson(
      personRecord({
        sourceRecordId: sid('ret'),
        names: [{ given: ['Ret'], family: `Ention${run}`, type: 'NAME_TYPE_BIRTH' as never }],
      }),
    );
    await h.drained();
    const db = new Client({ connectionString: withDatabase(h.infra.databaseUrl, h.dbName) });
    await db.connect();
    try {
      const count = async () =>
        Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM outbox`)).rows[0]?.n);
      const before = await count();
      // Two published rows made 31 days old.
      const aged = await db.query(
        `UPDATE outbox SET published_at = now() - interval '31 days'
         WHERE id IN (SELECT id FROM outbox WHERE published_at IS NOT NULL ORDER BY id LIMIT 2)`,
      );
      expect(aged.rowCount).toBe(2);
      await h.node.stop();
      await h.restart();
      await waitFor(async () => (await count()) === before - 2, {
        timeoutMs: 20_000,
        what: 'the aged rows to be pruned',
      });
      const metrics = await (await fetch(`${h.node.httpUrl}/metrics`)).text();
      expect(metrics).toMatch(/^outbox_pruned_total\{[^}]*\} 2$/m);
    } finally {
      await db.end();
    }
  });
});
