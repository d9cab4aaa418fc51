import type { BatchItem, BatchItemResult, IncidentRecord, PersonRecord } from '@intel/contracts';
import {
  RecordValidationError,
  validateIncidentRecord,
  validatePersonRecord,
} from '@intel/records';

export class BatchTooLargeError extends Error {}

export interface BatchLimits {
  /** Valid items stored per savepoint (a chunk that fails for a data reason is redone item by item). */
  chunkSize: number;
  maxItems: number;
  /** Bound on the batch's held content (string characters plus 8 per scalar), ~ its wire size. */
  maxBytes: number;
}

export interface ValidItem {
  index: number;
  person?: PersonRecord;
  incident?: IncidentRecord;
}

/** A rough size of a decoded message: its strings' lengths plus 8 per other scalar. Pure. */
export function approxSize(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (v === null || v === undefined) return 0;
  if (typeof v !== 'object') return 8;
  if (Buffer.isBuffer(v)) return v.length;
  let n = 0;
  if (Array.isArray(v)) for (const x of v) n += approxSize(x);
  else for (const x of Object.values(v as Record<string, unknown>)) n += approxSize(x);
  return n;
}

/**
 * A SubmitBatch stream as it arrives: each item is validated (a bad one gets its result at
 * once) and held, within bounds; nothing is stored until the client half-closes the stream.
 * Pure apart from the `rejected` callback (metrics).
 */
export class PendingBatch {
  readonly results: Array<BatchItemResult | undefined> = [];
  readonly valid: ValidItem[] = [];
  private bytes = 0;

  constructor(
    private readonly limits: BatchLimits,
    private readonly rejected: (kind: string) => void = () => undefined,
  ) {}

  get size(): number {
    return this.results.length;
  }

  add(item: BatchItem): void {
    const index = this.results.length;
    if (index >= this.limits.maxItems)
      throw new BatchTooLargeError(
        `a batch holds at most ${this.limits.maxItems} items; nothing of it was stored: split it`,
      );
    this.bytes += approxSize(item);
    if (this.bytes > this.limits.maxBytes)
      throw new BatchTooLargeError(
        `a batch holds at most about ${Math.round(this.limits.maxBytes / 1_048_576)} MiB of records; nothing of it was stored: split it`,
      );
    this.results.push(undefined);
    try {
      if (item.person) this.valid.push({ index, person: validatePersonRecord(item.person) });
      else if (item.incident)
        this.valid.push({ index, incident: validateIncidentRecord(item.incident) });
      else
        this.results[index] = itemError(
          index,
          'INVALID_ARGUMENT',
          'item',
          'a batch item needs a person or an incident',
        );
    } catch (err) {
      if (!(err instanceof RecordValidationError)) throw err;
      const kind = item.person ? 'person' : 'incident';
      this.rejected(kind);
      this.results[index] = itemError(
        index,
        'INVALID_ARGUMENT',
        `${kind}.${err.field}`,
        err.message,
      );
    }
  }

  /** The valid items in arrival order, `size` at a time. */
  chunks(): ValidItem[][] {
    const out: ValidItem[][] = [];
    for (let i = 0; i < this.valid.length; i += this.limits.chunkSize)
      out.push(this.valid.slice(i, i + this.limits.chunkSize));
    return out;
  }
}

export function itemError(
  index: number,
  code: string,
  field: string,
  message: string,
): BatchItemResult {
  return { index, result: undefined, error: { code, field, message } };
}
