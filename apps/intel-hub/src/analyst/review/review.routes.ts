import { z } from 'zod';
import { RATIONALE_MAX, rationaleProblem } from '../../review/rationale';
import { defineRoute } from '../http/route-spec';
import { dossierHoldingSchema, flagSchema } from '../persons/person.schemas';
import { DATA_READERS } from '../persons/persons.routes';

/** Match review (docs/analyst.md "Match review"). */

const VERDICTS = ['SAME', 'NOT_SAME', 'UNSURE'] as const;
const STATUSES = ['ACTIVE', 'PENDING_APPROVAL', 'RETRACTED', 'REJECTED'] as const;
const APPROVAL_REASONS = [
  'RSO_FLAG_ADDED',
  'RSO_FLAG_REMOVED',
  'REPEAT_OFFENDER_FLAG_ADDED',
  'REPEAT_OFFENDER_FLAG_REMOVED',
  'CROSS_FORCE_MERGE',
] as const;

const pairIdSchema = z.string().regex(/^[1-9][0-9]{0,17}$/, 'must be a pair id from the queue');
const judgementIdSchema = z.uuid('must be a judgement id');
const cursorSchema = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'not a cursor this list gave');
const limitSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,2}$/, 'a whole number from 1 to 100')
  .transform(Number)
  .pipe(z.number().max(100, 'at most 100'));

/** Why: the review's rationale (clean text, a few words, like a justification's reason). */
const rationaleSchema = z
  .string()
  .max(RATIONALE_MAX * 2)
  .trim()
  .superRefine((v, ctx) => {
    const p = rationaleProblem(v);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

/** A record of a pair, shown whole: the queue lists only pairs the user's force may see. */
export const reviewRecordSchema = dossierHoldingSchema
  .pick({
    forceCode: true,
    forceName: true,
    handlingCode: true,
    names: true,
    dateOfBirth: true,
    datesOfBirth: true,
    sex: true,
    identifiers: true,
    onlineIdentifiers: true,
    addresses: true,
    registrations: true,
    subjectCategories: true,
    updatedAt: true,
  })
  .extend({
    nominalId: z.string(),
    /** The national person the record is in now, and its flags as the user's force sees them. */
    nationalPersonId: z.string().optional(),
    flags: z.array(flagSchema),
  })
  .meta({ id: 'ReviewRecord' });

export const queueItemSchema = z
  .object({
    pairId: z.string(),
    score: z.number(),
    band: z.enum(['CERTAIN', 'PROBABLE', 'POSSIBLE']),
    firstSeen: z.string(),
    lastSeen: z.string(),
    /** How many other analysts called the pair UNSURE (it stays queued for the rest). */
    unsure: z.number().int(),
    a: reviewRecordSchema,
    b: reviewRecordSchema,
  })
  .meta({ id: 'ReviewPair' });

const recordRef = z.object({ forceCode: z.string(), nominalId: z.string() });
const byUser = z.object({ sub: z.string(), name: z.string() });

export const judgementSchema = z
  .object({
    judgementId: z.string(),
    pairId: z.string().optional(),
    verdict: z.enum(VERDICTS),
    rationale: z.string(),
    status: z.enum(STATUSES),
    approvalReasons: z.array(z.string()),
    judgedBy: byUser.extend({ force: z.string(), role: z.string() }),
    judgedAt: z.string(),
    approvedBy: byUser.optional(),
    approvedAt: z.string().optional(),
    closedBy: byUser.optional(),
    closedAt: z.string().optional(),
    closedRationale: z.string().optional(),
    a: recordRef,
    b: recordRef,
  })
  .meta({ id: 'Judgement' });

const decidedSchema = z.object({
  judgementId: z.string(),
  status: z.enum(STATUSES),
  auditRef: z.string(),
});

export const LIST_REVIEW_QUEUE = defineRoute({
  operationId: 'listReviewQueue',
  method: 'GET',
  path: '/review/queue',
  summary:
    "POSSIBLE pairs the engine left unlinked, strongest first: those the user's force may see, not judged, not called UNSURE by this user",
  tag: 'review',
  roles: DATA_READERS,
  consultation: true,
  query: z.strictObject({ limit: limitSchema.optional(), cursor: cursorSchema.optional() }),
  response: z.object({
    items: z.array(queueItemSchema),
    nextCursor: z.string().optional(),
    auditRef: z.string(),
  }),
});

export const JUDGE_PAIR = defineRoute({
  operationId: 'judgePair',
  method: 'POST',
  path: '/review/judgements',
  summary:
    'Judge a queued pair SAME, NOT_SAME or UNSURE with a rationale: a must-link or cannot-link at once (ACTIVE) or after a supervisor approves (PENDING_APPROVAL)',
  tag: 'review',
  roles: DATA_READERS,
  consultation: true,
  status: 201,
  body: z.strictObject({
    pairId: pairIdSchema,
    verdict: z.enum(VERDICTS),
    rationale: rationaleSchema,
  }),
  response: decidedSchema.extend({ approvalReasons: z.array(z.enum(APPROVAL_REASONS)) }),
});

export const LIST_JUDGEMENTS = defineRoute({
  operationId: 'listJudgements',
  method: 'GET',
  path: '/review/judgements',
  summary: "The user's force's judgements, newest first (supervisors: ?status=PENDING_APPROVAL)",
  tag: 'review',
  roles: DATA_READERS,
  consultation: true,
  query: z.strictObject({
    status: z.enum(STATUSES).optional(),
    limit: limitSchema.optional(),
    cursor: cursorSchema.optional(),
  }),
  response: z.object({
    items: z.array(judgementSchema),
    nextCursor: z.string().optional(),
    auditRef: z.string(),
  }),
});

const judgementParams = z.strictObject({ judgementId: judgementIdSchema });

export const APPROVE_JUDGEMENT = defineRoute({
  operationId: 'approveJudgement',
  method: 'POST',
  path: '/review/judgements/{judgementId}/approve',
  summary:
    'A supervisor of the judging force approves a pending judgement (never their own): it takes effect',
  tag: 'review',
  roles: ['supervisor'],
  consultation: true,
  params: judgementParams,
  response: decidedSchema,
});

export const REJECT_JUDGEMENT = defineRoute({
  operationId: 'rejectJudgement',
  method: 'POST',
  path: '/review/judgements/{judgementId}/reject',
  summary:
    'A supervisor of the judging force turns a pending judgement down: the pair is queued again',
  tag: 'review',
  roles: ['supervisor'],
  consultation: true,
  params: judgementParams,
  body: z.strictObject({ rationale: rationaleSchema }),
  response: decidedSchema,
});

export const RETRACT_JUDGEMENT = defineRoute({
  operationId: 'retractJudgement',
  method: 'POST',
  path: '/review/judgements/{judgementId}/retract',
  summary:
    'Retract a judgement (its author, or a supervisor of its force): its constraint is withdrawn, the persons formed again, the pair queued again',
  tag: 'review',
  roles: DATA_READERS,
  consultation: true,
  params: judgementParams,
  body: z.strictObject({ rationale: rationaleSchema }),
  response: decidedSchema,
});

export const REVIEW_ROUTES = [
  LIST_REVIEW_QUEUE,
  JUDGE_PAIR,
  LIST_JUDGEMENTS,
  APPROVE_JUDGEMENT,
  REJECT_JUDGEMENT,
  RETRACT_JUDGEMENT,
] as const;
