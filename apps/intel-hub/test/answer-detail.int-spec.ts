import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { TOPICS } from '@intel/kafka';
import {
  Alert,
  AlertType,
  AnswerDetail,
  Disclosure,
  EventType,
  IdentifierScheme,
  NameType,
  OnlineIdentifierKind,
  PurposeCode,
  Sex,
  SubjectCategory,
  timestampFromDate,
  type CheckPersonResponse,
  type Match,
  type NominalState,
  type OnlineIdentifier,
} from '@intel/contracts';
import {
  covertHandling,
  forceProducer,
  handlingP,
  pncId,
  randomSerial,
  signedEvent,
  waitFor,
} from '@intel/testing';
import { HubHarness } from './hub.harness';

// Answer detail (docs/hub.md "Answer detail") and one durable commit per answer, on the hub as
// a process on the real PostgreSQL and Kafka, fed signed force events: a person held by Norfolk
// (a registered sex offender, handling code P) and by Kent (handling code C), asked about by
// other forces over real gRPC.
describe('answer detail and one commit per answer (integration)', () => {
  const h = new HubHarness('it_answer_detail', 'answer-detail', {
    HUB_PROBE_BURST: '200',
    HUB_PROBE_REFILL_PER_HOUR: '1',
  });
  const tag = randomUUID().slice(0, 6);
  const pnc = pncId(1971, randomSerial());
  const email: OnlineIdentifier = {
    kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL,
    platform: '',
    value: `detail.${tag}@example.org`,
    observedAt: undefined,
  };
  const justification = {
    purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
    reason: 'Safeguarding enquiry: is this man known to another force?',
    operationRef: `OP-AD-${tag}`,
  };
  const family = `Quillfeather${tag.replace(/[^a-z]/g, 'x')}`;
  const name = { given: ['Ambrose'], family, type: NameType.NAME_TYPE_BIRTH };
  const dob = { year: 1971, month: 6, day: 17 };
  const now = timestampFromDate(new Date());
  const nominal = (force: string, id: string, restricted: boolean): NominalState => ({
    nominalId: id,
    version: 1,
    names: [name],
    datesOfBirth: [dob],
    sex: Sex.SEX_MALE,
    identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: pnc }],
    onlineIdentifiers: restricted ? [] : [email],
    addresses: [],
    registrations: restricted
      ? []
      : [
          {
            active: true,
            managingForce: force,
            startDate: { year: 2019, month: 1, day: 1 },
            endDate: undefined,
            visorRef: `V${randomSerial()}`,
          },
        ],
    handling: restricted ? covertHandling() : handlingP(),
    subjectCategories: [SubjectCategory.SUBJECT_CATEGORY_CONVICTED],
    sources: [{ sourceSystem: 'niche-rms', sourceRecordId: id }],
    updatedAt: now,
  });
  const norfolk = { force: '36', id: `ad-nf-${tag}` };
  const kent = { force: '46', id: `ad-kent-${tag}` };
  const producers: Producer[] = [];
  let personId = '';

  const person = {
    names: [name],
    dateOfBirth: dob,
    sex: Sex.SEX_MALE,
    identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: pnc }],
    onlineIdentifiers: [],
    addresses: [],
  };
  const check = (force: string, detail?: AnswerDetail) =>
    h.as(force).checkPerson({ person, justification, maxResults: 5, detail });
  const theMatch = (r: CheckPersonResponse): Match => {
    const m = r.matches.find((x) => x.nationalPersonId === personId);
    if (!m) throw new Error(`no match for ${personId} in ${JSON.stringify(r)}`);
    return m;
  };
  /** proto-loader (defaults: true) gives an absent message as null. */
  const absent = (v: unknown) => v === undefined || v === null;

  async function auditRow(ref: string) {
    const { rows } = await h.db.query<{ response: { detail?: string }; tx: string }>(
      'SELECT response, xmin::text AS tx FROM audit_log WHERE seq = $1',
      [ref],
    );
    return rows[0];
  }

  beforeAll(async () => {
    await h.start();
    for (const n of [
      { ...norfolk, state: nominal(norfolk.force, norfolk.id, false) },
      { ...kent, state: nominal(kent.force, kent.id, true) },
    ]) {
      const p = await forceProducer(n.force, `it-detail-${n.force}-${tag}`);
      producers.push(p);
      await p.send({
        topic: TOPICS.person,
        acks: -1,
        messages: [
          signedEvent(n.force, EventType.EVENT_TYPE_NOMINAL_UPSERTED, n.id, { nominal: n.state }),
        ],
      });
    }
    await waitFor(
      async () => {
        // Both nominals resolved, into one person (one of them alone is one person too).
        const { rows } = await h.db.query<{ person_id: string }>(
          `SELECT person_id FROM person_member WHERE nominal_id = ANY($1)`,
          [[norfolk.id, kent.id]],
        );
        const { rows: flags } = await h.db.query(`SELECT 1 FROM person_flag WHERE person_id = $1`, [
          rows[0]?.person_id,
        ]);
        personId = rows[0]?.person_id ?? '';
        return rows.length === 2 && rows[1]?.person_id === personId && flags.length > 0;
      },
      { timeoutMs: 120_000, intervalMs: 300, what: 'one flagged national person of both nominals' },
    );
  });
  afterAll(async () => {
    await Promise.all(producers.map((p) => p.disconnect()));
    await h.stop();
  });

  it('given SUMMARY, then holdings and flags are kept without details or explanation; Kent C is HIT_ONLY in both; FULL equals the default answer; the audit says which', async () => {
    const full = theMatch(await check('01', AnswerDetail.ANSWER_DETAIL_FULL));
    const byDefault = await check('01');
    const summaryRes = await check('01', AnswerDetail.ANSWER_DETAIL_SUMMARY);
    const summary = theMatch(summaryRes);

    // The published contract's answer: details of what the caller may see, and the explanation.
    expect(theMatch(byDefault)).toEqual(full);
    expect(full.explanation?.fields.length).toBeGreaterThan(0);
    const nf = full.holdings.find((x) => x.forceCode === '36');
    expect(nf).toMatchObject({ nominalId: norfolk.id, disclosure: Disclosure.DISCLOSURE_FULL });
    expect(nf?.details?.nominalId).toBe(norfolk.id);

    // The summary: who, how sure, which flags, which forces hold records — nothing more.
    expect(summary.nationalPersonId).toBe(full.nationalPersonId);
    expect(summary.score).toBe(full.score);
    expect(summary.band).toBe(full.band);
    expect(summary.flags).toEqual(full.flags);
    expect(summary.flags.length).toBeGreaterThan(0);
    expect(absent(summary.explanation)).toBe(true);
    expect(summary.holdings.map((x) => absent(x.details))).toEqual(
      summary.holdings.map(() => true),
    );
    expect(summary.holdings).toEqual(full.holdings.map((x) => ({ ...x, details: null })));

    // Handling code C: a hit and whom to contact, whatever the detail.
    for (const m of [full, summary]) {
      const k = m.holdings.find((x) => x.forceCode === '46');
      expect(k).toMatchObject({ nominalId: '', disclosure: Disclosure.DISCLOSURE_HIT_ONLY });
      expect(absent(k?.details)).toBe(true);
      expect(k?.contact).toMatch(/Kent/);
    }

    expect((await auditRow(byDefault.auditRef))?.response.detail).toBe('full');
    expect((await auditRow(summaryRes.auditRef))?.response.detail).toBe('summary');
  });

  it('given CheckIdentifiers, then SUMMARY drops details and explanation and keeps the holdings', async () => {
    const ask = (detail: AnswerDetail) =>
      h.as('01').checkIdentifiers({ onlineIdentifiers: [email], justification, detail });
    const full = (await ask(AnswerDetail.ANSWER_DETAIL_FULL)).results[0]?.matches[0];
    const res = await ask(AnswerDetail.ANSWER_DETAIL_SUMMARY);
    const summary = res.results[0]?.matches[0];
    expect(full?.nationalPersonId).toBe(personId);
    expect(full?.holdings.find((x) => x.forceCode === '36')?.details?.nominalId).toBe(norfolk.id);
    expect(summary?.holdings).toEqual(full?.holdings.map((x) => ({ ...x, details: null })));
    expect(absent(summary?.explanation)).toBe(true);
    expect(res.results[0]?.totalMatches).toBe(1);
    expect((await auditRow(res.auditRef))?.response.detail).toBe('summary');
  });

  it('given first consultations by five forces, then each answer is one commit: its alerts share its audit entry’s transaction, are throttled as before, watched and published', async () => {
    const forces = ['20', '43', '44', '50', '52'];
    const watched: Alert[] = [];
    const watch = h.as('46').watchAlerts(justification);
    watch.on('data', (a: Alert) => watched.push(a));
    watch.on('error', () => undefined);
    // A row's xmin is the transaction that wrote it, until the relay marks it published (an
    // UPDATE: a new version, a new xmin). The hub may not update alerts meanwhile: its relay's
    // rounds fail and are retried (published at least once), and resume once it may again.
    const role = `"${h.dbName}_app"`;
    await h.db.query(`REVOKE UPDATE ON alert FROM ${role}`);
    try {
      const refs: string[] = [];
      for (const f of forces)
        refs.push((await check(f, AnswerDetail.ANSWER_DETAIL_SUMMARY)).auditRef);
      // Within the quiet window a second consultation by the same force raises nothing.
      const again = await check('20', AnswerDetail.ANSWER_DETAIL_SUMMARY);

      const { rows } = await h.db.query<{
        alert_id: string;
        consulted_by: string;
        recipient_force: string;
        payload: Buffer;
        tx: string;
      }>(
        `SELECT alert_id::text, consulted_by, recipient_force, payload, xmin::text AS tx
         FROM alert WHERE person_id = $1 AND consulted_by = ANY($2) ORDER BY alert_id`,
        [personId, forces],
      );
      const entries = await Promise.all(refs.map(auditRow));
      const txs = entries.map((e) => e?.tx);
      expect(new Set(txs).size).toBe(forces.length);
      forces.forEach((f, i) => {
        const mine = rows.filter((r) => r.consulted_by === f);
        // Norfolk (the flagged person's holder and managing force) and Kent (its C record).
        expect([...new Set(mine.map((r) => r.recipient_force))].sort()).toEqual(['36', '46']);
        for (const r of mine) expect(r.tx).toBe(txs[i]);
      });
      expect(await auditRow(again.auditRef)).toBeDefined();
      const first = rows.filter((r) => r.consulted_by === '20' && r.tx === txs[0]).length;
      expect(rows.filter((r) => r.consulted_by === '20')).toHaveLength(first);
      // The payload is the alert with its stored id, encoded as Alert.encode writes it.
      for (const r of rows) {
        const a = Alert.decode(r.payload);
        expect(a.alertId).toBe(r.alert_id);
        expect(Buffer.compare(Buffer.from(Alert.encode(a).finish()), r.payload)).toBe(0);
      }
      await h.db.query(`GRANT UPDATE ON alert TO ${role}`);
      const kentIds = rows.filter((r) => r.recipient_force === '46').map((r) => r.alert_id);
      await waitFor(() => kentIds.every((id) => watched.some((a) => a.alertId === id)), {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: "Kent's alerts on WatchAlerts",
      });
      expect(watched.filter((a) => kentIds.includes(a.alertId)).map((a) => a.alertType)).toContain(
        AlertType.ALERT_TYPE_INTEREST_IN_RESTRICTED_RECORD,
      );
      await waitFor(
        async () => {
          const { rows: unpublished } = await h.db.query(
            `SELECT 1 FROM alert WHERE alert_id = ANY($1::bigint[]) AND published_at IS NULL`,
            [rows.map((r) => r.alert_id)],
          );
          return unpublished.length === 0;
        },
        { timeoutMs: 30_000, intervalMs: 300, what: 'the alerts published to Kafka' },
      );
    } finally {
      await h.db.query(`GRANT UPDATE ON alert TO ${role}`);
      watch.cancel();
    }
  });

  it('given HUB_ANSWER_DETAIL=summary, then a caller that does not say gets the summary, and FULL still gives everything', async () => {
    await h.stopProcess();
    await h.startProcess({ HUB_ANSWER_DETAIL: 'summary' });
    let byDefault: Match | undefined;
    await waitFor(
      async () => {
        byDefault = await check('01')
          .then(theMatch)
          .catch(() => undefined);
        return byDefault !== undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the restarted hub answering' },
    );
    expect(absent(byDefault?.explanation)).toBe(true);
    expect(byDefault?.holdings.every((x) => absent(x.details))).toBe(true);
    expect(byDefault?.holdings.map((x) => x.forceCode).sort()).toEqual(['36', '46']);
    const full = theMatch(await check('01', AnswerDetail.ANSWER_DETAIL_FULL));
    expect(full.explanation?.fields.length).toBeGreaterThan(0);
    expect(full.holdings.find((x) => x.forceCode === '36')?.details?.nominalId).toBe(norfolk.id);
  });
});
