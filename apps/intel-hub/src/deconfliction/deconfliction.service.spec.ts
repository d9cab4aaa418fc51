import { randomBytes } from 'node:crypto';
import type { AuditLog } from '@intel/audit';
import {
  NominalState,
  OnlineIdentifierKind,
  PurposeCode,
  type OnlineIdentifier,
} from '@intel/contracts';
import { Registry, createLogger } from '@intel/observability';
import { bareNominal } from '@intel/testing';
import type { HubEvent } from '../ingest/hub-event';
import { DeconflictionMetrics } from './deconfliction.metrics';
import { DeconflictionService } from './deconfliction.service';
import type { DeconflictionStore } from './deconfliction.store';
import * as digest from './persona-digest';

// Counts the keyed digests made: each call is one HMAC under each configured key.
jest.mock('./persona-digest', () => {
  const actual = jest.requireActual<typeof digest>('./persona-digest');
  return { ...actual, digestsUnderEvery: jest.fn(actual.digestsUnderEvery) };
});
const digests = digest.digestsUnderEvery as jest.MockedFunction<typeof digest.digestsUnderEvery>;

const kik = (value: string): OnlineIdentifier => ({
  kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_USERNAME,
  platform: 'kik',
  value,
  observedAt: undefined,
});
const ip: OnlineIdentifier = {
  kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_IP_ADDRESS,
  platform: '',
  value: '192.0.2.7',
  observedAt: undefined,
};

describe('DeconflictionService: no tell on the query path', () => {
  const written: unknown[] = [];
  const store = {
    loadActive: () => Promise.resolve({ personas: [], targets: [] }),
    insertPersona: () => Promise.resolve(),
    insertNotices: (...args: unknown[]) => {
      written.push(args);
      return Promise.resolve([]);
    },
    unaudited: () => Promise.resolve([]),
  } as unknown as DeconflictionStore;
  const audit = { append: () => Promise.resolve({ seq: 1 }) } as unknown as AuditLog;
  const keys = [
    { keyId: 'k2', key: randomBytes(32) },
    { keyId: 'k1', key: randomBytes(32) },
  ];
  const service = new DeconflictionService(
    store,
    audit,
    keys,
    new DeconflictionMetrics(new Registry()),
    createLogger('spec', 'silent'),
  );
  const justification = {
    purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
    reason: 'covert deployment deconfliction for the operation',
    operationRef: '',
  };

  beforeAll(async () => {
    await service.start();
    await service.registerPersona(
      { force: '36', unit: 'norfolk-uc' },
      { persona: kik('Sk8rGirl_13'), justification },
    );
  });

  it('hashes every identifier under every key, matched or not, valid persona kind or not; returns at once', () => {
    const caller = { force: '46', system: 'kent-crimint' };
    const count = (ois: OnlineIdentifier[]) => {
      digests.mockClear();
      const out = service.observeQuery(ois, caller);
      expect(out).toBeUndefined();
      return digests.mock.results.reduce((n, r) => n + (r.value as digest.KeyedDigest[]).length, 0);
    };
    const hit = count([kik('SK8RGIRL_13'), kik('x')]);
    const miss = count([kik('nobody_1'), kik('nobody_2')]);
    const odd = count([ip, kik('nobody_3')]);
    expect(hit).toBe(4);
    expect(miss).toBe(hit);
    expect(odd).toBe(hit);
  });

  it('writes the hit later, off the query’s path', async () => {
    await service.drain();
    written.length = 0;
    service.observeQuery([kik('sk8rgirl_13')], { force: '46', system: 'kent-crimint' });
    expect(written).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 1500));
    expect(written).toHaveLength(1);
  });
});

describe('DeconflictionService: what an ingest batch costs', () => {
  const tx = {} as never;
  const counts = { inserts: 0, unaudited: 0 };
  const store = {
    loadActive: () => Promise.resolve({ personas: [], targets: [] }),
    insertPersona: () => Promise.resolve(),
    insertNotices: () => {
      counts.inserts++;
      return Promise.resolve([]);
    },
    unaudited: () => {
      counts.unaudited++;
      return Promise.resolve([]);
    },
  } as unknown as DeconflictionStore;
  const service = new DeconflictionService(
    store,
    { append: () => Promise.resolve({ seq: 1 }) } as unknown as AuditLog,
    [{ keyId: 'k1', key: randomBytes(32) }],
    new DeconflictionMetrics(new Registry()),
    createLogger('spec', 'silent'),
  );
  const nominal = (id: string, state: Buffer): HubEvent => ({
    kind: 'nominal-upserted',
    eventId: `e-${id}`,
    forceCode: '46',
    id,
    version: 1,
    state,
  });
  const holding = (id: string, username: string) =>
    nominal(
      id,
      Buffer.from(
        NominalState.encode({
          ...bareNominal(id, 1, 'Doe'),
          onlineIdentifiers: [kik(username)],
        }).finish(),
      ),
    );
  const settle = () => new Promise((r) => setImmediate(r));

  beforeAll(async () => {
    await service.start();
    // What start() itself audits (an earlier hub's hits) is not a batch's cost.
    await service.drain();
    counts.unaudited = 0;
  });

  it('with nothing registered, reads nothing of the batch and starts no drain', async () => {
    // Not a NominalState at all: decoding it would throw.
    const batch = [nominal('n-1', Buffer.from([0xff, 0xff, 0xff]))];
    await service.recordIngested(tx, batch);
    service.ingestCommitted(batch);
    await settle();
    expect(counts).toEqual({ inserts: 0, unaudited: 0 });
  });

  it('drains after a batch only when that batch wrote a hit', async () => {
    await service.registerPersona(
      { force: '36', unit: 'norfolk-uc' },
      {
        persona: kik('Sk8rGirl_13'),
        justification: {
          purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
          reason: 'covert deployment deconfliction for the operation',
          operationRef: '',
        },
      },
    );
    const quiet = [holding('n-2', 'nobody_2')];
    await service.recordIngested(tx, quiet);
    service.ingestCommitted(quiet);
    await settle();
    expect(counts).toEqual({ inserts: 0, unaudited: 0 });

    const hit = [holding('n-3', 'SK8RGIRL_13')];
    await service.recordIngested(tx, hit);
    // Another batch committing meanwhile does not take this one's drain.
    service.ingestCommitted(quiet);
    await settle();
    expect(counts).toEqual({ inserts: 1, unaudited: 0 });
    service.ingestCommitted(hit);
    await service.drain();
    expect(counts.unaudited).toBeGreaterThan(0);
  });
});
