import type { CheckIdentifiersRequest, CheckPersonRequest } from '@intel/contracts';
import { QueryClient } from '@intel/grpc';
import { streamPeople } from '@intel/synthetic';
import type { RunningNode } from '@intel/testing';
import type { BenchSuiteResult, StackBenchOptions } from './bench-report';
import {
  benchDatabase,
  benchScale,
  dropBenchDatabase,
  nationalHubEnv,
  prepareIndex,
  restartHub,
} from './bench-index';
import { environment } from './bench-stats';
import { drive, measureAlone } from './load-driver';
import { residentMemory } from './machine-load';
import { measureCommitFloor, startBareServer } from './query-ceilings';
import { queryFigures } from './query-figures';
import {
  QueryMixBuilder,
  compositionOf,
  emptyTally,
  tallyAnswer,
  type AnswerTally,
  type MixQuery,
} from './query-mix';
import { isPostgres, pidsMatching } from './process-cpu';

/** Calls in flight when measuring saturation throughput. */
const CONCURRENCY = 16;
/** Persons not in the index, for the mix's "not in the index" queries (another seed). */
const STRANGERS = { persons: 5000, forces: 10, seed: 7777 };

/** Sends every query of `qs` once, `CONCURRENCY` at a time, tallying what the answers held. */
async function onePass<T, R>(
  qs: MixQuery<T>[],
  call: (q: T) => Promise<R>,
  matchesOf: (r: R) => Parameters<typeof tallyAnswer>[1],
): Promise<AnswerTally> {
  const tally = emptyTally();
  for (let i = 0; i < qs.length; i += CONCURRENCY)
    await Promise.all(
      qs
        .slice(i, i + CONCURRENCY)
        .map(async (q) => tallyAnswer(tally, matchesOf(await call(q.request)))),
    );
  return tally;
}

/**
 * `npm run bench -- query`: CheckPerson and CheckIdentifiers against a hub holding the national
 * index of generated persons (1,000,000; 100,000 with --quick), streamed into its database and
 * indexed at its first start. The ceilings (a bare grpc-js server for the same service, called
 * by the same client) and the floor (a durable one-row commit) are measured with the hub
 * stopped; then the hub is started again on the same database (the restart time) and measured:
 * saturated (16 in flight), one call at a time, and at a fixed offered rate (open loop, by
 * default half its saturation rate). Every call cycles one fixed mix of queries, the same at
 * every size. Every hub call is validated, answered, audited (hash chain) and may raise alerts,
 * as in production.
 */
export async function runQueryBench(opts: StackBenchOptions): Promise<BenchSuiteResult> {
  const started = new Date();
  const { persons, durationMs } = benchScale(opts);
  const dbName = benchDatabase(opts, 'bench_hub_q');
  const log = (s: string) => process.stderr.write(`[bench query] ${s}\n`);
  const env = nationalHubEnv(opts, dbName);
  let hub: RunningNode | undefined;
  let bare: Awaited<ReturnType<typeof startBareServer>> | undefined;
  const clients: QueryClient[] = [];
  try {
    const mixBuilder = new QueryMixBuilder();
    const index = await prepareIndex({
      databaseUrl: opts.databaseUrl,
      dbName,
      persons,
      env,
      log,
      onPerson: (records) => mixBuilder.add(records),
    });
    for (const person of streamPeople(STRANGERS))
      mixBuilder.add(
        person.map((g) => ({ ...g, restricted: false })),
        true,
      );
    const mix = mixBuilder.build();
    log(
      `query mix: ${mix.checkPerson.length} CheckPerson, ${mix.checkIdentifiers.length} CheckIdentifiers`,
    );
    const pq = (i: number) =>
      mix.checkPerson[i % mix.checkPerson.length]?.request as CheckPersonRequest;
    const iq = (i: number) =>
      mix.checkIdentifiers[i % mix.checkIdentifiers.length]?.request as CheckIdentifiersRequest;

    // Ceilings and floor, with the hub stopped.
    bare = await startBareServer();
    const bareClient = new QueryClient(bare.address, undefined, { devForce: '36' });
    clients.push(bareClient);
    const barePids = () => ({ server: bare ? [bare.pid] : [] });
    // Both RPCs on one server, saturated and one at a time; open loop too unless `rate` is 'none'.
    const measureRpcs = async (
      what: string,
      client: QueryClient,
      pids: () => Record<string, number[]>,
      rate: number | 'none' | undefined,
    ) => {
      const measure = (rpc: string, call: (i: number) => Promise<unknown>) => {
        log(`${what}: ${rpc} …`);
        return measureAlone({ pids, call, durationMs, concurrency: CONCURRENCY, rate });
      };
      return {
        cp: await measure('CheckPerson', (i) => client.checkPerson(pq(i))),
        ci: await measure('CheckIdentifiers', (i) => client.checkIdentifiers(iq(i))),
      };
    };
    log('bare server (hub stopped): warming up …');
    await drive((i) => bareClient.checkPerson(pq(i)), 2000, CONCURRENCY);
    const bareRuns = await measureRpcs('bare server (hub stopped)', bareClient, barePids, 'none');
    log('floor: durable commit, and bare server + durable commit …');
    const floor = await measureCommitFloor(
      opts.databaseUrl,
      dbName,
      (i) => bareClient.checkPerson(pq(i)),
      durationMs,
    );
    bareClient.close();
    bare.stop();
    bare = undefined;

    const started2 = await restartHub(opts.databaseUrl, dbName, env, log);
    hub = started2.hub;
    const hubClient = new QueryClient(hub.grpcAddress, undefined, { devForce: '36' });
    clients.push(hubClient);
    log('warming up: the whole mix once …');
    const cpAnswers = await onePass(
      mix.checkPerson,
      (q) => hubClient.checkPerson(q),
      (r) => r.matches,
    );
    const ciAnswers = await onePass(
      mix.checkIdentifiers,
      (q) => hubClient.checkIdentifiers(q),
      (r) => r.results.flatMap((x) => x.matches),
    );
    const hubPids = () => ({
      hub: hub?.process.pid ? [hub.process.pid] : [],
      PostgreSQL: pidsMatching(isPostgres),
    });
    const { cp, ci } = await measureRpcs('hub', hubClient, hubPids, opts.rate);
    const resident = residentMemory(hub.process.pid);

    const errors = (m: typeof cp) => m.load.errors + m.one.errors + (m.open?.errors ?? 0);
    return {
      suite: 'query',
      startedAt: started.toISOString(),
      durationSeconds: (Date.now() - started.getTime()) / 1000,
      environment: environment(),
      parameters: {
        generatedPersons: persons,
        nominals: index.nominals,
        restrictedNominals: index.restricted,
        nationalPersons: started2.nationalPersons,
        concurrency: CONCURRENCY,
        durationSeconds: durationMs / 1000,
        mix: {
          checkPerson: compositionOf(mix.checkPerson),
          checkIdentifiers: compositionOf(mix.checkIdentifiers),
          strangers: STRANGERS,
        },
        answersToTheMix: { checkPerson: cpAnswers, checkIdentifiers: ciAnswers },
        openLoop: {
          checkPerson: cp.open && {
            offered: cp.open.offeredRate,
            maxInFlight: cp.open.maxInFlight,
          },
          checkIdentifiers: ci.open && {
            offered: ci.open.offeredRate,
            maxInFlight: ci.open.maxInFlight,
          },
        },
        machineLoad: {
          bareCheckPerson: bareRuns.cp.machine,
          bareCheckIdentifiers: bareRuns.ci.machine,
          commitFloor: floor.commitMachine,
          bareAndCommit: floor.bareAndCommitMachine,
          hubCheckPerson: cp.machine,
          hubCheckIdentifiers: ci.machine,
        },
        hubResident: resident,
        errors: {
          checkPerson: errors(cp),
          checkIdentifiers: errors(ci),
          bare: errors(bareRuns.cp) + errors(bareRuns.ci),
          firstError: cp.load.firstError ?? ci.load.firstError ?? cp.open?.firstError,
        },
      },
      figures: queryFigures({
        cp,
        ci,
        bareCp: bareRuns.cp,
        bareCi: bareRuns.ci,
        floor,
        index,
        started: started2,
        resident,
        concurrency: CONCURRENCY,
      }),
    };
  } finally {
    for (const c of clients) c.close();
    bare?.stop();
    await hub?.stop();
    await dropBenchDatabase(opts, dbName);
  }
}
