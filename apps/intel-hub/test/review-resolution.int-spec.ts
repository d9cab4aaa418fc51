import {
  FlagType,
  IdentifierScheme,
  NameType,
  NominalState,
  OnlineIdentifierKind,
  Sex,
} from '@intel/contracts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { covertHandling } from '@intel/testing';
import { ReviewError } from '../src/review/review-errors';
import type { ReviewAudit, Reviewer } from '../src/review/review.service';
import { inProcessHub } from './in-process-hub.fixture';
import { rareFamily, rareUsername, reviewNominal, suspectIncident } from './review.fixture';

// Match review against national resolution on the real PostgreSQL, in process: judgements
// become constraints that the resolution honours, through restarts (the services built again,
// the index loaded from the database) and parameter re-learning (a rebuild). Events are applied
// to the hub's store as ingestion does (in-process-hub.fixture.ts), without the bus: the bus is
// the HTTP integration test's (analyst-review.int-spec.ts).
describe('match review and national resolution (integration: real PostgreSQL)', () => {
  const hub = inProcessHub('it_review', { batchSize: 100, referencePersons: 4000 });
  /** A hub (re)started on the database: the index loaded from it. */
  const startHub = (trainMinRecords = 5000) => hub.start(trainMinRecords);

  beforeAll(async () => {
    await hub.open();
    await startHub();
  }, 120_000);
  afterAll(() => hub.close());

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
          await hub.log.append({
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
  const nominal = (family: string, username: string, extra: Partial<NominalState> = {}) =>
    reviewNominal(family, [username], extra, version++);
  const incident = suspectIncident;
  const family = rareFamily;
  const username = rareUsername;

  /**
   * The pair in `u`'s queue, page by page to its end: pairs left open by earlier tests may
   * outrank it (a name-only pair's score falls as the tests add more Ambroses).
   */
  async function queuedPair(u: Reviewer, a: string, b: string) {
    let cursor: string | undefined;
    do {
      const q = await hub.review.queue(u, { limit: 100, cursor }, auditFor(u));
      const item = q.items.find(
        (i) =>
          [i.a.view.nominalId, i.b.view.nominalId].includes(a) &&
          [i.a.view.nominalId, i.b.view.nominalId].includes(b),
      );
      if (item) return item;
      cursor = q.nextCursor;
    } while (cursor !== undefined);
    return undefined;
  }

  const rationale = 'Same custody photograph and the same address history';
  const judgeAs = (
    u: Reviewer,
    pairId: string,
    verdict: 'SAME' | 'NOT_SAME' | 'UNSURE',
    why = rationale,
  ) => hub.review.judge(u, { pairId, verdict, rationale: why }, auditFor(u));

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
    await hub.publish('36', [a, b]);
    expect(await hub.personOf('36', a.nominalId)).not.toBe(await hub.personOf('36', b.nominalId));
    const item = await queuedPair(analyst36, a.nominalId, b.nominalId);
    expect(item).toMatchObject({ band: 'MATCH_BAND_POSSIBLE', unsure: 0 });
    if (!item) throw new Error('not queued');
    expect(item.a.view.state.names[0]?.family).toBe(f);

    const j = await judgeAs(analyst36, item.pairId, 'SAME');
    expect(j).toMatchObject({ status: 'ACTIVE', approvalReasons: [] });
    expect(await hub.personOf('36', a.nominalId)).toBe(await hub.personOf('36', b.nominalId));
    const audited = await hub.db.query<{ action: string; caller_name: string }>(
      `SELECT action, caller_name FROM audit_log WHERE seq = $1`,
      [j.auditRef],
    );
    expect(audited.rows[0]).toEqual({ action: 'Analyst.judgePair', caller_name: 'analyst:a36' });

    // Never queued again: not for anyone, not when a record is scored again, not after a restart.
    expect(await queuedPair(other36, a.nominalId, b.nominalId)).toBeUndefined();
    await hub.publish('36', [{ ...b, version: version++ }]);
    expect(await hub.personOf('36', a.nominalId)).toBe(await hub.personOf('36', b.nominalId));
    await startHub();
    expect(await hub.personOf('36', a.nominalId)).toBe(await hub.personOf('36', b.nominalId));
    expect(await queuedPair(other36, a.nominalId, b.nominalId)).toBeUndefined();
    expect(await refusal(judgeAs(other36, item.pairId, 'NOT_SAME'))).toBe(409);

    // Retracted: the constraint goes, the persons are formed again from their links (none),
    // and the pair is queued again.
    const r = await hub.review.retract(
      analyst36,
      j.judgementId,
      'Photograph belongs to a different man after all',
      auditFor(analyst36),
    );
    expect(r.status).toBe('RETRACTED');
    expect(await hub.personOf('36', a.nominalId)).not.toBe(await hub.personOf('36', b.nominalId));
    expect(await queuedPair(other36, a.nominalId, b.nominalId)).toBeDefined();
    const listed = await hub.review.listJudgements(analyst36, {}, auditFor(analyst36));
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
    await hub.publish('36', [a], [incident(a.nominalId)]);
    await hub.publish('01', [b], [incident(b.nominalId)]);
    const item = await queuedPair(supervisor36, a.nominalId, b.nominalId);
    if (!item) throw new Error('not queued');
    const j = await judgeAs(supervisor36, item.pairId, 'SAME');
    approvedSame.push(['36', a.nominalId], ['01', b.nominalId]);
    expect(j.status).toBe('PENDING_APPROVAL');
    expect(j.approvalReasons).toEqual(['CROSS_FORCE_MERGE', 'REPEAT_OFFENDER_FLAG_ADDED']);
    expect(await hub.personOf('36', a.nominalId)).not.toBe(await hub.personOf('01', b.nominalId));
    expect(await queuedPair(analyst36, a.nominalId, b.nominalId)).toBeUndefined();

    // Not by its author, not by another force, not by an analyst.
    expect(
      await refusal(hub.review.approve(supervisor36, j.judgementId, auditFor(supervisor36))),
    ).toBe(403);
    expect(
      await refusal(hub.review.approve(supervisor01, j.judgementId, auditFor(supervisor01))),
    ).toBe(404);
    expect(await refusal(hub.review.approve(analyst36, j.judgementId, auditFor(analyst36)))).toBe(
      403,
    );
    const alertsBefore = await maxAlertId();
    const supervisor = user('s36b', '36', 'supervisor');
    const ok = await hub.review.approve(supervisor, j.judgementId, auditFor(supervisor));
    expect(ok.status).toBe('ACTIVE');
    const person = await hub.personOf('36', a.nominalId);
    expect(person).toBeDefined();
    expect(await hub.personOf('01', b.nominalId)).toBe(person);
    const flags = await hub.db.query<{ flag_type: string }>(
      `SELECT flag_type FROM person_flag WHERE person_id = $1 ORDER BY 1`,
      [person],
    );
    expect(flags.rows.map((r) => r.flag_type)).toEqual([
      FlagType.FLAG_TYPE_CROSS_FORCE,
      FlagType.FLAG_TYPE_REPEAT_OFFENDER,
    ]);
    const alerts = await hub.db.query<{ recipient_force: string }>(
      `SELECT DISTINCT recipient_force FROM alert WHERE alert_id > $1 AND person_id = $2 ORDER BY 1`,
      [alertsBefore, person],
    );
    expect(alerts.rows.map((r) => r.recipient_force)).toEqual(['01', '36']);
    const audited = await hub.db.query<{ recipients: string[] }>(
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
    await hub.publish('36', [nf], [incident(nf.nominalId)]);
    await hub.publish('01', [met, met2], [incident(met.nominalId)]);
    await hub.publish('46', [kent2], [incident(kent2.nominalId)]);
    const hendry = await hub.personOf('36', nf.nominalId);
    expect(await hub.personOf('01', met.nominalId)).toBe(hendry);
    expect(await hub.personOf('46', kent2.nominalId)).not.toBe(hendry);

    const item = await queuedPair(analyst36, nf.nominalId, kent2.nominalId);
    if (!item) throw new Error('the demo pair is not queued');
    const j = await judgeAs(
      analyst36,
      item.pairId,
      'SAME',
      'Same snapchat grooming pattern, same name',
    );
    expect(j.status).toBe('PENDING_APPROVAL');
    const ok = await hub.review.approve(supervisor36, j.judgementId, auditFor(supervisor36));
    expect(ok.status).toBe('ACTIVE');
    expect(await hub.personOf('46', kent2.nominalId)).toBe(hendry);
    expect(await hub.personOf('01', met.nominalId)).toBe(hendry);
    expect(await hub.personOf('01', met2.nominalId)).not.toBe(hendry);
    // And so after a restart (the index restored from what was stored).
    await startHub();
    expect(await hub.personOf('01', met.nominalId)).toBe(hendry);
    expect(await hub.personOf('46', kent2.nominalId)).toBe(hendry);
  });

  async function maxAlertId(): Promise<string> {
    const r = await hub.db.query<{ m: string }>(
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
    await hub.publish('36', [a]);
    await hub.publish('36', [b]);
    const item = await queuedPair(analyst36, a.nominalId, b.nominalId);
    if (!item) throw new Error('not queued');
    const j = await judgeAs(analyst36, item.pairId, 'NOT_SAME', 'Twins: different custody records');
    expect(j.status).toBe('ACTIVE');
    const updated = {
      ...b,
      version: version++,
      onlineIdentifiers: [...b.onlineIdentifiers, ...a.onlineIdentifiers],
    };
    await hub.publish('36', [updated]);
    const apart = async () =>
      (await hub.personOf('36', a.nominalId)) !== (await hub.personOf('36', b.nominalId));
    expect(await apart()).toBe(true);
    return { a, b, f, shared, judgement: j, apart };
  }

  it('a NOT_SAME judgement keeps two records apart when the engine would link them, through a restart; retracted, the links join them', async () => {
    const { a, b, f, shared, judgement, apart } = await notSamePair();
    // A third record with that username links to both: it joins one side, never both.
    const c = nominal(f, shared);
    await hub.publish('36', [c]);
    const persons = new Set([
      await hub.personOf('36', a.nominalId),
      await hub.personOf('36', b.nominalId),
      await hub.personOf('36', c.nominalId),
    ]);
    expect(persons.size).toBe(2);
    expect(await apart()).toBe(true);

    await startHub();
    expect(await apart()).toBe(true);

    // Retracted: nothing keeps them apart, and the shared username links them.
    await hub.review.retract(
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
    await hub.publish('36', [a, b, c]);
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
    expect(await hub.personOf('36', a.nominalId)).toBe(await hub.personOf('36', c.nominalId));
    expect(await hub.personOf('36', a.nominalId)).not.toBe(await hub.personOf('36', b.nominalId));
  });

  it('an UNSURE keeps the pair queued for everyone else, marked', async () => {
    const f = family();
    const [a, b] = [nominal(f, username()), nominal(f, username())];
    await hub.publish('36', [a, b]);
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
    await hub.publish('36', [covert]);
    await hub.publish('01', [open]);
    expect(await queuedPair(analyst01, covert.nominalId, open.nominalId)).toBeUndefined();
    const item = await queuedPair(analyst36, covert.nominalId, open.nominalId);
    if (!item) throw new Error('not queued for the owner');
    expect(await refusal(judgeAs(analyst01, item.pairId, 'SAME'))).toBe(404);
    const queue01 = await hub.review.queue(analyst01, { limit: 100 }, auditFor(analyst01));
    expect(JSON.stringify(queue01)).not.toContain(covert.nominalId);

    const g = family();
    const c36 = nominal(g, username(), { handling: covertHandling() });
    const c01 = nominal(g, username(), { handling: covertHandling() });
    await hub.publish('36', [c36]);
    await hub.publish('01', [c01]);
    const stored = await hub.db.query(
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
        await hub.db.query<{ source: string }>(`SELECT source FROM matching_parameters ORDER BY id`)
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
    expect(await hub.personOf(...x)).toBe(await hub.personOf(...y));
  });

  it('a decision made after the index snapshot is replayed by a restart from it: the same person, the decision held', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'review-snapshot-'));
    try {
      await hub.start(5000, dir);
      await hub.resolution.stopSnapshots();
      const f = family();
      const [a, b] = [nominal(f, username()), nominal(f, username())];
      await hub.publish('36', [a, b]);
      const item = await queuedPair(analyst36, a.nominalId, b.nominalId);
      if (!item) throw new Error('not queued');
      await judgeAs(analyst36, item.pairId, 'SAME');
      const person = await hub.personOf('36', a.nominalId);
      expect(await hub.personOf('36', b.nominalId)).toBe(person);

      await hub.start(5000, dir);
      const modes = (await hub.metrics.indexLoadSeconds.get()).values.map((v) => v.labels.mode);
      expect(modes).toEqual(['snapshot']);
      const index = hub.resolution.current;
      const [ka, kb] = [`36:${a.nominalId}`, `36:${b.nominalId}`];
      expect(index?.matching.constraintOf(ka, kb)).toBe('must');
      expect(index?.personOfMember(ka)).toBe(person);
      expect(index?.membersOf(person ?? '').sort()).toEqual([ka, kb].sort());
      // Held by the resolution too: scored again, b stays with a.
      await hub.publish('36', [{ ...b, version: version++ }]);
      expect(await hub.personOf('36', b.nominalId)).toBe(person);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
