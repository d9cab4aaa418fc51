import type { Justification } from '@intel/contracts';
import type { AuditLog } from '@intel/audit';
import { RecordValidationError } from '@intel/records';

/** Who is asking: the force named by the client certificate, and the calling system. */
export interface Caller {
  force: string;
  system: string;
}

/**
 * Writes every IntelQuery consultation to the hash-chained audit log (DPA 2018 s.62): who,
 * force, when, purpose, reason, what was asked, what was returned, and which forces were told.
 * A refused call (no justification, bad input) is logged too, with the reason it was refused.
 */
export class ConsultationAudit {
  constructor(private readonly log: AuditLog) {}

  /** Runs the validator; a refusal is audited before it is thrown. */
  async validated<T>(action: string, raw: unknown, caller: Caller, validate: () => T): Promise<T> {
    try {
      return validate();
    } catch (err) {
      if (err instanceof RecordValidationError) {
        const j = (raw as { justification?: Justification | null }).justification ?? undefined;
        await this.record(action, caller, j, raw, { refused: err.errors }, []);
      }
      throw err;
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
    const row = await this.log.append({
      at: new Date(),
      callerForce: caller.force,
      callerName: caller.system,
      action,
      purposeCode: justification?.purposeCode ?? '',
      reason: justification?.reason ?? '',
      operationRef: justification?.operationRef ?? '',
      // Written as canonical JSON by the log, which refuses what JSON cannot hold faithfully.
      request: request ?? null,
      response: response ?? null,
      recipients: [...new Set([caller.force, ...told])].sort(),
    });
    return String(row.seq);
  }
}
