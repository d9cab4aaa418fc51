import {
  AnswerDetail,
  type CheckIdentifiersRequest,
  type CheckPersonRequest,
} from '@intel/contracts';
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
  profiled,
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
const { ANSWER_DETAIL_SUMMARY: SUMMARY, ANSWER_DETAIL_FULL: FULL } = AnswerDetail;
/** Persons not in the index, for the mix's "not in the index" queries (another seed). */
const STRANGERS = { persons: 5000, forces: 10, seed: 7777 };

/** Sends every query of `qs` once, `CONCURRENCY` at a time, tallying what the answers held. */
async function onePass<T, R>(
  qs: T[],
  call: (q: T) => Promise<R>,
  matchesOf: (r: R) => Parameters<typeof tallyAnswer>[1],
): Promise<AnswerTally> {
  const tally = emptyTally();
  for (let i = 0; i < qs.length; i += CONCURRENCY)
    await Promise.all(
      qs.slice(i, i + CONCURRENCY).map(async (q) => tallyAnswer(tally, matchesOf(await call(q)))),
    );
  return tally;
}

/**
 * `npm run bench -- query`: CheckPerson (summary answers, the target's; and full ones) and
 * CheckIdentifiers (summary) against a hub holding the national index of generated persons
 * (1,000,000; 100,000 with --quick), streamed into its database and indexed at its first start.
 * The ceilings (a bare grpc-js server for the same service, called by the same client with the
 * same generated codecs) and the floor (a durable one-row commit) are measured with the hub
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
    // The requests at each detail, made once: the client's work per call is the call's.
    const at = <T>(qs: MixQuery<T>[], detail: AnswerDetail) =>
      qs.map((q) => ({ ...q.request, detail }));
    const requests = {
      summary: at(mix.checkPerson, SUMMARY),
      full: at(mix.checkPerson, FULL),
      identifiers: at(mix.checkIdentifiers, SUMMARY),
    };
    const pq = (i: number, detail: AnswerDetail): CheckPersonRequest => {
      const qs = detail === FULL ? requests.full : requests.summary;
      return qs[i % qs.length] as CheckPersonRequest;
    };
    const iq = (i: number): CheckIdentifiersRequest =>
      requests.identifiers[i % requests.identifiers.length] as CheckIdentifiersRequest;
    // The hub's and the bare server's client alike: the generated codecs, as the hub answers.
    const client = (address: string) => {
      const c = new QueryClient(address, undefined, { devForce: '36', generatedCodecs: true });
      clients.push(c);
      return c;
    };
    const measure = (
      what: string,
      call: (i: number) => Promise<unknown>,
      pids: () => Record<string, number[]>,
      rate: number | 'none' | undefined,
    ) => {
      log(`${what} …`);
      return measureAlone({ pids, call, durationMs, concurrency: CONCURRENCY, rate });
    };

    // Ceilings and floor, with the hub stopped.
    bare = await startBareServer();
    const bareClient = client(bare.address);
    const barePids = () => ({ server: bare ? [bare.pid] : [] });
    log('bare server (hub stopped): warming up …');
    await drive((i) => bareClient.checkPerson(pq(i, SUMMARY)), 2000, CONCURRENCY);
    const bareCp = await measure(
      'bare server (hub stopped): CheckPerson',
      (i) => bareClient.checkPerson(pq(i, SUMMARY)),
      barePids,
      'none',
    );
    const bareCi = await measure(
      'bare server (hub stopped): CheckIdentifiers',
      (i) => bareClient.checkIdentifiers(iq(i)),
      barePids,
      'none',
    );
    log('floor: durable commit, and bare server + durable commit …');
    const floor = await measureCommitFloor(
      opts.databaseUrl,
      dbName,
      (i) => bareClient.checkPerson(pq(i, SUMMARY)),
      durationMs,
    );
    bareClient.close();
    bare.stop();
    bare = undefined;

    const started2 = await restartHub(
      opts.databaseUrl,
      dbName,
      env,
      log,
      index.nominals,
      profiled(opts.profileHub),
    );
    hub = started2.hub;
    const hubClient = client(hub.grpcAddress);
    log('warming up: the whole mix once, at each detail …');
    const cpAnswers = await onePass(
      requests.summary,
      (q) => hubClient.checkPerson(q),
      (r) => r.matches,
    );
    await onePass(
      requests.full,
      (q) => hubClient.checkPerson(q),
      (r) => r.matches,
    );
    const ciAnswers = await onePass(
      requests.identifiers,
      (q) => hubClient.checkIdentifiers(q),
      (r) => r.results.flatMap((x) => x.matches),
    );
    const hubPids = () => ({
      hub: hub?.process.pid ? [hub.process.pid] : [],
      PostgreSQL: pidsMatching(isPostgres),
    });
    const cp = await measure(
      'hub: CheckPerson (summary)',
      (i) => hubClient.checkPerson(pq(i, SUMMARY)),
      hubPids,
      opts.rate,
    );
    const cpFull = await measure(
      'hub: CheckPerson (full)',
      (i) => hubClient.checkPerson(pq(i, FULL)),
      hubPids,
      opts.rate,
    );
    const ci = await measure(
      'hub: CheckIdentifiers (summary)',
      (i) => hubClient.checkIdentifiers(iq(i)),
      hubPids,
      opts.rate,
    );
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
          checkPersonFull: cpFull.open && {
            offered: cpFull.open.offeredRate,
            maxInFlight: cpFull.open.maxInFlight,
          },
          checkIdentifiers: ci.open && {
            offered: ci.open.offeredRate,
            maxInFlight: ci.open.maxInFlight,
          },
        },
        machineLoad: {
          bareCheckPerson: bareCp.machine,
          bareCheckIdentifiers: bareCi.machine,
          commitFloor: floor.commitMachine,
          bareAndCommit: floor.bareAndCommitMachine,
          hubCheckPerson: cp.machine,
          hubCheckPersonFull: cpFull.machine,
          hubCheckIdentifiers: ci.machine,
        },
        hubResident: resident,
        errors: {
          checkPerson: errors(cp),
          checkIdentifiers: errors(ci),
          checkPersonFull: errors(cpFull),
          bare: errors(bareCp) + errors(bareCi),
          firstError: cp.load.firstError ?? ci.load.firstError ?? cp.open?.firstError,
        },
      },
      figures: queryFigures({
        cp,
        ci,
        cpFull,
        bareCp,
        bareCi,
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
