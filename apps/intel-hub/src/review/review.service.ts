import { randomUUID } from 'node:crypto';
import type { Alert } from '@intel/contracts';
import type { Sql } from '@intel/db';
import { maySee, recordsInView } from '@intel/disclosure';
import type { PairConstraint } from '@intel/matching';
import { DataSource } from 'typeorm';
import { deriveFlags, mergeIncidents, type MemberView } from '../flags/derive-flags';
import type { MemberKey } from '../resolution/member-key';
import type { NationalIndex } from '../resolution/national-index';
import { NationalStoreRepository } from '../resolution/national-store.repository';
import {
  IndexUnavailableError,
  type ConstraintChange,
  type DecisionWork,
  ResolutionService,
} from '../resolution/resolution.service';
import { approvalReasons, type PersonPicture } from './approval-rule';
import { mayReview, type PairEnd } from './pair-view';
import { rationaleProblem } from './rationale';
import {
  judgementCursor,
  parseJudgementCursor,
  parseQueueCursor,
  queueCursor,
} from './review-cursor';
import {
  ReviewError,
  reviewConflict,
  reviewForbidden,
  reviewInvalid,
  reviewNotFound,
} from './review-errors';
import {
  ReviewRepository,
  constraintOf,
  type Candidate,
  type Judgement,
  type JudgementStatus,
  type Verdict,
} from './review.repository';
import { Inject, Injectable } from '@nestjs/common';

/** The analyst acting (from the verified token). Supervisor implies analyst. */
export interface Reviewer {
  sub: string;
  name: string;
  force: string;
  roles: readonly string[];
}

export type ReviewAction =
  | 'Analyst.listReviewQueue'
  | 'Analyst.judgePair'
  | 'Analyst.listJudgements'
  | 'Analyst.approveJudgement'
  | 'Analyst.rejectJudgement'
  | 'Analyst.retractJudgement';

/**
 * Appends one entry to the hash-chained audit for the user's request (the analysts' API binds
 * it to core's AnalystAudit); resolves with its audit reference once durable. `told`: the
 * forces alerted by what the entry records, besides the user's.
 */
export type ReviewAudit = (
  action: ReviewAction,
  request: unknown,
  response: unknown,
  told?: string[],
) => Promise<string>;

export interface QueueItem {
  pairId: string;
  score: number;
  band: string;
  firstSeen: string;
  lastSeen: string;
  /** Other analysts who called the pair UNSURE (it stays queued for everyone else). */
  unsure: number;
  a: PairEnd;
  b: PairEnd;
}

export interface JudgementView {
  judgementId: string;
  pairId: string | undefined;
  verdict: Verdict;
  rationale: string;
  status: JudgementStatus;
  approvalReasons: string[];
  judgedBy: { sub: string; name: string; force: string; role: string };
  judgedAt: string;
  approvedBy?: { sub: string; name: string };
  approvedAt?: string;
  closedBy?: { sub: string; name: string };
  closedAt?: string;
  closedRationale?: string;
  a: { forceCode: string; nominalId: string };
  b: { forceCode: string; nominalId: string };
}

export const REVIEW_PAGE_MAX = 100;

const isSupervisor = (u: Reviewer) => u.roles.includes('supervisor');
const isAnalyst = (u: Reviewer) => u.roles.includes('analyst') || isSupervisor(u);

function checkRationale(raw: string): string {
  const text = raw.trim();
  const problem = rationaleProblem(text);
  if (problem) throw reviewInvalid('rationale', problem);
  return text;
}

function refOf(key: MemberKey): { forceCode: string; nominalId: string } {
  const i = key.indexOf(':');
  return { forceCode: key.slice(0, i), nominalId: key.slice(i + 1) };
}

function judgementView(j: Judgement): JudgementView {
  return {
    judgementId: j.judgementId,
    pairId: j.pairId,
    verdict: j.verdict,
    rationale: j.rationale,
    status: j.status,
    approvalReasons: j.approvalReasons,
    judgedBy: j.judgedBy,
    judgedAt: j.judgedAt.toISOString(),
    ...(j.approvedBy ? { approvedBy: j.approvedBy } : {}),
    ...(j.approvedAt ? { approvedAt: j.approvedAt.toISOString() } : {}),
    ...(j.closedBy ? { closedBy: j.closedBy } : {}),
    ...(j.closedAt ? { closedAt: j.closedAt.toISOString() } : {}),
    ...(j.closedRationale !== undefined ? { closedRationale: j.closedRationale } : {}),
    a: refOf(j.a),
    b: refOf(j.b),
  };
}

/**
 * A pair's records as the audit names them (the audit viewer's convention: `forceCode` and
 * `nominalId`, and the national person each is in at that moment as `nationalPersonId`).
 */
function auditedPair(index: NationalIndex, a: MemberKey, b: MemberKey) {
  const record = (k: MemberKey) => {
    const personId = index.personOfMember(k);
    return { ...refOf(k), ...(personId ? { nationalPersonId: personId } : {}) };
  };
  return { a: record(a), b: record(b) };
}

/** Forces alerted, for the audit entry. */
const toldOf = (alerts: readonly Alert[]) => [...new Set(alerts.map((a) => a.recipientForceCode))];

/**
 * Match review (issue #12; docs/analyst.md "Match review"): the POSSIBLE pairs resolution
 * keeps (`review_candidate`) are queued for the analysts of the forces that may see both
 * records; an analyst's judgement (SAME / NOT_SAME / UNSURE, with a rationale) becomes a
 * must-link or cannot-link that resolution puts into force through its normal path
 * (ResolutionService.decide: persons, flags, alerts), unless it would add or remove an RSO or
 * repeat-offender flag or merge across forces (approval-rule.ts), when it waits for a
 * supervisor of the judging force (never the judge). Judged pairs never return to the queue;
 * a judgement can be retracted (by its author or a supervisor of its force), which withdraws
 * its constraint and puts the pair back in the queue. Every call is audited through `audit`,
 * in the same transaction's time: a decision commits only once its entry is durable.
 */
@Injectable()
export class ReviewService {
  private readonly repo = new ReviewRepository();

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(NationalStoreRepository) private readonly store: NationalStoreRepository,
    @Inject(ResolutionService) private readonly resolution: ResolutionService,
  ) {}

  private index(): NationalIndex {
    const index = this.resolution.current;
    if (!index) throw new ReviewError(503, new IndexUnavailableError().message);
    return index;
  }

  /**
   * The user's queue: open pairs whose records the user's force may see, not in one person
   * already, not called UNSURE by this user, strongest first; `limit` a page (at most
   * REVIEW_PAGE_MAX), `cursor` from the previous page.
   */
  async queue(
    user: Reviewer,
    page: { limit?: number; cursor?: string },
    audit: ReviewAudit,
  ): Promise<{ items: QueueItem[]; nextCursor?: string; auditRef: string }> {
    if (!isAnalyst(user)) throw reviewForbidden('the review queue is for analysts');
    const limit = Math.min(Math.max(page.limit ?? 20, 1), REVIEW_PAGE_MAX);
    let after = page.cursor !== undefined ? parseQueueCursor(page.cursor) : undefined;
    if (page.cursor !== undefined && !after) throw reviewInvalid('cursor', 'not a queue cursor');
    const index = this.index();
    const items: QueueItem[] = [];
    const picked: Candidate[] = [];
    const batch = limit * 2 + 10;
    let more = false;
    // Pairs are skipped here when a record is gone or they are in one person now, so a page
    // may take more than one read (bounded: the cursor carries on where this one stopped).
    reading: for (let reads = 0; ; reads++) {
      if (reads === 20) {
        more = true;
        break;
      }
      const rows = await this.repo.openCandidates(this.ds, user, after, batch);
      for (const c of rows) {
        if (items.length === limit) {
          more = true;
          break reading;
        }
        after = { score: c.score, pairId: c.pairId };
        const item = this.queueItem(index, user, c);
        if (item) {
          items.push(item);
          picked.push(c);
        }
      }
      if (rows.length < batch) break;
    }
    const unsure = await this.repo.unsureCounts(this.ds, picked);
    for (const [i, c] of picked.entries()) {
      const item = items[i];
      if (item) item.unsure = unsure.get(`${c.a}\u0000${c.b}`) ?? 0;
    }
    const nextCursor = more && after ? queueCursor(after) : undefined;
    const auditRef = await audit(
      'Analyst.listReviewQueue',
      { limit, cursor: page.cursor ?? null },
      {
        pairs: picked.map((c) => ({
          pairId: c.pairId,
          score: c.score,
          ...auditedPair(index, c.a, c.b),
        })),
      },
    );
    return { items, ...(nextCursor ? { nextCursor } : {}), auditRef };
  }

  private queueItem(index: NationalIndex, user: Reviewer, c: Candidate): QueueItem | undefined {
    const views = index.views([c.a, c.b]);
    const a = views.get(c.a);
    const b = views.get(c.b);
    if (!a || !b || !mayReview(user.force, a, b)) return undefined;
    const pa = index.personOfMember(c.a);
    if (pa !== undefined && pa === index.personOfMember(c.b)) return undefined;
    const shown = (view: MemberView, key: MemberKey): PairEnd => {
      const personId = index.personOfMember(key);
      return { view, personId, flags: personId ? index.flagsFor(personId, user.force) : [] };
    };
    return {
      pairId: c.pairId,
      score: c.score,
      band: c.band,
      firstSeen: c.firstSeen.toISOString(),
      lastSeen: c.lastSeen.toISOString(),
      unsure: 0,
      a: shown(a, c.a),
      b: shown(b, c.b),
    };
  }

  /**
   * Judges a queued pair. SAME and NOT_SAME take the pair out of the queue for good and become
   * a must-link / cannot-link at once (ACTIVE) or once a supervisor approves
   * (PENDING_APPROVAL); UNSURE records the user's view, takes the pair out of this user's queue
   * only, and marks it for the others.
   */
  async judge(
    user: Reviewer,
    input: { pairId: string; verdict: Verdict; rationale: string },
    audit: ReviewAudit,
  ): Promise<{
    judgementId: string;
    status: JudgementStatus;
    approvalReasons: string[];
    auditRef: string;
  }> {
    if (!isAnalyst(user)) throw reviewForbidden('judging pairs is for analysts');
    const rationale = checkRationale(input.rationale);
    this.index();
    return this.decide(async (tx, index) => {
      const c = await this.repo.candidate(tx, input.pairId, true);
      // Another force's C record: exactly as if the pair did not exist.
      if (!c || !this.mayReviewStored(user, c)) throw reviewNotFound('pair');
      const views = index.views([c.a, c.b]);
      const a = views.get(c.a);
      const b = views.get(c.b);
      if (a && b && !mayReview(user.force, a, b)) throw reviewNotFound('pair');
      if (!a || !b) throw reviewConflict('a record of this pair is no longer held');
      if (c.status === 'JUDGED') throw reviewConflict('this pair has been judged');
      const open = await this.repo.openJudgementsOf(tx, c.a, c.b);
      if (
        input.verdict === 'UNSURE' &&
        open.some((j) => j.verdict === 'UNSURE' && j.judgedBy.sub === user.sub)
      )
        throw reviewConflict('you have already called this pair UNSURE');
      const constraint = constraintOf(input.verdict);
      const reasons = constraint
        ? approvalReasons(
            input.verdict,
            await this.pictures(tx, index, this.personsOf(index, [c.a, c.b]), user.force),
            await this.pictures(tx, index, this.previewOf(index, c.a, c.b, constraint), user.force),
          )
        : [];
      const status: JudgementStatus = reasons.length > 0 ? 'PENDING_APPROVAL' : 'ACTIVE';
      const judgementId = randomUUID();
      await this.repo.insertJudgement(tx, {
        judgementId,
        pairId: c.pairId,
        a: c.a,
        b: c.b,
        verdict: input.verdict,
        rationale,
        judgedBy: {
          sub: user.sub,
          name: user.name,
          force: user.force,
          role: isSupervisor(user) ? 'supervisor' : 'analyst',
        },
        judgedAt: new Date(),
        pairScore: c.score,
        pairBand: c.band,
        status,
        approvalReasons: reasons,
      });
      if (constraint) await this.repo.setCandidateStatus(tx, c.pairId, 'JUDGED');
      const changes: ConstraintChange[] =
        constraint && status === 'ACTIVE' ? [{ a: c.a, b: c.b, constraint }] : [];
      const value = { judgementId, status, approvalReasons: reasons, auditRef: '' };
      const before = auditedPair(index, c.a, c.b);
      return {
        value,
        changes,
        seal: async (_tx: Sql, alerts: Alert[]) => {
          value.auditRef = await audit(
            'Analyst.judgePair',
            { pairId: input.pairId, verdict: input.verdict, rationale, pair: before },
            {
              judgementId,
              status,
              approvalReasons: reasons,
              pair: auditedPair(index, c.a, c.b),
              alerts: alerts.map((x) => x.alertId),
            },
            toldOf(alerts),
          );
        },
      };
    });
  }

  /** A supervisor of the judging force approves a pending judgement (not their own). */
  async approve(
    user: Reviewer,
    judgementId: string,
    audit: ReviewAudit,
  ): Promise<{ judgementId: string; status: JudgementStatus; auditRef: string }> {
    if (!isSupervisor(user)) throw reviewForbidden('approving judgements is for supervisors');
    this.index();
    return this.decide(async (tx, index) => {
      const j = await this.ownForceJudgement(tx, index, user, judgementId);
      if (j.status !== 'PENDING_APPROVAL')
        throw reviewConflict(`the judgement is ${j.status}, not PENDING_APPROVAL`);
      const before = auditedPair(index, j.a, j.b);
      if (j.judgedBy.sub === user.sub)
        throw reviewForbidden('supervisors cannot approve their own judgements');
      const constraint = constraintOf(j.verdict);
      // Other judgements may have come into force since this one was made.
      if (constraint) this.previewOf(index, j.a, j.b, constraint);
      await this.repo.approve(tx, j.judgementId, user, new Date());
      const value = { judgementId: j.judgementId, status: 'ACTIVE' as const, auditRef: '' };
      return {
        value,
        changes: constraint ? [{ a: j.a, b: j.b, constraint }] : [],
        seal: async (_tx: Sql, alerts: Alert[]) => {
          value.auditRef = await audit(
            'Analyst.approveJudgement',
            { judgementId, verdict: j.verdict, pair: before },
            {
              judgementId,
              status: 'ACTIVE',
              pair: auditedPair(index, j.a, j.b),
              alerts: alerts.map((x) => x.alertId),
            },
            toldOf(alerts),
          );
        },
      };
    });
  }

  /** A supervisor of the judging force turns a pending judgement down; the pair is queued again. */
  async reject(
    user: Reviewer,
    judgementId: string,
    rationale: string,
    audit: ReviewAudit,
  ): Promise<{ judgementId: string; status: JudgementStatus; auditRef: string }> {
    if (!isSupervisor(user)) throw reviewForbidden('rejecting judgements is for supervisors');
    return this.closeJudgement(user, judgementId, rationale, audit, 'REJECTED');
  }

  /**
   * Retracts a judgement (its author, or a supervisor of its force): an active SAME / NOT_SAME
   * constraint is withdrawn and the persons around the pair formed again from their links; the
   * pair is queued again (it is no longer judged).
   */
  async retract(
    user: Reviewer,
    judgementId: string,
    rationale: string,
    audit: ReviewAudit,
  ): Promise<{ judgementId: string; status: JudgementStatus; auditRef: string }> {
    if (!isAnalyst(user)) throw reviewForbidden('retracting judgements is for analysts');
    return this.closeJudgement(user, judgementId, rationale, audit, 'RETRACTED');
  }

  private closeJudgement(
    user: Reviewer,
    judgementId: string,
    rationaleRaw: string,
    audit: ReviewAudit,
    closing: 'RETRACTED' | 'REJECTED',
  ): Promise<{ judgementId: string; status: JudgementStatus; auditRef: string }> {
    const rationale = checkRationale(rationaleRaw);
    this.index();
    return this.decide(async (tx, index) => {
      const j = await this.ownForceJudgement(tx, index, user, judgementId);
      if (closing === 'REJECTED' && j.status !== 'PENDING_APPROVAL')
        throw reviewConflict(`the judgement is ${j.status}, not PENDING_APPROVAL`);
      if (closing === 'RETRACTED' && j.judgedBy.sub !== user.sub && !isSupervisor(user))
        throw reviewForbidden('only its author or a supervisor of the force may retract it');
      if (j.status !== 'ACTIVE' && j.status !== 'PENDING_APPROVAL')
        throw reviewConflict(`the judgement is ${j.status} already`);
      const at = new Date();
      const before = auditedPair(index, j.a, j.b);
      await this.repo.close(tx, j.judgementId, closing, user, rationale, at);
      const constraint = constraintOf(j.verdict);
      if (constraint) await this.requeue(tx, index, j, at);
      const value = { judgementId: j.judgementId, status: closing, auditRef: '' };
      return {
        value,
        // Only an active judgement's constraint is in force (a pending one never was).
        changes:
          constraint && j.status === 'ACTIVE' ? [{ a: j.a, b: j.b, constraint: undefined }] : [],
        seal: async (_tx: Sql, alerts: Alert[]) => {
          value.auditRef = await audit(
            closing === 'REJECTED' ? 'Analyst.rejectJudgement' : 'Analyst.retractJudgement',
            { judgementId, rationale, verdict: j.verdict, pair: before },
            {
              judgementId,
              status: closing,
              pair: auditedPair(index, j.a, j.b),
              alerts: alerts.map((x) => x.alertId),
            },
            toldOf(alerts),
          );
        },
      };
    });
  }

  /** The user's force's judgements, newest first (optionally of one status), paged. */
  async listJudgements(
    user: Reviewer,
    query: { status?: JudgementStatus; limit?: number; cursor?: string },
    audit: ReviewAudit,
  ): Promise<{ items: JudgementView[]; nextCursor?: string; auditRef: string }> {
    if (!isAnalyst(user)) throw reviewForbidden('judgements are for analysts');
    const limit = Math.min(Math.max(query.limit ?? 50, 1), REVIEW_PAGE_MAX);
    const after = query.cursor !== undefined ? parseJudgementCursor(query.cursor) : undefined;
    if (query.cursor !== undefined && !after)
      throw reviewInvalid('cursor', 'not a judgements cursor');
    const index = this.index();
    const rows = await this.repo.judgementsOf(this.ds, user.force, query.status, after, limit + 1);
    const page = rows.slice(0, limit);
    // A record that has since become another force's C record is not shown, nor its pair.
    const items = page.filter((j) => this.stillVisible(index, user, j)).map(judgementView);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > limit && last
        ? judgementCursor({ judgedAt: last.judgedAt, judgementId: last.judgementId })
        : undefined;
    const auditRef = await audit(
      'Analyst.listJudgements',
      { status: query.status ?? null, limit, cursor: query.cursor ?? null },
      {
        judgements: items.map((j) => ({ judgementId: j.judgementId, a: j.a, b: j.b })),
      },
    );
    return { items, ...(nextCursor ? { nextCursor } : {}), auditRef };
  }

  /** Neither record is another force's C record now (a withdrawn one: as when judged). */
  private stillVisible(index: NationalIndex, user: Reviewer, j: Judgement): boolean {
    const views = index.views([j.a, j.b]);
    return [...views.values()].every((v) => maySee(user.force, v));
  }

  /** Neither record was another force's C record when the engine last scored the pair. */
  private mayReviewStored(user: Reviewer, c: Candidate): boolean {
    return (
      (!c.restrictedA || refOf(c.a).forceCode === user.force) &&
      (!c.restrictedB || refOf(c.b).forceCode === user.force)
    );
  }

  /**
   * A judgement of the user's force whose records the user may still see (any other is "not
   * found"), locked for the change.
   */
  private async ownForceJudgement(
    tx: Sql,
    index: NationalIndex,
    user: Reviewer,
    id: string,
  ): Promise<Judgement> {
    const j = await this.repo.judgement(tx, id, true);
    if (!j || j.judgedBy.force !== user.force || !this.stillVisible(index, user, j))
      throw reviewNotFound('judgement');
    return j;
  }

  /** ResolutionService.decide, its "index unavailable" answered as 503. */
  private async decide<T>(
    work: (tx: Sql, index: NationalIndex) => Promise<DecisionWork<T>>,
  ): Promise<T> {
    try {
      return await this.resolution.decide(work);
    } catch (err) {
      if (err instanceof IndexUnavailableError) throw new ReviewError(503, err.message);
      throw err;
    }
  }

  /** A pair whose decisive judgement is undone goes back in the queue, scored as it is now. */
  private async requeue(tx: Sql, index: NationalIndex, j: Judgement, at: Date): Promise<void> {
    const now = index.matching.compare(j.a, j.b);
    const c = await this.repo.candidateOfPair(tx, j.a, j.b);
    await this.repo.reopenCandidate(
      tx,
      j.a,
      j.b,
      now?.band ? { score: now.score, band: c?.band ?? now.band } : undefined,
      at,
    );
  }

  /**
   * The persons the pair's records would form with the constraint; a 409 when it would
   * contradict judgements already in force (say, SAME on a pair a chain of NOT_SAME keeps
   * apart: they would not hold, and the judgement would be in force yet not honoured).
   */
  private previewOf(
    index: NationalIndex,
    a: MemberKey,
    b: MemberKey,
    constraint: PairConstraint,
  ): MemberKey[][] {
    const preview = index.matching.previewConstraint(a, b, constraint);
    if (!preview.consistent)
      throw reviewConflict(
        'this would contradict judgements in force on these persons; retract those first',
      );
    return preview.groups;
  }

  /** The persons (clusters) the records are in now, each once. */
  private personsOf(index: NationalIndex, keys: MemberKey[]): MemberKey[][] {
    const clusters = new Set<string>();
    for (const k of keys) {
      const c = index.matching.clusterOf(k);
      if (c !== undefined) clusters.add(c);
    }
    return [...clusters].map((c) => index.matching.membersOf(c));
  }

  /** Persons as `force` may see them: its visible records and the flags they give. */
  private async pictures(
    tx: Sql,
    index: NationalIndex,
    groups: MemberKey[][],
    force: string,
  ): Promise<PersonPicture[]> {
    const keys = groups.flat();
    const views = index.views(keys);
    const incidentsOf = await this.store.incidentsOf(tx, keys);
    const now = new Date();
    return groups.map((g) => {
      const members = g.map((k) => views.get(k)).filter((m): m is MemberView => !!m);
      const incidents = mergeIncidents(g.flatMap((k) => incidentsOf.get(k) ?? []));
      const seen = recordsInView(force, members, incidents);
      return {
        records: seen.members.map((m) => ({
          key: `${m.forceCode}:${m.nominalId}`,
          forceCode: m.forceCode,
        })),
        flags: deriveFlags(seen.members, seen.incidents, now).map((f) => f.type),
      };
    });
  }
}
