/**
 * The warm standby's decisions (docs/hub.md "Warm standby"), pure: when to load its index, when
 * to tail the leader's commits, how far behind it is, and what a failed tail leaves.
 */

/** Where the standby's index stands. */
export type StandbyState =
  /** No index: loaded (again) once `now` reaches `retryAt`. */
  | { kind: 'cold'; retryAt: number; failures: number }
  /** An index reflecting the database up to commit `applied`; last caught up at `caughtUpAt`. */
  | { kind: 'warm'; applied: number; caughtUpAt: number };

/** A standby just started: its index is loaded at once. */
export const STANDBY_START: StandbyState = { kind: 'cold', retryAt: 0, failures: 0 };

/** Longest wait before a refused or failed standby loads its index again (ms). */
export const MAX_REWARM_MS = 60_000;

/** What a tick of the standby does. */
export function nextStep(state: StandbyState, now: number): 'load' | 'tail' | 'wait' {
  if (state.kind === 'warm') return 'tail';
  return now >= state.retryAt ? 'load' : 'wait';
}

/**
 * A load or tail failed (a snapshot refused and the database restore refused, a replay refused,
 * a fault): the index is dropped (it may no longer be brought up to date) and loaded again after
 * a back-off doubling from `tailMs` up to MAX_REWARM_MS, so a standby whose index cannot be
 * kept warm neither spins nor gives up. Until then a takeover loads the index in full.
 */
export function afterFailure(state: StandbyState, now: number, tailMs: number): StandbyState {
  const failures = state.kind === 'cold' ? state.failures + 1 : 1;
  const wait = Math.min(MAX_REWARM_MS, tailMs * 2 ** Math.min(failures, 16));
  return { kind: 'cold', retryAt: now + wait, failures };
}

/**
 * After a tail step that applied the commits up to `applied`: `caughtUp` when it read fewer
 * commits than it asked for (nothing more was listed).
 */
export function afterTail(
  state: StandbyState,
  applied: number,
  caughtUp: boolean,
  now: number,
): StandbyState {
  const since = state.kind === 'warm' ? state.caughtUpAt : now;
  return { kind: 'warm', applied, caughtUpAt: caughtUp ? now : since };
}

/**
 * How far behind the leader the standby is: in commits (the database's watermark less the one
 * applied) and in seconds (since it was last caught up; 0 when it is). Undefined while cold.
 */
export function standbyLag(
  state: StandbyState,
  databaseWatermark: number,
  now: number,
): { commits: number; seconds: number } | undefined {
  if (state.kind !== 'warm') return undefined;
  const commits = Math.max(0, databaseWatermark - state.applied);
  return { commits, seconds: commits === 0 ? 0 : Math.max(0, now - state.caughtUpAt) / 1000 };
}
