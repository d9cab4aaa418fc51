import { z } from 'zod';
import { defineRoute } from '../http/route-spec';
import { ANALYST_ROLES } from './analyst-user';

export const GET_ME = defineRoute({
  operationId: 'getMe',
  method: 'GET',
  path: '/me',
  summary: 'The signed-in user: subject, name, force and roles',
  tag: 'identity',
  roles: [],
  consultation: false,
  response: z.object({
    sub: z.string(),
    name: z.string(),
    force: z.string(),
    forceName: z.string(),
    roles: z.array(z.enum(ANALYST_ROLES)),
  }),
});

export const GET_AUTH_CONFIG = defineRoute({
  operationId: 'getAuthConfig',
  method: 'GET',
  path: '/auth-config',
  summary: 'How the page signs in: the issuer, and with the development issuer its demo users',
  tag: 'identity',
  roles: [],
  consultation: false,
  public: true,
  response: z.object({
    issuer: z.string(),
    audience: z.string(),
    dev: z.boolean(),
    /** The page's OIDC client (authorization code + PKCE) with a real issuer. */
    clientId: z.string().optional(),
    scope: z.string().optional(),
    tokenUrl: z.string().optional(),
    demoUsers: z
      .array(
        z.object({
          sub: z.string(),
          name: z.string(),
          force: z.string(),
          forceName: z.string(),
          roles: z.array(z.enum(ANALYST_ROLES)),
        }),
      )
      .optional(),
  }),
});
