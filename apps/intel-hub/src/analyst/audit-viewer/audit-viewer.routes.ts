import { z } from 'zod';
import { textProblem } from '@intel/records';
import { defineRoute } from '../http/route-spec';
import { personIdSchema } from '../persons/persons.routes';
import { AUDIT_VIEWER_BOUNDS } from './audit-viewer.service';

/** Only auditors read the audit (a supervisor has an analyst's rights, not an auditor's). */
export const AUDITORS = ['auditor'] as const;

const instant = z.iso.datetime({ offset: true });

const recordSchema = z.object({
  forceCode: z.string(),
  entity: z.string(),
  id: z.string(),
  disclosure: z.string().optional(),
});

export const auditEntrySchema = z
  .object({
    seq: z.string(),
    at: z.string(),
    action: z.string(),
    view: z.enum(['national', 'own', 'told']),
    caller: z.object({
      force: z.string(),
      forceName: z.string(),
      kind: z.enum(['analyst', 'system', 'unidentified']),
      name: z.string().optional(),
      sub: z.string().optional(),
      displayName: z.string().optional(),
      roles: z.array(z.string()).optional(),
      consultationId: z.string().optional(),
    }),
    purposeCode: z.string().optional(),
    reason: z.string().optional(),
    operationRef: z.string().optional(),
    recipients: z.array(z.string()),
    persons: z.array(z.string()),
    records: z.array(recordSchema),
    outcome: z.object({
      status: z.enum(['answered', 'not-found', 'refused']),
      code: z.string().optional(),
      fields: z.array(z.string()).optional(),
    }),
    withheld: z.array(z.string()),
    detail: z.object({ request: z.unknown(), response: z.unknown() }).optional(),
  })
  .meta({ id: 'AuditEntry' });

export const LIST_AUDIT_ENTRIES = defineRoute({
  operationId: 'listAuditEntries',
  method: 'GET',
  path: '/audit/entries',
  summary:
    'Audit entries naming a person (or an id merged into it), of a user, over a period; newest first, as the auditor’s force may see them',
  tag: 'audit',
  roles: AUDITORS,
  consultation: true,
  query: z
    .strictObject({
      person: personIdSchema.optional(),
      /** `analyst:<sub>`, or a calling system's name. */
      user: z
        .string()
        .min(1)
        .max(256)
        .superRefine((v, ctx) => {
          const p = textProblem(v);
          if (p) ctx.addIssue({ code: 'custom', message: p });
        })
        .optional(),
      from: instant.optional(),
      to: instant.optional(),
      cursor: z.string().min(1).max(64).optional(),
      limit: z.coerce.number().int().min(1).max(AUDIT_VIEWER_BOUNDS.maxPage).optional(),
    })
    .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
      path: ['to'],
      message: 'must be after from',
    }),
  response: z.object({
    items: z.array(auditEntrySchema),
    nextCursor: z.string().nullable(),
    scope: z.object({ force: z.string(), national: z.boolean() }),
    personIds: z.array(z.string()).optional(),
    auditRef: z.string(),
  }),
});

export const VERIFY_AUDIT = defineRoute({
  operationId: 'verifyAudit',
  method: 'POST',
  path: '/audit/verify',
  summary: 'Verify the hash chain over a seq range: every row, every link, and the first bad seq',
  tag: 'audit',
  roles: AUDITORS,
  consultation: true,
  body: z
    .strictObject({
      fromSeq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
      toSeq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    })
    .refine((b) => b.toSeq >= b.fromSeq, { path: ['toSeq'], message: 'must not be below fromSeq' })
    .refine((b) => b.toSeq - b.fromSeq < AUDIT_VIEWER_BOUNDS.maxVerifyRows, {
      path: ['toSeq'],
      message: `at most ${AUDIT_VIEWER_BOUNDS.maxVerifyRows} rows a request (the whole chain: npm run cli -- audit verify)`,
    }),
  response: z.object({
    ok: z.boolean(),
    fromSeq: z.number(),
    toSeq: z.number(),
    rows: z.number(),
    firstBadSeq: z.number().nullable(),
    problems: z.array(z.object({ seq: z.number(), problem: z.string() })),
    truncated: z.boolean(),
    headSeq: z.number(),
    auditRef: z.string(),
  }),
});
