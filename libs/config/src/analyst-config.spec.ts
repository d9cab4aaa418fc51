import { z } from 'zod';
import {
  ANALYST_AUDIENCE_DEFAULT,
  DEV_ISSUER_DEFAULT,
  analystConfig,
  analystEnvSchema,
  requireAnalystIssuer,
} from './analyst-config';

const schema = analystEnvSchema.superRefine(requireAnalystIssuer);
const parse = (env: Record<string, string>) => schema.safeParse(env);
const fields = (r: z.ZodSafeParseResult<unknown>) =>
  r.success ? [] : r.error.issues.map((i) => i.path.join('.'));

describe('analyst API settings', () => {
  it('given nothing, then the API is off, on port 8095, with a 4-hour consultation', () => {
    const r = parse({});
    expect(r.success).toBe(true);
    const c = analystConfig(schema.parse({}));
    expect(c).toMatchObject({
      enabled: false,
      port: 8095,
      host: '0.0.0.0',
      consultationTtlMs: 240 * 60_000,
      oidc: { audience: ANALYST_AUDIENCE_DEFAULT },
      devIssuer: { enabled: false },
    });
  });

  it('given the API enabled without an issuer, then the issuer and its JWKS URL are named', () => {
    expect(fields(parse({ ANALYST_HTTP_ENABLED: 'true' }))).toEqual([
      'ANALYST_OIDC_ISSUER',
      'ANALYST_OIDC_JWKS_URL',
    ]);
  });

  it('given a real issuer, then its name, audience and keys are used', () => {
    const c = analystConfig(
      schema.parse({
        ANALYST_HTTP_ENABLED: 'true',
        ANALYST_OIDC_ISSUER: 'https://idp.example/realms/police',
        ANALYST_OIDC_AUDIENCE: 'intel',
        ANALYST_OIDC_JWKS_URL: 'https://idp.example/realms/police/certs',
        ANALYST_HTTP_PORT: '0',
      }),
    );
    expect(c.oidc).toEqual({
      issuer: 'https://idp.example/realms/police',
      audience: 'intel',
      jwksUrl: 'https://idp.example/realms/police/certs',
      clientId: undefined,
      scope: 'openid profile',
    });
    expect(c.port).toBe(0);
  });

  it('given the development issuer, then no OIDC setting is required and no JWKS URL is trusted', () => {
    const c = analystConfig(
      schema.parse({
        ANALYST_HTTP_ENABLED: 'true',
        ANALYST_DEV_ISSUER: 'true',
        ANALYST_OIDC_JWKS_URL: 'https://idp.example/certs',
      }),
    );
    expect(c.oidc.issuer).toBe(DEV_ISSUER_DEFAULT);
    expect(c.oidc.jwksUrl).toBeUndefined();
    expect(c.devIssuer.enabled).toBe(true);
  });

  it('given bad numbers, then they are refused by name', () => {
    expect(
      fields(
        parse({
          ANALYST_HTTP_PORT: '70000',
          ANALYST_RATE_BURST: '0',
          ANALYST_CONSULTATION_TTL_MINUTES: 'x',
        }),
      ).sort(),
    ).toEqual(['ANALYST_CONSULTATION_TTL_MINUTES', 'ANALYST_HTTP_PORT', 'ANALYST_RATE_BURST']);
  });

  it('given national auditor forces, then known codes are kept and an unknown one is refused by name', () => {
    expect(analystConfig(schema.parse({})).nationalAuditorForces).toEqual([]);
    expect(
      analystConfig(schema.parse({ ANALYST_NATIONAL_AUDITOR_FORCES: ' 01, 36 ,' }))
        .nationalAuditorForces,
    ).toEqual(['01', '36']);
    expect(fields(parse({ ANALYST_NATIONAL_AUDITOR_FORCES: '01,X9' }))).toEqual([
      'ANALYST_NATIONAL_AUDITOR_FORCES',
    ]);
  });
});
