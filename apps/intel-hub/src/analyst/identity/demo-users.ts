import { forceName } from '@intel/config';
import type { AnalystRole } from './analyst-user';

/** A user the development issuer will issue a token to (never with a real issuer). */
export interface DemoUser {
  sub: string;
  name: string;
  force: string;
  roles: AnalystRole[];
}

/** One analyst per demonstration force (36, 01, 46), a supervisor (36) and an auditor. */
export const DEMO_USERS: readonly DemoUser[] = [
  { sub: 'analyst.36', name: 'Norfolk analyst', force: '36', roles: ['analyst'] },
  { sub: 'analyst.01', name: 'Metropolitan analyst', force: '01', roles: ['analyst'] },
  { sub: 'analyst.46', name: 'Kent analyst', force: '46', roles: ['analyst'] },
  { sub: 'supervisor.36', name: 'Norfolk supervisor', force: '36', roles: ['supervisor'] },
  { sub: 'auditor.36', name: 'Norfolk auditor', force: '36', roles: ['auditor'] },
];

export function demoUser(sub: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.sub === sub);
}

/** How the page lists them. */
export const demoUsersJson = () => DEMO_USERS.map((u) => ({ ...u, forceName: forceName(u.force) }));
