import type { AnalystHttpResponse } from './analyst-http';
import { HubHarness } from './hub.harness';

interface FieldError {
  field: string;
  message: string;
}

// The analysts' HTTP API in the hub process (real PostgreSQL, real Kafka, the hub as its own
// process): identity, roles, justification, validation, the rate limit and security headers,
// every refusal as RFC 9457 problem+json and in the audit chain.
describe("analysts' API: identity, justification and refusals (integration)", () => {
  const h = new HubHarness(
    'it_analyst_api',
    'analyst-api',
    { ANALYST_RATE_BURST: '40' },
    { analyst: true },
  );
  const analyst36 = { sub: 'alice.36', name: 'Alice Analyst', force: '36', roles: ['analyst'] };
  const someone = '9b2f7f3e-2b6a-4c8e-9d8e-1f2a3b4c5d6e';

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  interface AuditRow {
    caller_force: string;
    caller_name: string;
    action: string;
    purpose_code: string;
    reason: string;
    request: {
      claimed?: Record<string, string>;
      analyst?: { sub: string; name: string; roles: string[]; consultationId: string | null };
    };
    response: { refused: { code: string; errors: FieldError[] } };
  }
  async function lastAudit(): Promise<AuditRow> {
    const { rows } = await h.db.query<AuditRow>(
      `SELECT caller_force, caller_name, action, purpose_code, reason, request, response
       FROM audit_log ORDER BY seq DESC LIMIT 1`,
    );
    return rows[0] as AuditRow;
  }

  function expectProblem(r: AnalystHttpResponse, status: number) {
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ status, type: expect.stringMatching(/^urn:intel:problem:/) });
    expect(JSON.stringify(r.body)).not.toMatch(/at .*\.(js|ts):\d+/);
  }

  describe('identity (401 with a Bearer challenge)', () => {
    it('given no token, then 401 and the refusal is audited with what it claimed', async () => {
      const r = await h.api('GET', '/me');
      expectProblem(r, 401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer /);
      const row = await lastAudit();
      expect(row).toMatchObject({ action: 'Analyst.getMe', caller_force: '', caller_name: '' });
      expect(row.request.claimed).toEqual({ token: 'none' });
      expect(row.response.refused.code).toBe('HTTP_401');
    });

    it('given a bad signature, a wrong issuer or an expired token, then 401 invalid_token', async () => {
      const tokens = [
        await h.mintToken({ ...analyst36, sub: 'mallory' }, { foreignKey: true }),
        await h.mintToken(analyst36, { issuer: 'https://evil.example' }),
        await h.mintToken(analyst36, { expiresAt: Math.floor(Date.now() / 1000) - 3600 }),
      ];
      for (const token of tokens) {
        const r = await h.api('GET', '/me', { token });
        expectProblem(r, 401);
        expect(r.headers.get('www-authenticate')).toContain('error="invalid_token"');
      }
      // What the unverified token claimed is kept, bounded, for the audit.
      const row = await lastAudit();
      expect(row.request.claimed).toMatchObject({
        token: 'unverified',
        sub: 'alice.36',
        force: '36',
      });
    });

    it('given a good token, then /me names the user and force', async () => {
      const r = await h.api('GET', '/me', { token: await h.mintToken(analyst36) });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        sub: 'alice.36',
        name: 'Alice Analyst',
        force: '36',
        forceName: 'Norfolk',
        roles: ['analyst'],
      });
    });
  });

  it('given a token with no role of this API, then 403 and the refusal is audited as that user', async () => {
    const token = await h.mintToken({ sub: 'idp.admin', force: '46', roles: ['idp-admin'] });
    const r = await h.api('POST', '/consultations', {
      token,
      body: { purposeCode: 'PREVENTING_OFFENCES', reason: 'Checking a grooming referral' },
    });
    expectProblem(r, 403);
    const row = await lastAudit();
    expect(row).toMatchObject({
      action: 'Analyst.openConsultation',
      caller_force: '46',
      caller_name: 'analyst:idp.admin',
    });
    expect(row.request.analyst).toMatchObject({ sub: 'idp.admin', roles: [] });
  });

  describe('justification', () => {
    it('given a read without X-Consultation-Id, then 428 naming it, audited', async () => {
      const r = await h.api('GET', `/persons/${someone}`, { token: await h.mintToken(analyst36) });
      expectProblem(r, 428);
      expect(r.body.detail).toContain('X-Consultation-Id');
      expect(r.body.errors).toEqual([expect.objectContaining({ field: 'X-Consultation-Id' })]);
      const row = await lastAudit();
      expect(row).toMatchObject({
        action: 'Analyst.getDossier',
        caller_force: '36',
        caller_name: 'analyst:alice.36',
      });
      expect(row.response.refused).toMatchObject({ code: 'HTTP_428' });
    });

    it("given another user's or an unknown consultation, then 428 alike", async () => {
      const bob = await h.mintToken({ sub: 'bob.36', force: '36', roles: ['analyst'] });
      const bobs = await h.openConsultation(bob);
      const token = await h.mintToken(analyst36);
      for (const consultation of [bobs, someone, 'not-an-id']) {
        const r = await h.api('GET', `/persons/${someone}`, { token, consultation });
        expectProblem(r, 428);
      }
    });

    it('given an open consultation, then the read goes through to the index (404 for nobody), audited with the user', async () => {
      const token = await h.mintToken(analyst36);
      const consultation = await h.openConsultation(token, 'Referral from CEOP about a suspect');
      const opened = await lastAudit();
      expect(opened).toMatchObject({
        action: 'Analyst.openConsultation',
        caller_name: 'analyst:alice.36',
        purpose_code: 'PURPOSE_CODE_PREVENTING_OFFENCES',
        reason: 'Referral from CEOP about a suspect',
      });
      expect(opened.request.analyst).toMatchObject({
        sub: 'alice.36',
        consultationId: consultation,
      });
      const r = await h.api('GET', `/persons/${someone}`, { token, consultation });
      expectProblem(r, 404);
      const row = await lastAudit();
      expect(row).toMatchObject({
        action: 'GetPerson',
        caller_force: '36',
        caller_name: 'analyst:alice.36',
      });
      expect(row.request.analyst).toEqual({
        sub: 'alice.36',
        name: 'Alice Analyst',
        roles: ['analyst'],
        consultationId: consultation,
      });
    });
  });

  describe('validation (400 problem+json naming the field)', () => {
    it('given a bad purpose code and a placeholder reason, then both are named, audited', async () => {
      const r = await h.api('POST', '/consultations', {
        token: await h.mintToken(analyst36),
        body: { purposeCode: 'CURIOSITY', reason: 'xxxx' },
      });
      expectProblem(r, 400);
      expect((r.body.errors as FieldError[]).map((e) => e.field).sort()).toEqual([
        'purposeCode',
        'reason',
      ]);
      expect(r.body.detail).toContain('purposeCode');
      const row = await lastAudit();
      expect(row.response.refused.errors.map((e) => e.field)).toContain('reason');
    });

    it('given an unknown field, then 400 names it', async () => {
      const r = await h.api('POST', '/consultations', {
        token: await h.mintToken(analyst36),
        body: { purposeCode: 'LEGAL_DUTY', reason: 'Court order for disclosure', sneaky: true },
      });
      expectProblem(r, 400);
      expect(r.body.errors).toEqual([{ field: 'sneaky', message: 'unknown field' }]);
    });

    it('given malformed JSON, then 400 naming the body; a huge body, then 413', async () => {
      const token = await h.mintToken(analyst36);
      const bad = await h.api('POST', '/consultations', { token, body: '{"purposeCode": ' });
      expectProblem(bad, 400);
      expect(bad.body.errors).toEqual([{ field: 'body', message: 'is not well-formed JSON' }]);
      const huge = await h.api('POST', '/consultations', {
        token,
        body: { purposeCode: 'LEGAL_DUTY', reason: 'x'.repeat(200_000) },
      });
      expectProblem(huge, 413);
    });

    it('given an unknown route, then 404 problem+json', async () => {
      expectProblem(
        await h.api('GET', '/nothing-here', { token: await h.mintToken(analyst36) }),
        404,
      );
    });
  });

  it('given more requests than the burst, then 429 with Retry-After, audited', async () => {
    const token = await h.mintToken({ sub: 'trawler.01', force: '01', roles: ['analyst'] });
    let last = await h.api('GET', '/me', { token });
    for (let i = 0; i < 45 && last.status === 200; i++) last = await h.api('GET', '/me', { token });
    expectProblem(last, 429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const row = await lastAudit();
    expect(row).toMatchObject({ action: 'Analyst.getMe', caller_name: 'analyst:trawler.01' });
    expect(row.response.refused.code).toBe('HTTP_429');
  });

  it('given any answer, then helmet headers with a CSP without unsafe-inline, and no caching', async () => {
    const r = await h.api('GET', '/me', { token: await h.mintToken(analyst36) });
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-powered-by')).toBeNull();
    expect(r.headers.get('cache-control')).toBe('no-store');
  });
});
