import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { FEBRL_DIR_DEFAULT, febrlDir as configuredFebrlDir } from '@intel/config';
import {
  blockingRecall,
  candidatePairsOf,
  MatchEngine,
  pairwiseMetrics,
  parseFebrl,
  type LabelledRecord,
  type MatchParameters,
  type PairwiseMetrics,
} from '@intel/matching';
import { generateScenario, SCENARIOS, type ScenarioName } from '@intel/synthetic';

export interface EvalOptions {
  febrl?: string;
  /** Skip the generated sets. */
  febrlOnly?: boolean;
  /** Generated records per scenario. */
  persons?: number;
  seed?: number;
  out?: string;
  quiet?: boolean;
}

export interface EvalRow extends PairwiseMetrics {
  dataset: string;
  seconds: number;
  clusters: number;
  emIterations?: number;
}

export interface EvalResult {
  startedAt: string;
  febrlDir: string;
  febrlSkipped?: string;
  rows: EvalRow[];
  /** EM-learned parameters per data set, for docs/matching.md. */
  parameters: Record<string, MatchParameters>;
}

/** The repository root: the CLI runs from dist/apps/cli/src or apps/cli/src. */
function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'libs'))) return dir;
    dir = resolve(dir, '..');
  }
  return process.cwd();
}

/**
 * Runs the engine on one labelled set with the same procedure for every set: train (EM, no
 * labels), resolve, then compare the clusters with the truth.
 */
export function evaluateLabelled(
  dataset: string,
  labelled: readonly LabelledRecord[],
  chainingGuard = true,
): { row: EvalRow; parameters: MatchParameters } {
  const t0 = Date.now();
  const records = labelled.map((l) => l.record);
  const result = MatchEngine.resolve(records, { chainingGuard });
  const seconds = (Date.now() - t0) / 1000;
  const truth = labelled.map((l) => l.truthId);
  const predicted = Array.from(result.clusterOf, (c) => String(c));
  const metrics = pairwiseMetrics(truth, predicted);
  const candidates = candidatePairsOf(records);
  return {
    row: {
      dataset,
      ...metrics,
      blockingRecall: blockingRecall(truth, candidates),
      candidatePairs: candidates.size,
      seconds,
      clusters: result.stats.clusters,
      emIterations: result.parameters.provenance.emIterations,
    },
    parameters: result.parameters,
  };
}

export function runEvalMatching(options: EvalOptions): EvalResult {
  const root = repoRoot();
  const febrlDir = options.febrl ? resolve(options.febrl) : configuredFebrlDir(root);
  const result: EvalResult = {
    startedAt: new Date().toISOString(),
    febrlDir,
    rows: [],
    parameters: {},
  };
  const log = (s: string): void => {
    if (!options.quiet) console.error(s);
  };
  const files = ['dataset1.csv', 'dataset2.csv', 'dataset3.csv'];
  if (!files.every((f) => existsSync(join(febrlDir, f)))) {
    result.febrlSkipped = `FEBRL data not found in ${febrlDir} (expected ${files.join(', ')}); FEBRL evaluation skipped. Set FEBRL_DIR or pass --febrl <dir> to point at them.`;
    log(result.febrlSkipped);
  } else {
    files.forEach((f, i) => {
      const name = `FEBRL${i + 1}`;
      log(`evaluating ${name} …`);
      const { row, parameters } = evaluateLabelled(
        name,
        parseFebrl(readFileSync(join(febrlDir, f), 'utf8')),
      );
      result.rows.push(row);
      result.parameters[name] = parameters;
    });
  }
  if (!options.febrlOnly) {
    for (const scenario of Object.keys(SCENARIOS) as ScenarioName[]) {
      log(`evaluating generated:${scenario} …`);
      const generated = generateScenario(scenario, {
        persons: options.persons ?? 2000,
        seed: options.seed ?? 7,
      });
      const labelled: LabelledRecord[] = generated.map((g) => ({
        id: g.record.sourceRecordId,
        truthId: g.truthId,
        record: g.record,
      }));
      const { row, parameters } = evaluateLabelled(`generated:${scenario}`, labelled);
      result.rows.push(row);
      result.parameters[`generated:${scenario}`] = parameters;
      if (scenario === 'chaining') {
        // The same set under plain connected components: what the chaining guard is worth.
        result.rows.push(evaluateLabelled('generated:chaining (no guard)', labelled, false).row);
      }
    }
  }
  return result;
}

function printTable(rows: readonly EvalRow[]): void {
  const header = [
    'dataset',
    'records',
    'true pairs',
    'precision',
    'recall',
    'F1',
    'blocking recall',
    'candidates',
    's',
  ];
  const body = rows.map((r) => [
    r.dataset,
    String(r.records),
    String(r.truePairs),
    r.precision.toFixed(4),
    r.recall.toFixed(4),
    r.f1.toFixed(4),
    (r.blockingRecall ?? NaN).toFixed(4),
    String(r.candidatePairs ?? ''),
    r.seconds.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const b of body) console.log(line(b));
}

export function registerEvalMatchingCommand(program: Command): void {
  program
    .command('eval-matching')
    .description(
      'Pairwise precision, recall, F1 and blocking recall on FEBRL1-3 and generated sets',
    )
    .option(
      '--febrl <dir>',
      `folder holding FEBRL dataset1.csv … dataset3.csv (default: FEBRL_DIR, else ${FEBRL_DIR_DEFAULT} from the repository root)`,
    )
    .option('--febrl-only', 'skip the generated sets')
    .option('--persons <n>', 'persons per generated set', (v) => Number.parseInt(v, 10), 2000)
    .option('--seed <n>', 'generator seed', (v) => Number.parseInt(v, 10), 7)
    .option('--out <file>', 'JSON output', join('bench', 'results', 'eval-matching.json'))
    .action((opts: EvalOptions) => {
      const result = runEvalMatching(opts);
      printTable(result.rows);
      const out = resolve(opts.out ?? join('bench', 'results', 'eval-matching.json'));
      mkdirSync(resolve(out, '..'), { recursive: true });
      writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
      console.log(`\nwritten to ${out}`);
    });
}
