import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import {
  FlagType,
  IdentifierScheme,
  IncidentState,
  NameType,
  NominalState,
  OnlineIdentifierKind,
  Sex,
} from '@intel/contracts';
import { AuditLog } from '@intel/audit';
import { dropDatabase, inTransaction, openDatabase, withDatabase } from '@intel/db';
import { createLogger, Registry } from '@intel/observability';
import { loadToolConfig } from '@intel/config';
import { covertHandling, uniqueDbName } from '@intel/testing';
import { INTEL_HUB_MIGRATIONS } from '../src/database/migrations';
import { HubMetrics } from '../src/hub.metrics';
import { HubStoreRepository } from '../src/ingest/hub-store.repository';
import { NationalStoreRepository } from '../src/resolution/national-store.repository';
import { ResolutionService } from '../src/resolution/resolution.service';
import { ReviewError } from '../src/review/review-errors';
import { ReviewService, type ReviewAudit, type Reviewer } from '../src/review/review.service';
import { rareFamily, rareUsername, reviewNominal, suspectIncident } from './review.fixture';

// Match review against national resolution on the real PostgreSQL, in process: judgements
// become constraints that the resolution honours, through restarts (a new ResolutionService
// loading from the database) and parameter re-learning (a rebuild). Events are applied to the
// hub's store as ingestion does (HubStoreRepository), without the bus: the bus is the HTTP
// integration test's (analyst-review.int-spec.ts).
describe('match review and national resolution (integration: real PostgreSQL)', () => {
  const serverUrl = loadToolConfig().databaseUrl;
  const dbName = uniqueDbName('it_review');
  let ds: DataSource;
  let db: Client;
  let log: AuditLog;
  const store = new NationalStoreRepository();
  const hubStore = new HubStoreRepository();
  const logger = createLogger('intel-hub-test', 'warn');
  let resolution: ResolutionService;
  let review: ReviewService;

  const options = (trainMinRecords: number) => ({
    batchSize: 100,
    trainMinRecords,
    referencePersons: 4000,
    stuckMs: 60_000,
    maxConsecutiveFailures: 5,
    immediateAckMs: 300_000,
  });

  /** A hub (re)started on the database: the index loaded from it. */
  async function startHub(trainMinRecords = 5000) {
    resolution = new ResolutionService(
      ds,
      store,
      new HubMetrics(new Registry()),
      logger,
      options(trainMinRecords),
    );
    await resolution.drain();
    review = new ReviewService(ds, store, resolution);
  }

  beforeAll(async () => {
    ds = await openDatabase({
      serverUrl,
      name: dbName,
      migrations: INTEL_HUB_MIGRATIONS,
      poolSize: 4,
    });
    db = new Client({ connectionString: withDatabase(serverUrl, dbName) });
    await db.connect();
    log = new AuditLog(ds);
    await startHub();
  }, 120_000);
  afterAll(async () => {
    await log?.close();
    await db?.end();
    await ds?.destroy();
    await dropDatabase(serverUrl, dbName).catch(() => undefined);
  });

  const user = (sub: string, force: string, ...roles: string[]): Reviewer => ({
    sub,
    name: `DC ${sub}`,
    force,
    roles: roles.length ? roles : ['analyst'],
  });

  /** The audit as the analysts' API writes it (core's AnalystAudit does the same). */
  const auditFor =
    (u: Reviewer): ReviewAudit =>
    async (action, request, response, told = []) =>
      String(
        (
          await log.append({
            at: new Date(),
            callerForce: u.force,
            callerName: `analyst:${u.sub}`,
            action,
            purposeCode: 'PURPOSE_CODE_PREVENTING_OFFENCES',
            reason: 'Match review of the national index',
            operationRef: '',
            request: { user: { sub: u.sub, roles: u.roles }, ...(request as object) },
            response,
            recipients: [...new Set([u.force, ...told])].sort(),
          })
        ).seq,
      );

  let version = 1;
  async function publish(force: string, states: NominalState[], incidents: IncidentState[] = []) {
    const at = new Date();
    await inTransaction(ds, async (tx) => {
      await hubStore.apply(
        tx,
        [
          ...states.map((s) => ({
            kind: 'nominal-upserted' as const,
            eventId: randomUUID(),
            forceCode: force,
            id: s.nominalId,
            version: s.version,
            state: Buffer.from(NominalState.encode(s).finish()),
          })),
          ...incidents.map((i) => ({
            kind: 'incident-upserted' as const,
            eventId: randomUUID(),
            forceCode: force,
            id: i.incidentId,
            version: i.version,
            state: Buffer.from(IncidentState.encode(i).finish()),
            sharedReference: null,
          })),
        ],
        at,
      );
      await store.enqueue(tx, [
        ...states.map((s) => ({ entity: 'nominal' as const, forceCode: force, id: s.nominalId })),
        ...incidents.map((i) => ({
          entity: 'incident' as const,
          forceCode: force,
          id: i.incidentId,
        })),
      ]);
    });
    await resolution.drain();
  }

  const nominal = (family: string, username: string, extra: Partial<NominalState> = {}) =>
    reviewNominal(family, [username], extra, version++);
  const incident = suspectIncident;
  const family = rareFamily;
  const username = rareUsername;

  async function personOf(force: string, id: string): Promise<string | undefined> {
    const r = await db.query<{ person_id: string }>(
      `SELECT person_id FROM person_member WHERE force_code = $1 AND nominal_id = $2`,
      [force, id],
    );
    return r.rows[0]?.person_id;
  }

  async function queuedPair(u: Reviewer, a: string, b: string) {
    const q = await review.queue(u, { limit: 100 }, auditFor(u));
    return q.items.find(
      (i) =>
        [i.a.view.nominalId, i.b.view.nominalId].includes(a) &&
        [i.a.view.nominalId, i.b.view.nominalId].includes(b),
    );
  }

  const rationale = 'Same custody photograph and the same address history';
  const judgeAs = (
    u: Reviewer,
    pairId: string,
    verdict: 'SAME' | 'NOT_SAME' | 'UNSURE',
    why = rationale,
  ) => review.judge(u, { pairId, verdict, rationale: why }, auditFor(u));

  async function refusal(p: Promise<unknown>): Promise<number> {
    try {
      await p;
    } catch (err) {
      if (err instanceof ReviewError) return err.status;
      throw err;
    }
    throw new Error('expected a refusal');
  }

  const analyst36 = user('a36', '36');
  const other36 = user('b36', '36');
  const supervisor36 = user('s36', '36', 'supervisor');
  const analyst01 = user('a01', '01');
  const supervisor01 = user('s01', '01', 'supervisor');

  it('a SAME judgement within one force makes one person at once; the pair leaves the queue for good', async () => {
    const f = family();
    const [a, b] = [nominal(f, username()), nominal(f, username())];
    await publish('36', [a, b]);
    expect(await personOf('36', a.nominalId)).not.toBe(await personOf('36', b.nominalId));
    const item = await queuedPair(analyst36, a.nominalId, b.nominalId);
    expect(item).toMatchObject({ band: 'MATCH_BAND_POSSIBLE', unsure: 0 });
    if (!item) throw new Error('not queued');
    expect(item.a.view.state.names[0]?.family).toBe(f);

    const j = await judgeAs(analyst36, item.pairId, 'SAME');
    expect(j).toMatchObject({ status: 'ACTIVE', approvalReasons: [] });
    expect(await personOf('36', a.nominalId)).toBe(await personOf('36', b.nominalId));
    const audited = await db.query<{ action: string; caller_name: string }>(
      `SELECT action, caller_name FROM audit_log WHERE seq = $1`,
      [j.auditRef],
    );
    expect(audited.rows[0]).toEqual({ action: 'Analyst.judgePair', caller_name: 'analyst:a36' });

    // Never queued again: not for anyone, not when a record is scored again, not after a restart.
    expect(await queuedPair(other36, a.nominalId, b.nominalId)).toBeUndefined();
    await publish('36', [{ ...b, version: version++ }]);
    expect(await personOf('36', a.nominalId)).toBe(await personOf('36', b.nominalId));
    await startHub();
    expect(await personOf('36', a.nominalId)).toBe(await personOf('36', b.nominalId));
    expect(await queuedPair(other36, a.nominalId, b.nominalId)).toBeUndefined();
    expect(await refusal(judgeAs(other36, item.pairId, 'NOT_SAME'))).toBe(409);

    // Retracted: the constraint goes, the persons are formed again from their links (none),
    // and the pair is queued again.
    const r = await review.retract(
      analyst36,
      j.judgementId,
      'Photograph belongs to a different man after all',
      auditFor(analyst36),
    );
    expect(r.status).toBe('RETRACTED');
    expect(await personOf('36', a.nominalId)).not.toBe(await personOf('36', b.nominalId));
    expect(await queuedPair(other36, a.nominalId, b.nominalId)).toBeDefined();
    const listed = await review.listJudgements(analyst36, {}, auditFor(analyst36));
    expect(listed.items.find((x) => x.judgementId === j.judgementId)).toMatchObject({
      status: 'RETRACTED',
      closedBy: { sub: 'a36' },
    });
  });

  /** The records of the approved cross-force SAME (checked again after the rebuild). */
  const approvedSame: [string, string][] = [];

  it('a cross-force SAME that adds a flag waits for a supervisor of the force, then links and alerts both forces', async () => {
    const f = family();
    const a = nominal(f, username());
    const b = nominal(f, username());
    await publish('36', [a], [incident(a.nominalId)]);
    await publish('01', [b], [incident(b.nominalId)]);
    const item = await queuedPair(supervisor36, a.nominalId, b.nominalId);
    if (!item) throw new Error('not queued');
    const j = await judgeAs(supervisor36, item.pairId, 'SAME');
    approvedSame.push(['36', a.nominalId], ['01', b.nominalId]);
    expect(j.status).toBe('PENDING_APPROVAL');
    expect(j.approvalReasons).toEqual(['CROSS_FORCE_MERGE', 'REPEAT_OFFENDER_FLAG_ADDED']);
    expect(await personOf('36', a.nominalId)).not.toBe(await personOf('01', b.nominalId));
    expect(await queuedPair(analyst36, a.nominalId, b.nominalId)).toBeUndefined();

    // Not by its author, not by another force, not by an analyst.
    expect(await refusal(review.approve(supervisor36, j.judgementId, auditFor(supervisor36)))).toBe(
      403,
    );
    expect(await refusal(review.approve(supervisor01, j.judgementId, auditFor(supervisor01)))).toBe(
      404,
    );
    expect(await refusal(review.approve(analyst36, j.judgementId, auditFor(analyst36)))).toBe(403);
    const alertsBefore = await maxAlertId();
    const supervisor = user('s36b', '36', 'supervisor');
    const ok = await review.approve(supervisor, j.judgementId, auditFor(supervisor));
    expect(ok.status).toBe('ACTIVE');
    const person = await personOf('36', a.nominalId);
    expect(person).toBeDefined();
    expect(await personOf('01', b.nominalId)).toBe(person);
    const flags = await db.query<{ flag_type: string }>(
      `SELECT flag_type FROM person_flag WHERE person_id = $1 ORDER BY 1`,
      [person],
    );
    expect(flags.rows.map((r) => r.flag_type)).toEqual([
      FlagType.FLAG_TYPE_CROSS_FORCE,
      FlagType.FLAG_TYPE_REPEAT_OFFENDER,
    ]);
    const alerts = await db.query<{ recipient_force: string }>(
      `SELECT DISTINCT recipient_force FROM alert WHERE alert_id > $1 AND person_id = $2 ORDER BY 1`,
      [alertsBefore, person],
    );
    expect(alerts.rows.map((r) => r.recipient_force)).toEqual(['01', '36']);
    const audited = await db.query<{ recipients: string[] }>(
      `SELECT recipients FROM audit_log WHERE seq = $1`,
      [ok.auditRef],
    );
    expect(audited.rows[0]?.recipients).toEqual(['01', '36']);
  });

  it("the demo's SAME: the damaged record joins William Hendry's person, and the Met's record stays in it", async () => {
    // deploy/local/demo: Norfolk's William James Hendry links to the Met's "Bill Hendrie" (the
    // same date of birth); Kent's damaged "Wiliam Hendry" (another phone, no date of birth) is
    // POSSIBLE against him, and the Met's London namesake only POSSIBLE. The judgement joins the
    // damaged record to his person: it must not cut the Met's record out of it (its names
    // disagree with the damaged record's, and the chaining guard used to weigh them).
    const phone = (value: string) => ({
      kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PHONE,
      platform: '',
      value,
      observedAt: undefined,
    });
    const named = (given: string[], surname: string, extra: Partial<NominalState>) =>
      reviewNominal(
        surname,
        [],
        { ...extra, names: [{ given, family: surname, type: NameType.NAME_TYPE_BIRTH }] },
        version++,
      );
    const dob = { year: 1979, month: 3, day: 14 };
    const nf = named(['William', 'James'], 'Hendry', {
      datesOfBirth: [dob],
      sex: Sex.SEX_MALE,
      identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: '1979/0123456T' }],
      onlineIdentifiers: [phone('+447911100123')],
      addresses: [{ line: '12 Mill Lane', town: 'Norwich', postcode: 'NR1 3AB' }],
    });
    const met = named(['Bill'], 'Hendrie', { datesOfBirth: [dob], sex: Sex.SEX_MALE });
    const met2 = named(['William'], 'Hendry', {
      sex: Sex.SEX_MALE,
      onlineIdentifiers: [phone('+447700900462')],
      addresses: [{ line: 'Flat 3, 41 Marrowby Lane', town: 'London', postcode: 'SE22 9ZZ' }],
    });
    const kent2 = named(['Wiliam'], 'Hendry', {
      sex: Sex.SEX_MALE,
      onlineIdentifiers: [phone('+447700900461')],
    });
    await publish('36', [nf], [incident(nf.nominalId)]);
    await publish('01', [met, met2], [incident(met.nominalId)]);
    await publish('46', [kent2], [incident(kent2.nominalId)]);
    const hendry = await personOf('36', nf.nominalId);
    expect(await personOf('01', met.nominalId)).toBe(hendry);
    expect(await personOf('46', kent2.nominalId)).not.toBe(hendry);

    const item = await queuedPair(analyst36, nf.nominalId, kent2.nominalId);
    if (!item) throw new Error('the demo pair is not queued');
    const j = await judgeAs(
      analyst36,
      item.pairId,
      'SAME',
      'Same snapchat grooming pattern, same name',
    );
    expect(j.status).toBe('PENDING_APPROVAL');
    const ok = await review.approve(supervisor36, j.judgementId, auditFor(supervisor36));
    expect(ok.status).toBe('ACTIVE');
    expect(await personOf('46', kent2.nominalId)).toBe(hendry);
    expect(await personOf('01', met.nominalId)).toBe(hendry);
    expect(await personOf('01', met2.nominalId)).not.toBe(hendry);
    // And so after a restart (the index restored from what was stored).
    await startHub();
    expect(await personOf('01', met.nominalId)).toBe(hendry);
    expect(await personOf('46', kent2.nominalId)).toBe(hendry);
  });

  async function maxAlertId(): Promise<string> {
    const r = await db.query<{ m: string }>(
      `SELECT coalesce(max(alert_id), 0)::text AS m FROM alert`,
    );
    return r.rows[0]?.m ?? '0';
  }

  /** Two records of one force the engine leaves POSSIBLE, judged NOT_SAME, then given a username
   * in common (the engine would link them now): the judgement keeps them apart. */
  async function notSamePair() {
    const f = family();
    const shared = username();
    const a = nominal(f, shared);
    const b = nominal(f, username());
    await publish('36', [a]);
    await publish('36', [b]);
    const item = await queuedPair(analyst36, a.nominalId, b.nominalId);
    if (!item) throw new Error('not queued');
    const j = await judgeAs(analyst36, item.pairId, 'NOT_SAME', 'Twins: different custody records');
    expect(j.status).toBe('ACTIVE');
    const updated = {
      ...b,
      version: version++,
      onlineIdentifiers: [...b.onlineIdentifiers, ...a.onlineIdentifiers],
    };
    await publish('36', [updated]);
    const apart = async () =>
      (await personOf('36', a.nominalId)) !== (await personOf('36', b.nominalId));
    expect(await apart()).toBe(true);
    return { a, b, f, shared, judgement: j, apart };
  }

  it('a NOT_SAME judgement keeps two records apart when the engine would link them, through a restart; retracted, the links join them', async () => {
    const { a, b, f, shared, judgement, apart } = await notSamePair();
    // A third record with that username links to both: it joins one side, never both.
    const c = nominal(f, shared);
    await publish('36', [c]);
    const persons = new Set([
      await personOf('36', a.nominalId),
      await personOf('36', b.nominalId),
      await personOf('36', c.nominalId),
    ]);
    expect(persons.size).toBe(2);
    expect(await apart()).toBe(true);

    await startHub();
    expect(await apart()).toBe(true);

    // Retracted: nothing keeps them apart, and the shared username links them.
    await review.retract(
      analyst36,
      judgement.judgementId,
      'Not twins: one man, two records',
      auditFor(analyst36),
    );
    expect(await apart()).toBe(false);
  });

  it('a judgement that would contradict judgements in force is refused', async () => {
    const f = family();
    const [a, b, c] = [nominal(f, username()), nominal(f, username()), nominal(f, username())];
    await publish('36', [a, b, c]);
    const pair = async (x: NominalState, y: NominalState) => {
      const item = await queuedPair(analyst36, x.nominalId, y.nominalId);
      if (!item) throw new Error('not queued');
      return item.pairId;
    };
    expect((await judgeAs(analyst36, await pair(a, c), 'SAME')).status).toBe('ACTIVE');
    const bc = await pair(b, c);
    expect((await judgeAs(analyst36, bc, 'NOT_SAME', 'Different custody records')).status).toBe(
      'ACTIVE',
    );
    // a is c, c is not b: so a cannot be b.
    expect(await refusal(judgeAs(analyst36, await pair(a, b), 'SAME'))).toBe(409);
    expect(await personOf('36', a.nominalId)).toBe(await personOf('36', c.nominalId));
    expect(await personOf('36', a.nominalId)).not.toBe(await personOf('36', b.nominalId));
  });

  it('an UNSURE keeps the pair queued for everyone else, marked', async () => {
    const f = family();
    const [a, b] = [nominal(f, username()), nominal(f, username())];
    await publish('36', [a, b]);
    const item = await queuedPair(analyst36, a.nominalId, b.nominalId);
    if (!item) throw new Error('not queued');
    const j = await judgeAs(analyst36, item.pairId, 'UNSURE', 'Cannot tell from the names alone');
    expect(j.status).toBe('ACTIVE');
    expect(await queuedPair(analyst36, a.nominalId, b.nominalId)).toBeUndefined();
    expect(await queuedPair(other36, a.nominalId, b.nominalId)).toMatchObject({ unsure: 1 });
    expect(
      await refusal(judgeAs(analyst36, item.pairId, 'UNSURE', 'Still cannot tell either way')),
    ).toBe(409);
  });

  it("another force's C record: its pairs are queued for the owner only; two forces' C records for no one", async () => {
    const f = family();
    const covert = nominal(f, username(), { handling: covertHandling() });
    const open = nominal(f, username());
    await publish('36', [covert]);
    await publish('01', [open]);
    expect(await queuedPair(analyst01, covert.nominalId, open.nominalId)).toBeUndefined();
    const item = await queuedPair(analyst36, covert.nominalId, open.nominalId);
    if (!item) throw new Error('not queued for the owner');
    expect(await refusal(judgeAs(analyst01, item.pairId, 'SAME'))).toBe(404);
    const queue01 = await review.queue(analyst01, { limit: 100 }, auditFor(analyst01));
    expect(JSON.stringify(queue01)).not.toContain(covert.nominalId);

    const g = family();
    const c36 = nominal(g, username(), { handling: covertHandling() });
    const c01 = nominal(g, username(), { handling: covertHandling() });
    await publish('36', [c36]);
    await publish('01', [c01]);
    const stored = await db.query(
      `SELECT 1 FROM review_candidate WHERE member_a = ANY($1) AND member_b = ANY($1)`,
      [[`36:${c36.nominalId}`, `01:${c01.nominalId}`]],
    );
    expect(stored.rowCount).toBe(1);
    expect(await queuedPair(analyst36, c36.nominalId, c01.nominalId)).toBeUndefined();
    expect(await queuedPair(analyst01, c36.nominalId, c01.nominalId)).toBeUndefined();
  });

  // Last: the parameters learned from this test's few records are no basis for the others.
  it('judgements hold when the parameters are learned again and every record is scored again', async () => {
    const { apart } = await notSamePair();
    const learnings = async () =>
      (
        await db.query<{ source: string }>(`SELECT source FROM matching_parameters ORDER BY id`)
      ).rows.map((r) => r.source);
    const before = await learnings();
    await startHub();
    expect(await learnings()).toEqual(before);
    // The index now holds more records than the threshold: EM learns other weights from it and
    // every nominal is scored again.
    await startHub(5);
    expect(await learnings()).toEqual([...before, 'index']);
    expect(await apart()).toBe(true);
    expect(approvedSame).toHaveLength(2);
    const [x, y] = approvedSame;
    if (!x || !y) throw new Error('no approved SAME');
    expect(await personOf(...x)).toBe(await personOf(...y));
  });
});
