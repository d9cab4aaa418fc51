import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { FEBRL_DIR_DEFAULT, febrlDir as configuredFebrlDir } from '@intel/config';
import {
  blockingRecall,
  calibrationByBand,
  candidatePairsOf,
  MatchEngine,
  missedPairReport,
  pairwiseMetrics,
  parseFebrl,
  truePairsOf,
  type BandCalibration,
  type LabelledRecord,
  type MatchParameters,
  type MissedPairs,
  type PairwiseMetrics,
} from '@intel/matching';
import { generateScenario, SCENARIOS, type ScenarioName } from '@intel/synthetic';
import { recallCeiling } from './eval-matching-ceiling';
import { targetChecks, type TargetCheck } from './eval-matching-targets';

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
  /** Blocked candidate pairs per record: the cost of blocking. */
  pairsPerRecord: number;
  /** Where the true pairs the engine did not link went (review band, below, never compared). */
  missed: MissedPairs;
  /** Predicted posterior against observed precision, per band, over scored candidate pairs. */
  calibration: BandCalibration[];
  /**
   * Recall with every true pair compared, no guard and no false link (`recallCeiling`): through
   * true pairs scoring a link, and through true pairs scoring POSSIBLE or better.
   */
  recallCeiling: { link: number; possible: number };
}

export interface EvalResult {
  startedAt: string;
  febrlDir: string;
  febrlSkipped?: string;
  rows: EvalRow[];
  /** EM-learned parameters per data set, for docs/matching.md. */
  parameters: Record<string, MatchParameters>;
  /** The quality targets, judged on the rows (`targetChecks`). */
  targets: TargetCheck[];
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
  const records = labelled.map((l) => l.record);
  const truth = labelled.map((l) => l.truthId);
  // Every true pair is explained with the batch's own scorer; the missed ones are picked after.
  const truePairs = truePairsOf(truth);
  const result = MatchEngine.resolve(records, {
    chainingGuard,
    keepLinks: true,
    keepPossibles: true,
    explainPairs: truePairs,
  });
  // The engine's own phases: explaining the true pairs is the evaluation's work, not matching's.
  const seconds = Object.values(result.stats.seconds).reduce((x, y) => x + y, 0);
  const predicted = Array.from(result.clusterOf, (c) => String(c));
  const metrics = pairwiseMetrics(truth, predicted);
  const candidates = candidatePairsOf(records);
  const n = records.length;
  const explained = result.explained ?? [];
  const scores = explained.map((e) => e.score);
  const missedIdx = truePairs.flatMap(([a, b], k) =>
    result.clusterOf[a] === result.clusterOf[b] ? [] : [k],
  );
  const missed = missedPairReport(
    missedIdx.map((k) => truePairs[k] ?? [0, 0]),
    (a, b) => candidates.has(a * n + b),
    missedIdx.flatMap((k) => explained[k] ?? []),
    result.bits,
  );
  return {
    row: {
      dataset,
      ...metrics,
      blockingRecall: blockingRecall(truth, candidates),
      candidatePairs: candidates.size,
      pairsPerRecord: n === 0 ? 0 : candidates.size / n,
      seconds,
      clusters: result.stats.clusters,
      emIterations: result.parameters.provenance.emIterations,
      missed,
      calibration: calibrationByBand(
        [...(result.links ?? []), ...(result.possiblePairs ?? [])],
        truth,
        result.bits,
      ),
      recallCeiling: {
        link: recallCeiling(n, truePairs, scores, result.bits.linkBits),
        possible: recallCeiling(n, truePairs, scores, result.bits.possibleBits),
      },
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
    targets: [],
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
  result.targets = targetChecks(result.rows);
  return result;
}

function printTable(rows: readonly EvalRow[]): void {
  printRows(
    [
      'dataset',
      'records',
      'true pairs',
      'precision',
      'recall',
      'F1',
      'blocking recall',
      'candidates',
      'pairs/record',
      's',
    ],
    rows.map((r) => [
      r.dataset,
      String(r.records),
      String(r.truePairs),
      r.precision.toFixed(4),
      r.recall.toFixed(4),
      r.f1.toFixed(4),
      (r.blockingRecall ?? NaN).toFixed(4),
      String(r.candidatePairs ?? ''),
      r.pairsPerRecord.toFixed(2),
      r.seconds.toFixed(1),
    ]),
  );
  const pct = (x: number): string => (100 * x).toFixed(1);
  const cal = (r: EvalRow, band: string): string => {
    const c = r.calibration.find((b) => b.band === band);
    return c && c.pairs > 0
      ? `${c.predicted.toFixed(3)} / ${c.observed.toFixed(3)} (${c.pairs})`
      : '-';
  };
  console.log('');
  printRows(
    [
      'dataset',
      'missed pairs',
      '% POSSIBLE',
      '% below',
      '% not blocked',
      '% linked, not merged',
      'CERTAIN pred / obs (n)',
      'PROBABLE pred / obs (n)',
      'POSSIBLE pred / obs (n)',
      'recall ceiling link / POSSIBLE',
    ],
    rows.map((r) => [
      r.dataset,
      String(r.missed.pairs),
      pct(r.missed.possibleShare),
      pct(r.missed.belowShare),
      pct(r.missed.notBlockedShare),
      pct(r.missed.linkedShare),
      cal(r, 'CERTAIN'),
      cal(r, 'PROBABLE'),
      cal(r, 'POSSIBLE'),
      `${r.recallCeiling.link.toFixed(4)} / ${r.recallCeiling.possible.toFixed(4)}`,
    ]),
  );
  console.log('');
  printRows(
    ['dataset', 'top causes in missed pairs (% of missed pairs)'],
    rows.map((r) => [
      r.dataset,
      r.missed.causes
        .slice(0, 6)
        .map((c) => `${c.cause} ${pct(c.share)}`)
        .join(', '),
    ]),
  );
}

function printRows(header: string[], body: string[][]): void {
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
      'Pairwise precision, recall, F1, blocking recall, where missed pairs went (review band or below), calibration per band and the recall the scores allow, on FEBRL1-3 and generated sets',
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
      console.log('');
      printRows(
        ['dataset', 'target', 'measured', 'met'],
        result.targets.map((t) => [t.dataset, t.target, t.measured, t.met ? 'yes' : 'NO']),
      );
      const out = resolve(opts.out ?? join('bench', 'results', 'eval-matching.json'));
      mkdirSync(resolve(out, '..'), { recursive: true });
      writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
      console.log(`\nwritten to ${out}`);
    });
}
