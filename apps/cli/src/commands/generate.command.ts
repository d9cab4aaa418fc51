import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { Classification, GradingScheme, Handling, HandlingCode } from '@intel/contracts';
import { generatePersons, SCENARIOS, type ScenarioName } from '@intel/synthetic';

interface GenerateCliOptions {
  persons: number;
  forces: number;
  seed: number;
  out: string;
  scenario: string;
  /** Share of records (0–1) given handling code C; the rest are P. */
  restricted?: number;
}

const SOURCE_EVALUATIONS = ['1', '2', '3'] as const;
const ASSESSMENTS = ['A', 'B', 'C'] as const;

/**
 * The 3x5x2 grading a generated record carries, as a force system would send it: a source
 * evaluation and intelligence assessment, and handling code P or, for a `restrictedShare` of
 * records, C with its conditions. Chosen by a hash of the record's source id, so a seed always
 * gives the same file.
 */
export function generatedHandling(sourceRecordId: string, restrictedShare = 0): Handling {
  const h = createHash('sha256').update(sourceRecordId).digest();
  const restricted = h.readUInt32BE(0) / 2 ** 32 < restrictedShare;
  return {
    classification: Classification.CLASSIFICATION_OFFICIAL,
    gradingScheme: GradingScheme.GRADING_SCHEME_3X5X2,
    sourceEvaluation: SOURCE_EVALUATIONS[h[4]! % SOURCE_EVALUATIONS.length]!,
    intelligenceAssessment: ASSESSMENTS[h[5]! % ASSESSMENTS.length]!,
    handlingCode: restricted ? HandlingCode.HANDLING_CODE_C : HandlingCode.HANDLING_CODE_P,
    handlingConditions: restricted
      ? 'Synthetic record: disclose only that it is held; contact the holding force'
      : '',
    reviewDate: undefined,
  };
}

/**
 * Deterministic synthetic PersonRecords, one JSON object per line:
 * `{ ...PersonRecord (canonical JSON), "forceCode": "36", "truthId": "P0000042" }`, each with
 * its grading and handling code (`generatedHandling`), ready for `import`. The resolver and the
 * force node read the record fields and ignore forceCode and truthId; truthId is the ground
 * truth. Like force systems' data, a few records are damaged beyond what intake accepts (an
 * invalid PNC check character, an impossible date): `import` reports those by reason.
 */
export function* generatedLines(options: Omit<GenerateCliOptions, 'out'>): Generator<string> {
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
  for (const r of records) {
    const handling = Handling.toJSON(
      generatedHandling(r.record.sourceRecordId, options.restricted),
    );
    yield JSON.stringify({ ...r.record, handling, forceCode: r.forceCode, truthId: r.truthId });
  }
}

/** Writes `generatedLines` to `options.out`; returns how many. */
export async function generateFile(options: GenerateCliOptions): Promise<number> {
  const out = createWriteStream(options.out);
  let n = 0;
  for (const line of generatedLines(options)) {
    n += 1;
    if (!out.write(line + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return n;
}

const int = (v: string): number => {
  const n = Number.parseInt(v, 10);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a non-negative integer: ${v}`);
  return n;
};

const share = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`not a share between 0 and 1: ${v}`);
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
    .option('--restricted <share>', 'share of records with handling code C (0–1)', share, 0.05)
    .requiredOption('--out <file>', 'JSONL file to write')
    .action(async (opts: GenerateCliOptions) => {
      const n = await generateFile(opts);
      process.stderr.write(`wrote ${n} records for ${opts.persons} persons to ${opts.out}\n`);
    });
}
