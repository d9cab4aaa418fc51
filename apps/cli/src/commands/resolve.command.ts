import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { MatchEngine, type MatchInput, type MatchParameters } from '@intel/matching';
import { PersonRecord } from '@intel/contracts';

interface ResolveCliOptions {
  in: string;
  out: string;
  parameters?: string;
  saveParameters?: string;
}

/**
 * Progress on stderr: a cli-progress bar on a terminal, plain periodic lines otherwise (CI logs,
 * pipes), so the output stays readable in both.
 */
export class PhaseProgress {
  private bar: SingleBar | undefined;
  private phase = '';
  private lastLine = 0;

  constructor(private readonly tty = process.stderr.isTTY === true) {}

  update(phase: string, done: number, total: number): void {
    if (this.tty) {
      if (phase !== this.phase) {
        this.bar?.stop();
        this.bar = new SingleBar(
          {
            format: `${phase.padEnd(10)} [{bar}] {percentage}% | {value}/{total}`,
            stream: process.stderr,
          },
          Presets.shades_classic,
        );
        this.bar.start(total, done);
      } else this.bar?.update(done);
    } else if (phase !== this.phase || Date.now() - this.lastLine > 2000 || done === total) {
      this.lastLine = Date.now();
      process.stderr.write(`${phase}: ${done}/${total}\n`);
    }
    this.phase = phase;
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

/** Reads one PersonRecord (proto3 canonical JSON, optional top-level "forceCode") per line. */
async function readRecords(
  path: string,
  progress: PhaseProgress,
): Promise<{ ids: string[]; records: MatchInput[] }> {
  const ids: string[] = [];
  const records: MatchInput[] = [];
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      throw new Error(`${path}:${n}: not valid JSON`);
    }
    // fromJSON fills proto3 defaults and drops unknown keys, so forceCode and truthId are ignored.
    const record = PersonRecord.fromJSON(obj);
    ids.push(record.sourceRecordId);
    records.push(record);
    if (n % 10_000 === 0) progress.update('read', n, n);
  }
  return { ids, records };
}

export async function resolveFile(
  options: ResolveCliOptions,
): Promise<{ records: number; clusters: number }> {
  const progress = new PhaseProgress();
  const { ids, records } = await readRecords(options.in, progress);
  const parameters = options.parameters
    ? (JSON.parse(readFileSync(options.parameters, 'utf8')) as MatchParameters)
    : undefined;
  const result = MatchEngine.resolve(records, {
    ...(parameters ? { parameters } : {}),
    onProgress: (phase, done, total) => progress.update(phase, done, total),
  });
  progress.stop();
  if (options.saveParameters) {
    const out = createWriteStream(options.saveParameters);
    out.end(JSON.stringify(result.parameters, null, 2) + '\n');
    await once(out, 'finish');
  }
  const out = createWriteStream(options.out);
  for (let i = 0; i < ids.length; i++) {
    const line =
      JSON.stringify({ sourceRecordId: ids[i], clusterId: ids[result.clusterOf[i] ?? i] }) + '\n';
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const s = result.stats;
  process.stderr.write(
    `resolved ${s.records} records into ${s.clusters} clusters: ${s.candidatePairs} pairs scored, ` +
      `${s.links} links, ${s.possibles} possible, ${s.guardRefusals} merges refused by the chaining guard\n`,
  );
  return { records: s.records, clusters: s.clusters };
}

export function registerResolveCommand(program: Command): void {
  program
    .command('resolve')
    .description(
      'Batch entity resolution: PersonRecord JSONL in, {"sourceRecordId","clusterId"} JSONL out',
    )
    .requiredOption(
      '--in <file>',
      'one PersonRecord (canonical JSON, optional "forceCode") per line',
    )
    .requiredOption('--out <file>', 'clusters JSONL to write')
    .option(
      '--parameters <file>',
      'learned parameters (JSON) to use instead of training on the input',
    )
    .option('--save-parameters <file>', 'write the parameters EM learned on the input')
    .action(async (opts: ResolveCliOptions) => {
      await resolveFile(opts);
    });
}
