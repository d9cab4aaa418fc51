/**
 * How much of the resolution queue the next batch takes, so that a batch failing for a reason
 * of its own never stops the rest. A failed batch's entities are still at the queue's head
 * (nothing of it was committed): they are the suspects. The next batches take half as many,
 * down to one entity; a single entity that still fails is set aside (and the suspects shrink by
 * it). Batches that succeed clear suspects; once none are left the full batch size returns.
 * A failure that only two entities together cause (e.g. both ends of one link) goes away as
 * soon as they land in different halves.
 */
export interface IsolationState {
  /** Entities the next batch claims at most. */
  limit: number;
  /** Entities at the head of the queue still suspected (from failed batches). */
  suspects: number;
}

export function isolationStart(batchSize: number): IsolationState {
  return { limit: batchSize, suspects: 0 };
}

/** After a batch of `claimed` entities failed for its own reason. */
export function afterOwnFailure(
  s: IsolationState,
  claimed: number,
  batchSize: number,
): { state: IsolationState; setAside: boolean } {
  if (claimed <= 1) {
    const suspects = Math.max(0, s.suspects - 1);
    return {
      state: { limit: suspects > 0 ? s.limit : batchSize, suspects },
      setAside: true,
    };
  }
  // The failing batch is the new window of suspects: what lay outside it (of a larger window
  // before) is taken again at the full size once the window is cleared.
  return { state: { limit: Math.ceil(claimed / 2), suspects: claimed }, setAside: false };
}

/** After a batch of `resolved` entities committed. */
export function afterSuccess(
  s: IsolationState,
  resolved: number,
  batchSize: number,
): IsolationState {
  if (s.suspects === 0) return s;
  const suspects = Math.max(0, s.suspects - resolved);
  return suspects > 0 ? { ...s, suspects } : isolationStart(batchSize);
}
