import { forceName } from '@intel/config';
import type { MatchBandName } from '@intel/matching';

/**
 * Another force's handling-code-C record as an analyst may be shown it (docs/security.md, "One
 * disclosure policy"): which force holds something and whom to contact, nothing of its content.
 */
export interface HitOnlyHolder {
  forceCode: string;
  forceName: string;
  contact: string;
}

export function hitOnlyHolder(forceCode: string): HitOnlyHolder {
  const name = forceName(forceCode);
  return { forceCode, forceName: name, contact: `${name} Force Intelligence Bureau` };
}

/** The holders of these records, once per force, in force-code order. */
export function hitOnlyHolders(records: readonly { forceCode: string }[]): HitOnlyHolder[] {
  return [...new Set(records.map((r) => r.forceCode))].sort().map(hitOnlyHolder);
}

export type BandName = 'CERTAIN' | 'PROBABLE' | 'POSSIBLE';

/** The engine's band as the analysts' API names it; below POSSIBLE, null. */
export function bandName(band: MatchBandName | undefined): BandName | null {
  if (band === undefined) return null;
  return band.replace('MATCH_BAND_', '') as BandName;
}
