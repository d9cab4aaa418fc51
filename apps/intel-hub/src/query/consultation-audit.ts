import type { Alert, Justification } from '@intel/contracts';
import {
  boundedRequest,
  boundedText,
  escapeUnsafeText,
  AuditLog,
  type AuditEntryInput,
} from '@intel/audit';
import { LIMITS } from '@intel/records';
import { Inject, Injectable } from '@nestjs/common';
import type { AlertDraft } from '../alerts/alert-plan';
import { CONSULTATION_ALERTS } from '../alerts/consultation-alert-rows';

/** The end user behind an analyst's call (verified token), as the audit records them. */
export interface CallerUser {
  sub: string;
  name: string;
  roles: string[];
  /** The consultation justifying the call (X-Consultation-Id), when it needs one. */
  consultationId?: string;
}

/**
 * Who is asking: the force named by the client certificate, and the calling system; for an
 * analyst (the analysts' HTTP API), the token's force, `analyst:<sub>`, and the user.
 */
export interface Caller {
  force: string;
  system: string;
  user?: CallerUser;
}

/** The request as written to the audit: an analyst's identity travels with it. */
function withUser(caller: Caller | undefined, request: unknown): unknown {
  if (!caller?.user) return request ?? null;
  const { sub, name, roles, consultationId } = caller.user;
  const analyst = { sub, name, roles, consultationId: consultationId ?? null };
  return request !== null && typeof request === 'object' && !Array.isArray(request)
    ? { ...request, analyst }
    : { analyst, request: request ?? null };
}

/** A consultation as its audit entry records it: what was done, by whom, why, asked, returned. */
export interface Consultation {
  action: string;
  caller: Caller;
  justification: Justification | undefined;
  request: unknown;
  response: unknown;
}

/** One field a refusal names, as the caller was told. */
export interface RefusedField {
  field: string;
  message: string;
}

/** A call the hub refused: what it was, who asked (if known), and what it was told. */
export interface Refusal {
  action: string;
  /** The authenticated caller; undefined when the caller could not be identified. */
  caller: Caller | undefined;
  /** What an unidentified caller claimed to be (metadata, certificate subject, peer). */
  claimed?: Record<string, unknown>;
  /** The request exactly as received: hostile, possibly huge. */
  raw: unknown;
  /** The gRPC status name it was answered with, e.g. INVALID_ARGUMENT. */
  code: string;
  errors: RefusedField[];
}

const audited = new WeakSet<object>();

/** Marks an error as already written to the audit where it arose (e.g. GetPerson not found). */
export function markAudited<E extends object>(err: E): E {
  audited.add(err);
  return err;
}

/** Whether `markAudited` saw this error: the edge does not audit it a second time. */
export function wasAudited(err: unknown): boolean {
  return err !== null && typeof err === 'object' && audited.has(err);
}

/** Bounds on what a refusal writes (characters); the whole request is kept as a digest. */
export const REFUSAL_BOUNDS = {
  callerName: 256,
  purposeCode: 64,
  reason: LIMITS.reason + 64,
  operationRef: 128,
  claimed: 256,
  errors: 20,
  field: 128,
  message: 512,
} as const;

/**
 * Writes every IntelQuery consultation to the hash-chained audit log (DPA 2018 s.62): who,
 * force, when, purpose, reason, what was asked, what was returned, and which forces were told.
 *
 * Every refusal is logged too (`refused`), with what it was told: the request as received is
 * stored bounded (the first REFUSED_REQUEST_CAP characters of its canonical JSON, with the
 * SHA-256 and size of the whole), and every text taken from it escaped and cut, so that no
 * caller's text can make the audit fail or grow without bound.
 */
@Injectable()
export class ConsultationAudit {
  constructor(@Inject(AuditLog) private readonly log: AuditLog) {}

  /** Runs the validator. A refusal is audited at the gRPC edge (`refused`), with every other. */
  validated<T>(_action: string, _raw: unknown, _caller: Caller, validate: () => T): Promise<T> {
    try {
      return Promise.resolve(validate());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Appends the entry; resolves with its audit reference once it is durable. */
  async record(
    action: string,
    caller: Caller,
    justification: Justification | undefined,
    request: unknown,
    response: unknown,
    /** Forces told (alert recipients), besides the caller. */
    told: string[],
  ): Promise<string> {
    const row = await this.log.append(
      consultationEntry({ action, caller, justification, request, response }, told),
    );
    return String(row.seq);
  }

  /**
   * Appends the entry and stores the consultation alerts it raises in the same commit (the
   * audit group's statement: `CONSULTATION_ALERTS`); resolves once both are durable, with the
   * audit reference and the alerts as stored. The alerts' recipients are the forces told.
   */
  async recordRaising(
    c: Consultation,
    drafts: AlertDraft[],
  ): Promise<{ auditRef: string; alerts: Alert[] }> {
    const told = drafts.map((d) => d.recipientForceCode);
    const entry = consultationEntry(c, told);
    const rows = drafts.map((draft) => ({ draft, consultedBy: c.caller.force }));
    const row = await this.log.append(entry, { companion: CONSULTATION_ALERTS, rows });
    return { auditRef: String(row.seq), alerts: row.written };
  }

  /**
   * Appends a refused call: the justification as sent (escaped, bounded), the request bounded
   * with its digest, and the status and fields it was refused with. Nothing was disclosed, so
   * the caller's force (if known) is the only recipient.
   */
  async refused(r: Refusal): Promise<string> {
    const j = justificationOf(r.raw);
    const b = REFUSAL_BOUNDS;
    const row = await this.log.append({
      at: new Date(),
      callerForce: r.caller?.force ?? '',
      callerName: boundedText(r.caller?.system ?? '', b.callerName),
      action: r.action,
      purposeCode: boundedText(j.purposeCode, b.purposeCode),
      reason: boundedText(j.reason, b.reason),
      operationRef: boundedText(j.operationRef, b.operationRef),
      request: withUser(r.caller, {
        refused: boundedRequest(r.raw),
        ...(r.claimed ? { claimed: boundedClaims(r.claimed) } : {}),
      }),
      response: {
        refused: {
          code: r.code,
          errors: r.errors.slice(0, b.errors).map((e) => ({
            field: boundedText(e.field, b.field),
            message: boundedText(e.message, b.message),
          })),
          ...(r.errors.length > b.errors ? { moreErrors: r.errors.length - b.errors } : {}),
        },
      },
      recipients: r.caller ? [r.caller.force] : [],
    });
    return String(row.seq);
  }
}

/** A consultation's audit entry: who, when, why, what was asked and returned, who was told. */
function consultationEntry(
  { action, caller, justification, request, response }: Consultation,
  told: string[],
): AuditEntryInput {
  return {
    at: new Date(),
    callerForce: caller.force,
    // The validators refuse what PostgreSQL cannot store; escaping here keeps one that slipped
    // through (a calling system's name comes from its certificate or, in development, a
    // header) from failing the audit, and so the answer.
    callerName: escapeUnsafeText(caller.system),
    action,
    purposeCode: String(justification?.purposeCode ?? ''),
    reason: escapeUnsafeText(justification?.reason ?? ''),
    operationRef: escapeUnsafeText(justification?.operationRef ?? ''),
    // Written as canonical JSON by the log, which refuses what JSON cannot hold faithfully.
    request: withUser(caller, request),
    response: response ?? null,
    recipients: [...new Set([caller.force, ...told])].sort(),
  };
}

/** The justification's fields as received, whatever their types. */
function justificationOf(raw: unknown): Record<'purposeCode' | 'reason' | 'operationRef', unknown> {
  const j =
    raw !== null && typeof raw === 'object'
      ? (raw as { justification?: unknown }).justification
      : undefined;
  const o = j !== null && typeof j === 'object' ? (j as Record<string, unknown>) : {};
  return { purposeCode: o['purposeCode'], reason: o['reason'], operationRef: o['operationRef'] };
}

function boundedClaims(claimed: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claimed).slice(0, 8)) {
    if (v === undefined) continue;
    out[boundedText(k, 64)] = boundedText(v, REFUSAL_BOUNDS.claimed);
  }
  return out;
}
