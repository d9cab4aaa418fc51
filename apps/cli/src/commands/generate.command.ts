import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { generatePersons, SCENARIOS, type ScenarioName } from '@intel/synthetic';

interface GenerateCliOptions {
  persons: number;
  forces: number;
  seed: number;
  out: string;
  scenario: string;
}

/**
 * Writes deterministic synthetic PersonRecords, one JSON object per line:
 * `{ ...PersonRecord (canonical JSON), "forceCode": "36", "truthId": "P0000042" }`. The resolver
 * reads the record fields and ignores forceCode and truthId; truthId is the ground truth.
 */
export async function generateFile(options: GenerateCliOptions): Promise<number> {
  if (!(options.scenario in SCENARIOS)) {
    throw new Error(
      `unknown scenario ${options.scenario}; one of ${Object.keys(SCENARIOS).join(', ')}`,
    );
  }
  const records = generatePersons({
    persons: options.persons,
    forces: options.forces,
    seed: options.seed,
    profile: SCENARIOS[options.scenario as ScenarioName],
  });
  const out = createWriteStream(options.out);
  for (const r of records) {
    const line = JSON.stringify({ ...r.record, forceCode: r.forceCode, truthId: r.truthId }) + '\n';
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return records.length;
}

const int = (v: string): number => {
  const n = Number.parseInt(v, 10);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a non-negative integer: ${v}`);
  return n;
};

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('Deterministic synthetic UK offender PersonRecords with ground truth (JSONL)')
    .requiredOption('--persons <n>', 'number of real persons', int)
    .option('--forces <k>', 'number of forces (real PNC force codes)', int, 5)
    .option('--seed <s>', 'random seed', int, 1)
    .option('--scenario <name>', `variation mix: ${Object.keys(SCENARIOS).join(', ')}`, 'baseline')
    .requiredOption('--out <file>', 'JSONL file to write')
    .action(async (opts: GenerateCliOptions) => {
      const n = await generateFile(opts);
      process.stderr.write(`wrote ${n} records for ${opts.persons} persons to ${opts.out}\n`);
    });
}
