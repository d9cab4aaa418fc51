import type { NormalisedRecord } from '@intel/matching';

/**
 * Normalised forms of person records, keyed by content hash (SHA-256 of the canonical record,
 * libs/records content-hash.ts). Normalising is a pure function of the content, so an entry can
 * never be stale: a changed record has another hash. Intake compares each new record with the
 * live records of its candidate nominals; most of those were normalised by this process when
 * they came in, so a hit saves fetching the record's JSON and normalising it again. Least
 * recently used entries are dropped beyond `capacity`.
 */
export class NormalisedRecordCache {
  private readonly entries = new Map<string, NormalisedRecord>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(contentHash: Buffer): NormalisedRecord | undefined {
    const key = contentHash.toString('base64');
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  set(contentHash: Buffer, normalised: NormalisedRecord): void {
    const key = contentHash.toString('base64');
    this.entries.delete(key);
    this.entries.set(key, normalised);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}
