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
