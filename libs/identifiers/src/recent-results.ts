/**
 * The last `capacity` results of a pure function of a string, by its input: one query's
 * identifier is normalised by the validator, the deconfliction check, the exact-identifier
 * lookup and the matching engine in turn, and a phone number's parse (libphonenumber's full
 * metadata) is most of that work. Small on purpose: it serves the repeats within a call and
 * calls close together, not a whole workload (the oldest entry goes first). Results are frozen:
 * every caller gets the same object.
 */
export class RecentResults<T extends object> {
  private readonly results = new Map<string, Readonly<T>>();

  constructor(private readonly capacity: number) {}

  get(input: string, compute: () => T): Readonly<T> {
    const known = this.results.get(input);
    if (known !== undefined) return known;
    const result = Object.freeze(compute());
    if (this.results.size >= this.capacity) {
      const oldest = this.results.keys().next().value as string;
      this.results.delete(oldest);
    }
    this.results.set(input, result);
    return result;
  }
}
