import { toAuditRow, verifyAuditRange, type AuditLogRecord, type AuditProblem } from '@intel/audit';
import type { DataSource } from 'typeorm';
import type { NationalStoreRepository } from '../../resolution/national-store.repository';
import { decodeCursor, encodeCursor } from '../paging/keyset-cursor';
import { auditEntriesQuery, type AuditEntriesFilter } from './audit-entries.query';
import { viewEntry, viewNamesPerson, type AuditEntryItem } from './audit-entry-view';
import type { AuditReader } from './audit-reader';
import { auditScopeOf, type AuditScope } from './audit-scope';

/** Bounds of the auditors' screen (docs/analyst.md). */
export const AUDIT_VIEWER_BOUNDS = {
  defaultPage: 50,
  maxPage: 200,
  /** Queries per page when a force auditor's view drops rows the index matched. */
  maxRounds: 5,
  /** Rows one verification may check (the whole chain: `npm run cli -- audit verify`). */
  maxVerifyRows: 500_000,
  maxProblems: 100,
} as const;

export interface AuditEntriesQuery {
  /** A national person id (uuid): entries naming it or an id merged into it. */
  person?: string;
  /** A caller name: `analyst:<sub>`, or a calling system's name. */
  user?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit?: number;
}

export interface AuditEntriesPage {
  items: AuditEntryItem[];
  nextCursor: string | null;
  scope: AuditScope;
  /** The person ids searched: the person asked for and the ids merged into it. */
  personIds?: string[];
}

export interface AuditRangeReport {
  ok: boolean;
  fromSeq: number;
  toSeq: number;
  rows: number;
  firstBadSeq: number | null;
  problems: AuditProblem[];
  truncated: boolean;
  headSeq: number;
}

/** The verification asked for more rows than one request checks. */
export class AuditRangeTooLargeError extends RangeError {}

const LIST = 'audit';

/**
 * The auditors' screen (issue #12): entries by person, by user, over a period, newest first
 * and paged, as the auditor's scope may see them (audit-scope.ts); and a verification of the
 * chain over a seq range (libs/audit verifyAuditRange). Reads as the auditor role
 * (audit-reader.ts). The controller audits every call; this service discloses nothing itself.
 */
export class AuditViewerService {
  constructor(
    private readonly reader: AuditReader,
    private readonly hub: DataSource,
    private readonly store: NationalStoreRepository,
    private readonly nationalAuditorForces: ReadonlySet<string>,
  ) {}

  scopeOf(force: string): AuditScope {
    return auditScopeOf(force, this.nationalAuditorForces);
  }

  async list(force: string, q: AuditEntriesQuery): Promise<AuditEntriesPage> {
    const scope = this.scopeOf(force);
    const limit = Math.min(
      Math.max(q.limit ?? AUDIT_VIEWER_BOUNDS.defaultPage, 1),
      AUDIT_VIEWER_BOUNDS.maxPage,
    );
    let before = q.cursor !== undefined ? decodeCursor(LIST, q.cursor) : undefined;
    const personIds =
      q.person !== undefined ? await this.store.mergedFamily(this.hub, q.person) : undefined;
    const wanted = personIds ? new Set(personIds) : undefined;
    const filter: Omit<AuditEntriesFilter, 'beforeSeq' | 'limit'> = {
      ...(personIds ? { personIds } : {}),
      ...(q.user !== undefined ? { callerName: q.user } : {}),
      // A force auditor searches its own force's users only: another force's caller is not
      // named to it, so it may not be searched for either.
      ...(q.user !== undefined && !scope.national ? { callerForce: scope.force } : {}),
      ...(scope.national ? {} : { visibleTo: scope.force }),
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
    };
    const reader = await this.reader.dataSource();
    const items: AuditEntryItem[] = [];
    for (let round = 0; round < AUDIT_VIEWER_BOUNDS.maxRounds; round++) {
      const batch = limit + 1;
      const sql = auditEntriesQuery({
        ...filter,
        ...(before ? { beforeSeq: before } : {}),
        limit: batch,
      });
      const rows = await reader.query<AuditLogRecord[]>(sql.text, sql.values);
      for (const row of rows) {
        if (items.length === limit)
          return {
            items,
            nextCursor: encodeCursor(LIST, before as string),
            scope,
            ...(personIds ? { personIds } : {}),
          };
        before = row.seq;
        const item = viewEntry(toAuditRow(row), scope);
        if (item && (!wanted || viewNamesPerson(item, wanted))) items.push(item);
      }
      if (rows.length < batch)
        return { items, nextCursor: null, scope, ...(personIds ? { personIds } : {}) };
    }
    // A short page: the next one carries on from the last row read.
    return {
      items,
      nextCursor: before ? encodeCursor(LIST, before) : null,
      scope,
      ...(personIds ? { personIds } : {}),
    };
  }

  async verify(fromSeq: number, toSeq: number): Promise<AuditRangeReport> {
    if (toSeq - fromSeq + 1 > AUDIT_VIEWER_BOUNDS.maxVerifyRows)
      throw new AuditRangeTooLargeError(
        `toSeq: at most ${AUDIT_VIEWER_BOUNDS.maxVerifyRows} rows are verified per request (the whole chain: npm run cli -- audit verify)`,
      );
    const r = await verifyAuditRange(
      await this.reader.dataSource(),
      { fromSeq, toSeq },
      { maxProblems: AUDIT_VIEWER_BOUNDS.maxProblems },
    );
    return {
      ok: r.ok,
      fromSeq: r.fromSeq,
      toSeq: r.toSeq,
      rows: r.rows,
      firstBadSeq: r.firstBadSeq ?? null,
      problems: r.problems,
      truncated: r.truncated,
      headSeq: r.head?.seq ?? 0,
    };
  }
}
