import { randomUUID } from 'node:crypto';
import { PurposeCode } from '@intel/contracts';
import { covertHandling, lettersOnly, personRecord, pncId, randomSerial } from '@intel/testing';
import { ForceNodeHarness } from '../../force-node/test/force-node.harness';
import type { AnalystHttpResponse } from './analyst-http';
import { HubHarness } from './hub.harness';

// The auditors' screen and the alerts inbox over HTTP, in the hub process, on the real
// PostgreSQL and Kafka with force nodes publishing: Norfolk (36) holds a subject under handling
// code C, Kent (46) under P. Kent's analyst reads the dossier (Norfolk's record a hit only, and
// Norfolk told); Norfolk's system checks over gRPC. The NCA (91) audits nationally.
describe("analysts' API: audit viewer and alerts inbox (integration: force nodes + hub)", () => {
  const norfolk = new ForceNodeHarness('36');
  const kent = new ForceNodeHarness('46');
  const h = new HubHarness(
    'it_analyst_audit',
    'analyst-audit',
    { ANALYST_NATIONAL_AUDITOR_FORCES: '91', ANALYST_RATE_BURST: '200' },
    { analyst: true },
  );
  const tag = randomUUID().slice(0, 6);
  const kentAnalyst = {
    sub: `kent.analyst.${tag}`,
    name: 'Kim Kent',
    force: '46',
    roles: ['analyst'],
  };
  const norfolkAnalyst = {
    sub: `norfolk.analyst.${tag}`,
    name: 'Nat Norfolk',
    force: '36',
    roles: ['analyst'],
  };
  const auditors = {
    national: { sub: 'nca.auditor', name: 'Nia National', force: '91', roles: ['auditor'] },
    norfolk: { sub: 'norfolk.auditor', name: 'Noa Norfolk', force: '36', roles: ['auditor'] },
    kent: { sub: 'kent.auditor', name: 'Kai Kent', force: '46', roles: ['auditor'] },
  };
  let personId = '';
  let norfolkNominal = '';
  let dossierRef = '';
  let checkRef = '';

  /** A user's token and an open consultation of theirs. */
  async function session(user: typeof kentAnalyst) {
    const token = await h.mintToken(user);
    return {
      token,
      consultation: await h.openConsultation(token, 'Complaint 2026/14: audit of access'),
    };
  }

  beforeAll(async () => {
    await Promise.all([norfolk.start(), kent.start()]);
    await h.start();
    const pnc = pncId(1977, randomSerial());
    const names = [
      { given: ['Corin'], family: lettersOnly(`Vale${tag}`), type: 'NAME_TYPE_BIRTH' as never },
    ];
    const common = {
      names,
      dateOfBirth: { year: 1977, month: 4, day: 9 },
      identifiers: [{ scheme: 'IDENTIFIER_SCHEME_PNC' as never, value: pnc }],
    };
    const nf = await norfolk.client.submitPerson(
      personRecord({ ...common, sourceRecordId: `nf-${tag}`, handling: covertHandling() }),
    );
    const kt = await kent.client.submitPerson(
      personRecord({ ...common, sourceRecordId: `kt-${tag}` }),
    );
    norfolkNominal = nf.nominalId;
    personId = await h.personOf([
      ['36', nf.nominalId],
      ['46', kt.nominalId],
    ]);

    // Kent's analyst reads the dossier: Norfolk's record is a hit only, and Norfolk is told.
    const kentSession = await session(kentAnalyst);
    const dossier = await h.api('GET', `/persons/${personId}`, kentSession);
    expect(dossier.status).toBe(200);
    const norfolkHolding = (
      dossier.body.holdings as Array<{ forceCode: string; disclosure: string }>
    ).find((x) => x.forceCode === '36');
    expect(norfolkHolding?.disclosure).toBe('HIT_ONLY');
    dossierRef = dossier.body.auditRef as string;
    // Norfolk's own system checks by gRPC.
    const check = await h.as('36').checkPerson({
      person: { ...common, sex: 'SEX_MALE' as never, onlineIdentifiers: [], addresses: [] },
      justification: {
        purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
        reason: 'Norfolk FIB: routine check of a covert subject',
        operationRef: `OP-N-${tag}`,
      },
      maxResults: 5,
    });
    checkRef = check.auditRef;
  }, 240_000);
  afterAll(async () => {
    await h.stop();
    await Promise.all([norfolk.stop(), kent.stop()]);
  });

  interface Entry {
    seq: string;
    action: string;
    view: string;
    caller: Record<string, unknown>;
    reason?: string;
    persons: string[];
    records: Array<{ forceCode: string; id: string }>;
  }
  const entries = (r: AnalystHttpResponse) => r.body.items as Entry[];
  const bySeq = (r: AnalystHttpResponse, seq: string) => entries(r).find((e) => e.seq === seq);

  describe('audit viewer', () => {
    it('a dossier read and a gRPC check show up under the person, and the read under the user', async () => {
      const s = await session(auditors.national);
      const byPerson = await h.api('GET', `/audit/entries?person=${personId}`, s);
      expect(byPerson.status).toBe(200);
      expect(byPerson.body.scope).toEqual({ force: '91', national: true });
      expect(bySeq(byPerson, dossierRef)).toMatchObject({
        action: 'GetPerson',
        view: 'national',
        caller: { force: '46', kind: 'analyst', sub: kentAnalyst.sub, displayName: 'Kim Kent' },
      });
      expect(bySeq(byPerson, checkRef)).toMatchObject({
        action: 'CheckPerson',
        caller: { force: '36', kind: 'system' },
        reason: 'Norfolk FIB: routine check of a covert subject',
      });
      const seqs = entries(byPerson).map((e) => Number(e.seq));
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a));

      const byUser = await h.api(
        'GET',
        `/audit/entries?user=${encodeURIComponent(`analyst:${kentAnalyst.sub}`)}`,
        s,
      );
      expect(entries(byUser).map((e) => e.action)).toEqual(
        expect.arrayContaining(['GetPerson', 'Analyst.openConsultation']),
      );
      expect(bySeq(byUser, dossierRef)?.persons).toContain(personId);

      // Viewing the audit is itself audited, naming the person asked about.
      const { rows } = await h.db.query<{
        action: string;
        caller_name: string;
        request: { nationalPersonId: string };
      }>(
        `SELECT action, caller_name, request FROM audit_log WHERE action = 'Analyst.listAuditEntries' ORDER BY seq`,
      );
      expect(rows[0]).toMatchObject({
        caller_name: 'analyst:nca.auditor',
        request: { nationalPersonId: personId },
      });
      const again = await h.api('GET', `/audit/entries?person=${personId}`, s);
      expect(entries(again)[0]).toMatchObject({
        action: 'Analyst.listAuditEntries',
        caller: { sub: 'nca.auditor' },
      });
    });

    it("a force auditor sees its own force's entries, and another force's read of its C record only as told", async () => {
      const n = await h.api(
        'GET',
        `/audit/entries?person=${personId}`,
        await session(auditors.norfolk),
      );
      expect(n.status).toBe(200);
      expect(bySeq(n, checkRef)).toMatchObject({
        view: 'own',
        reason: expect.stringContaining('Norfolk FIB'),
      });
      const told = bySeq(n, dossierRef);
      expect(told).toMatchObject({
        view: 'told',
        caller: { force: '46', kind: 'analyst' },
        persons: [personId],
      });
      expect(told?.records.every((r) => r.forceCode === '36')).toBe(true);
      expect(JSON.stringify(told)).not.toMatch(new RegExp(`${kentAnalyst.sub}|Kim Kent|Complaint`));
      expect(told?.reason).toBeUndefined();

      const k = await h.api(
        'GET',
        `/audit/entries?person=${personId}`,
        await session(auditors.kent),
      );
      expect(bySeq(k, dossierRef)).toMatchObject({ view: 'own' });
      // Norfolk's check told Kent nothing: not Kent's to see, and Norfolk's nominal is nowhere.
      expect(bySeq(k, checkRef)).toBeUndefined();
      expect(JSON.stringify(k.body)).not.toContain(norfolkNominal);
      // Nor may Kent's auditor look up Norfolk's callers by name.
      const other = await h.api(
        'GET',
        `/audit/entries?user=${encodeURIComponent(`analyst:${norfolkAnalyst.sub}`)}`,
        await session(auditors.kent),
      );
      expect(entries(other)).toEqual([]);
    });

    it('pages newest first with an opaque cursor, and refuses a forged one and bad input with a 400', async () => {
      const s = await session(auditors.national);
      const all = entries(await h.api('GET', '/audit/entries?limit=200', s)).map((e) => e.seq);
      const seen: string[] = [];
      let cursor = '';
      for (let i = 0; i < 50; i++) {
        const r = await h.api(
          'GET',
          `/audit/entries?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
          s,
        );
        expect(r.status).toBe(200);
        seen.push(...entries(r).map((e) => e.seq));
        if (!r.body.nextCursor) break;
        cursor = r.body.nextCursor as string;
      }
      // Listing appends entries as it goes: the pages hold every entry the first listing held.
      expect(seen).toEqual(expect.arrayContaining(all));
      expect(new Set(seen).size).toBe(seen.length);
      for (const q of [
        'cursor=bm9wZQ',
        'person=nope',
        'limit=0',
        'limit=201',
        'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
        'extra=1',
      ]) {
        const r = await h.api('GET', `/audit/entries?${q}`, s);
        expect(r.status).toBe(400);
        expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    });

    it('an analyst of force 36 gets 403 on the audit routes, audited', async () => {
      const s = await session(norfolkAnalyst);
      expect((await h.api('GET', `/audit/entries?person=${personId}`, s)).status).toBe(403);
      const v = await h.api('POST', '/audit/verify', { ...s, body: { fromSeq: 1, toSeq: 10 } });
      expect(v.status).toBe(403);
      const { rows } = await h.db.query<{ action: string; caller_name: string }>(
        `SELECT action, caller_name FROM audit_log ORDER BY seq DESC LIMIT 1`,
      );
      expect(rows[0]).toEqual({
        action: 'Analyst.verifyAudit',
        caller_name: `analyst:${norfolkAnalyst.sub}`,
      });
    });

    it('verify reports ok, then the first bad seq after a superuser alters a row', async () => {
      const s = await session(auditors.norfolk);
      const head = Number(dossierRef) + 3;
      const ok = await h.api('POST', '/audit/verify', { ...s, body: { fromSeq: 1, toSeq: head } });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ ok: true, fromSeq: 1, toSeq: head, firstBadSeq: null });
      const bad = Number(dossierRef);
      await h.db.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change');
      try {
        await h.db.query(`UPDATE audit_log SET reason = 'nothing to see' WHERE seq = $1`, [bad]);
      } finally {
        await h.db.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change');
      }
      const broken = await h.api('POST', '/audit/verify', {
        ...s,
        body: { fromSeq: 1, toSeq: head },
      });
      expect(broken.body).toMatchObject({ ok: false, firstBadSeq: bad });
      expect(broken.body.problems[0].problem).toContain('altered');
      const tooMany = await h.api('POST', '/audit/verify', {
        ...s,
        body: { fromSeq: 1, toSeq: 10_000_000 },
      });
      expect(tooMany.status).toBe(400);
    });
  });

  describe('alerts inbox', () => {
    interface InboxAlert {
      alertId: string;
      alertType: string;
      nationalPersonId: string;
      summary: string;
      records: Array<{ forceCode: string; id: string }>;
      acknowledged: { sub: string; at: string } | null;
    }
    const items = (r: AnalystHttpResponse) => r.body.items as InboxAlert[];

    it("Norfolk's inbox holds the interest in its C record, told only that Kent matched it", async () => {
      const s = await session(norfolkAnalyst);
      const r = await h.api('GET', '/alerts', s);
      expect(r.status).toBe(200);
      const interest = items(r).find(
        (a) => a.nationalPersonId === personId && a.alertType === 'INTEREST_IN_RESTRICTED_RECORD',
      );
      expect(interest).toBeDefined();
      expect(interest?.records).toEqual([
        { forceCode: '36', entity: 'nominal', id: norfolkNominal },
      ]);
      expect(interest?.summary).toContain('Force 46');
      expect(interest?.summary).not.toContain(kentAnalyst.sub);
      // Kent's inbox never names Norfolk's C record.
      const kentInbox = await h.api('GET', '/alerts', await session(kentAnalyst));
      expect(kentInbox.status).toBe(200);
      expect(JSON.stringify(kentInbox.body)).not.toContain(norfolkNominal);
      // Reading the inbox needs a consultation, and is audited with what it showed.
      expect((await h.api('GET', '/alerts', { token: s.token })).status).toBe(428);
    });

    it('is acknowledged once, listed as acknowledged, and another force cannot (404, audited)', async () => {
      const s = await session(norfolkAnalyst);
      const open = items(await h.api('GET', '/alerts?unacknowledged=true', s));
      const alert = open.find((a) => a.nationalPersonId === personId)!;
      const first = await h.api('POST', `/alerts/${alert.alertId}/acknowledge`, s);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        acknowledgedNow: true,
        alert: { acknowledged: { sub: norfolkAnalyst.sub } },
      });
      const again = await h.api('POST', `/alerts/${alert.alertId}/acknowledge`, s);
      expect(again.body).toMatchObject({
        acknowledgedNow: false,
        alert: { acknowledged: first.body.alert.acknowledged },
      });

      const after = items(await h.api('GET', '/alerts?unacknowledged=true', s));
      expect(after.map((a) => a.alertId)).not.toContain(alert.alertId);
      const listed = items(await h.api('GET', '/alerts', s)).find(
        (a) => a.alertId === alert.alertId,
      );
      expect(listed?.acknowledged).toEqual(first.body.alert.acknowledged);

      const kentTry = await h.api(
        'POST',
        `/alerts/${alert.alertId}/acknowledge`,
        await session(kentAnalyst),
      );
      expect(kentTry.status).toBe(404);
      const { rows } = await h.db.query<{
        caller_force: string;
        action: string;
        response: unknown;
      }>(`SELECT caller_force, action, response FROM audit_log ORDER BY seq DESC LIMIT 1`);
      expect(rows[0]).toEqual({
        caller_force: '46',
        action: 'Analyst.acknowledgeAlert',
        response: { found: false },
      });
      expect((await h.api('POST', '/alerts/abc/acknowledge', s)).status).toBe(400);
    });
  });
});
