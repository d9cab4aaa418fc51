import type { Command } from 'commander';
import { kafkaServiceEnv, loadToolConfig, toolKafkaConfig } from '@intel/config';
import { runAnalystBench } from '../bench/analyst.bench';
import { reportBench } from '../bench/bench-report';
import { runImmediateBench } from '../bench/immediate.bench';
import { runHubIndexMemoryBench } from '../bench/hub-index-memory.bench';
import { runIndexMemoryBench } from '../bench/index-memory.bench';
import { runIndexSnapshotBench } from '../bench/index-snapshot.bench';
import { runIntakeBench } from '../bench/intake.bench';
import { runMatchingBench } from '../bench/matching.bench';
import { runPipelineBench } from '../bench/pipeline.bench';
import { runQueryBench } from '../bench/query.bench';

const SUITES = [
  'intake',
  'matching',
  'index-memory',
  'index-snapshot',
  'hub-index-memory',
  'pipeline',
  'query',
  'analyst',
  'immediate',
] as const;

/** `npm run bench -- <suite> [--quick]`: writes bench/results/latest.json and prints a table. */
export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description(`run a benchmark suite (${SUITES.join(', ')})`)
    .argument('<suite>', SUITES.join(' | '))
    .option('--quick', 'smaller data sets, for a smoke run')
    .option(
      '--keep-database <name>',
      'query, analyst: load the index into this database and keep it; a later run reuses it',
    )
    .option(
      '--rate <n>',
      "query (calls/s), pipeline (records/s): the open loop's offered rate; default half the saturation rate of the same run",
      (v) => {
        const n = Number(v);
        if (!(n > 0)) throw new Error(`--rate must be a positive number, not ${v}`);
        return n;
      },
    )
    .option(
      '--profile-hub <dir>',
      'query, analyst: run the measured hub with --cpu-prof, writing its CPU profile into this directory when it stops',
    )
    .option(
      '--snapshot-dir <dir>',
      'query, analyst: the hub keeps its index snapshot here (HUB_SNAPSHOT_DIR): with --keep-database, a second run restarts from the snapshot the first wrote at its stop',
    )
    .action(
      async (
        suite: string,
        opts: {
          quick?: boolean;
          keepDatabase?: string;
          rate?: number;
          profileHub?: string;
          snapshotDir?: string;
        },
      ) => {
        const cfg = loadToolConfig();
        const stack = () => {
          if (!cfg.kafkaBrokers)
            throw new Error(
              'KAFKA_BROKERS is not set: run through `npm run bench` (deploy/local/bench.sh starts a broker)',
            );
          return {
            quick: opts.quick,
            keepDatabase: opts.keepDatabase,
            rate: opts.rate,
            profileHub: opts.profileHub,
            snapshotDir: opts.snapshotDir,
            databaseUrl: cfg.databaseUrl,
            kafkaEnv: (principal: string) => kafkaServiceEnv(cfg, principal),
            kafkaClient: (principal: string, clientId: string) =>
              toolKafkaConfig(cfg, principal, clientId),
          };
        };
        switch (suite) {
          case 'intake':
            reportBench(await runIntakeBench(stack()));
            break;
          case 'pipeline':
            reportBench(await runPipelineBench(stack()));
            break;
          case 'query':
            reportBench(await runQueryBench(stack()));
            break;
          case 'analyst':
            reportBench(await runAnalystBench(stack()));
            break;
          case 'immediate':
            reportBench(await runImmediateBench(stack()));
            break;
          case 'matching':
            reportBench(await runMatchingBench({ quick: opts.quick }));
            break;
          case 'index-memory':
            reportBench(await runIndexMemoryBench({ quick: opts.quick }));
            break;
          case 'index-snapshot':
            reportBench(await runIndexSnapshotBench({ quick: opts.quick }));
            break;
          case 'hub-index-memory':
            reportBench(await runHubIndexMemoryBench({ quick: opts.quick }));
            break;
          default:
            throw new Error(`unknown suite ${suite}; one of ${SUITES.join(', ')}`);
        }
      },
    );
}
