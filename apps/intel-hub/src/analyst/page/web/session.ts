// Who is logged in and under which consultation. Kept in sessionStorage: it survives a reload
// of the tab, not the tab itself, and is never shared with another tab.
import type { Consultation, Me } from './types.js';

interface Stored {
  token?: string;
  me?: Me;
  consultation?: Consultation;
}

const KEY = 'intel-analyst-session';
type Listener = () => void;

class Session {
  private state: Stored = {};
  private readonly listeners = new Set<Listener>();

  constructor() {
    try {
      this.state = JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as Stored;
    } catch {
      this.state = {};
    }
  }

  get token(): string | undefined {
    return this.state.token;
  }
  get me(): Me | undefined {
    return this.state.me;
  }
  /** The open consultation, or undefined once it has expired. */
  get consultation(): Consultation | undefined {
    const c = this.state.consultation;
    if (c && Date.parse(c.expiresAt) <= Date.now()) return undefined;
    return c;
  }
  /** A consultation that was open and has run out (the bar says so). */
  get expiredConsultation(): Consultation | undefined {
    const c = this.state.consultation;
    return c && Date.parse(c.expiresAt) <= Date.now() ? c : undefined;
  }

  hasRole(role: 'analyst' | 'supervisor' | 'auditor'): boolean {
    const roles = this.me?.roles ?? [];
    if (role === 'analyst') return roles.includes('analyst') || roles.includes('supervisor');
    return roles.includes(role);
  }

  login(token: string, me: Me): void {
    this.state = { token, me };
    this.save();
  }
  setToken(token: string): void {
    this.state.token = token;
    this.save();
  }
  setMe(me: Me): void {
    this.state.me = me;
    this.save();
  }
  setConsultation(c: Consultation | undefined): void {
    this.state.consultation = c;
    this.save();
  }
  logout(): void {
    this.state = {};
    this.save();
  }
  onChange(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private save(): void {
    sessionStorage.setItem(KEY, JSON.stringify(this.state));
    for (const fn of this.listeners) fn();
  }
}

export const session = new Session();
