import { randomUUID } from 'node:crypto';
import type { Alert, FlagType } from '@intel/contracts';
import { classifyDatabaseError, databaseErrorClass, inTransaction, type Sql } from '@intel/db';
import {
  eachInSlices,
  MatchEngine,
  type ClusterChanges,
  type MatchInput,
  type PairConstraint,
  type ScoredLink,
} from '@intel/matching';
import type { Logger } from '@intel/observability';
import { generatePersons } from '@intel/synthetic';
import { NominalState } from '@intel/contracts';
import { DataSource } from 'typeorm';
import {
  PUBLIC_VIEW,
  deriveByView,
  incidentRef,
  isRestricted,
  isRestrictedRecord,
  recipientsByView,
  refKey,
  viewOf,
} from '@intel/disclosure';
import { isImmediate, planChangeAlerts } from '../alerts/alert-plan';
import { ImmediateAlertsRepository } from '../alerts/immediate-alerts.repository';
import {
  deriveFlags,
  isOffending,
  concernedForces,
  mergeIncidents,
  type MemberFacts,
  type MemberView,
} from '../flags/derive-flags';
import { planUnderived } from '../flags/underived-views';
import { ViewFlagsRepository, type ViewFlag } from '../flags/view-flags.repository';
import { HubMetrics } from '../hub.metrics';
import { ReviewRepository, type CandidateReport } from '../review/review.repository';
import {
  afterOwnFailure,
  afterSuccess,
  isolationStart,
  type IsolationState,
} from './batch-isolation';
import { splitMemberKey, memberKey, type MemberKey } from './member-key';
import {
  resolveFirstStart,
  restoreFirstStart,
  REVIEW_CANDIDATES_PER_RECORD,
  type ResolvedFirstStart,
} from './batch-first-start';
import { IndexCommitsRepository, type IndexChange } from './index-commits.repository';
import { ReplayRefused, replayOnto } from './index-replay';
import { NationalIndex } from './national-index';
import { loadNationalSnapshot, SnapshotRefused, writeNationalSnapshot } from './national-snapshot';
import { NationalStoreRepository, QueuedEntity, StoredLink } from './national-store.repository';
import { nominalAsMatchInput } from './nominal-input';
import { chooseParameters, type ParameterSource } from './parameter-choice';
import { assignPersons, type PersonAssignment } from './person-assignment';
import { PhaseClock } from './phase-clock';
import { resolutionReadiness, type ResolutionStatus } from './resolution-health';
import { Inject, Injectable } from '@nestjs/common';
import { HUB_LOGGER, RESOLUTION_OPTIONS } from '../hub.tokens';

export interface ResolutionOptions {
  /** Queue entries resolved per transaction. */
  batchSize: number;
  /** Train the engine's parameters (EM) when at least this many nominals are held at start. */
  trainMinRecords: number;
  /** Size of the generated reference population the cold-start parameters are learned from. */
  referencePersons: number;
  /** Readiness: the oldest queued entity may wait this long (ms). */
  stuckMs: number;
  /** Readiness: this many failed batches in a row count as failing. */
  maxConsecutiveFailures: number;
  /** IMMEDIATE alerts must be acknowledged within this many ms (HUB_IMMEDIATE_ACK_MS). */
  immediateAckMs: number;
  /** The index snapshot's directory (HUB_SNAPSHOT_DIR; undefined: no snapshot). */
  snapshotDir?: string;
  /** How often the snapshot is written when the index changed (HUB_SNAPSHOT_INTERVAL_MS). */
  snapshotIntervalMs?: number;
  /** How often a standing-by hub tails the leader's commits (HUB_STANDBY_TAIL_MS). */
  standbyTailMs?: number;
}

/**
 * The leadership epoch changed under a resolution transaction: another hub leads now. Nothing
 * was committed; this hub must not resolve until it leads again.
 */
export class LeadershipFencedError extends Error {
  constructor() {
    super('another hub took the national index over; this hub no longer resolves');
  }
}

/** The index is not loaded, or this hub does not lead: nothing can be decided now (retry). */
export class IndexUnavailableError extends Error {
  constructor() {
    super(
      'the national index is not available (loading, or reconnecting to its database); retry shortly',
    );
  }
}

/** Persons derived per transaction when the upgrade's list is worked off at load. */
const UNDERIVED_PAGE = 1000;

/** A fixed seed: every hub learns the same cold-start parameters. */
const REFERENCE_SEED = 20_261_128;

/**
 * Cold start: below `trainMinRecords` the index holds too few records to learn weights from, and
 * the engine's priors are far from real (they rate a shared date of birth like a shared sex).
 * The same EM procedure then learns them from a generated reference population of UK offender
 * records (libs/synthetic: realistic name frequencies, nicknames, typos, missing fields).
 */
function referenceEngine(persons: number): MatchEngine {
  const records = generatePersons({ persons, forces: 5, seed: REFERENCE_SEED });
  return MatchEngine.train(records.map((r) => r.record));
}

const PARAMETER_ORIGIN: Record<ParameterSource, string> = {
  saved: 'saved (restored index)',
  index: 'learned from the index',
  reference: 'learned from the reference population',
};

/** No person yet (a first start): every cluster is a new person. */
const NO_PERSONS = {
  personOf: () => undefined,
  ageOf: () => 0,
  membersOf: () => [],
  newId: () => randomUUID(),
};

/** Lets the event loop run (the first start's writes move on between slices of its restore). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** How `commitChanges` writes: a rebuild's or decisions' change; persons written already. */
type CommitOptions = Pick<IndexChange, 'full' | 'constraints'> & {
  /**
   * The assignment, with its persons created and members set already: every person new (a
   * first start), so none has flags or views stored before this change.
   */
  written?: { assignment: PersonAssignment; seqs: Map<string, number> };
  /** Where the time goes, for the `index-loaded` line. */
  clock?: PhaseClock;
};

/** `add`'s links of one nominal, each with its per-field explanation, as stored. */
function explainedLinks(index: NationalIndex, key: MemberKey, links: ScoredLink[]): StoredLink[] {
  return links.map((l) => ({
    a: key,
    b: l.id,
    score: l.score,
    band: l.band,
    explanation: index.matching.compare(key, l.id)?.explanation ?? [],
  }));
}

/** Every link the index holds, explained (after a rebuild, when all are stored anew). */
function* allExplainedLinks(index: NationalIndex): IterableIterator<StoredLink> {
  for (const l of index.matching.links())
    yield { ...l, explanation: index.matching.compare(l.a, l.b)?.explanation ?? [] };
}

/**
 * The POSSIBLE pairs a nominal's scoring reported, as review candidates: the strongest
 * REVIEW_CANDIDATES_PER_RECORD, each with whether its records are handling code C (a pair is
 * queued only for forces that may see both).
 */
function candidateReports(
  index: NationalIndex,
  key: MemberKey,
  state: NominalState,
  possibles: readonly ScoredLink[],
): CandidateReport[] {
  const top = possibles.slice(0, REVIEW_CANDIDATES_PER_RECORD);
  if (top.length === 0) return [];
  const others = index.views(top.map((p) => p.id));
  const restrictedA = isRestricted(state.handling?.handlingCode);
  const out: CandidateReport[] = [];
  for (const p of top) {
    const other = others.get(p.id);
    if (other)
      out.push({
        a: key,
        b: p.id,
        restrictedA,
        restrictedB: isRestrictedRecord(other),
        score: p.score,
        band: p.band,
      });
  }
  return out;
}

/** The clusters as they are now, for every member a change mentioned. */
function clustersNow(index: NationalIndex, reported: ClusterChanges['clusters']): MemberKey[][] {
  const groups = new Map<string, MemberKey[]>();
  for (const c of reported)
    for (const m of c.members) {
      const cid = index.matching.clusterOf(m);
      if (cid !== undefined && !groups.has(cid)) groups.set(cid, index.matching.membersOf(cid));
    }
  return [...groups.values()];
}

/** Every cluster of the index's nominals `held`, by cluster id, with its members. */
function clustersOf(index: NationalIndex, held: Iterable<{ key: MemberKey }>) {
  const groups = new Map<string, MemberKey[]>();
  for (const { key } of held) {
    const c = index.matching.clusterOf(key);
    if (c !== undefined && !groups.has(c)) groups.set(c, index.matching.membersOf(c));
  }
  return groups;
}

/** An analyst's decision on a pair taking effect (`undefined`: a decision withdrawn). */
export interface ConstraintChange {
  a: MemberKey;
  b: MemberKey;
  constraint: PairConstraint | undefined;
}

/** What a decision's work gives `decide`: its result, and the constraints to put in force. */
export interface DecisionWork<T> {
  value: T;
  changes: ConstraintChange[];
  /**
   * Runs last in the transaction, once the persons are recomputed, with the alerts raised
   * (e.g. to audit the decision: it commits only if this succeeds).
   */
  seal?: (tx: Sql, alerts: Alert[]) => Promise<void>;
}

type AlertListener = (alerts: Alert[]) => void;

/**
 * Links force nominals into national persons (issue #4): takes the entities queued by ingestion,
 * applies them to the matching index, gives the changed clusters stable person ids, stores the
 * links with their evidence, recomputes the flags of every person touched and raises alerts,
 * all in one transaction per batch. The in-memory index is derived state: if a transaction
 * fails, it is loaded again from the database before the next batch, while queries go on
 * being answered from the index in hand (it differs from the database only by the failed
 * batch's resolution).
 *
 * A batch that fails for a reason of its own never stops the rest (issue #11): the failing
 * batch is cut in halves down to the single entity (batch-isolation), which is set aside
 * (`resolution_set_aside`, counted, logged by key and error class) while everything else is
 * resolved. A failure that is not the batch's own (the database unreachable, a lock conflict)
 * is thrown to the caller, which retries later; readiness reports a resolution that is stuck
 * or failing.
 *
 * While the hub does not lead (its leadership lock's connection was lost) resolution is
 * suspended and `current` is undefined: queries are refused as retryable rather than answered
 * from an index another hub may have moved past.
 */
@Injectable()
export class ResolutionService {
  private index: NationalIndex | undefined;
  /** The index holds changes the database does not (a failed batch): load it again. */
  private stale = false;
  private suspended = false;
  /** The leadership epoch this hub resolves under (every transaction checks it). */
  private epoch: number | undefined;
  private isolation: IsolationState;
  private consecutiveFailures = 0;
  private lastFailureClass: string | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private readonly listeners = new Set<AlertListener>();
  private readonly viewFlags = new ViewFlagsRepository();
  private readonly review = new ReviewRepository();
  private readonly immediate = new ImmediateAlertsRepository();
  private readonly logger: Logger;
  /** Resolution batches, loads and analysts' decisions run one at a time on the index. */
  private lane: Promise<unknown> = Promise.resolve();
  private readonly commits = new IndexCommitsRepository();
  /** The index commit (`index_commit`) the index in hand reflects, once loaded. */
  private watermark: number | undefined;
  /** The commit recorded by the transaction in progress (the watermark once it commits). */
  private recorded: number | undefined;
  /** The commit the snapshot on disk covers (written or loaded by this process). */
  private snapshotWatermark: number | undefined;
  private snapshotTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(NationalStoreRepository) private readonly store: NationalStoreRepository,
    @Inject(HubMetrics) private readonly metrics: HubMetrics,
    @Inject(HUB_LOGGER) logger: Logger,
    @Inject(RESOLUTION_OPTIONS) private readonly options: ResolutionOptions,
  ) {
    this.logger = logger.child({ component: 'resolution' });
    this.isolation = isolationStart(options.batchSize);
    metrics.probeBacklog(() => store.resolutionBacklog(ds));
  }

  /** The index for queries; undefined until loaded, and while this hub does not lead. */
  get current(): NationalIndex | undefined {
    return this.suspended ? undefined : this.index;
  }

  /**
   * Stops resolving and answering (the leadership lock was lost): a batch in flight fails at
   * its fence or its connection, and the index is treated as stale.
   */
  suspend(): void {
    this.suspended = true;
  }

  /**
   * Resolves (again) under leadership `epoch`. `reload`: another hub led in between, so the
   * index is loaded again from the database before anything else.
   */
  resume(epoch: number, reload: boolean): void {
    this.epoch = epoch;
    if (reload) {
      // Nothing is answered from an index another hub has moved past: load it first.
      this.index = undefined;
      this.stale = true;
    }
    this.suspended = false;
  }

  /** Where resolution stands, for readiness and its reason. */
  async status(): Promise<ResolutionStatus & { ready: boolean; reason?: string }> {
    const backlog = await this.store.resolutionBacklog(this.ds);
    const s: ResolutionStatus = {
      queueHeadAgeMs: backlog.headAgeMs,
      setAside: backlog.setAside,
      consecutiveFailures: this.consecutiveFailures,
      lastFailureClass: this.lastFailureClass,
    };
    return {
      ...s,
      ...resolutionReadiness(s, {
        stuckMs: this.options.stuckMs,
        maxConsecutiveFailures: this.options.maxConsecutiveFailures,
      }),
    };
  }

  onAlerts(listener: AlertListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves everything queued (single flight: a call while a run is in progress makes it go
   * round once more, and resolves when that round is done).
   */
  drain(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.runOnce();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async runOnce(): Promise<void> {
    for (;;) {
      if (this.suspended) return;
      if (!this.index || this.stale) {
        await this.exclusive(() => this.load());
        continue;
      }
      let claimed: QueuedEntity[] = [];
      try {
        // A decision that failed in between leaves the index stale: load it first.
        const done = await this.exclusive(() =>
          this.stale || !this.index
            ? Promise.resolve(-1)
            : this.resolveBatch(this.index, this.isolation.limit, (c) => (claimed = c)),
        );
        if (done < 0) continue;
        if (done === 0) return;
        this.isolation = afterSuccess(this.isolation, done, this.options.batchSize);
        this.consecutiveFailures = 0;
        this.metrics.resolutionConsecutiveFailures.set(0);
      } catch (err) {
        // The in-memory index may hold changes the database does not: load it again (queries
        // keep the index in hand meanwhile).
        this.stale = true;
        const own = !(err instanceof LeadershipFencedError) && classifyDatabaseError(err) === 'own';
        const errorClass =
          err instanceof LeadershipFencedError ? 'fenced' : databaseErrorClass(err);
        this.consecutiveFailures++;
        this.lastFailureClass = errorClass;
        this.metrics.resolutionFailures.inc({ class: errorClass });
        this.metrics.resolutionConsecutiveFailures.set(this.consecutiveFailures);
        // The class only: a refused statement's text may quote the record.
        this.logger.warn(
          { event: 'resolution-failed', errorClass, entities: claimed.length, own },
          own
            ? 'resolution batch failed for a reason of its own; isolating it'
            : 'resolution batch failed; it will be retried',
        );
        if (!own || claimed.length === 0) throw err;
        const step = afterOwnFailure(this.isolation, claimed.length, this.options.batchSize);
        this.isolation = step.state;
        if (step.setAside) await this.setAside(claimed, errorClass);
      }
    }
  }

  /**
   * A transaction on what the index is built from: the commit it records (`index_commit`)
   * becomes the index's watermark once it commits.
   */
  private async indexTransaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    this.recorded = undefined;
    const out = await inTransaction(this.ds, fn);
    if (this.recorded !== undefined) this.watermark = this.recorded;
    this.recorded = undefined;
    return out;
  }

  /**
   * Writes the index's snapshot (HUB_SNAPSHOT_DIR) when it changed since the last one, in the
   * lane (between resolution batches and decisions, never during one) while this hub leads and
   * its index matches the database; `why` is logged. A failure is logged and counted, never
   * thrown: the snapshot only shortens the next start.
   */
  writeSnapshot(why: 'periodic' | 'shutdown'): Promise<void> {
    const dir = this.options.snapshotDir;
    if (dir === undefined) return Promise.resolve();
    return this.exclusive(async () => {
      const { index, watermark } = this;
      if (!index || this.stale || this.suspended || watermark === undefined) return;
      if (watermark === this.snapshotWatermark) return;
      const started = Date.now();
      try {
        const committedAt = await this.commits.committedAt(this.ds, watermark);
        if (committedAt === undefined) throw new Error(`index commit ${watermark} is not listed`);
        const { bytes } = await writeNationalSnapshot(dir, index, { seq: watermark, committedAt });
        this.snapshotWatermark = watermark;
        this.metrics.snapshotWrites.inc({ outcome: 'written' });
        this.metrics.snapshotWatermark.set(watermark);
        this.logger.info(
          { event: 'index-snapshot-written', why, watermark, bytes, ms: Date.now() - started },
          'national index snapshot written',
        );
        // The commits it covers are needed no more (the watermark's own row stays).
        await inTransaction(this.ds, (tx) => this.commits.prune(tx, watermark));
      } catch (err) {
        this.metrics.snapshotWrites.inc({ outcome: 'failed' });
        this.logger.warn({ err, event: 'index-snapshot-failed', why }, 'index snapshot failed');
      }
    });
  }

  /** Writes the snapshot every HUB_SNAPSHOT_INTERVAL_MS (when the index changed). */
  startSnapshots(): void {
    if (this.options.snapshotDir === undefined || this.snapshotTimer) return;
    this.snapshotTimer = setInterval(
      () => void this.writeSnapshot('periodic'),
      this.options.snapshotIntervalMs ?? 600_000,
    );
    this.snapshotTimer.unref();
  }

  /** At shutdown, once nothing more is consumed: the periodic writes stop, a last one is made. */
  async stopSnapshots(): Promise<void> {
    clearInterval(this.snapshotTimer);
    this.snapshotTimer = undefined;
    await this.writeSnapshot('shutdown');
  }

  /**
   * The index from the snapshot, when there is one this build can load with the parameters the
   * database holds, brought up to the database's watermark by replaying the outcomes committed
   * since (`replayOnto`; none when the watermarks are equal). Otherwise undefined, loudly (a
   * warning naming why, `hub_index_snapshot_refused_total`), and the caller rebuilds the index
   * from the database. Commits nothing (the warm standby loads its index with it too).
   */
  async snapshotIndex(): Promise<
    { index: NationalIndex; watermark: number; from: number; replayed: number } | undefined
  > {
    const dir = this.options.snapshotDir;
    if (dir === undefined) return undefined;
    const refused = (reason: string, detail: string) => {
      this.metrics.snapshotRefused.inc({ reason });
      this.logger.warn(
        { event: 'index-snapshot-refused', reason, detail },
        'national index snapshot not loaded: rebuilding the index from the database',
      );
      return undefined;
    };
    const saved = await this.store.savedParameters(this.ds);
    if (!saved) return refused('parameters', 'the database holds no saved parameters');
    const nominals = await this.store.nominalCount(this.ds);
    if (chooseParameters(saved, nominals, this.options.trainMinRecords) !== 'saved')
      return refused('parameters', 'the parameters are to be learned again');
    try {
      const engine = MatchEngine.fromParameters(saved.parameters);
      const loaded = await loadNationalSnapshot(dir, engine, await this.commits.watermark(this.ds));
      // The same history: a database restored from a backup numbers its commits again.
      if ((await this.commits.committedAt(this.ds, loaded.watermark)) !== loaded.committedAt)
        return refused(
          'watermark',
          `the database's commit ${loaded.watermark} is not the one the snapshot covers`,
        );
      // What was committed since, replayed as it was committed; read in one transaction with
      // the watermark it brings the index to (only this hub, leading, commits meanwhile).
      const { watermark, replayed } = await inTransaction(this.ds, async (tx) => ({
        watermark: await this.commits.watermark(tx),
        replayed: await replayOnto(tx, loaded.index, loaded.watermark, {
          commits: this.commits,
          store: this.store,
          viewFlags: this.viewFlags,
          review: this.review,
        }),
      }));
      return { index: loaded.index, watermark, from: loaded.watermark, replayed };
    } catch (err) {
      if (err instanceof SnapshotRefused) return refused(err.reason, err.message);
      if (err instanceof ReplayRefused) return refused('replay', err.message);
      // The database out of reach: the load is tried again, as any other.
      if (classifyDatabaseError(err) !== 'own') throw err;
      // Any other fault in bringing the snapshot up to date must not keep the hub from starting
      // (it would fail the same way at every try): the index is rebuilt from the database.
      return refused(
        'replay',
        `the snapshot could not be brought up to date (${databaseErrorClass(err)}: ${
          err instanceof Error ? err.message : String(err)
        })`,
      );
    }
  }

  /**
   * Takes the warm standby's index, brought up to the database's watermark (`WarmStandby`,
   * docs/hub.md "Warm standby"), in place of a load, once this hub leads (`resume` first: what
   * follows commits under its epoch). Then as after a load from a snapshot: views left
   * underived by an upgrade are derived, and the resolution queue (drained next) resolves what
   * the previous leader left queued.
   */
  adopt(warm: { index: NationalIndex; watermark: number }): Promise<void> {
    return this.exclusive(async () => {
      const started = Date.now();
      const { index } = warm;
      this.watermark = warm.watermark;
      this.snapshotWatermark = undefined;
      const underived = await this.deriveUnderivedViews(index);
      this.index = index;
      this.stale = false;
      this.metrics.persons.set(index.personCount);
      this.metrics.indexLoadSeconds.set({ mode: 'standby' }, (Date.now() - started) / 1000);
      this.logger.info(
        {
          event: 'index-loaded',
          mode: 'standby',
          watermark: this.watermark,
          nominals: index.nominalCount,
          persons: index.personCount,
          viewsDerived: underived,
          ms: Date.now() - started,
        },
        "national index taken over from the warm standby's",
      );
    });
  }

  /** Runs `fn` once everything before it on the index is done, and nothing else meanwhile. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lane.then(fn, fn);
    this.lane = run.catch(() => undefined);
    return run;
  }

  /**
   * Puts analysts' decisions into force through the same path as any other change (issue #12):
   * `work` runs in one transaction with the index at hand (between resolution batches, never
   * during one) and returns the constraints to add or withdraw; the clusters around them are
   * formed again, persons are given ids, their flags derived again and alerts raised, as for a
   * new link, and `seal` runs last. Nothing is committed unless all of it is. Throws
   * IndexUnavailableError while the index is not loaded or this hub does not lead.
   */
  async decide<T>(work: (tx: Sql, index: NationalIndex) => Promise<DecisionWork<T>>): Promise<T> {
    return this.exclusive(async () => {
      if (this.suspended || !this.index) throw new IndexUnavailableError();
      if (this.stale) await this.load();
      const index = this.index;
      let applied = false;
      let raised: Alert[] = [];
      try {
        const value = await this.indexTransaction(async (tx) => {
          await this.fence(tx);
          const now = new Date();
          const done = await work(tx, index);
          applied = done.changes.length > 0;
          const reported: ClusterChanges['clusters'] = [];
          for (const c of done.changes) {
            const r =
              c.constraint === 'must'
                ? index.matching.addMustLink(c.a, c.b)
                : c.constraint === 'cannot'
                  ? index.matching.addCannotLink(c.a, c.b)
                  : index.matching.removeConstraint(c.a, c.b);
            reported.push(...r.clusters);
          }
          const pairs = done.changes.flatMap((c) => [c.a, c.b]);
          raised = applied
            ? await this.commitChanges(
                tx,
                index,
                clustersNow(index, reported),
                [],
                [],
                pairs,
                now,
                [],
                { constraints: true },
              )
            : [];
          await done.seal?.(tx, raised);
          return done.value;
        });
        this.metrics.persons.set(index.personCount);
        this.publishAlerts(raised);
        return value;
      } catch (err) {
        if (applied) {
          // The index holds a decision the database does not: load it again (queries keep
          // the index in hand meanwhile, as after a failed batch).
          this.stale = true;
          setImmediate(() => {
            this.drain().catch((e: unknown) =>
              this.logger.warn({ err: e }, 'reloading the index after a failed decision failed'),
            );
          });
        }
        throw err;
      }
    });
  }

  /** Takes entities that failed alone off the queue, so that the rest flows. */
  private async setAside(entities: QueuedEntity[], errorClass: string): Promise<void> {
    await inTransaction(this.ds, (tx) => this.store.setAside(tx, entities, errorClass));
    for (const e of entities) {
      this.metrics.setAsideTotal.inc();
      this.logger.error(
        {
          event: 'resolution-set-aside',
          entity: e.entity,
          key: `${e.forceCode}:${e.id}`,
          errorClass,
        },
        'entity set aside: its resolution fails on its own (resolution_set_aside; re-queue it once fixed)',
      );
    }
  }

  /** Throws LeadershipFencedError unless this hub still leads under its epoch. */
  private async fence(tx: Sql): Promise<void> {
    if (this.epoch === undefined) return;
    if ((await this.store.leadershipEpoch(tx)) !== this.epoch) throw new LeadershipFencedError();
  }

  /**
   * Loads the index from its snapshot when it can (`snapshotIndex`: HUB_SNAPSHOT_DIR, with what
   * was committed since replayed), else:
   * builds the index from the database and reconciles person ids with it. With saved parameters
   * (chooseParameters) the index is restored as stored: every nominal in its person, the stored
   * links, nothing scored again, so a restart changes no person. Otherwise the parameters are
   * learned (and saved), every nominal is scored again in key order, every link is stored anew,
   * and where the clusters differ from the stored persons the difference is resolved like any
   * other change.
   */
  async load(): Promise<void> {
    const started = Date.now();
    const snapshot = await this.snapshotIndex();
    if (snapshot) {
      const { index } = snapshot;
      this.watermark = snapshot.watermark;
      this.snapshotWatermark = snapshot.from;
      const underived = await this.deriveUnderivedViews(index);
      this.index = index;
      this.stale = false;
      this.metrics.persons.set(index.personCount);
      this.metrics.indexLoadSeconds.set({ mode: 'snapshot' }, (Date.now() - started) / 1000);
      this.logger.info(
        {
          event: 'index-loaded',
          mode: 'snapshot',
          snapshotWatermark: snapshot.from,
          watermark: snapshot.watermark,
          replayedMembers: snapshot.replayed,
          nominals: index.nominalCount,
          persons: index.personCount,
          viewsDerived: underived,
          ms: Date.now() - started,
        },
        'national index loaded from its snapshot',
      );
      return;
    }
    const built0 = await this.buildIndex();
    if (built0.firstStart) return this.loadFirstStart(built0.firstStart, started);
    const { index, engine, source, nominals, stale, links, candidates, groups, rescored, ...b } =
      built0;
    const built = Date.now();
    const now = new Date();
    await this.indexTransaction(async (tx) => {
      await this.fence(tx);
      if (source !== 'saved') {
        await this.store.saveParameters(tx, {
          source,
          nominals,
          parameters: engine.parameters,
        });
        await this.store.replaceAllLinks(tx, allExplainedLinks(index), now);
      }
      await this.review.recordCandidates(
        tx,
        candidates,
        source === 'saved' ? rescored : 'all',
        stale,
        now,
      );
      return this.commitChanges(tx, index, [...groups.values()], stale, links, [], now, rescored, {
        full: true,
      });
    });
    const written = Date.now();
    const underived = await this.deriveUnderivedViews(index);
    // Queries move to the new index only now that it matches the database.
    this.index = index;
    this.stale = false;
    this.metrics.persons.set(index.personCount);
    this.metrics.indexLoadSeconds.set(
      { mode: source === 'saved' ? 'restored' : 'rebuilt' },
      (Date.now() - started) / 1000,
    );
    this.logger.info(
      {
        event: 'index-loaded',
        mode: source === 'saved' ? 'restored' : 'rebuilt',
        nominals: index.nominalCount,
        scored: b.scored,
        persons: index.personCount,
        viewsDerived: underived,
        parameters: PARAMETER_ORIGIN[source],
        lambda: engine.parameters.lambda,
        // Where the time went (ms): reading, building (by phase), writing, deriving views.
        build: {
          ...b.build,
          phases: { ...b.build.phases, build: built - started, write: written - built },
        },
        ms: Date.now() - started,
      },
      'national index loaded',
    );
  }

  /**
   * A first start's load (docs/hub.md "First start"), in one transaction: the parameters saved;
   * every cluster of the batch a new person, the persons, their history and memberships (by
   * COPY: there is none yet) and the review candidates written while the index is restored from
   * the batch (PostgreSQL takes them on another core; the restore pauses every slice so that
   * they move on); then the links with their explanations (from the restored index), the
   * persons' flags and views, and the commit. A hub stopped before the commit leaves nothing.
   */
  private async loadFirstStart(
    b: {
      resolved: ResolvedFirstStart;
      source: ParameterSource;
      nominals: number;
      read: number;
    },
    started: number,
  ): Promise<void> {
    const { resolved: firstStart, source, nominals } = b;
    const { engine } = firstStart;
    const resolved = Date.now();
    const clock = new PhaseClock();
    const now = new Date();
    let restore = 0;
    const index = await this.indexTransaction(async (tx) => {
      await this.fence(tx);
      if (source !== 'saved')
        await this.store.saveParameters(tx, { source, nominals, parameters: engine.parameters });
      clock.lap('parameters');
      const assignment = assignPersons(firstStart.groups, [], NO_PERSONS);
      clock.lap('assign');
      const early = (async () => {
        const seqs = await this.writeAssignment(tx, assignment, now, true);
        await this.review.recordCandidates(tx, firstStart.candidates, 'all', [], now);
        return seqs;
      })();
      // Awaited once the index is restored (a failure meanwhile is thrown there, not unhandled).
      early.catch(() => undefined);
      let built;
      try {
        built = await restoreFirstStart(firstStart, nextTurn);
      } catch (err) {
        // Nothing of the transaction may reach the connection after its rollback.
        await early.catch(() => undefined);
        throw err;
      }
      restore = built.phases.restore;
      clock.lap('restore');
      const seqs = await early;
      // What the persons' writes took beyond the restore (0: done while it ran).
      clock.lap('personsAfterRestore');
      await this.store.replaceAllLinks(tx, allExplainedLinks(built.index), now);
      clock.lap('links');
      await this.commitChanges(tx, built.index, [], [], [], [], now, [], {
        full: true,
        written: { assignment, seqs },
        clock,
      });
      return built.index;
    });
    clock.lap('commit');
    const written = Date.now();
    const underived = await this.deriveUnderivedViews(index);
    this.index = index;
    this.stale = false;
    this.metrics.persons.set(index.personCount);
    this.metrics.indexLoadSeconds.set({ mode: 'rebuilt' }, (Date.now() - started) / 1000);
    const { restore: _restore, ...writes } = clock.phases;
    this.logger.info(
      {
        event: 'index-loaded',
        mode: 'rebuilt',
        nominals: index.nominalCount,
        scored: nominals,
        persons: index.personCount,
        viewsDerived: underived,
        parameters: PARAMETER_ORIGIN[source],
        lambda: engine.parameters.lambda,
        // Where the time went (ms): reading, the batch (by phase), restoring the index (the
        // persons' writes running meanwhile), the rest of the write (by step, `writes`).
        build: {
          method: 'batch',
          phases: {
            read: b.read,
            ...firstStart.phases,
            restore,
            build: resolved - started,
            write: written - resolved - restore,
          },
          writes,
          batch: firstStart.batch,
        },
        ms: Date.now() - started,
      },
      'national index loaded',
    );
  }

  /**
   * `load`'s reading and building: the index built from the database, with what `load` commits
   * (the stale memberships, the links and candidates scored, the clusters to reconcile). In a
   * method of its own so that the nominals read are garbage once it returns: the index holds
   * its own copy of every state.
   */
  private async buildIndex() {
    const started = Date.now();
    // Held as stored (the bytes pg gives, ~0.6 KB a nominal) and decoded one at a time where
    // used, not as decoded states (~2.5 KB a nominal): at national scale the difference is
    // gigabytes of peak heap, which the process keeps as resident memory.
    const stored: { key: MemberKey; encoded: Buffer }[] = [];
    let after: { forceCode: string; nominalId: string } | undefined;
    for (;;) {
      const page = await this.store.nominalPage(this.ds, after, 10_000);
      for (const n of page) stored.push(n);
      const last = page[page.length - 1];
      if (!last || page.length < 10_000) break;
      after = splitMemberKey(last.key);
    }
    const nominals = stored.length;
    const saved = await this.store.savedParameters(this.ds);
    const source = chooseParameters(saved, nominals, this.options.trainMinRecords);
    const read = Date.now() - started;
    const memberships = await this.store.allMemberships(this.ds);
    // Analysts' decisions name records, not scores: they hold whatever the parameters.
    const constraints = await this.review.activeConstraints(this.ds);
    if (memberships.length === 0 && (source !== 'saved' || nominals > 0)) {
      // A first start (no person yet): the batch resolver (docs/hub.md "First start"), with
      // the saved parameters when they are kept (else every nominal would be added one at a
      // time: half an hour at national scale).
      const resolved = resolveFirstStart(stored, {
        parameters:
          source === 'saved'
            ? saved?.parameters
            : source === 'reference'
              ? referenceEngine(this.options.referencePersons).parameters
              : undefined,
        constraints,
      });
      return { firstStart: { resolved, source, nominals, read } };
    }
    const engine =
      source === 'saved' && saved
        ? MatchEngine.fromParameters(saved.parameters)
        : source === 'index'
          ? MatchEngine.train(
              stored.map((i): MatchInput => nominalAsMatchInput(NominalState.decode(i.encoded))),
            )
          : referenceEngine(this.options.referencePersons);
    const index = new NationalIndex(engine);
    for (const c of constraints) index.matching.setConstraint(c.a, c.b, c.constraint);
    for (const m of memberships) index.setMembership(m.personId, m.seq, m.key);
    for (const [p, views] of await this.viewFlags.all(this.ds)) index.setFlags(p, views);
    const live = new Set(stored.map((i) => i.key));
    const stale = memberships.map((m) => m.key).filter((k) => !live.has(k));
    // Nominals scored now (all of them, or in a restore those without a person yet): their
    // links are stored below.
    let scored = stored;
    if (source === 'saved') {
      const personOf = new Map(memberships.map((m) => [m.key, m.personId]));
      const held: { key: MemberKey; encoded: Buffer; personId: string }[] = [];
      scored = [];
      for (const i of stored) {
        const personId = personOf.get(i.key);
        if (personId === undefined) scored.push(i);
        else held.push({ ...i, personId });
      }
      function* restored() {
        for (const h of held) yield { ...h, state: NominalState.decode(h.encoded) };
      }
      // In slices: a reload runs behind the index queries are answered from.
      await index.restoreInSlices(restored(), await this.store.allLinks(this.ds));
      // A person that lost a member withdrawn before it was resolved may fall apart without it.
      const lostMember = new Set(stale.map((k) => personOf.get(k)));
      for (const h of held) if (lostMember.delete(h.personId)) index.matching.regroup(h.key);
    }
    const links: StoredLink[] = [];
    const candidates: CandidateReport[] = [];
    // A rebuild scores every nominal again (at national scale, the best part of an hour): in
    // slices, the normaliser's memos kept across them, so the process answers meanwhile.
    await eachInSlices(scored, ({ key, encoded }) => {
      const state = NominalState.decode(encoded);
      const r = index.upsertNominal(key, state, encoded);
      if (source === 'saved') links.push(...explainedLinks(index, key, r.links));
      candidates.push(...candidateReports(index, key, state, r.possibles));
    });
    const groups = clustersOf(index, stored);
    const rescored = source === 'saved' ? scored.map((i) => i.key) : [];
    return {
      index,
      engine,
      source,
      nominals,
      stale,
      links,
      candidates,
      groups,
      rescored,
      scored: scored.length,
      build: { method: source === 'saved' ? 'restore' : 'incremental', phases: { read } },
    };
  }

  /**
   * Derives the views of every person the upgrade to per-view flags listed as never derived
   * (`person_view_underived`: their public view holds national flags copied from every record,
   * C ones included), page by page, before the index answers anything. Returns how many were
   * derived; once the list is empty this is one empty read per load.
   */
  private async deriveUnderivedViews(index: NationalIndex): Promise<number> {
    let derived = 0;
    for (;;) {
      const { listed, count, alerts } = await this.indexTransaction(async (tx) => {
        await this.fence(tx);
        const page = await this.viewFlags.underived(tx, UNDERIVED_PAGE);
        const plan = planUnderived(page, (p) => index.hasPerson(p));
        const raised = await this.recomputeFlags(tx, index, plan.derive, new Date());
        if (plan.derive.length > 0)
          this.recorded = await this.commits.record(tx, { persons: plan.derive });
        await this.viewFlags.derived(tx, page);
        return { listed: page.length, count: plan.derive.length, alerts: raised };
      });
      derived += count;
      this.publishAlerts(alerts);
      if (listed < UNDERIVED_PAGE) return derived;
    }
  }

  private async resolveBatch(
    index: NationalIndex,
    limit: number,
    onClaimed: (claimed: QueuedEntity[]) => void,
  ): Promise<number> {
    const end = this.metrics.resolutionSeconds.startTimer();
    const now = new Date();
    const { n, alerts } = await this.indexTransaction(async (tx) => {
      await this.fence(tx);
      const claimed = await this.store.claimQueue(tx, limit);
      onClaimed(claimed);
      if (claimed.length === 0) return { n: 0, alerts: [] as Alert[] };
      const nominalKeys = claimed
        .filter((e) => e.entity === 'nominal')
        .map((e) => memberKey(e.forceCode, e.id));
      const incidents = claimed.filter((e) => e.entity === 'incident');

      const states = await this.store.nominalStates(tx, nominalKeys);
      const reported: ClusterChanges['clusters'] = [];
      const removed: MemberKey[] = [];
      const links: StoredLink[] = [];
      const candidates: CandidateReport[] = [];
      for (const [key, stored] of states) {
        if (stored) {
          const r = index.upsertNominal(key, stored.state, stored.encoded);
          reported.push(...r.clusters);
          links.push(...explainedLinks(index, key, r.links));
          candidates.push(...candidateReports(index, key, stored.state, r.possibles));
          for (const l of r.links) this.metrics.linkDecisions.inc({ band: l.band });
          for (const p of r.possibles) this.metrics.linkDecisions.inc({ band: p.band });
        } else if (index.matching.has(key)) {
          reported.push(...index.removeNominal(key).clusters);
          removed.push(key);
        } else {
          removed.push(key);
        }
      }
      const rescored = [...states].filter(([, st]) => st).map(([k]) => k);
      await this.review.recordCandidates(tx, candidates, rescored, removed, now);
      const incidentMembers = await this.store.replaceIncidentSubjects(tx, incidents);
      const alerts = await this.commitChanges(
        tx,
        index,
        clustersNow(index, reported),
        removed,
        links,
        [...nominalKeys, ...incidentMembers],
        now,
        nominalKeys,
      );
      await this.store.dequeue(tx, claimed);
      await this.store.clearSetAside(tx, claimed);
      return { n: claimed.length, alerts };
    });
    end();
    if (n > 0) {
      this.metrics.persons.set(index.personCount);
      this.metrics.resolved.inc(n);
      if (alerts.length > 0) this.publishAlerts(alerts);
    }
    return n;
  }

  /**
   * Writes person ids for the changed clusters, the links, and recomputes the flags (and raises
   * the alerts) of every person touched or named by `alsoRecompute`. Applies the new
   * membership to the in-memory index once it is written (the caller's commit makes it real;
   * a failure rebuilds the index).
   */
  private async commitChanges(
    tx: Sql,
    index: NationalIndex,
    groups: MemberKey[][],
    removed: MemberKey[],
    links: StoredLink[],
    alsoRecompute: MemberKey[],
    now: Date,
    rescored: MemberKey[] = [],
    change: CommitOptions = {},
  ): Promise<Alert[]> {
    const { clock } = change;
    const assignment =
      change.written?.assignment ??
      assignPersons(groups, removed, {
        personOf: (m) => index.personOfMember(m),
        ageOf: (p) => index.ageOf(p),
        membersOf: (p) => index.membersOf(p),
        newId: () => randomUUID(),
      });
    const seqs = change.written?.seqs ?? (await this.writeAssignment(tx, assignment, now));
    await this.store.endPersons(tx, assignment.merged, assignment.retired, now);
    await this.viewFlags.forget(tx, [
      ...assignment.merged.map((m) => m.from),
      ...assignment.retired,
    ]);
    await this.store.replaceLinks(tx, [...rescored, ...removed], links, now);
    index.applyAssignment(assignment, seqs);
    clock?.lap('apply');
    for (const m of assignment.merged)
      this.logger.info(
        { event: 'persons-merged', from: m.from, into: m.into },
        'national persons merged',
      );
    for (const c of assignment.created)
      if (c.splitFrom)
        this.logger.info(
          { event: 'person-split', personId: c.personId, from: c.splitFrom },
          'national person split',
        );

    const persons = new Set<string>();
    for (const p of assignment.touched) if (index.hasPerson(p)) persons.add(p);
    for (const m of alsoRecompute) {
      const p = index.personOfMember(m);
      if (p) persons.add(p);
    }
    // A full load's index was just read from the database: its states are the stored ones.
    const alerts = await this.recomputeFlags(
      tx,
      index,
      [...persons],
      now,
      change.full === true,
      clock,
      change.written !== undefined,
    );
    // A rebuild lists nothing: no snapshot from before it is brought up to date.
    const kind = { full: change.full, constraints: change.constraints };
    this.recorded = await this.commits.record(
      tx,
      change.full
        ? kind
        : {
            ...kind,
            members: [
              ...groups.flat(),
              ...removed,
              ...rescored,
              ...assignment.assign.keys(),
              ...assignment.unassign,
            ],
            persons: [...persons, ...assignment.merged.map((m) => m.from), ...assignment.retired],
          },
    );
    clock?.lap('record');
    return alerts;
  }

  /** Creates `assignment`'s new persons and sets its memberships; returns the new persons' seqs. */
  private async writeAssignment(
    tx: Sql,
    assignment: PersonAssignment,
    now: Date,
    /** No membership is held yet (a first start): written by COPY (`setMembers`). */
    fresh = false,
  ): Promise<Map<string, number>> {
    const seqs = await this.store.createPersons(tx, assignment.created, now);
    await this.store.setMembers(tx, assignment.assign, assignment.unassign, now, fresh);
    return seqs;
  }

  private async recomputeFlags(
    tx: Sql,
    index: NationalIndex,
    personIds: string[],
    now: Date,
    statesFromIndex = false,
    clock?: PhaseClock,
    /** Every person was created in this transaction: nothing stored before to read or replace. */
    allNew = false,
  ): Promise<Alert[]> {
    if (personIds.length === 0) return [];
    const allMembers = personIds.flatMap((p) => index.membersOf(p));
    // Flags and their alerts read a state's handling and registrations only (`MemberFacts`):
    // from the index, those alone are decoded (a first start reads a million states here).
    const states: MemberFacts[] = statesFromIndex
      ? [...index.facts(allMembers).values()]
      : await this.store.membersWithStates(tx, allMembers);
    const stateOf = new Map(states.map((s) => [memberKey(s.forceCode, s.nominalId), s]));
    const incidentsOf = await this.store.incidentsOf(tx, allMembers);
    const before = allNew
      ? new Map<string, { flags: Set<FlagType>; incidents: Set<string> }>()
      : await this.store.storedViews(tx, personIds);
    const beforeViews = allNew
      ? new Map<string, Map<string, Set<FlagType>>>()
      : await this.viewFlags.before(tx, personIds);
    clock?.lap('flagsRead');
    const computed = personIds.map((personId) => {
      const keys = index.membersOf(personId);
      const members = keys.map((k) => stateOf.get(k)).filter((m): m is MemberView => !!m);
      const incidents = mergeIncidents(keys.flatMap((k) => incidentsOf.get(k) ?? []));
      return {
        personId,
        members,
        incidents,
        flags: deriveFlags(members, incidents, now),
        // What each view may be shown: the same derivation over that view's records only.
        views: deriveByView(members, incidents, (m, i) => deriveFlags(m, i, now)),
      };
    });
    clock?.lap('flagsDerive');
    await this.store.writeFlags(
      tx,
      computed.map((c) => ({ ...c, incidents: c.incidents.filter(isOffending) })),
      now,
      allNew,
    );
    const stored = await this.viewFlags.write(tx, computed, now, allNew);
    clock?.lap('flagsWrite');
    // Immediate-risk incidents: who has been told of them already (each force once).
    const immediateRefs = computed.flatMap((c) =>
      c.incidents
        .filter((i) => i.state.immediateRiskToChild)
        .map((i) => incidentRef(i.forceCode, i.incidentId)),
    );
    const notified = await this.immediate.notified(tx, immediateRefs);
    const drafts = [];
    for (const c of computed) {
      index.setFlags(c.personId, stored.get(c.personId) ?? new Map<string, ViewFlag[]>());
      const was = beforeViews.get(c.personId) ?? new Map<string, Set<FlagType>>();
      drafts.push(
        ...planChangeAlerts(
          {
            personId: c.personId,
            beforeIncidents: before.get(c.personId)?.incidents ?? new Set(),
            incidents: c.incidents,
            recipients: recipientsByView(c.members, c.incidents, (m) => concernedForces(m, now)),
            restrictedHolders: c.members.filter(isRestrictedRecord).map((m) => m.forceCode),
            immediateAckMs: this.options.immediateAckMs,
            immediateNotified: notified,
            flagsFor: (r) => ({
              before: was.get(viewOf(r, was)) ?? new Set(),
              after: c.views.get(viewOf(r, c.views)) ?? c.views.get(PUBLIC_VIEW) ?? [],
            }),
          },
          now,
        ),
      );
    }
    const alerts = await this.store.insertAlerts(tx, drafts);
    clock?.lap('alertsPlan');
    const immediateKeys = new Set(immediateRefs.map(refKey));
    await this.immediate.recordNotices(
      tx,
      alerts
        .filter((a) => isImmediate(a) && !a.escalatesAlertId)
        .flatMap((a) =>
          a.records
            .filter((r) => immediateKeys.has(refKey(r)) && r.forceCode !== a.recipientForceCode)
            .map((incident) => ({ recipient: a.recipientForceCode, incident, alertId: a.alertId })),
        ),
    );
    return alerts;
  }

  /** Alerts raised outside resolution (queries) reach WatchAlerts the same way. */
  publishAlerts(alerts: Alert[]): void {
    if (alerts.length === 0) return;
    for (const a of alerts) {
      this.metrics.alerts.inc({ alert_type: a.alertType });
      if (isImmediate(a)) this.metrics.immediateRaised.inc();
    }
    for (const l of this.listeners) l(alerts);
  }

  async queueLength(): Promise<number> {
    return this.store.queueLength(this.ds);
  }
}
