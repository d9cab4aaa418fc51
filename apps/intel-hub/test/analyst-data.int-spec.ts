import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import {
  EventType,
  IdentifierScheme,
  NameType,
  OnlineIdentifierKind,
  PurposeCode,
  Sex,
  type NominalState,
} from '@intel/contracts';
import { covertHandling, lettersOnly, pncId, randomSerial, waitFor } from '@intel/testing';
import { matchJson } from '../src/analyst/persons/person-json';
import { checkPersonRequest } from '../src/analyst/persons/search-request';
import { ForceRecords } from './force-records.fixture';
import { HubHarness } from './hub.harness';

interface Holding {
  forceCode: string;
  disclosure: string;
  nominalId?: string;
  name?: string;
  dateOfBirth?: string;
  names?: unknown[];
  grading?: unknown;
  handlingCode?: string;
}

// The analysts' data routes on the real hub (real PostgreSQL, real Kafka, signed force events):
// search, identifier look-up, dossier and incidents read through IntelQueryService with the
// analyst as the caller, so another force's C record is a hit only and every read is one audit
// entry naming the user.
describe("analysts' API: search, dossier and incidents (integration)", () => {
  const h = new HubHarness('it_analyst_data', 'analyst-data', {}, { analyst: true });
  const tag = randomUUID().slice(0, 6);
  const family = lettersOnly(`Hendry${tag}`);
  const pnc = pncId(1979, randomSerial());
  const phone = `+4479111${String(randomSerial()).slice(0, 5)}`;
  const ids = { norfolk: `nf-${tag}`, met: `met-${tag}`, kent: `kent-${tag}` };
  const records = new ForceRecords(`analyst-${tag}`);
  let personId = '';

  const nominal = (nominalId: string, extra: Partial<NominalState>) =>
    records.nominal(
      nominalId,
      {
        names: [{ given: ['William'], family, type: NameType.NAME_TYPE_BIRTH }],
        datesOfBirth: [{ year: 1979, month: 3, day: 14 }],
        sex: Sex.SEX_MALE,
        identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: pnc }],
      },
      extra,
    );
  const incident = (incidentId: string, nominalId: string) =>
    records.incident(incidentId, nominalId);
  const publish = (force: string, type: EventType, id: string, payload: object) =>
    records.publish(force, type, id, payload);

  beforeAll(async () => {
    await h.start();
    await publish('36', EventType.EVENT_TYPE_NOMINAL_UPSERTED, ids.norfolk, {
      nominal: nominal(ids.norfolk, {
        registrations: [
          {
            active: true,
            managingForce: '36',
            startDate: { year: 2020, month: 1, day: 1 },
            endDate: undefined,
            visorRef: `V${randomSerial()}`,
          },
        ],
        onlineIdentifiers: [
          {
            kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PHONE,
            platform: '',
            value: phone,
            observedAt: undefined,
          },
        ],
      }),
    });
    await publish('01', EventType.EVENT_TYPE_NOMINAL_UPSERTED, ids.met, {
      nominal: nominal(ids.met, {}),
    });
    await publish('46', EventType.EVENT_TYPE_NOMINAL_UPSERTED, ids.kent, {
      nominal: nominal(ids.kent, { handling: covertHandling() }),
    });
    for (const n of [1, 2])
      await publish('36', EventType.EVENT_TYPE_INCIDENT_UPSERTED, `inc-${n}-${tag}`, {
        incident: incident(`inc-${n}-${tag}`, ids.norfolk),
      });
    await waitFor(
      async () => {
        const { rows } = await h.db.query<{
          person_id: string;
          n: string;
          flags: string;
          incidents: string;
        }>(
          `SELECT m.person_id, count(*)::text AS n,
             (SELECT count(*) FROM person_flag f WHERE f.person_id = m.person_id)::text AS flags,
             (SELECT count(*) FROM person_incident i WHERE i.person_id = m.person_id)::text AS incidents
           FROM person_member m WHERE m.nominal_id = ANY($1) GROUP BY m.person_id`,
          [Object.values(ids)],
        );
        personId = rows[0]?.person_id ?? '';
        return (
          rows.length === 1 &&
          rows[0]?.n === '3' &&
          rows[0]?.flags !== '0' &&
          rows[0]?.incidents === '2'
        );
      },
      {
        timeoutMs: 120_000,
        intervalMs: 300,
        what: 'one flagged national person of the three records',
      },
    );
  });
  afterAll(async () => {
    await records.close();
    await h.stop();
  });

  async function as(force: string, roles = ['analyst']) {
    const token = await h.mintToken({ sub: `analyst.${force}.${tag}`, force, roles });
    return { token, consultation: await h.openConsultation(token) };
  }
  async function auditRows(action: string, sub: string) {
    const { rows } = await h.db.query<{
      caller_force: string;
      caller_name: string;
      purpose_code: string;
      request: { analyst?: { sub: string; roles: string[]; consultationId: string } };
    }>(
      `SELECT caller_force, caller_name, purpose_code, request FROM audit_log
       WHERE action = $1 AND caller_name = $2 ORDER BY seq`,
      [action, `analyst:${sub}`],
    );
    return rows;
  }

  it('given a search by name and date of birth, then the RSO is found with its flag and every holding force; Kent’s C record is a hit only', async () => {
    const met = await as('01');
    const r = await h.api('POST', '/persons/search', {
      ...met,
      body: { names: [{ given: 'William', family }], dateOfBirth: '1979-03-14', maxResults: 5 },
    });
    expect(r.status).toBe(200);
    const hit = (
      r.body.results as Array<{
        nationalPersonId: string;
        band: string;
        flags: Array<{ type: string }>;
        holdings: Holding[];
      }>
    ).find((x) => x.nationalPersonId === personId);
    expect(hit?.flags.map((f) => f.type)).toContain('REGISTERED_SEX_OFFENDER');
    expect(['CERTAIN', 'PROBABLE']).toContain(hit?.band);
    const byForce = Object.fromEntries((hit?.holdings ?? []).map((x) => [x.forceCode, x]));
    expect(byForce['36']).toMatchObject({
      disclosure: 'FULL',
      nominalId: ids.norfolk,
      dateOfBirth: '1979-03-14',
    });
    expect(byForce['46']).toEqual({
      forceCode: '46',
      forceName: 'Kent',
      disclosure: 'HIT_ONLY',
      contact: 'Kent Force Intelligence Bureau',
    });
    expect(r.body.auditRef).toEqual(expect.any(String));
  });

  it('given the phone number, then the identifier look-up finds the person', async () => {
    const r = await h.api('POST', '/identifiers/lookup', {
      ...(await as('36')),
      body: { onlineIdentifiers: [{ kind: 'PHONE', value: phone }] },
    });
    expect(r.status).toBe(200);
    expect(r.body.results[0].identifier).toMatchObject({ kind: 'PHONE', value: phone });
    expect(
      (r.body.results[0].matches as Array<{ nationalPersonId: string }>).map(
        (m) => m.nationalPersonId,
      ),
    ).toContain(personId);
  });

  it('given an identifier look-up, then each identifier says how many persons hold it and whether the list was cut', async () => {
    const r = await h.api('POST', '/identifiers/lookup', {
      ...(await as('01')),
      body: {
        onlineIdentifiers: [
          { kind: 'PHONE', value: phone },
          { kind: 'EMAIL', value: `nobody.${tag}@example.org` },
        ],
      },
    });
    expect(r.status).toBe(200);
    expect(
      (
        r.body.results as Array<{ totalMatches: number; truncated: boolean; matches: unknown[] }>
      ).map((x) => [x.totalMatches, x.truncated, x.matches.length]),
    ).toEqual([
      [1, false, 1],
      [0, false, 0],
    ]);
  });

  it("given a dossier read, then FULL holdings carry grading and handling, Kent's C record nothing, and the read is one audit entry naming the analyst", async () => {
    const met = await as('01');
    const sub = `analyst.01.${tag}`;
    const before = (await auditRows('GetPerson', sub)).length;
    const r = await h.api('GET', `/persons/${personId}`, met);
    expect(r.status).toBe(200);
    const byForce = Object.fromEntries((r.body.holdings as Holding[]).map((x) => [x.forceCode, x]));
    expect(byForce['01']).toMatchObject({
      disclosure: 'FULL',
      grading: { scheme: '3X5X2', source: '1', intelligence: 'A', handling: 'P' },
      handlingCode: 'P',
    });
    expect(byForce['46']).toEqual({
      forceCode: '46',
      forceName: 'Kent',
      disclosure: 'HIT_ONLY',
      contact: 'Kent Force Intelligence Bureau',
    });
    expect(JSON.stringify(r.body)).not.toContain(ids.kent);
    expect((r.body.flags as Array<{ type: string }>).map((f) => f.type)).toContain(
      'REGISTERED_SEX_OFFENDER',
    );
    const rows = await auditRows('GetPerson', sub);
    expect(rows.length).toBe(before + 1);
    expect(rows[rows.length - 1]).toMatchObject({
      caller_force: '01',
      purpose_code: 'PURPOSE_CODE_PREVENTING_OFFENCES',
      request: { analyst: { sub, roles: ['analyst'], consultationId: met.consultation } },
    });
  });

  it('given the owning force, then its own C record is shown in full', async () => {
    const r = await h.api('GET', `/persons/${personId}`, await as('46'));
    const kent = (r.body.holdings as Holding[]).find((x) => x.forceCode === '46');
    expect(kent).toMatchObject({ disclosure: 'FULL', nominalId: ids.kent, handlingCode: 'C' });
  });

  it('given incidents, then they come a page at a time with an opaque cursor', async () => {
    const who = await as('36');
    const first = await h.api('GET', `/persons/${personId}/incidents?limit=1`, who);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0]).toMatchObject({
      forceCode: '36',
      available: true,
      category: 'ONLINE_GROOMING',
    });
    const second = await h.api(
      'GET',
      `/persons/${personId}/incidents?limit=1&cursor=${encodeURIComponent(first.body.nextCursor as string)}`,
      who,
    );
    expect(second.body.items[0].incidentId).not.toBe(first.body.items[0].incidentId);
    expect(second.body.nextCursor).toBeNull();
  });

  it('given a bad PNC in a search, then 400 names pnc', async () => {
    const r = await h.api('POST', '/persons/search', {
      ...(await as('36')),
      body: { pnc: '79/1234567Q' },
    });
    expect(r.status).toBe(400);
    expect((r.body.errors as Array<{ field: string }>).map((e) => e.field)).toContain('pnc');
  });

  it('given the same searches, dossiers and refusals through the direct routes and through express and Nest, then the answers are the same bytes and headers', async () => {
    // `/persons/search` and `/persons/{id}` are answered by their direct routes
    // (http/direct-route.ts); the same paths with an empty query string go through express's
    // router and Nest as before.
    const met = await as('01');
    const send = (path: string, headers: Record<string, string>, body: string, method = 'POST') =>
      new Promise<{ status: number; headers: string[][]; body: string }>((resolve, reject) => {
        // The path as given (a URL would drop an empty query string).
        const { hostname, port } = new URL(h.analystUrl);
        const target = { hostname, port, path: `/api/v1${path}`, method, headers };
        const r = request(target, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const raw = res.rawHeaders;
            const pairs = raw.flatMap((k, i) => (i % 2 === 0 ? [[k, raw[i + 1] as string]] : []));
            resolve({
              status: res.statusCode ?? 0,
              // What differs by request: its time, its correlation id and audit reference.
              headers: pairs.map(([k, v]) =>
                /^(date|x-correlation-id|content-length)$/i.test(k as string)
                  ? [k as string]
                  : [k as string, v as string],
              ),
              body: Buffer.concat(chunks)
                .toString('utf8')
                .replace(/"auditRef":"[^"]*"/, '"auditRef":"…"')
                .replace(/"correlationId":"[^"]*"/, '"correlationId":"…"'),
            });
          });
        });
        r.on('error', reject);
        r.end(body);
      });
    const json = { 'content-type': 'application/json' };
    const auth = { ...json, authorization: `Bearer ${met.token}` };
    const justified = { ...auth, 'x-consultation-id': met.consultation };
    const cases: [Record<string, string>, unknown][] = [
      [
        justified,
        { names: [{ given: 'William', family }], dateOfBirth: '1979-03-14', maxResults: 5 },
      ],
      [justified, { names: [{ family }], pnc }],
      [justified, { names: [{ family }], colour: 'red' }],
      [justified, { pnc: '79/1234567Q' }],
      [auth, { names: [{ family }] }],
      [json, { names: [{ family }] }],
    ];
    for (const [headers, body] of cases) {
      const text = JSON.stringify(body);
      const direct = await send('/persons/search', headers, text);
      const nest = await send('/persons/search?', headers, text);
      expect(direct).toEqual(nest);
    }
    const found = await send('/persons/search', justified, JSON.stringify(cases[0]?.[1]));
    expect(found.status).toBe(200);
    expect(found.body).toContain(personId);
    const reads: [Record<string, string>, string, number][] = [
      [justified, personId, 200],
      [justified, randomUUID(), 404],
      [justified, 'not-a-uuid', 400],
      [auth, personId, 428],
      [{}, personId, 401],
    ];
    for (const [headers, id, status] of reads) {
      const direct = await send(`/persons/${id}`, headers, '', 'GET');
      const nest = await send(`/persons/${id}?`, headers, '', 'GET');
      expect(direct.status).toBe(status);
      expect(direct).toEqual(nest);
    }
  });

  it('given a search, then its answer is the bytes the gRPC path’s explained CheckPerson answer makes, and its audit entry records the same response', async () => {
    // The search asks the engine for no explanation (the list shows none): what it answers and
    // audits must be what the full, explained CheckPerson gives the same force.
    const met = await as('01');
    const body = {
      names: [{ given: 'William', family }],
      dateOfBirth: '1979-03-14',
      maxResults: 5,
    };
    const r = await h.api('POST', '/persons/search', { ...met, body });
    expect(r.status).toBe(200);
    const justification = {
      purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
      reason: 'the same search over gRPC',
      operationRef: '',
    };
    const grpc = await h.as('01').checkPerson(checkPersonRequest(body, justification).request);
    expect(grpc.matches.length).toBeGreaterThan(0);
    expect(grpc.matches.every((m) => (m.explanation?.fields.length ?? 0) > 0)).toBe(true);
    const { auditRef, ...answer } = r.body as { auditRef: string };
    expect(JSON.stringify(answer)).toBe(JSON.stringify({ results: grpc.matches.map(matchJson) }));
    const { rows } = await h.db.query<{ response: unknown }>(
      `SELECT response FROM audit_log WHERE seq = ANY($1::bigint[]) ORDER BY seq`,
      [[auditRef, grpc.auditRef]],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]?.response).toEqual(rows[1]?.response);
  });

  it('given an auditor-only token, then search is refused (403)', async () => {
    const auditor = await as('36', ['auditor']);
    const r = await h.api('POST', '/persons/search', { ...auditor, body: { names: [{ family }] } });
    expect(r.status).toBe(403);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('given the page asking how to sign in, then the issuer without a token', async () => {
    const r = await h.api('GET', '/auth-config');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ issuer: h.issuer?.issuer, audience: 'intel-analyst-api', dev: false });
  });
});
