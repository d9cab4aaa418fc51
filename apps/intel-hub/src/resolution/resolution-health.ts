/** What the resolver reports about itself, for readiness. */
export interface ResolutionStatus {
  /** Age of the oldest queued entity, ms (0 when the queue is empty). */
  queueHeadAgeMs: number;
  /** Failed batches since the last one that committed. */
  consecutiveFailures: number;
  /** Class of the last failure (never its text). */
  lastFailureClass: string | undefined;
  /** Entities set aside (resolution_set_aside). */
  setAside: number;
}

export interface ResolutionBounds {
  /** The oldest queued entity may wait this long before resolution counts as stuck. */
  stuckMs: number;
  /** This many failed batches in a row count as failing. */
  maxConsecutiveFailures: number;
}

/**
 * Ready unless resolution is stuck (the queue's head has waited too long) or failing (too many
 * failed batches in a row); the reason says which. Entities set aside do not make the hub
 * unready (the rest flows), but are reported.
 */
export function resolutionReadiness(
  s: ResolutionStatus,
  b: ResolutionBounds,
): { ready: boolean; reason?: string } {
  if (s.consecutiveFailures >= b.maxConsecutiveFailures)
    return {
      ready: false,
      reason: `resolution failing: ${s.consecutiveFailures} batches in a row failed (last: ${s.lastFailureClass ?? 'unknown'})`,
    };
  if (s.queueHeadAgeMs > b.stuckMs)
    return {
      ready: false,
      reason: `resolution stuck: the oldest queued entity has waited ${Math.round(s.queueHeadAgeMs / 1000)} s (bound ${Math.round(b.stuckMs / 1000)} s)`,
    };
  return { ready: true };
}
