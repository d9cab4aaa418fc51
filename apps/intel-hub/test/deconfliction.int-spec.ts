import { randomBytes, randomUUID } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import { Client } from 'pg';
import { firstValueFrom, take, toArray, type Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { AuditLog, verifyAuditChain } from '@intel/audit';
import type { HubConfig } from '@intel/config';
import { inTransaction } from '@intel/db';
import {
  IncidentState,
  NominalState,
  OnlineIdentifierKind,
  PurposeCode,
  type OnlineIdentifier,
} from '@intel/contracts';
import { status } from '@intel/grpc';
import { Registry, createLogger } from '@intel/observability';
import type { HubEvent } from '../src/ingest/hub-event';
import { DeconflictionGrpcController } from '../src/deconfliction/deconfliction.grpc-controller';
import { DeconflictionService } from '../src/deconfliction/deconfliction.service';
import { DeconflictionMetrics } from '../src/deconfliction/deconfliction.metrics';
import type { StoredNotice } from '../src/deconfliction/deconfliction.store';
import { hubDatabase } from './hub-database.fixture';
import { hubServices } from './in-process-hub.fixture';

// Covert-persona deconfliction on the real PostgreSQL, as the hub's own role, with the service
// in-process (the gRPC edge called directly): registration as keyed digests only, hits from
// ingested records, queries and shared targets, sealed notices replayed until acknowledged,
// the auditor role shut out, rotation, and a restart that reloads the active set.
describe('Deconfliction (integration: real PostgreSQL, the hub role)', () => {
  const hub = hubDatabase('it_deconfliction');
  const db = hub.database;
  let app: DataSource;
  let audit: AuditLog;
  const oldKey = { keyId: 'd1', key: randomBytes(32) };
  const newKey = { keyId: 'd2', key: randomBytes(32) };
  const logger = createLogger('it-deconfliction', 'silent');
  const norfolk = { force: '36', unit: 'norfolk-uc' };
  const kent = { force: '46', unit: 'kent-uc' };
  const justification = {
    purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
    reason: 'covert deployment deconfliction for the operation',
    operationRef: 'OP-NIGHTJAR',
  };
  const kik = (value: string): OnlineIdentifier => ({
    kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_USERNAME,
    platform: 'kik',
    value,
    observedAt: undefined,
  });
  /** A hub's deconfliction (a fresh one is a restarted hub), built as HubModule builds it. */
  const service = async (keys = [oldKey]) =>
    (
      await hubServices({ ds: app, audit, logger, deconflictionKeys: keys })
    ).get<DeconflictionService>(DeconflictionService);
  const incident = (force: string, id: string, ois: OnlineIdentifier[]): HubEvent => ({
    kind: 'incident-upserted',
    eventId: randomUUID(),
    forceCode: force,
    id,
    version: 1,
    state: Buffer.from(
      IncidentState.encode(
        IncidentState.fromJSON({ incidentId: id, version: 1, onlineIdentifiers: ois }),
      ).finish(),
    ),
    sharedReference: null,
  });
  const nominal = (force: string, id: string, ois: OnlineIdentifier[]): HubEvent => ({
    kind: 'nominal-upserted',
    eventId: randomUUID(),
    forceCode: force,
    id,
    version: 1,
    state: Buffer.from(
      NominalState.encode(
        NominalState.fromJSON({ nominalId: id, version: 1, onlineIdentifiers: ois }),
      ).finish(),
    ),
  });
  const next = (o: Observable<StoredNotice>, n = 1) => firstValueFrom(o.pipe(take(n), toArray()));
  /** As IngestService does: the hits written in the batch's transaction, then the commit told. */
  const ingested = async (s: DeconflictionService, events: HubEvent[]) => {
    await inTransaction(app, (tx) => s.recordIngested(tx, events));
    s.ingestCommitted();
  };

  beforeAll(async () => {
    await hub.provision();
    app = new DataSource({ type: 'postgres', url: db.appUrl, extra: { max: 6 } });
    await app.initialize();
    audit = new AuditLog(app);
  });
  afterAll(async () => {
    await audit?.close();
    await app?.destroy();
    await hub.drop();
  });

  it('a persona named (other case) in another force’s incident: a sealed notice to its unit, nothing in clear anywhere', async () => {
    const s = await service();
    await s.start();
    const { registrationId } = await s.registerPersona(norfolk, {
      persona: kik('Sk8rGirl_13'),
      justification,
    });
    const watching = next(s.watch(norfolk, justification));
    await ingested(s, [incident('46', 'inc-1', [kik('SK8RGIRL_13'), kik('someone_else')])]);
    const [n] = await watching;
    expect(n).toMatchObject({
      kind: 'PERSONA_IN_RECORD',
      registrationId,
      recipient: norfolk,
      otherForce: '46',
      otherUnit: '',
    });
    // The same incident again (a redelivery, an update) makes no second notice.
    await ingested(s, [incident('46', 'inc-1', [kik('sk8rgirl_13')])]);
    await s.drain();
    const rows = await app.query(
      `SELECT count(*)::int AS n FROM deconfliction_hit WHERE own_registration = $1`,
      [registrationId],
    );
    expect(rows[0].n).toBe(1);
    // Nothing stored names the persona in clear (the audit: next test).
    const dump = JSON.stringify([
      await app.query(`SELECT * FROM deconfliction_persona`),
      await app.query(`SELECT * FROM deconfliction_hit`),
    ]);
    expect(dump.toLowerCase()).not.toContain('sk8rgirl');
  });

  it('a hit in an ingested record is durable exactly with it: rolled back, none; committed before a crash, the next hub audits and delivers it', async () => {
    // A unit and persona of its own: the other tests count their units' notices.
    const unit = { force: '36', unit: 'norfolk-uc-east' };
    const s = await service();
    await s.start();
    await s.registerPersona(unit, { persona: kik('Daisy_Chain_09'), justification });
    const hitsFor = async (id: string) =>
      app.query<Array<{ audited: boolean }>>(
        `SELECT audited_at IS NOT NULL AS audited FROM deconfliction_hit
         WHERE hit_key LIKE 'record:incident:46:' || $1 || ':%'`,
        [id],
      );
    // The batch's transaction fails after the hit was written: neither is kept.
    await expect(
      inTransaction(app, async (tx) => {
        await s.recordIngested(tx, [incident('46', 'inc-rb', [kik('daisy_chain_09')])]);
        throw new Error('the batch failed');
      }),
    ).rejects.toThrow('the batch failed');
    expect(await hitsFor('inc-rb')).toEqual([]);

    // Committed, then the hub dies before it audits (no ingestCommitted): written, not audited,
    // and not delivered to a watch.
    await inTransaction(app, (tx) =>
      s.recordIngested(tx, [incident('46', 'inc-crash', [kik('DAISY_CHAIN_09')])]),
    );
    expect(await hitsFor('inc-crash')).toEqual([{ audited: false }]);
    // The audit as its auditors read it (the hub's role may only append).
    const auditor = new Client({ connectionString: db.auditorUrl });
    await auditor.connect();
    const seqBefore = (
      await auditor.query<{ seq: string }>(
        `SELECT coalesce(max(seq), 0)::text AS seq FROM audit_log`,
      )
    ).rows[0]?.seq;
    // The next hub to lead audits it when it starts, and only then may a watch deliver it.
    const after = await service();
    await after.start();
    await after.drain();
    expect(await hitsFor('inc-crash')).toEqual([{ audited: true }]);
    const { rows: entries } = await auditor.query<{ about: string }>(
      `SELECT request->>'about' AS about FROM audit_log
       WHERE action = 'Deconfliction.Hit' AND seq > $1`,
      [seqBefore],
    );
    await auditor.end();
    expect(entries.map((r) => r.about)).toEqual([
      expect.stringMatching(/^record:incident:46:inc-crash:/),
    ]);
    const replayed = await next(after.watch(unit, justification), 1);
    expect(replayed.map((n) => [n.kind, n.otherForce])).toEqual([['PERSONA_IN_RECORD', '46']]);
    expect(
      (
        await app.query(
          `SELECT 1 FROM deconfliction_hit WHERE hit_key LIKE 'record:incident:46:inc-crash:%' AND delivered_at IS NOT NULL`,
        )
      ).length,
    ).toBe(1);
  });

  it('the audit names registrations, hits and deliveries, never the persona; the auditor role cannot read the tables', async () => {
    const auditor = new Client({ connectionString: db.auditorUrl });
    await auditor.connect();
    try {
      const entries = await auditor.query(
        `SELECT action, request::text AS req, response::text AS res FROM audit_log
         WHERE action LIKE 'Deconfliction.%' ORDER BY seq`,
      );
      const actions = entries.rows.map((r: { action: string }) => r.action);
      expect(actions).toEqual(
        expect.arrayContaining([
          'Deconfliction.RegisterPersona',
          'Deconfliction.WatchHits',
          'Deconfliction.Hit',
          'Deconfliction.WatchHits.delivered',
        ]),
      );
      expect(JSON.stringify(entries.rows).toLowerCase()).not.toContain('sk8rgirl');
      for (const table of ['deconfliction_persona', 'deconfliction_target', 'deconfliction_hit'])
        await expect(auditor.query(`SELECT 1 FROM ${table}`)).rejects.toThrow(/permission denied/);
    } finally {
      await auditor.end();
    }
    await expect(app.query(`DELETE FROM deconfliction_persona`)).rejects.toThrow(
      /permission denied/,
    );
    const auditorDs = new DataSource({ type: 'postgres', url: db.auditorUrl });
    await auditorDs.initialize();
    try {
      expect(await verifyAuditChain(auditorDs)).toMatchObject({ ok: true, problems: [] });
    } finally {
      await auditorDs.destroy();
    }
  });

  // A new service instance each time: start() reloads the active registrations (a restart).
  it('a query naming the persona: the unit learns which force and system asked; unacknowledged notices are replayed, acknowledged ones not', async () => {
    const s = await service();
    await s.start();
    s.observeQuery([kik('@sk8rgirl_13')], { force: '46', system: 'kent-crimint' });
    await s.drain();
    const replay = await next(s.watch(norfolk, justification), 2);
    expect(replay.map((n) => n.kind)).toEqual(['PERSONA_IN_RECORD', 'PERSONA_QUERIED']);
    expect(replay[1]).toMatchObject({ otherForce: '46', otherUnit: 'kent-crimint' });
    const first = replay[0] as StoredNotice;
    // Kent's unit cannot acknowledge Norfolk's notice: NOT_FOUND, as for one that never was.
    await expect(
      s.acknowledge(kent, { noticeId: first.noticeId, acknowledgedBy: 'DC X', justification }),
    ).rejects.toThrow(/no notice of this unit/);
    await s.acknowledge(norfolk, {
      noticeId: first.noticeId,
      acknowledgedBy: 'DS Y',
      justification,
    });
    const again = await next(s.watch(norfolk, justification), 1);
    expect(again[0]?.kind).toBe('PERSONA_QUERIED');
  });

  it('two forces’ operations on the same national person: both units are told of each other', async () => {
    const s = await service();
    await s.start();
    const person = randomUUID();
    const a = await s.registerTarget(norfolk, {
      operationRef: 'OP-N',
      nationalPersonId: person,
      identifiers: [],
      justification,
    });
    const kentWatch = next(s.watch(kent, justification));
    const b = await s.registerTarget(kent, {
      operationRef: 'OP-K',
      nationalPersonId: person,
      identifiers: [],
      justification,
    });
    const [toKent] = await kentWatch;
    expect(toKent).toMatchObject({
      kind: 'SHARED_TARGET',
      registrationId: b.registrationId,
      otherForce: '36',
      otherUnit: 'norfolk-uc',
    });
    const norfolkNotices = await next(s.watch(norfolk, justification), 2);
    expect(norfolkNotices.find((n) => n.kind === 'SHARED_TARGET')).toMatchObject({
      registrationId: a.registrationId,
      otherForce: '46',
      otherUnit: 'kent-uc',
      hitId: toKent?.hitId,
    });
  });

  it('two units’ personas in one incident are in contact; a retired persona is no longer found', async () => {
    const s = await service();
    await s.start();
    const kentPersona = await s.registerPersona(kent, {
      persona: kik('Lonely_Dad_77'),
      justification,
    });
    await ingested(s, [incident('01', 'met-inc-9', [kik('lonely_dad_77'), kik('SK8RGIRL_13')])]);
    await s.drain();
    const contacts = await app.query(
      `SELECT recipient_unit, other_unit FROM deconfliction_hit WHERE kind = 'PERSONAS_IN_CONTACT'
       ORDER BY recipient_unit`,
    );
    expect(contacts).toEqual([
      { recipient_unit: 'kent-uc', other_unit: 'norfolk-uc' },
      { recipient_unit: 'norfolk-uc', other_unit: 'kent-uc' },
    ]);
    await s.retire('persona', kent, { registrationId: kentPersona.registrationId, justification });
    await expect(
      s.retire('persona', kent, { registrationId: kentPersona.registrationId, justification }),
    ).rejects.toThrow(/no active registration/);
    const before = await app.query(`SELECT count(*)::int AS n FROM deconfliction_hit`);
    await ingested(s, [nominal('01', 'met-n-1', [kik('lonely_dad_77')])]);
    await s.drain();
    expect(await app.query(`SELECT count(*)::int AS n FROM deconfliction_hit`)).toEqual(before);
  });

  it('after a key rotation (new key first, old kept) personas registered under the old key still match', async () => {
    const s = await service([newKey, oldKey]);
    await s.start();
    await ingested(s, [nominal('20', 'wm-n-1', [kik('Sk8rGirl_13')])]);
    await s.drain();
    const rows = await app.query(
      `SELECT other_force FROM deconfliction_hit WHERE hit_key LIKE 'record:nominal:20:wm-n-1:%'`,
    );
    expect(rows).toEqual([{ other_force: '20' }]);
    // Without the old key, nothing registered under it can be found (the database alone is not enough).
    const only = await service([newKey]);
    await only.start();
    await ingested(only, [nominal('20', 'wm-n-2', [kik('Sk8rGirl_13')])]);
    await only.drain();
    expect(
      await app.query(
        `SELECT 1 FROM deconfliction_hit WHERE hit_key LIKE 'record:nominal:20:wm-n-2:%'`,
      ),
    ).toEqual([]);
  });

  it('the gRPC edge refuses a force system (PERMISSION_DENIED) and no identity (UNAUTHENTICATED), naming bad fields', async () => {
    const s = await service();
    await s.start();
    const config = { grpc: { security: { mode: 'plaintext' } } } as unknown as HubConfig;
    const edge = new DeconflictionGrpcController(
      s,
      audit,
      config,
      new DeconflictionMetrics(new Registry()),
      logger,
    );
    const md = (h: Record<string, string>) => {
      const m = new Metadata();
      for (const [k, v] of Object.entries(h)) m.set(k, v);
      return m;
    };
    const req = { persona: kik('Sk8rGirl_13'), justification };
    await expect(
      edge.registerPersona(req, md({ 'x-dev-force': '36', 'x-dev-caller': 'norfolk-custody' })),
    ).rejects.toMatchObject({ error: { code: status.PERMISSION_DENIED } });
    await expect(edge.registerPersona(req, md({}))).rejects.toMatchObject({
      error: { code: status.UNAUTHENTICATED },
    });
    await expect(
      edge.registerPersona(
        { persona: kik(''), justification },
        md({ 'x-dev-covert': '36', 'x-dev-caller': 'norfolk-uc' }),
      ),
    ).rejects.toMatchObject({
      error: { code: status.INVALID_ARGUMENT, message: expect.stringContaining('persona.value') },
    });
    const ok = await edge.registerPersona(
      { persona: kik('Another_Decoy'), justification },
      md({ 'x-dev-covert': '36', 'x-dev-caller': 'norfolk-uc' }),
    );
    expect(ok.registrationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses (retryably) until the leading hub has loaded the active set, and after it loses the lead', async () => {
    const s = await service();
    await expect(
      s.registerPersona(norfolk, { persona: kik('Not_Yet'), justification }),
    ).rejects.toThrow(/not available on this hub/);
    await s.start();
    s.suspend();
    expect(() => s.watch(norfolk, justification)).toThrow(/not available on this hub/);
  });

  it('an operation targeting another unit’s persona: both units told', async () => {
    const s = await service();
    await s.start();
    const t = await s.registerTarget(kent, {
      operationRef: 'OP-K-9',
      nationalPersonId: '',
      identifiers: [kik('SK8RGIRL_13')],
      justification,
    });
    await s.drain();
    const rows = await app.query(
      `SELECT recipient_unit, own_registration, other_unit FROM deconfliction_hit
       WHERE kind = 'TARGET_IS_PERSONA' ORDER BY recipient_unit`,
    );
    expect(rows).toEqual([
      { recipient_unit: 'kent-uc', own_registration: t.registrationId, other_unit: 'norfolk-uc' },
      expect.objectContaining({ recipient_unit: 'norfolk-uc', other_unit: 'kent-uc' }),
    ]);
  });
});
