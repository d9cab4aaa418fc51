import { randomUUID } from 'node:crypto';
import { AuditLog } from '@intel/audit';
import type { DeconflictionKey } from '@intel/config';
import type { Sql } from '@intel/db';
import {
  IncidentState,
  NominalState,
  type Justification,
  type OnlineIdentifier,
  type RegisterPersonaRequest,
  type RegisterTargetRequest,
  type RetireRegistrationRequest,
} from '@intel/contracts';
import { ProbeLimiter } from '@intel/disclosure';
import type { Logger } from '@intel/observability';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { Observable } from 'rxjs';
import { DECONFLICTION_KEYS, HUB_LOGGER, IDENTIFIER_HOLDERS } from '../hub.tokens';
import type { HubEvent } from '../ingest/hub-event';
import type { AppliedObserver } from '../ingest/ingest.service';
import type { QueryObserver } from '../query/query-observer';
import { ActiveRegistrations, type PlannedHit, type Unit } from './active-registrations';
import {
  DeconflictionUnavailableError,
  RegistrationNotFoundError,
  RegistrationRateLimitedError,
} from './deconfliction-errors';
import { DeconflictionMetrics } from './deconfliction.metrics';
import { DeconflictionStore, type StoredNotice } from './deconfliction.store';
import type { IdentifierHolders } from './identifier-holders';
import { SentNotices } from './sent-notices';
import {
  validateAcknowledgeHit,
  validateRegisterPersona,
  validateRegisterTarget,
  validateRetire,
  type CanonicalIdentifier,
} from './deconfliction.validator';
import { digestRef, digestsUnderEvery, keyedDigest, personaMatchKey } from './persona-digest';

/** The audit actions of deconfliction: the analysts' audit viewer never shows this prefix. */
export const DECONFLICTION_AUDIT_PREFIX = 'Deconfliction.';
/** Who the audit names for what the hub itself does (hits, deliveries). */
const HUB_ACTOR = 'intel-hub:deconfliction';

export interface DeconflictionOptions {
  /** Registrations (personas and targets) a unit may make at once, and per hour after. */
  registrationBurst: number;
  registrationsPerHour: number;
}

/** Overrides DECONFLICTION_DEFAULTS (tests). */
export const DECONFLICTION_OPTIONS = Symbol('DeconflictionOptions');

export const DECONFLICTION_DEFAULTS: DeconflictionOptions = {
  registrationBurst: 50,
  registrationsPerHour: 50,
};

/**
 * Hits are written this long (plus up to as much again, at random) after they are found: well
 * after the triggering query has been answered, so that its database work (the hit's notices
 * and audit entry) does not share the query's round trips, audit group or connection.
 */
const HIT_WRITE_DELAY_MS = 200;
/** A watch also reads the unit's pending notices this often (notices another hub wrote). */
const WATCH_POLL_MS = 5000;
/** Written notices audited per read (their hits whole). */
const AUDIT_PAGE = 200;

type Listener = (n: StoredNotice) => void;
const unitKey = (u: Unit) => `${u.force}/${u.unit}`;
/** A digest computed for an identifier that is not a persona kind: the same work, never a match. */
const NO_MATCH = 'no-match:';

/**
 * Covert-persona deconfliction (docs/security.md, "Covert-persona deconfliction"): registrations
 * as keyed digests, hits found in memory against every ingested record and every query, written
 * as sealed notices off the triggering path (queued; durable before delivery), delivered to the
 * units watching, every step in the audit under `Deconfliction.*`.
 */
@Injectable()
export class DeconflictionService implements AppliedObserver, QueryObserver {
  private active = new ActiveRegistrations();
  /** False until the active set is loaded by the leading hub, and while it does not lead. */
  private loaded = false;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly queue: PlannedHit[] = [];
  private draining: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** The ingest batches (their applied arrays) whose transaction wrote hits, until committed. */
  private readonly batchesWithHits = new WeakSet<readonly HubEvent[]>();
  private readonly limiter: ProbeLimiter;
  private stopped = false;

  private readonly logger: Logger;

  constructor(
    @Inject(DeconflictionStore) private readonly store: DeconflictionStore,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(DECONFLICTION_KEYS) private readonly keys: readonly DeconflictionKey[],
    @Inject(DeconflictionMetrics) private readonly metrics: DeconflictionMetrics,
    @Inject(HUB_LOGGER) logger: Logger,
    /** The forces whose records already name an identifier (the national index); none without. */
    @Optional()
    @Inject(IDENTIFIER_HOLDERS)
    private readonly holders: IdentifierHolders = { forcesHolding: () => [] },
    @Optional()
    @Inject(DECONFLICTION_OPTIONS)
    options: DeconflictionOptions = DECONFLICTION_DEFAULTS,
  ) {
    this.logger = logger.child({ component: 'deconfliction' });
    if (keys.length === 0) throw new Error('deconfliction needs at least one key');
    this.limiter = new ProbeLimiter({
      burst: options.registrationBurst,
      refillPerHour: options.registrationsPerHour,
    });
  }

  /**
   * (Re)loads the active registrations into memory: by the hub that leads, once it holds the
   * leadership and before it consumes or answers (HubLifecycle), and again whenever it takes the
   * leadership back (another hub may have registered meanwhile).
   */
  async start(): Promise<void> {
    const { personas, targets } = await this.store.loadActive();
    const active = new ActiveRegistrations();
    for (const p of personas) active.addPersona(p);
    for (const t of targets) active.addTarget(t);
    this.active = active;
    this.loaded = true;
    this.gauge();
    // Hits written before a stop but not yet audited (and so not delivered).
    void this.drain();
  }

  /** The hub lost its leadership: refuse calls (retryable) until start() again. */
  suspend(): void {
    this.loaded = false;
  }

  /** True once this hub, leading, has loaded the active registrations (start), until suspend. */
  get serving(): boolean {
    return this.loaded;
  }

  private ready(): void {
    if (!this.loaded)
      throw new DeconflictionUnavailableError(
        'deconfliction is not available on this hub just now; retry shortly',
      );
  }

  /** Stops delivering; queued hits are written first. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.draining;
    this.stopped = false;
    await this.drain();
    this.stopped = true;
  }

  private get currentKey(): DeconflictionKey {
    return this.keys[0] as DeconflictionKey;
  }

  /** Every digest ref of a canonical key, under every key; a fixed stand-in when there is none. */
  private refs(matchKey: string | undefined): string[] {
    return digestsUnderEvery(this.keys, matchKey ?? NO_MATCH).map(digestRef);
  }

  private refsOf(ois: readonly OnlineIdentifier[]): string[][] {
    return ois.map((o) => this.refs(personaMatchKey(o)));
  }

  private take(unit: Unit): void {
    if (!this.limiter.take(ProbeLimiter.callerKey(unit.force, unit.unit), Date.now()))
      throw new RegistrationRateLimitedError('too many registrations from this unit; retry later');
  }

  private async record(
    action: string,
    unit: Unit | undefined,
    justification: Justification | undefined,
    request: unknown,
    response: unknown,
    recipients: string[] = [],
  ): Promise<number> {
    const receipt = await this.audit.append({
      at: new Date(),
      callerForce: unit?.force ?? '',
      callerName: unit?.unit ?? HUB_ACTOR,
      action: `${DECONFLICTION_AUDIT_PREFIX}${action}`,
      purposeCode: justification?.purposeCode ?? '',
      reason: justification?.reason ?? '',
      operationRef: justification?.operationRef ?? '',
      request,
      response,
      recipients,
    });
    return receipt.seq;
  }

  /**
   * Registers a persona under the current key. If a force's record already names it, the
   * registering unit alone is told which force (PERSONA_ALREADY_HELD): that is what it needs to
   * deconflict, and the oracle it opens is bounded by the registration rate and the audit.
   */
  async registerPersona(
    unit: Unit,
    raw: RegisterPersonaRequest,
  ): Promise<{ registrationId: string; registeredAt: Date }> {
    const req = validateRegisterPersona(raw);
    this.ready();
    this.take(unit);
    const personaId = randomUUID();
    const at = new Date();
    const digest = keyedDigest(this.currentKey.key, req.persona.matchKey);
    await this.record(
      'RegisterPersona',
      unit,
      req.justification,
      { kind: req.persona.kind, platform: req.persona.platform, keyId: this.currentKey.keyId },
      { registrationId: personaId },
    );
    await this.store.insertPersona({
      personaId,
      owner: unit,
      kind: kindColumn(req.persona),
      platform: req.persona.platform,
      keyId: this.currentKey.keyId,
      digest,
      at,
      by: unit.unit,
    });
    const entry = { personaId, ...unit, ref: digestRef({ keyId: this.currentKey.keyId, digest }) };
    const targeted = this.active.hitsForPersona(entry, this.refs(req.persona.matchKey));
    this.active.addPersona(entry);
    this.gauge();
    const held = this.holders.forcesHolding(req.persona.identifier);
    this.enqueue(targeted);
    this.enqueue(
      held.map((force) => ({
        kind: 'PERSONA_ALREADY_HELD' as const,
        key: `held:${personaId}:${force}`,
        notices: [{ recipient: unit, registrationId: personaId, other: { force, unit: '' } }],
      })),
    );
    return { registrationId: personaId, registeredAt: at };
  }

  async registerTarget(
    unit: Unit,
    raw: RegisterTargetRequest,
  ): Promise<{ registrationId: string; registeredAt: Date }> {
    const req = validateRegisterTarget(raw);
    this.ready();
    this.take(unit);
    const targetId = randomUUID();
    const at = new Date();
    const key = this.currentKey;
    const digests = req.identifiers.map((i) => keyedDigest(key.key, i.matchKey));
    await this.record(
      'RegisterTarget',
      unit,
      req.justification,
      {
        operationRef: req.operationRef,
        nationalPersonId: req.personId,
        identifiers: req.identifiers.map((i) => ({ kind: i.kind, platform: i.platform })),
        keyId: key.keyId,
      },
      { registrationId: targetId },
    );
    await this.store.insertTarget({
      targetId,
      owner: unit,
      operationRef: req.operationRef,
      personId: req.personId,
      keyId: digests.length > 0 ? key.keyId : undefined,
      digests,
      at,
      by: unit.unit,
    });
    const entry = {
      targetId,
      ...unit,
      personId: req.personId,
      // Matched against other targets under every key (they may predate a rotation).
      refs: req.identifiers.flatMap((i) => this.refs(i.matchKey)),
    };
    const hits = this.active.hitsForTarget(entry);
    this.active.addTarget({
      ...entry,
      refs: digests.map((digest) => digestRef({ keyId: key.keyId, digest })),
    });
    this.gauge();
    this.enqueue(hits);
    return { registrationId: targetId, registeredAt: at };
  }

  async retire(
    what: 'persona' | 'target',
    unit: Unit,
    raw: RetireRegistrationRequest,
  ): Promise<{ registrationId: string; retiredAt: Date }> {
    const req = validateRetire(raw);
    this.ready();
    const at = new Date();
    const done = await this.store.retire(what, req.registrationId, unit, at, unit.unit);
    await this.record(
      what === 'persona' ? 'RetirePersona' : 'RetireTarget',
      unit,
      req.justification,
      { registrationId: req.registrationId },
      { retired: done },
    );
    if (!done)
      throw new RegistrationNotFoundError('registrationId: no active registration of this unit');
    if (what === 'persona') this.active.retirePersona(req.registrationId);
    else this.active.retireTarget(req.registrationId);
    this.gauge();
    return { registrationId: req.registrationId, retiredAt: at };
  }

  /**
   * A CheckIdentifiers/CheckPerson query's identifiers. Synchronous and the same work whether or
   * not anything matches (every identifier hashed under every key); a hit is queued, never
   * awaited by the query, so its answer, status and timing are those of any other query.
   */
  observeQuery(ois: readonly OnlineIdentifier[], caller: { force: string; system: string }): void {
    this.enqueue(this.active.hitsForQuery(this.refsOf(ois), caller, randomUUID()));
  }

  /**
   * The hits in the records a batch applies, written in the batch's transaction: durable exactly
   * when the records are (a crash cannot lose one, a redelivery writes none twice). Audited and
   * delivered once it commits (`ingestCommitted`), or when a hub next starts.
   */
  async recordIngested(tx: Sql, events: readonly HubEvent[]): Promise<void> {
    // Most batches meet no registration at all: nothing is decoded or hashed for them.
    const { personas, targets } = this.active.size;
    if (personas === 0 && targets === 0) return;
    const hits = this.hitsInRecords(events);
    if (hits.length === 0) return;
    const at = new Date();
    for (const hit of hits) await this.store.insertNotices(randomUUID(), hit, at, tx);
    this.batchesWithHits.add(events);
  }

  /**
   * A batch's transaction committed: the hits it wrote (if it wrote any; given no batch, any)
   * are audited, then delivered. `applied` is the array `recordIngested` was given in that
   * transaction.
   */
  ingestCommitted(applied?: readonly HubEvent[]): void {
    if (applied !== undefined && !this.batchesWithHits.delete(applied)) return;
    void this.drain();
  }

  private hitsInRecords(events: readonly HubEvent[]): PlannedHit[] {
    const hits: PlannedHit[] = [];
    for (const e of events) {
      if (e.kind === 'nominal-upserted') {
        const s = NominalState.decode(e.state);
        hits.push(
          ...this.active.hitsForRecord({
            force: e.forceCode,
            entity: 'nominal',
            id: e.id,
            identifiers: this.refsOf(s.onlineIdentifiers),
          }),
        );
      } else if (e.kind === 'incident-upserted') {
        const s = IncidentState.decode(e.state);
        hits.push(
          ...this.active.hitsForRecord({
            force: e.forceCode,
            entity: 'incident',
            id: e.id,
            identifiers: this.refsOf(s.onlineIdentifiers),
          }),
        );
      }
    }
    return hits;
  }

  private enqueue(hits: PlannedHit[]): void {
    if (hits.length === 0) return;
    this.queue.push(...hits);
    this.metrics.noticesPending.set(this.queue.length);
    // Off the caller's path: written after it has answered.
    const delay = HIT_WRITE_DELAY_MS * (1 + Math.random());
    setTimeout(() => void this.drain(), delay).unref();
  }

  /**
   * Writes queued hits' notices, then puts every hit not yet audited (these, and those written
   * by ingest transactions or before a restart) in the audit, then delivers them. Retries on
   * failure.
   */
  drain(): Promise<void> {
    if (this.draining) return this.draining;
    this.draining = (async () => {
      try {
        while (this.queue.length > 0) {
          await this.store.insertNotices(randomUUID(), this.queue[0] as PlannedHit, new Date());
          this.queue.shift();
          this.metrics.noticesPending.set(this.queue.length);
        }
        await this.auditWritten();
      } catch (err) {
        this.metrics.writeFailures.inc();
        this.logger.error({ err }, 'deconfliction hits could not be written; retrying');
        if (!this.stopped && !this.retryTimer) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            void this.drain();
          }, 1000);
          // The retry never keeps a process alive: a stopping hub drains in stop().
          this.retryTimer.unref();
        }
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  /**
   * Every written hit not yet in the audit: audited (one entry per hit, naming its notices),
   * marked, then delivered. A crash between the entry and the mark audits that hit again at the
   * next start: at least once, never delivered unaudited.
   */
  private async auditWritten(): Promise<void> {
    for (;;) {
      const notices = await this.store.unaudited(AUDIT_PAGE);
      if (notices.length === 0) return;
      const byHit = new Map<string, typeof notices>();
      for (const n of notices) byHit.set(n.hitId, [...(byHit.get(n.hitId) ?? []), n]);
      for (const [hitId, written] of byHit) {
        const first = written[0] as (typeof notices)[number];
        await this.record(
          'Hit',
          undefined,
          undefined,
          { hitId, kind: first.kind, about: first.hitKey },
          {
            notices: written.map((n) => ({
              noticeId: n.noticeId,
              recipient: n.recipient,
              registrationId: n.registrationId,
              other: { force: n.otherForce, unit: n.otherUnit },
            })),
          },
          [...new Set(written.map((n) => n.recipient.force))],
        );
        await this.store.markAudited([hitId], new Date());
        this.metrics.hits.inc({ kind: first.kind });
        for (const { hitKey: _, ...n } of written) this.publish(n);
      }
    }
  }

  private publish(n: StoredNotice): void {
    for (const l of this.listeners.get(unitKey(n.recipient)) ?? []) l(n);
  }

  /**
   * The unit's notices: every unacknowledged one already written (replayed on connect), then
   * new ones as they are written. Each page is marked delivered and audited before it is sent.
   */
  watch(unit: Unit, justification: Justification): Observable<StoredNotice> {
    this.ready();
    return new Observable<StoredNotice>((sub) => {
      // Notices are audited (and so delivered) in hit order, which need not be seq order (an
      // ingest transaction may commit a lower seq later): what was sent is known by id, for as
      // long as a page still to be processed could hold it again.
      const sent = new SentNotices();
      let buffered: StoredNotice[] | undefined = [];
      const bufferedTicket = sent.begin();
      let chain: Promise<void> = Promise.resolve();
      const send = (page: StoredNotice[], ticket: number) => {
        chain = chain.then(async () => {
          try {
            const fresh = page.filter((n) => !sent.has(n.noticeId));
            if (fresh.length === 0 || sub.closed) return;
            const at = new Date();
            await this.store.markDelivered(
              fresh.map((n) => n.noticeId),
              at,
            );
            await this.record(
              'WatchHits.delivered',
              unit,
              justification,
              {},
              {
                delivered: fresh.map((n) => ({
                  noticeId: n.noticeId,
                  hitId: n.hitId,
                  kind: n.kind,
                })),
              },
            );
            for (const n of fresh) {
              sent.sentNow(n.noticeId);
              sub.next(n);
            }
          } finally {
            sent.end(ticket);
          }
        });
        chain.catch((err: unknown) => sub.error(err));
      };
      const listener: Listener = (n) => (buffered ? buffered.push(n) : send([n], sent.begin()));
      const key = unitKey(unit);
      const set = this.listeners.get(key) ?? new Set<Listener>();
      set.add(listener);
      this.listeners.set(key, set);
      void (async () => {
        await this.record('WatchHits', unit, justification, {}, { opened: true });
        for (let after = 0; ;) {
          const ticket = sent.begin();
          const page = await this.store.pending(unit, after);
          if (page.length === 0) {
            sent.end(ticket);
            break;
          }
          send(page, ticket);
          after = (page[page.length - 1] as StoredNotice).seq;
        }
        const held = buffered ?? [];
        buffered = undefined;
        send(held, bufferedTicket);
      })().catch((err: unknown) => sub.error(err));
      // Notices another hub process wrote (or any this one missed) arrive within a poll.
      const poll = setInterval(() => {
        if (buffered) return;
        const ticket = sent.begin();
        this.store
          .undelivered(unit)
          .then((page) => send(page, ticket))
          .catch((err: unknown) => {
            sent.end(ticket);
            this.logger.warn({ err }, 'deconfliction watch poll failed');
          });
      }, WATCH_POLL_MS);
      poll.unref();
      return () => {
        clearInterval(poll);
        set.delete(listener);
        if (set.size === 0) this.listeners.delete(key);
      };
    });
  }

  async acknowledge(
    unit: Unit,
    raw: Parameters<typeof validateAcknowledgeHit>[0],
  ): Promise<{ noticeId: string; acknowledgedAt: Date }> {
    const req = validateAcknowledgeHit(raw);
    this.ready();
    const r = await this.store.acknowledge(req.noticeId, unit, new Date(), req.acknowledgedBy);
    await this.record(
      'AcknowledgeHit',
      unit,
      req.justification,
      { noticeId: req.noticeId, acknowledgedBy: req.acknowledgedBy },
      r ? { acknowledgedAt: r.acknowledgedAt, hitId: r.hitId } : { found: false },
    );
    if (!r) throw new RegistrationNotFoundError('noticeId: no notice of this unit');
    return { noticeId: req.noticeId, acknowledgedAt: r.acknowledgedAt };
  }

  private gauge(): void {
    const { personas, targets } = this.active.size;
    this.metrics.registrations.set({ type: 'persona' }, personas);
    this.metrics.registrations.set({ type: 'target' }, targets);
  }
}

/** The persona table's kind column: `ONLINE_IDENTIFIER_KIND_USERNAME` → `username`. */
function kindColumn(p: CanonicalIdentifier): string {
  return p.kind.replace('ONLINE_IDENTIFIER_KIND_', '').toLowerCase();
}
