/**
 * Choices drawn from a seeded generator (e.g. `mulberry32`), for the property tests that run
 * random sequences of operations against a reference implementation.
 */
export interface RandomChoice {
  /** One of `xs`, uniformly. */
  pick<T>(xs: readonly T[]): T;
  /** Between none and `most` of `xs`, each picked uniformly (repeats allowed). */
  some<T>(xs: readonly T[], most: number): T[];
  /** One of `entries`' values, each as likely as its weight (weights > 0). */
  weighted<T>(entries: readonly (readonly [number, T])[]): T;
}

export function randomChoice(rnd: () => number): RandomChoice {
  const pick = <T>(xs: readonly T[]): T => {
    if (xs.length === 0) throw new Error('pick: nothing to choose from');
    return xs[Math.floor(rnd() * xs.length)] as T;
  };
  return {
    pick,
    some: (xs, most) => Array.from({ length: Math.floor(rnd() * (most + 1)) }, () => pick(xs)),
    weighted: (entries) => {
      const total = entries.reduce((n, [w]) => n + w, 0);
      if (!(total > 0)) throw new Error('weighted: no entry has a positive weight');
      let x = rnd() * total;
      for (const [w, value] of entries) if ((x -= w) < 0) return value;
      // Rounding can leave x at 0 after the last entry: it is the last entry's draw.
      return entries[entries.length - 1]![1];
    },
  };
}
