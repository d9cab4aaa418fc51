/**
 * Persons whose views were never derived under the per-view policy (listed by the upgrade,
 * `person_view_underived`): which of one page of them to derive now, and which only to take off
 * the list because they ended since (merged away or retired: their flags are already gone).
 */
export function planUnderived(
  listed: readonly string[],
  isLive: (personId: string) => boolean,
): { derive: string[]; drop: string[] } {
  const derive: string[] = [];
  const drop: string[] = [];
  for (const p of new Set(listed)) (isLive(p) ? derive : drop).push(p);
  return { derive, drop };
}
