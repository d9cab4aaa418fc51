import type { HubEvent } from './hub-event';
import { repeatedEvents, versionJumps, versionKey } from './version-bounds';

const ev = (id: string, version: number, kind: HubEvent['kind'] = 'nominal-upserted'): HubEvent =>
  kind === 'nominal-upserted'
    ? { kind, eventId: `${id}-${version}`, forceCode: '36', id, version, state: Buffer.alloc(0) }
    : kind === 'incident-upserted'
      ? {
          kind,
          eventId: `${id}-${version}`,
          forceCode: '36',
          id,
          version,
          state: Buffer.alloc(0),
          sharedReference: null,
        }
      : { kind, eventId: `${id}-${version}`, forceCode: '36', id, version };

describe('versionJumps', () => {
  it('refuses a jump beyond the step over the stored version, accepts a step within it', () => {
    const stored = new Map([[versionKey(ev('a', 1)), 5]]);
    const ok = ev('a', 15);
    const jump = ev('a', 16, 'nominal-withdrawn');
    expect([...versionJumps([ok], stored, 10)]).toEqual([]);
    expect([...versionJumps([jump], stored, 10)]).toEqual([jump]);
  });

  it('lets an unseen entity start anywhere, then bounds the rest of the batch from there', () => {
    const first = ev('b', 400);
    const next = ev('b', 401);
    const absurd = ev('b', 2 ** 30);
    expect([...versionJumps([first, next, absurd], new Map(), 10)]).toEqual([absurd]);
  });

  it('a refused jump does not move the current version', () => {
    const stored = new Map([[versionKey(ev('c', 1)), 1]]);
    const jump = ev('c', 1000);
    const genuine = ev('c', 2);
    expect([...versionJumps([jump, genuine], stored, 10)]).toEqual([jump]);
  });

  it('keys nominals and incidents apart', () => {
    const stored = new Map([[versionKey(ev('d', 1, 'incident-upserted')), 1]]);
    // The nominal d is unseen: any start is fine; the incident d is bounded.
    const n = ev('d', 500);
    const i = ev('d', 500, 'incident-upserted');
    expect([...versionJumps([n, i], stored, 10)]).toEqual([i]);
  });
});

describe('repeatedEvents', () => {
  it('finds a resend of an event handled for the entity before, and repeats within the batch', () => {
    const a1 = ev('a', 1);
    const a1again = { ...ev('a', 1) };
    const b2 = ev('b', 2);
    const c3 = ev('c', 3);
    const stored = new Map<string, string[]>([
      // An older event of b's handled before: a replay of it is a copy too.
      [versionKey(b2), ['b-1', b2.eventId]],
      // Same entity, other events: c3 is newer, not a copy.
      [versionKey(c3), ['c-1', 'c-2']],
    ]);
    const r = repeatedEvents([a1, a1again, b2, c3], stored);
    expect([...r]).toEqual([a1again, b2]);
  });

  it('keeps nominals and incidents with the same id apart', () => {
    const n = ev('x', 1);
    const i = ev('x', 1, 'incident-upserted');
    const other = { ...i, eventId: 'other' };
    expect(repeatedEvents([other], new Map([[versionKey(n), [other.eventId]]])).size).toBe(0);
    expect(repeatedEvents([i], new Map([[versionKey(i), [i.eventId]]])).size).toBe(1);
  });
});
