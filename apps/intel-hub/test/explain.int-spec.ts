import { createHash, randomUUID } from 'node:crypto';
import { AlertType, SubjectRole, Alert } from '@intel/contracts';
import {
  covertHandling,
  incidentRecord,
  lettersOnly,
  personRecord,
  pncId,
  randomSerial,
  waitFor,
} from '@intel/testing';
import { ForceNodeHarness } from '../../force-node/test/force-node.harness';
import { parseXml, type XmlElement } from './explain.fixture';
import { HubHarness } from './hub.harness';

// Link explanation, links, network and exports through the analysts' API: three force nodes and
// the hub as processes on the real PostgreSQL and Kafka. One person is held by Kent (46, P),
// the Met (01, P) and Norfolk (36, handling code C); an analyst of Kent sees Norfolk's record
// only as a hit everywhere, Norfolk's analyst sees it whole.
describe('analysts: explanation, network and exports (integration)', () => {
  const norfolk = new ForceNodeHarness('36');
  const met = new ForceNodeHarness('01');
  const kent = new ForceNodeHarness('46');
  const h = new HubHarness(
    'it_explain',
    'explain',
    { ANALYST_RATE_BURST: '200' },
    { analyst: true },
  );

  const tag = randomUUID().slice(0, 6);
  const family = lettersOnly(`Hendry${tag}`);
  const dob = { year: 1979, month: 3, day: 14 };
  const pnc = pncId(1979, randomSerial());
  const phone = `+4479111${String(randomSerial()).slice(0, 5)}`;
  const hostile = '=HYPERLINK("http://x","y")';
  const secret = lettersOnly(`covert${tag}`);
  const name = (given: string) => [{ given: [given], family, type: 'NAME_TYPE_BIRTH' as never }];
  const ids = { pnc: [{ scheme: 'IDENTIFIER_SCHEME_PNC' as never, value: pnc }] };
  const online = (kind: string, value: string, platform = '') => ({
    kind: kind as never,
    value,
    platform,
    observedAt: undefined,
  });

  let person = '';
  let other = '';
  const nominal = { kent: '', met: '', norfolk: '', otherMet: '' };
  const analysts = {
    kent: { sub: `kay.${tag}`, name: 'Kay Analyst', force: '46', roles: ['analyst'] },
    norfolk: { sub: `nora.${tag}`, name: 'Nora Analyst', force: '36', roles: ['analyst'] },
  };
  const session = {
    kent: { token: '', consultation: '' },
    norfolk: { token: '', consultation: '' },
  };

  beforeAll(async () => {
    await Promise.all([norfolk.start(), met.start(), kent.start()]);
    await h.start();
    const k = await kent.client.submitPerson(
      personRecord({
        sourceRecordId: `k-${tag}`,
        names: name('William'),
        dateOfBirth: dob,
        identifiers: ids.pnc,
        onlineIdentifiers: [
          online('ONLINE_IDENTIFIER_KIND_PHONE', phone),
          online('ONLINE_IDENTIFIER_KIND_USERNAME', hostile, 'Discord'),
        ],
      }),
    );
    const m = await met.client.submitPerson(
      personRecord({
        sourceRecordId: `m-${tag}`,
        names: name('Bill'),
        dateOfBirth: dob,
        identifiers: ids.pnc,
      }),
    );
    const n = await norfolk.client.submitPerson(
      personRecord({
        sourceRecordId: `n-${tag}`,
        names: name('William'),
        dateOfBirth: dob,
        identifiers: ids.pnc,
        onlineIdentifiers: [online('ONLINE_IDENTIFIER_KIND_USERNAME', secret, 'Discord')],
        handling: covertHandling(),
      }),
    );
    // Someone else sharing the Kent record's phone (depth 2).
    const o = await met.client.submitPerson(
      personRecord({
        sourceRecordId: `o-${tag}`,
        names: [
          {
            given: ['Zachary'],
            family: lettersOnly(`Quill${tag}`),
            type: 'NAME_TYPE_BIRTH' as never,
          },
        ],
        dateOfBirth: { year: 1990, month: 11, day: 2 },
        onlineIdentifiers: [online('ONLINE_IDENTIFIER_KIND_PHONE', phone)],
      }),
    );
    await kent.client.submitIncident(
      incidentRecord({
        sourceRecordId: `k-inc-${tag}`,
        subjects: [
          {
            personSourceSystem: 'niche-rms',
            personSourceRecordId: `k-${tag}`,
            role: SubjectRole.SUBJECT_ROLE_SUSPECT,
          },
        ],
      }),
    );
    Object.assign(nominal, {
      kent: k.nominalId,
      met: m.nominalId,
      norfolk: n.nominalId,
      otherMet: o.nominalId,
    });
    person = await h.personOf([
      ['46', k.nominalId],
      ['01', m.nominalId],
      ['36', n.nominalId],
    ]);
    other = await h.personOf([['01', o.nominalId]]);
    await waitFor(
      async () => {
        const { rows } = await h.db.query(`SELECT 1 FROM person_incident WHERE person_id = $1`, [
          person,
        ]);
        return rows.length > 0;
      },
      { timeoutMs: 120_000, intervalMs: 300, what: 'the incident on the person' },
    );
    for (const who of ['kent', 'norfolk'] as const) {
      const token = await h.mintToken(analysts[who]);
      session[who] = { token, consultation: await h.openConsultation(token) };
    }
  });
  afterAll(async () => {
    await h.stop();
    await Promise.all([norfolk.stop(), met.stop(), kent.stop()]);
  });

  const as = (who: 'kent' | 'norfolk') => session[who];
  const get = <T>(who: 'kent' | 'norfolk', path: string) => h.api<T>('GET', path, as(who));

  interface Node {
    id: string;
    type: string;
    label: string;
    hitOnly?: true;
  }
  interface NetworkBody {
    nodes: Node[];
    edges: { source: string; target: string; type: string }[];
  }
  interface LinksBody {
    nationalPersonId: string;
    links: { a: unknown; b: unknown; score: number | null; band: string | null }[];
  }
  interface Step {
    field: string;
    level: string;
    levelWeight: number;
    tfAdjustment: number;
    weight: number;
    running: number;
  }
  interface ExplanationBody {
    disclosure: 'FULL' | 'HIT_ONLY';
    prior: number;
    steps: Step[];
    total: number;
    thresholds: { link: number };
    band: string | null;
    link: { band: string | null } | null;
    records: Record<'a' | 'b', { nominalId: string; fields: Record<string, string[]> }>;
    differences: string[];
  }

  interface AuditRow {
    caller_force: string;
    caller_name: string;
    action: string;
    purpose_code: string;
    reason: string;
    request: Record<string, unknown> & { analyst?: { consultationId: string } };
    response: Record<string, unknown>;
    recipients: string[];
  }
  async function lastAudit(action: string): Promise<AuditRow> {
    const { rows } = await h.db.query<AuditRow>(
      `SELECT caller_force, caller_name, action, purpose_code, reason, request, response, recipients
       FROM audit_log WHERE action = $1 ORDER BY seq DESC LIMIT 1`,
      [action],
    );
    if (!rows[0]) throw new Error(`no audit entry ${action}`);
    return rows[0];
  }

  /** Nothing of Norfolk's C record: its nominal id, its username. */
  function expectNothingHidden(text: string) {
    expect(text).not.toContain(nominal.norfolk);
    expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
  }

  it("lists the person's links: Kent gets its own and the Met's with score and band, Norfolk's as a hit", async () => {
    const r = await get<LinksBody>('kent', `/persons/${person}/links`);
    expect(r.status).toBe(200);
    expect(r.body.nationalPersonId).toBe(person);
    const full = r.body.links.filter((l) => l.score !== null);
    expect(full).toContainEqual({
      a: expect.objectContaining({ forceCode: expect.any(String) }),
      b: expect.objectContaining({ forceCode: expect.any(String) }),
      score: expect.any(Number),
      band: expect.stringMatching(/^(CERTAIN|PROBABLE)$/),
    });
    expect(r.body.links).toContainEqual({
      a: {
        hitOnly: true,
        forceCode: '36',
        forceName: 'Norfolk',
        contact: 'Norfolk Force Intelligence Bureau',
      },
      b: null,
      score: null,
      band: null,
    });
    expectNothingHidden(JSON.stringify(r.body));
    const row = await lastAudit('Analyst.listLinks');
    expect(row).toMatchObject({ caller_force: '46', caller_name: `analyst:${analysts.kent.sub}` });
    expect(row.request.analyst?.consultationId).toBe(session.kent.consultation);
    // The C owner is told of the interest.
    expect(row.recipients).toContain('36');
    const own = await get<LinksBody>('norfolk', `/persons/${person}/links`);
    expect(JSON.stringify(own.body)).toContain(nominal.norfolk);
    expect(own.body.links.every((l) => l.score !== null)).toBe(true);
  });

  it('explains a link as a waterfall that adds up to the total and agrees with the band the engine gave', async () => {
    const r = await get<ExplanationBody>(
      'kent',
      `/explanations?a=46/${nominal.kent}&b=01/${nominal.met}`,
    );
    expect(r.status).toBe(200);
    const e = r.body;
    expect(e.disclosure).toBe('FULL');
    let running = e.prior;
    for (const s of e.steps) {
      expect(s.weight).toBeCloseTo(s.levelWeight + s.tfAdjustment, 9);
      running += s.weight;
      expect(s.running).toBeCloseTo(running, 9);
    }
    expect(e.total).toBeCloseTo(running, 9);
    expect(e.total).toBeGreaterThanOrEqual(e.thresholds.link);
    const { rows } = await h.db.query<{ band: string }>(
      `SELECT band FROM person_link WHERE (member_a, member_b) IN (($1, $2), ($2, $1))`,
      [`46:${nominal.kent}`, `01:${nominal.met}`],
    );
    expect(e.link?.band).toBe(rows[0]?.band.replace('MATCH_BAND_', ''));
    expect(e.band).toBe(e.link?.band);
    expect(e.records.a.fields.given).toEqual(['william']);
    expect(e.records.b.fields.given).toEqual(['bill']);
    expect(e.differences).toContain('given');
    expect(e.steps.find((s) => s.field === 'custodyId')?.level).toBe('exact');
    const row = await lastAudit('Analyst.explainLink');
    expect(row.response).toMatchObject({ disclosure: 'FULL', total: e.total, band: e.band });
  });

  it("refuses to compare with Norfolk's C record for Kent: hit only, no weights; Norfolk gets it", async () => {
    const path = `/explanations?a=46/${nominal.kent}&b=36/${nominal.norfolk}`;
    const r = await get<unknown>('kent', path);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      disclosure: 'HIT_ONLY',
      hitOnly: [
        { forceCode: '36', forceName: 'Norfolk', contact: 'Norfolk Force Intelligence Bureau' },
      ],
      auditRef: expect.any(String),
    });
    expect((await lastAudit('Analyst.explainLink')).response).toEqual({
      disclosure: 'HIT_ONLY',
      hitOnly: ['36'],
    });
    const own = await get<ExplanationBody>('norfolk', path);
    expect(own.body.disclosure).toBe('FULL');
    expect(own.body.records.b.nominalId).toBe(nominal.norfolk);
  });

  it('answers 404 for a record it does not hold, audited', async () => {
    const r = await get<unknown>('kent', `/explanations?a=46/${nominal.kent}&b=01/${randomUUID()}`);
    expect(r.status).toBe(404);
    expect((await lastAudit('Analyst.explainLink')).response).toEqual({ found: false });
  });

  it('draws the network with Norfolk as one hit-only node, nothing reached through it; depth 2 finds the phone sharer', async () => {
    const r = await get<NetworkBody>('kent', `/persons/${person}/network?depth=2`);
    expect(r.status).toBe(200);
    const nodeIds = r.body.nodes.map((n) => n.id);
    expect(nodeIds).toEqual(
      expect.arrayContaining([
        `person:${person}`,
        `record:46:${nominal.kent}`,
        `record:01:${nominal.met}`,
        `hit:${person}:36`,
        `identifier:phone:${phone}`,
        `person:${other}`,
        `record:01:${nominal.otherMet}`,
      ]),
    );
    expect(nodeIds.filter((id) => id.startsWith('incident:'))).toHaveLength(1);
    const hit = r.body.nodes.find((n) => n.id === `hit:${person}:36`);
    expect(hit).toEqual({
      id: `hit:${person}:36`,
      type: 'record',
      label: 'record held by Norfolk — contact Norfolk Force Intelligence Bureau',
      hitOnly: true,
    });
    expect(r.body.edges.filter((e) => [e.source, e.target].includes(hit?.id ?? '?'))).toHaveLength(
      2,
    );
    expectNothingHidden(JSON.stringify(r.body));
    const own = await get<NetworkBody>('norfolk', `/persons/${person}/network`);
    expect(own.body.nodes.map((n) => n.id)).toContain(`record:36:${nominal.norfolk}`);
    expect(JSON.stringify(own.body).toLowerCase()).toContain(secret.toLowerCase());
  });

  it('exports an i2 ANX chart that parses as XML, streamed, audited as its own consultation', async () => {
    const justification = {
      purposeCode: 'BRINGING_OFFENDERS_TO_JUSTICE',
      reason: 'Chart for the case file of Operation Alder',
      operationRef: `OP-ALDER-${tag}`,
    };
    const r = await h.api('POST', '/exports', {
      ...as('kent'),
      body: { format: 'anx', nationalPersonId: person, depth: 1, justification },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe(
      `attachment; filename="network-${person}.anx"`,
    );
    const xml = r.body as string;
    const chart = parseXml(xml).documentElement;
    expect(chart.nodeName).toBe('Chart');
    const identities = entities(chart).map((e) => e.getAttribute('Identity'));
    expect(identities).toContain(`hit:${person}:36`);
    expect(identities).toContain(`record:46:${nominal.kent}`);
    expectNothingHidden(xml);
    const row = await lastAudit('Analyst.createExport');
    expect(row).toMatchObject({
      caller_force: '46',
      purpose_code: 'PURPOSE_CODE_BRINGING_OFFENDERS_TO_JUSTICE',
      reason: justification.reason,
    });
    expect(row.request).toMatchObject({
      format: 'anx',
      sessionConsultationId: session.kent.consultation,
    });
    const exportId = row.request.analyst?.consultationId ?? '';
    expect(exportId).not.toBe(session.kent.consultation);
    expect(row.response).toMatchObject({
      sha256: createHash('sha256').update(xml, 'utf8').digest('hex'),
      bytes: Buffer.byteLength(xml, 'utf8'),
    });
    expect(r.headers.get('x-audit-ref')).toBe(
      String((await auditSeq('Analyst.createExport')) ?? ''),
    );
    // Its own consultation justifies this export only: no read can name it.
    const reuse = await h.api('GET', `/persons/${person}/links`, {
      token: session.kent.token,
      consultation: exportId,
    });
    expect(reuse.status).toBe(428);
  });

  it('exports CSV that neutralises the hostile username end to end, and shows Norfolk only as a hit', async () => {
    const r = await h.api('POST', '/exports', {
      ...as('kent'),
      body: {
        format: 'csv',
        nationalPersonId: person,
        justification: {
          purposeCode: 'PREVENTING_OFFENCES',
          reason: 'Spreadsheet for the intelligence cell',
        },
      },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const csv = r.body as string;
    const cells = csv.split('\r\n').flatMap((line) => line.match(/"(?:[^"]|"")*"/g) ?? []);
    const values = cells.map((c) => c.slice(1, -1).replace(/""/g, '"'));
    expect(values).toContain(`'${hostile.toLowerCase()} (discord)`);
    expect(values).toContain(`'${phone}`);
    for (const v of values) expect(v).not.toMatch(/^[=+\-@\t\r]/);
    expect(values).toContain('record held by Norfolk — contact Norfolk Force Intelligence Bureau');
    expectNothingHidden(csv);
  });

  it('refuses an export without its own justification (400) or without a consultation (428)', async () => {
    const body = { format: 'csv', nationalPersonId: person };
    expect((await h.api('POST', '/exports', { ...as('kent'), body })).status).toBe(400);
    const r = await h.api('POST', '/exports', {
      token: session.kent.token,
      body: {
        ...body,
        justification: { purposeCode: 'PREVENTING_OFFENCES', reason: 'Spreadsheet for the cell' },
      },
    });
    expect(r.status).toBe(428);
  });

  it("tells Norfolk of Kent's interest in the person its C record belongs to", async () => {
    const { rows } = await h.db.query<{ payload: Buffer }>(
      `SELECT payload FROM alert WHERE recipient_force = '36' AND person_id = $1`,
      [person],
    );
    const interest = rows
      .map((x) => Alert.decode(x.payload))
      .filter((a) => a.alertType === AlertType.ALERT_TYPE_INTEREST_IN_RESTRICTED_RECORD);
    expect(interest.length).toBeGreaterThanOrEqual(1);
  });

  function entities(chart: XmlElement): XmlElement[] {
    const items =
      chart.childNodes.find((c) => c.nodeName === 'ChartItemCollection')?.childNodes ?? [];
    return items
      .flatMap((i) => i.childNodes.filter((c) => c.nodeName === 'End'))
      .flatMap((e) => e.childNodes.filter((c) => c.nodeName === 'Entity'));
  }

  async function auditSeq(action: string): Promise<string | undefined> {
    const { rows } = await h.db.query<{ seq: string }>(
      `SELECT seq::text FROM audit_log WHERE action = $1 ORDER BY seq DESC LIMIT 1`,
      [action],
    );
    return rows[0]?.seq;
  }
});
