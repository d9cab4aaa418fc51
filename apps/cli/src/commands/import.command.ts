import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { backOff } from 'exponential-backoff';
import { IncidentRecord, PersonRecord, type BatchItem, type BatchSummary } from '@intel/contracts';
import { IntakeClient } from '@intel/grpc';
import { describeCliError } from '../cli-error';
import { ImportTally, isRetryable, rejectionTable } from './import-progress';
import { forceAddress } from './stack-file';

/**
 * One JSONL line → one batch item: a PersonRecord in proto3 canonical JSON, or
 * `{"incident": {…IncidentRecord…}}`. Extra top-level fields (forceCode, truthId) are ignored.
 */
export function parseImportLine(line: string): BatchItem {
  const obj = JSON.parse(line) as Record<string, unknown>;
  if (obj['incident'] && typeof obj['incident'] === 'object') {
    return { person: undefined, incident: IncidentRecord.fromJSON(obj['incident']) };
  }
  return { person: PersonRecord.fromJSON(obj), incident: undefined };
}

export interface ImportOptions {
  in: string;
  force?: string;
  address?: string;
  batch: number;
  fromLine: number;
  retryFor: number;
}

/**
 * Sends one chunk, again and again with growing waits (full jitter, up to 10 s apart) while the
 * force node answers with a retryable status (it restarted, its database is back in a moment)
 * and `retryForSeconds` have not passed.
 */
async function submitWithRetry(
  client: IntakeClient,
  items: BatchItem[],
  retryForSeconds: number,
  say: (line: string) => void,
): Promise<BatchSummary> {
  const giveUpAt = Date.now() + retryForSeconds * 1000;
  return backOff(() => client.submitBatch(items), {
    numOfAttempts: Number.MAX_SAFE_INTEGER,
    startingDelay: 250,
    maxDelay: 10_000,
    jitter: 'full',
    retry: (err: unknown, attempt: number) => {
      if (!isRetryable(err) || Date.now() >= giveUpAt) return false;
      say(`import: force node not answering (${describeCliError(err)}); retry ${attempt}`);
      return true;
    },
  });
}

/** `npm run cli -- import --force 36 --in records.jsonl`: bulk SubmitBatch with a progress bar. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'bulk-import a JSONL file of PersonRecords (and {"incident": …} lines) into a force node',
    )
    .requiredOption('--in <file>', 'JSONL input')
    .option(
      '--force <code>',
      'force code: looked up in .run/stack.json, and the force the caller names in plaintext mode',
    )
    .option('--address <host:port>', 'force node gRPC address (instead of --force)')
    .option('--batch <n>', 'items per SubmitBatch stream', positive, 5000)
    .option('--from-line <n>', 'skip the lines before this one (resume an import)', positive, 1)
    .option(
      '--retry-for <seconds>',
      'keep retrying a chunk this long while the force node is unavailable',
      positive,
      300,
    )
    .action(async (opts: ImportOptions) => {
      const report = await runImport(opts);
      console.log(JSON.stringify(report));
      process.exitCode = report.stoppedAfterLine !== undefined ? 3 : report.rejected > 0 ? 2 : 0;
    });
}

function positive(v: string): number {
  const n = Number.parseInt(v, 10);
  if (!Number.isFinite(n) || n < 1) throw new Error(`not a positive integer: ${v}`);
  return n;
}

/** What an import did (printed as JSON; the exit code is 0, 2 if some were rejected, 3 if it stopped). */
export interface ImportReport {
  accepted: number;
  rejected: number;
  rejectedByReason: { reason: string; count: number }[];
  seconds: number;
  recordsPerSecond: number;
  /** Set when the import stopped early: every line up to this one was submitted and answered. */
  stoppedAfterLine?: number;
}

/**
 * Streams the file to the force node in SubmitBatch chunks, retrying a chunk while the node is
 * unavailable; rejections are summarised by reason on stderr.
 */
export async function runImport(opts: ImportOptions): Promise<ImportReport> {
  const client = new IntakeClient(forceAddress(opts.force, opts.address), undefined, {
    devForce: opts.force,
  });
  const total = statSync(opts.in).size;
  const tty = process.stderr.isTTY;
  const say = (line: string) => {
    if (tty) bar.stop();
    process.stderr.write(line + '\n');
    if (tty) bar.start(total, bytes, { records: tally.accepted + tally.rejected, rate: 0 });
  };
  const bar = new SingleBar(
    {
      format:
        'import [{bar}] {percentage}% | {value}/{total} bytes | {records} records | {rate} rec/s',
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  const tally = new ImportTally();
  tally.settledThrough = opts.fromLine - 1;
  const started = Date.now();
  let bytes = 0;
  let lineNo = 0;
  let pending: BatchItem[] = [];
  let pendingLines: number[] = [];
  if (tty) bar.start(total, 0, { records: 0, rate: 0 });
  const flush = async () => {
    if (pending.length > 0) {
      const summary = await submitWithRetry(client, pending, opts.retryFor, say);
      tally.settle(summary, pendingLines, lineNo);
    } else tally.settledThrough = lineNo;
    pending = [];
    pendingLines = [];
    const done = tally.accepted + tally.rejected;
    const rate = Math.round(done / Math.max(0.001, (Date.now() - started) / 1000));
    if (tty) bar.update(bytes, { records: done, rate });
    else
      process.stderr.write(
        `import: ${done} records (${Math.round((100 * bytes) / Math.max(1, total))}%), ${rate} rec/s\n`,
      );
  };
  let stopped: unknown;
  try {
    const lines = createInterface({ input: createReadStream(opts.in), crlfDelay: Infinity });
    for await (const line of lines) {
      lineNo += 1;
      bytes += Buffer.byteLength(line) + 1;
      if (lineNo < opts.fromLine || line.trim() === '') continue;
      try {
        pending.push(parseImportLine(line));
        pendingLines.push(lineNo);
      } catch (err) {
        tally.reject(lineNo, `not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (pending.length >= opts.batch) await flush();
    }
    await flush();
  } catch (err) {
    stopped = err;
  } finally {
    if (tty) bar.stop();
    client.close();
  }
  const seconds = (Date.now() - started) / 1000;
  for (const row of rejectionTable(tally.byReason())) process.stderr.write(row + '\n');
  if (stopped !== undefined) {
    process.stderr.write(
      `import stopped: ${describeCliError(stopped)}\n` +
        `every line up to ${tally.settledThrough} was submitted and answered; ` +
        `resume with --from-line ${tally.settledThrough + 1}\n`,
    );
  }
  return {
    accepted: tally.accepted,
    rejected: tally.rejected,
    rejectedByReason: tally.byReason().map(({ reason, count }) => ({ reason, count })),
    seconds,
    recordsPerSecond: Math.round((tally.accepted + tally.rejected) / Math.max(seconds, 0.001)),
    ...(stopped !== undefined ? { stoppedAfterLine: tally.settledThrough } : {}),
  };
}
