/**
 * Outcome of validating and normalising one identifier. `reason` is a short message for a person:
 * it is returned in a gRPC INVALID_ARGUMENT / HTTP 400 next to the field path, so it names the
 * rule that failed and never echoes the submitted value (which may be personal data).
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function invalid<T = never>(reason: string): Parsed<T> {
  return { ok: false, reason };
}
