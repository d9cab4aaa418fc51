import { status } from '@intel/grpc';
import type { BatchSummary } from '@intel/contracts';

/** Status codes after which a SubmitBatch chunk is sent again (the force node is idempotent). */
const RETRYABLE = new Set<number>([
  status.UNAVAILABLE,
  status.DEADLINE_EXCEEDED,
  status.RESOURCE_EXHAUSTED,
  status.ABORTED,
]);

/**
 * Whether a failed chunk may be sent again. The force node stores a record by its source key
 * and answers UNCHANGED for one it already holds, so a chunk that was half stored before the
 * connection dropped is safe to repeat: nothing is duplicated.
 */
export function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' && RETRYABLE.has(code);
}

/** One rejection reason and how often it was given, with the first lines that had it. */
export interface RejectionReason {
  reason: string;
  count: number;
  lines: number[];
}

const EXAMPLE_LINES = 5;

/**
 * What an import has done so far: accepted and rejected items, rejections grouped by reason
 * (status, field and message, with the first few line numbers), and the last input line whose
 * fate is known, so that an interrupted import can say where to resume.
 */
export class ImportTally {
  accepted = 0;
  rejected = 0;
  /** Every line up to this one has been submitted and answered (or skipped). */
  settledThrough = 0;
  private readonly reasons = new Map<string, RejectionReason>();

  reject(line: number, reason: string): void {
    this.rejected += 1;
    let r = this.reasons.get(reason);
    if (!r) this.reasons.set(reason, (r = { reason, count: 0, lines: [] }));
    r.count += 1;
    if (r.lines.length < EXAMPLE_LINES) r.lines.push(line);
  }

  /** Counts a chunk's summary; `lines[i]` is the input line of the chunk's item i. */
  settle(summary: BatchSummary, lines: readonly number[], lastLine: number): void {
    this.accepted += summary.accepted;
    for (const r of summary.results) {
      if (!r.error) continue;
      const { code, field, message } = r.error;
      // Intake's messages start with the field's path within the record: say it once.
      const colon = message.indexOf(': ');
      const text =
        colon > 0 && field.endsWith(message.slice(0, colon)) ? message.slice(colon + 2) : message;
      this.reject(lines[r.index] ?? 0, `${code} ${field ? `${field}: ` : ''}${text}`);
    }
    this.settledThrough = lastLine;
  }

  /** Rejection reasons, most frequent first. */
  byReason(): RejectionReason[] {
    return [...this.reasons.values()].sort((a, b) => b.count - a.count);
  }
}

/** The rejection summary as lines of text for an operator. */
export function rejectionTable(reasons: readonly RejectionReason[]): string[] {
  if (reasons.length === 0) return [];
  const width = Math.max(5, ...reasons.map((r) => String(r.count).length));
  return [
    `${'count'.padStart(width)}  reason (first lines)`,
    ...reasons.map(
      (r) =>
        `${String(r.count).padStart(width)}  ${r.reason} (line ${r.lines.join(', ')}${r.count > r.lines.length ? ', …' : ''})`,
    ),
  ];
}
