import {
  Disclosure,
  HandlingCode,
  MatchBand,
  timestampFromDate,
  type CheckIdentifiersCall,
  type CheckIdentifiersResponse,
  type CheckPersonCall,
  type CheckPersonRequest,
  type CheckPersonResponse,
  type Explanation,
  type Flag,
  type GetPersonRequest,
  type Holding,
  type Justification,
  type Match,
  type NationalPerson,
  type OnlineIdentifier,
  type RecordRef,
} from '@intel/contracts';
import { forceName } from '@intel/config';
import type { ScoredCandidate } from '@intel/matching';
import type { Logger } from '@intel/observability';
import {
  onlineIdentifierKey,
  validateCheckIdentifiers,
  validateCheckPerson,
  validateGetPerson,
} from '@intel/records';
import { preparingSql, type Sql } from '@intel/db';
import { DataSource } from 'typeorm';
import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  ProbeLimiter,
  historyDisclosed,
  incidentRef,
  maySee,
  nominalRef,
  recipientsByView,
  type DisclosedScore,
  type Handled,
  type NominalLike,
} from '@intel/disclosure';
import { planQueryAlerts, type AlertDraft } from '../alerts/alert-plan';
import { concernedForces, type MemberFacts } from '../flags/derive-flags';
import type { ViewFlag } from '../flags/view-flags.repository';
import { HubMetrics } from '../hub.metrics';
import { ANSWER_DETAIL, HUB_LOGGER, QUERY_OBSERVER, QUERY_PROBES } from '../hub.tokens';
import { memberKey, splitMemberKey, type MemberKey } from '../resolution/member-key';
import type { NationalIndex } from '../resolution/national-index';
import { NationalStoreRepository } from '../resolution/national-store.repository';
import { ResolutionService } from '../resolution/resolution.service';
import { QueryAlertThrottle } from '../alerts/query-alert-throttle';
import { detailOf, stateReader, type Detail, type StateReader } from './answer-detail';
import {
  ConsultationAudit,
  markAudited,
  type Caller,
  type Consultation,
} from './consultation-audit';
import { bandOf, groupByPerson, rankHits, type PersonHit, type RankedHit } from './answer-ranking';
import { identifierHits, selectIdentifierPersons } from './identifier-selection';
import type { QueryObserver } from './query-observer';
import { QueryTurns } from './query-turns';

const NO_OBSERVER: QueryObserver = { observeQuery: () => undefined };

export class IndexNotReadyError extends Error {}
export class PersonNotFoundError extends Error {}

/** The index reads are answered from; while there is none, a retryable refusal. */
export function queryableIndex(resolution: ResolutionService): NationalIndex {
  const i = resolution.current;
  if (!i)
    throw new IndexNotReadyError(
      'the national index is not available (loading, or reconnecting to its database); retry shortly',
    );
  return i;
}

/**
 * The most persons CheckIdentifiers returns per identifier; `totalMatches` gives how many hold
 * it, `truncated` that more do than are shown. 50, CheckPerson's most (`MAX_QUERY_RESULTS`):
 * an identifier held by more persons than that singles no one out (a shared switchboard number,
 * a placeholder e-mail), and an officer at the roadside cannot weigh more; it also bounds the
 * answer to what a gRPC client takes by default (4 MB: each person carries its holdings'
 * details, about 1 KB a record) and the decoding and disclosure work per identifier, which
 * would otherwise grow with how widely an identifier is shared.
 */
export const MAX_IDENTIFIER_HOLDERS = 50;

const isLinkBand = (b: MatchBand) =>
  b === MatchBand.MATCH_BAND_CERTAIN || b === MatchBand.MATCH_BAND_PROBABLE;

/** A person's answer, returned or withheld for the probe rate: its match and what was hidden. */
interface Answer {
  personId: string;
  match: Match;
  disclosed: DisclosedScore<ScoredCandidate>;
  /** Other forces' C records behind it (their owners are told of the interest). */
  hitOnly: RecordRef[];
}

/** What a field probe's answer left out for its caller, for the audit entry. */
interface Withheld {
  /** Hit-only persons left out because the caller's probe rate was exceeded. */
  rateLimited: { personId: string; forces: string[] }[];
}

/**
 * `intel.v1.IntelQuery` (docs/hub.md "IntelQuery", docs/security.md): every call is validated (justification required),
 * answered from the national index with what the caller may see (handling code C: a hit and
 * whom to contact), audited in the hash-chained log before anything is returned, and raises
 * the alerts a consultation calls for.
 */
@Injectable()
export class IntelQueryService {
  private readonly logger: Logger;
  /** A person's read (personRead) as a named statement: planned once per connection. */
  private readonly reads: Sql;
  /** Each query's work on the index in a turn of the event loop of its own, first come first. */
  private readonly turns = new QueryTurns();

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(NationalStoreRepository) private readonly store: NationalStoreRepository,
    @Inject(ResolutionService) private readonly resolution: ResolutionService,
    @Inject(ConsultationAudit) private readonly audit: ConsultationAudit,
    @Inject(QueryAlertThrottle) private readonly throttle: QueryAlertThrottle,
    @Inject(QUERY_PROBES) private readonly probes: ProbeLimiter,
    @Inject(HubMetrics) private readonly metrics: HubMetrics,
    @Inject(HUB_LOGGER) logger: Logger,
    /** Told of every validated query's online identifiers, before the answer is worked out. */
    @Optional()
    @Inject(QUERY_OBSERVER)
    private readonly observer: QueryObserver = NO_OBSERVER,
    /** The answers' detail when a caller does not ask for one (HUB_ANSWER_DETAIL). */
    @Optional()
    @Inject(ANSWER_DETAIL)
    private readonly answerDetail: Detail = 'full',
  ) {
    this.logger = logger.child({ component: 'query' });
    this.reads = preparingSql(ds);
  }

  private index(): NationalIndex {
    return queryableIndex(this.resolution);
  }

  /**
   * Refuses (IndexNotReadyError: UNAVAILABLE, retryable) unless this hub serves: it leads and
   * has its national index. Checked first by every IntelQuery call, those that do not read the
   * index too (WatchAlerts, AcknowledgeAlert): a standby, or a hub that lost its lock, answers
   * none, and writes nothing (not even a refusal's audit) to the database the leader works on.
   */
  requireServing(): void {
    queryableIndex(this.resolution);
  }

  /**
   * `options.explanations` false: the answer's matches carry no explanation, and the engine
   * scores its candidates without building one (the same candidates, scores and bands:
   * `MatchIndex.query`); the audit entry, which records no explanation, is the same. For a
   * caller that shows none (the analysts' search list); a gRPC call always gets them in a full
   * answer.
   */
  async checkPerson(
    raw: CheckPersonCall,
    caller: Caller,
    options: { explanations?: boolean } = {},
  ): Promise<CheckPersonResponse> {
    const req = await this.audit.validated('CheckPerson', raw, caller, () =>
      validateCheckPerson(raw),
    );
    this.observer.observeQuery(req.person?.onlineIdentifiers ?? [], caller);
    // The index's work in a turn of the event loop of its own (QueryTurns).
    await this.turns.next();
    const index = this.index();
    const person = req.person as NonNullable<CheckPersonRequest['person']>;
    // The engine's candidates, and every exact holder of the query's identifiers however
    // sparse the query (NationalIndex.check).
    const states = stateReader(index, detailOf(req.detail, this.answerDetail));
    // A summary (or a caller that shows none) gives no explanation: the engine scores without
    // building one.
    const explain = states.detail === 'full' && options.explanations !== false;
    const hits = groupByPerson(index, index.check(person, 200, explain));
    const probe = this.probe(caller);
    const { matches, hitOnly, withheld, audited, consulted } = this.toMatches(
      index,
      hits,
      caller,
      probe,
      req.maxResults,
      true,
      states,
      explain,
    );
    const drafts = this.alertDrafts(
      index,
      hits.filter((h) => consulted.has(h.personId)).map(touched),
      hitOnly,
      caller,
      'CheckPerson',
      (m) => states.read(m),
    );
    const auditRef = await this.settle(
      {
        action: 'CheckPerson',
        caller,
        justification: req.justification,
        request: req,
        response: { detail: states.detail, matches: audited, withheld },
      },
      drafts,
    );
    return { matches, auditRef };
  }

  async checkIdentifiers(
    raw: CheckIdentifiersCall,
    caller: Caller,
  ): Promise<CheckIdentifiersResponse> {
    const req = await this.audit.validated('CheckIdentifiers', raw, caller, () =>
      validateCheckIdentifiers(raw),
    );
    this.observer.observeQuery(req.onlineIdentifiers, caller);
    await this.turns.next();
    const index = this.index();
    const perIdentifier: { oi: OnlineIdentifier; hits: PersonHit[]; total: number }[] = [];
    // States decoded at most once per call, for the alerts of linked persons only.
    const states = stateReader(index, detailOf(req.detail, this.answerDetail));
    const probe = this.probe(caller);
    for (const oi of req.onlineIdentifiers) {
      const key = onlineIdentifierKey(oi);
      // Exact agreement on the canonical identifier, from the exact-identifier index: every
      // holder counted, however many (the engine's blocks skip a widely shared identifier);
      // only the persons the answer returns (or withholds) are scored and disclosed.
      const holding = key === undefined ? [] : index.identifierPersons(key, caller.force);
      const { selected, total } = selectIdentifierPersons(holding, MAX_IDENTIFIER_HOLDERS, probe);
      const hits = identifierHits(index, oi, selected, states.detail === 'full');
      perIdentifier.push({ oi, hits, total });
    }
    const results = [];
    const audited = [];
    const consulted: PersonHit[] = [];
    const hitOnly: RecordRef[] = [];
    const withheld: Withheld = { rateLimited: [] };
    for (const { oi, hits, total } of perIdentifier) {
      const r = this.toMatches(
        index,
        hits,
        caller,
        probe,
        MAX_IDENTIFIER_HOLDERS,
        false,
        states,
        states.detail === 'full',
      );
      const truncated = total > r.matches.length;
      results.push({ onlineIdentifier: oi, matches: r.matches, totalMatches: total, truncated });
      audited.push({ onlineIdentifier: oi, matches: r.audited, totalMatches: total, truncated });
      // Alerts follow what was disclosed: persons beyond the cap were only counted.
      consulted.push(...hits.filter((h) => r.consulted.has(h.personId)));
      hitOnly.push(...r.hitOnly);
      withheld.rateLimited.push(...r.withheld.rateLimited);
    }
    const drafts = this.alertDrafts(
      index,
      consulted.map(touched),
      hitOnly,
      caller,
      'CheckIdentifiers',
      (m) => states.read(m),
    );
    const auditRef = await this.settle(
      {
        action: 'CheckIdentifiers',
        caller,
        justification: req.justification,
        request: req,
        response: { detail: states.detail, results: audited, withheld },
      },
      drafts,
    );
    return { results, auditRef };
  }

  async getPerson(raw: GetPersonRequest, caller: Caller): Promise<NationalPerson> {
    const req = await this.audit.validated('GetPerson', raw, caller, () => validateGetPerson(raw));
    const index = this.index();
    const current = await this.store.personRead(this.reads, req.nationalPersonId);
    await this.turns.next();
    if (!current || !index.hasPerson(current.id)) {
      await this.audit.record('GetPerson', caller, req.justification, req, { found: false }, []);
      throw markAudited(
        new PersonNotFoundError(
          `nationalPersonId: no live national person ${req.nationalPersonId}`,
        ),
      );
    }
    const members = index.membersOf(current.id);
    const views = index.views(members);
    const holdings = this.holdings(
      members,
      (k) => recordOf(k, views),
      caller,
      (k, h) => ({
        ...h,
        details: views.get(k)?.state,
      }),
    );
    // When the person was created and what was merged into it date and shape it: only for a
    // caller who may see every one of its records.
    const history = historyDisclosed(
      caller.force,
      members.map((k) => recordOf(k, views)),
    );
    const person: NationalPerson = {
      nationalPersonId: current.id,
      flags: index.flagsFor(current.id, caller.force).map(toFlag),
      holdings: holdings.holdings,
      incidents: current.incidents
        .filter((i) => maySee(caller.force, i))
        .map((i) => incidentRef(i.forceCode, i.incidentId)),
      mergedFrom: history ? current.mergedFrom : [],
      createdAt: history ? timestampFromDate(current.createdAt) : undefined,
      auditRef: '',
    };
    const drafts = this.alertDrafts(
      index,
      [{ personId: current.id, linked: true }],
      holdings.hitOnly,
      caller,
      'GetPerson',
      (m) => among(views, m),
    );
    person.auditRef = await this.settle(
      {
        action: 'GetPerson',
        caller,
        justification: req.justification,
        request: req,
        response: {
          nationalPersonId: person.nationalPersonId,
          flags: person.flags.map((f) => f.type),
          holdings: person.holdings.map(holdingSummary),
          incidents: person.incidents,
          withheld: history ? [] : ['createdAt', 'mergedFrom'],
        },
      },
      drafts,
    );
    return person;
  }

  /**
   * The alerts an analyst's read of persons calls for when it does not go through the calls
   * above (a person's links, a link explanation, the network, an export), planned as GetPerson
   * plans them: a person flagged in a recipient's view alerts that force (throttled), and
   * another force's C record (`hitOnly`) tells its owner of the interest. The alerts are stored
   * here; `publish` sends them on once the read's audit entry is durable. `told`: the forces
   * alerted, for that entry.
   */
  async consultationAlerts(
    action: string,
    caller: Caller,
    personIds: string[],
    hitOnly: RecordRef[],
  ): Promise<{ told: string[]; publish: () => void }> {
    const index = this.index();
    const views = index.facts(personIds.flatMap((p) => index.membersOf(p)));
    const persons = personIds.map((personId) => ({ personId, linked: true }));
    const drafts = this.alertDrafts(index, persons, hitOnly, caller, action, (m) =>
      among(views, m),
    );
    if (drafts.length === 0) return { told: [], publish: () => undefined };
    const alerts = await this.store.insertAlerts(this.ds, drafts, caller.force);
    this.throttle.raised(caller.force, drafts, new Date());
    return {
      told: drafts.map((d) => d.recipientForceCode),
      publish: () => this.resolution.publishAlerts(alerts),
    };
  }

  /** Takes a probe token for the caller; false: hit-only answers are withheld from this call. */
  private probe(caller: Caller): boolean {
    const ok = this.probes.take(ProbeLimiter.callerKey(caller.force, caller.system), Date.now());
    if (!ok) this.metrics.probesWithheld.inc({ force: caller.force });
    return ok;
  }

  /**
   * The caller's answer for these persons (`@intel/disclosure`): flags of the caller's view,
   * holdings by handling code, scores and bands from records the caller may see only (a person
   * reached only through hidden records gets the constant hit-only marker), ordered without
   * regard to hidden scores, hit-only answers dropped when the probe rate is exceeded, then cut
   * to `max`. What was hidden goes to the audit entry. `total`: the persons answerable before
   * the cut (hit-only ones dropped for the probe rate not counted).
   *
   * The ranking reads only the matched records (their scores and handling codes); holdings,
   * flags and explanations are worked out for the persons returned or withheld only, so the
   * work past the ranking does not grow with how many persons matched.
   */
  private toMatches(
    index: NationalIndex,
    hits: PersonHit[],
    caller: Caller,
    probeAllowed: boolean,
    max: number,
    /** CheckPerson: hit-only persons only at a link band (probeReturns); identifiers: exact. */
    scored: boolean,
    /** Members' states at the answer's detail (a summary decodes no holder details). */
    states: StateReader,
    /** Each match explained (the candidates were scored with their explanations). */
    explain: boolean,
  ) {
    // Ranked from each candidate's handling code alone (`NationalIndex.handled`: a byte per
    // nominal), without decoding its state: most candidates are cut by `max`. Hit-only answers
    // withheld for the probe rate are recorded in the audit entry, and their owners are still
    // told of the interest.
    const ranking = rankHits(
      hits,
      caller.force,
      (k) => index.handled(k),
      probeAllowed,
      max,
      scored,
    );
    const shownRanked = ranking.shown;
    const heldRanked = ranking.held;
    // Who may see each holding, from the same per-nominal column: no state is decoded for an
    // answer (the alerts decode those of linked persons only, `alertDrafts`).
    const answerOf = ({ personId, disclosed }: RankedHit): Answer => {
      const hold = this.holdings(
        index.membersOf(personId),
        (k) => index.handled(k),
        caller,
        (k, h) => states.holding(k, h),
      );
      return {
        personId,
        disclosed,
        hitOnly: hold.hitOnly,
        match: {
          nationalPersonId: personId,
          score: round(disclosed.score),
          band: disclosed.band,
          flags: index.flagsFor(personId, caller.force).map(toFlag),
          holdings: hold.holdings,
          // Worked out for a full answer that is explained only.
          explanation: explain && disclosed.shown ? explanationOf(disclosed.shown) : undefined,
        },
      };
    };
    const shown = shownRanked.map(answerOf);
    const held = heldRanked.map(answerOf);
    const withheld: Withheld = {
      rateLimited: held.map((a) => ({
        personId: a.personId,
        forces: [...new Set(a.match.holdings.map((x) => x.forceCode))].sort(),
      })),
    };
    const consulted = [...shown, ...held];
    return {
      matches: shown.map((a) => a.match),
      audited: shown.map((a) => ({
        ...matchSummary(a.match),
        ...(a.disclosed.withheld ? { hiddenScore: a.disclosed.withheld } : {}),
      })),
      consulted: new Set(consulted.map((a) => a.personId)),
      hitOnly: consulted.flatMap((a) => a.hitOnly),
      withheld,
      total: ranking.answerable,
    };
  }

  /**
   * `record`: a member as disclosure sees it (whose, and whether handling code C). `full`: a
   * member's FULL holding, with its details as the answer gives them.
   */
  private holdings(
    members: MemberKey[],
    record: (k: MemberKey) => Handled,
    caller: Caller,
    full: (k: MemberKey, holding: Omit<Holding, 'details'>) => Holding,
  ): { holdings: Holding[]; hitOnly: RecordRef[] } {
    const holdings: Holding[] = [];
    const hitOnly: RecordRef[] = [];
    for (const k of [...members].sort()) {
      const { forceCode, nominalId } = splitMemberKey(k);
      const contact = `${forceName(forceCode)} Force Intelligence Bureau`;
      if (maySee(caller.force, record(k))) {
        holdings.push(
          full(k, { forceCode, nominalId, disclosure: Disclosure.DISCLOSURE_FULL, contact }),
        );
      } else {
        hitOnly.push(nominalRef(forceCode, nominalId));
        holdings.push({
          forceCode,
          nominalId: '',
          disclosure: Disclosure.DISCLOSURE_HIT_ONLY,
          details: undefined,
          contact,
        });
      }
    }
    return { holdings, hitOnly };
  }

  /**
   * Consultation alerts (flagged person; interest in a restricted record), to be stored: those
   * this force has not already raised about the person within the quiet window. A flag alerts
   * only about a person the consultation linked (CERTAIN or PROBABLE): only then are its
   * members' facts read (`facts`) to find the forces concerned.
   */
  private alertDrafts(
    index: NationalIndex,
    hits: { personId: string; linked: boolean }[],
    hitOnly: RecordRef[],
    caller: Caller,
    action: string,
    facts: (members: MemberKey[]) => Map<MemberKey, MemberFacts>,
  ): AlertDraft[] {
    const now = new Date();
    const drafts: AlertDraft[] = [];
    const seen = new Set<string>();
    for (const h of hits) {
      if (seen.has(h.personId)) continue;
      seen.add(h.personId);
      // Recipients are told of a consultation only for the flags in their view: a person
      // unlinked or flagged in no view has none to tell, and with no hit-only record nothing
      // is raised for it, so its members are not read (most of an answer's persons).
      const flagged = h.linked && index.isFlagged(h.personId);
      if (!flagged && hitOnly.length === 0) continue;
      const members = index.membersOf(h.personId);
      const held = flagged ? [...facts(members).values()] : [];
      const ownHitOnly = hitOnly.filter((r) => members.includes(memberKey(r.forceCode, r.id)));
      drafts.push(
        ...planQueryAlerts(
          {
            callerForce: caller.force,
            action,
            personId: h.personId,
            flagsFor: (r) => (flagged ? index.flagsFor(h.personId, r) : []),
            recipients: flagged ? recipientsByView(held, [], (m) => concernedForces(m, now)) : [],
            hitOnly: ownHitOnly,
          },
          now,
        ),
      );
    }
    return this.throttle.due(caller.force, drafts, now);
  }

  /**
   * Appends the consultation's audit entry with the alerts it raises, in one commit (the audit
   * group's statement): both are durable before the answer is sent, and the answer waits on one
   * commit. Then the throttle's window starts, and WatchAlerts and the relay hear.
   */
  private async settle(c: Consultation, drafts: AlertDraft[]): Promise<string> {
    const { auditRef, alerts } = await this.audit.recordRaising(c, drafts);
    this.throttle.raised(c.caller.force, drafts, new Date());
    this.resolution.publishAlerts(alerts);
    return auditRef;
  }
}

/** A consultation touches a person when it matched at a link band (or named the person). */
function touched(h: PersonHit): { personId: string; linked: boolean } {
  return {
    personId: h.personId,
    linked: isLinkBand(bandOf(h.best)),
  };
}

/**
 * A member as disclosure sees it. A member whose state is not at hand is treated as restricted
 * (its owner only): nothing says it may be shared.
 */
function recordOf(key: MemberKey, views: Map<MemberKey, MemberFacts>): NominalLike {
  return (
    views.get(key) ?? {
      ...splitMemberKey(key),
      state: { handling: { handlingCode: HandlingCode.HANDLING_CODE_C } },
    }
  );
}

/** The members among `keys` that `views` holds, in that order. */
function among<V>(views: ReadonlyMap<MemberKey, V>, keys: readonly MemberKey[]): Map<MemberKey, V> {
  const out = new Map<MemberKey, V>();
  for (const k of keys) {
    const v = views.get(k);
    if (v !== undefined) out.set(k, v);
  }
  return out;
}

/** A flag of the caller's view (its reason, evidence and time come from that view only). */
function toFlag(f: ViewFlag): Flag {
  return {
    type: f.type,
    reason: f.reason,
    evidence: f.evidence,
    raisedAt: timestampFromDate(f.raisedAt),
  };
}

function explanationOf(c: ScoredCandidate): Explanation {
  return {
    fields: c.explanation.map((f) => ({ field: f.field, level: f.level, weight: round(f.weight) })),
    totalScore: round(c.score),
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function holdingSummary(h: Holding) {
  return { forceCode: h.forceCode, nominalId: h.nominalId, disclosure: h.disclosure };
}

function matchSummary(m: Match) {
  return {
    nationalPersonId: m.nationalPersonId,
    score: m.score,
    band: m.band,
    flags: m.flags.map((f) => f.type),
    holdings: m.holdings.map(holdingSummary),
  };
}

export type { Justification };
