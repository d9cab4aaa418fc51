import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { IncidentRecord, PersonRecord, type BatchItem } from '@intel/contracts';
import { IntakeClient } from '@intel/grpc';
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
    .option('--batch <n>', 'items per SubmitBatch stream', '5000')
    .action(async (opts: { in: string; force?: string; address?: string; batch: string }) => {
      const client = new IntakeClient(forceAddress(opts.force, opts.address), undefined, {
        devForce: opts.force,
      });
      const batchSize = Math.max(1, Number(opts.batch));
      const total = statSync(opts.in).size;
      const tty = process.stderr.isTTY;
      const bar = new SingleBar(
        {
          format:
            'import [{bar}] {percentage}% | {value}/{total} bytes | {records} records | {rate} rec/s',
          stream: process.stderr,
        },
        Presets.shades_classic,
      );
      if (tty) bar.start(total, 0, { records: 0, rate: 0 });
      const started = Date.now();
      let bytes = 0;
      let lineNo = 0;
      let accepted = 0;
      let rejected = 0;
      let pending: BatchItem[] = [];
      let pendingLines: number[] = [];
      const flush = async () => {
        if (pending.length === 0) return;
        const summary = await client.submitBatch(pending);
        accepted += summary.accepted;
        rejected += summary.rejected;
        for (const r of summary.results) {
          if (r.error)
            process.stderr.write(
              `line ${pendingLines[r.index]}: ${r.error.code} ${r.error.message}\n`,
            );
        }
        pending = [];
        pendingLines = [];
        const rate = Math.round(
          (accepted + rejected) / Math.max(0.001, (Date.now() - started) / 1000),
        );
        if (tty) bar.update(bytes, { records: accepted + rejected, rate });
        else
          process.stderr.write(
            `import: ${accepted + rejected} records (${Math.round((100 * bytes) / Math.max(1, total))}%), ${rate} rec/s\n`,
          );
      };
      const lines = createInterface({ input: createReadStream(opts.in), crlfDelay: Infinity });
      for await (const line of lines) {
        lineNo += 1;
        bytes += Buffer.byteLength(line) + 1;
        if (line.trim() === '') continue;
        try {
          pending.push(parseImportLine(line));
          pendingLines.push(lineNo);
        } catch (err) {
          rejected += 1;
          process.stderr.write(
            `line ${lineNo}: not valid JSON: ${err instanceof Error ? err.message : String(err)}\n`,
          );
        }
        if (pending.length >= batchSize) await flush();
      }
      await flush();
      if (tty) bar.stop();
      client.close();
      const seconds = (Date.now() - started) / 1000;
      console.log(
        JSON.stringify({
          accepted,
          rejected,
          seconds,
          recordsPerSecond: Math.round((accepted + rejected) / Math.max(seconds, 0.001)),
        }),
      );
      if (rejected > 0) process.exitCode = 2;
    });
}
