import { z } from 'zod';
import { envBool } from './env-schema';
import { isForceCode } from './force-codes';

/** The issuer the development token service names in its tokens when none is configured. */
export const DEV_ISSUER_DEFAULT = 'urn:intel:dev-oidc';
/** The audience analysts' tokens are for when none is configured. */
export const ANALYST_AUDIENCE_DEFAULT = 'intel-analyst-api';

/**
 * The analysts' HTTP API, a second application in the hub process on its own port
 * (docs/analyst.md). Off unless enabled: it needs an OIDC issuer to trust (or, in development
 * only, the built-in development issuer).
 */
export const analystEnvSchema = z.object({
  ANALYST_HTTP_ENABLED: envBool.default(false),
  ANALYST_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8095),
  ANALYST_HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  /** The `iss` every token must carry. */
  ANALYST_OIDC_ISSUER: z.string().min(1).optional(),
  /** The `aud` every token must carry. */
  ANALYST_OIDC_AUDIENCE: z.string().min(1).default(ANALYST_AUDIENCE_DEFAULT),
  /** The page's OIDC client (authorization code + PKCE) at the issuer, told to the page. */
  ANALYST_OIDC_CLIENT_ID: z.string().min(1).optional(),
  ANALYST_OIDC_SCOPE: z.string().min(1).default('openid profile'),
  /** Where the issuer publishes its signing keys (JWKS). */
  ANALYST_OIDC_JWKS_URL: z.string().url().optional(),
  /**
   * Development only, announced loudly: the hub makes its own signing key and issues tokens to
   * the demonstration users (POST /dev-oidc/token); no OIDC provider is trusted.
   */
  ANALYST_DEV_ISSUER: envBool.default(false),
  /** Where the development issuer keeps its key pair across restarts (else one per start). */
  ANALYST_DEV_ISSUER_KEY_FILE: z.string().min(1).optional(),
  /** How long a consultation (purpose + reason) justifies reads, in minutes. */
  ANALYST_CONSULTATION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(240),
  /** Per-user token bucket (anti-trawling): requests at once, and requests added back a minute. */
  ANALYST_RATE_BURST: z.coerce.number().int().min(1).max(100_000).default(60),
  ANALYST_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  /**
   * Forces whose auditors see the whole national audit (e.g. the national oversight unit's
   * code), comma-separated; every other auditor sees its own force's entries and what its force
   * was told (docs/analyst.md, "Audit viewer"). Empty: no national auditor.
   */
  ANALYST_NATIONAL_AUDITOR_FORCES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c !== ''),
    )
    .refine((codes) => codes.every(isForceCode), 'must list known PNC force codes, e.g. 01,36'),
});

type AnalystEnv = z.infer<typeof analystEnvSchema>;

/** A real issuer needs its name and keys; the development issuer needs neither. */
export function requireAnalystIssuer(env: AnalystEnv, ctx: z.RefinementCtx): void {
  if (!env.ANALYST_HTTP_ENABLED || env.ANALYST_DEV_ISSUER) return;
  for (const key of ['ANALYST_OIDC_ISSUER', 'ANALYST_OIDC_JWKS_URL'] as const) {
    if (!env[key])
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `${key} is required with ANALYST_HTTP_ENABLED=true (or ANALYST_DEV_ISSUER=true for development)`,
      });
  }
}

export interface AnalystConfig {
  enabled: boolean;
  host: string;
  port: number;
  oidc: {
    issuer: string;
    audience: string;
    /** Undefined only with the development issuer, which serves its own keys. */
    jwksUrl: string | undefined;
    /** The page's client at the issuer (for its sign-in), and the scope it asks for. */
    clientId: string | undefined;
    scope: string;
  };
  devIssuer: { enabled: boolean; keyFile: string | undefined };
  consultationTtlMs: number;
  rateLimit: { burst: number; perMinute: number };
  /** Auditors of these forces see the whole national audit. */
  nationalAuditorForces: string[];
}

export function analystConfig(e: AnalystEnv): AnalystConfig {
  return {
    enabled: e.ANALYST_HTTP_ENABLED,
    host: e.ANALYST_HTTP_HOST,
    port: e.ANALYST_HTTP_PORT,
    oidc: {
      issuer: e.ANALYST_OIDC_ISSUER ?? DEV_ISSUER_DEFAULT,
      audience: e.ANALYST_OIDC_AUDIENCE,
      jwksUrl: e.ANALYST_DEV_ISSUER ? undefined : e.ANALYST_OIDC_JWKS_URL,
      clientId: e.ANALYST_OIDC_CLIENT_ID,
      scope: e.ANALYST_OIDC_SCOPE,
    },
    devIssuer: { enabled: e.ANALYST_DEV_ISSUER, keyFile: e.ANALYST_DEV_ISSUER_KEY_FILE },
    consultationTtlMs: e.ANALYST_CONSULTATION_TTL_MINUTES * 60_000,
    rateLimit: { burst: e.ANALYST_RATE_BURST, perMinute: e.ANALYST_RATE_PER_MINUTE },
    nationalAuditorForces: e.ANALYST_NATIONAL_AUDITOR_FORCES,
  };
}
