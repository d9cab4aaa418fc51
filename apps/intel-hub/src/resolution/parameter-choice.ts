/** Where a starting hub takes its matching parameters from. */
export type ParameterSource = 'saved' | 'index' | 'reference';

/**
 * Which parameters a starting hub uses, given the saved ones (if any) and the live nominals it
 * holds. Saved parameters are kept, so the index is restored exactly as it was, until the index
 * has outgrown them: they came from the reference population and the index now holds enough
 * nominals to learn from, or they were learned from the index and it has since doubled. Then
 * they are learned again and every nominal is scored again (clusters may change, and are
 * reconciled with the stored persons like any other change). Pure.
 */
export function chooseParameters(
  saved: { source: 'index' | 'reference'; nominals: number } | undefined,
  nominals: number,
  trainMinRecords: number,
): ParameterSource {
  const learnable = nominals >= trainMinRecords;
  if (saved) {
    const outgrown = learnable && (saved.source === 'reference' || nominals >= 2 * saved.nominals);
    if (!outgrown) return 'saved';
  }
  return learnable ? 'index' : 'reference';
}
