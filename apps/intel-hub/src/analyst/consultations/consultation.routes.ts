import { z } from 'zod';
import { LIMITS, reasonProblem, textProblem } from '@intel/records';
import { defineRoute } from '../http/route-spec';
import { PURPOSE_CODES } from './consultation';

const checked =
  (problem: (v: string) => string | undefined) => (v: string, ctx: z.RefinementCtx) => {
    const p = v === '' ? undefined : problem(v);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  };

export const consultationSchema = z
  .object({
    consultationId: z.uuid(),
    purposeCode: z.enum(PURPOSE_CODES),
    reason: z.string(),
    operationRef: z.string(),
    openedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'Consultation' });

/** A justification: a MoPI purpose, a reason with content, an optional operation reference. */
export const justificationSchema = z.strictObject({
  purposeCode: z.enum(PURPOSE_CODES),
  reason: z
    .string()
    .trim()
    .min(1, 'is required: say why the check is needed')
    .max(LIMITS.reason)
    .superRefine(checked(reasonProblem)),
  operationRef: z
    .string()
    .trim()
    .max(64)
    .superRefine(checked((v) => textProblem(v)))
    .optional(),
});

/** Opens a consultation: the purpose and reason that justify the reads that name it. */
export const OPEN_CONSULTATION = defineRoute({
  operationId: 'openConsultation',
  method: 'POST',
  path: '/consultations',
  summary: 'Open a consultation (purpose and reason) that justifies the reads naming it',
  tag: 'justification',
  // Any role of this API (an auditor justifies too); a token with none of them is refused.
  roles: ['analyst', 'auditor'],
  consultation: false,
  status: 201,
  body: justificationSchema,
  response: consultationSchema,
});
