import type { Sql } from '@intel/db';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PersonaEntry, PlannedHit, TargetEntry, Unit } from './active-registrations';
import type { HitKind } from './active-registrations';

/** A stored sealed notice, as its unit receives it. */
export interface StoredNotice {
  seq: number;
  noticeId: string;
  hitId: string;
  kind: HitKind;
  recipient: Unit;
  registrationId: string;
  otherForce: string;
  otherUnit: string;
  hitAt: Date;
}

interface NoticeRow {
  seq: string;
  notice_id: string;
  hit_id: string;
  kind: HitKind;
  recipient_force: string;
  recipient_unit: string;
  own_registration: string;
  other_force: string;
  other_unit: string;
  hit_at: Date;
}

interface PersonaRow {
  persona_id: string;
  owner_force: string;
  owner_unit: string;
  key_id: string;
  digest: Buffer;
}

interface TargetRow {
  target_id: string;
  owner_force: string;
  owner_unit: string;
  national_person_id: string | null;
  key_id: string | null;
  identifier_digests: Buffer[];
}

const NOTICE_COLUMNS = `seq, notice_id, hit_id, kind, recipient_force, recipient_unit,
  own_registration, other_force, other_unit, hit_at`;

function notice(r: NoticeRow): StoredNotice {
  return {
    seq: Number(r.seq),
    noticeId: r.notice_id,
    hitId: r.hit_id,
    kind: r.kind,
    recipient: { force: r.recipient_force, unit: r.recipient_unit },
    registrationId: r.own_registration,
    otherForce: r.other_force,
    otherUnit: r.other_unit,
    hitAt: r.hit_at,
  };
}

const hex = (b: Buffer) => `\\x${b.toString('hex')}`;
const refOf = (keyId: string, digest: Buffer) => `${keyId}:${digest.toString('hex')}`;

/**
 * The deconfliction tables (migration Deconfliction1765200000000): digests only, retired not
 * deleted. Every statement names the calling unit where it acts on a registration or notice, so
 * one unit can neither retire nor acknowledge another's.
 */
@Injectable()
export class DeconflictionStore {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  async insertPersona(p: {
    personaId: string;
    owner: Unit;
    kind: string;
    platform: string;
    keyId: string;
    digest: Buffer;
    at: Date;
    by: string;
  }): Promise<void> {
    await this.ds.query(
      `INSERT INTO deconfliction_persona (persona_id, owner_force, owner_unit, kind, platform,
         key_id, digest, registered_at, registered_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        p.personaId,
        p.owner.force,
        p.owner.unit,
        p.kind,
        p.platform,
        p.keyId,
        hex(p.digest),
        p.at,
        p.by,
      ],
    );
  }

  async insertTarget(t: {
    targetId: string;
    owner: Unit;
    operationRef: string;
    personId: string | undefined;
    keyId: string | undefined;
    digests: Buffer[];
    at: Date;
    by: string;
  }): Promise<void> {
    await this.ds.query(
      `INSERT INTO deconfliction_target (target_id, owner_force, owner_unit, operation_ref,
         national_person_id, key_id, identifier_digests, registered_at, registered_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7::bytea[], $8, $9)`,
      [
        t.targetId,
        t.owner.force,
        t.owner.unit,
        t.operationRef,
        t.personId ?? null,
        t.keyId ?? null,
        t.digests.map(hex),
        t.at,
        t.by,
      ],
    );
  }

  /** Retires the unit's own active registration; false when it has none by that id. */
  async retire(
    table: 'persona' | 'target',
    id: string,
    owner: Unit,
    at: Date,
    by: string,
  ): Promise<boolean> {
    const rows = await this.ds.query<[unknown[], number]>(
      `UPDATE deconfliction_${table} SET retired_at = $4, retired_by = $5
       WHERE ${table}_id = $1 AND owner_force = $2 AND owner_unit = $3 AND retired_at IS NULL
       RETURNING ${table}_id`,
      [id, owner.force, owner.unit, at, by],
    );
    return rows[1] > 0;
  }

  /** Every active registration, for the in-memory set. */
  async loadActive(): Promise<{ personas: PersonaEntry[]; targets: TargetEntry[] }> {
    const personas = await this.ds.query<PersonaRow[]>(
      `SELECT persona_id, owner_force, owner_unit, key_id, digest FROM deconfliction_persona
       WHERE retired_at IS NULL`,
    );
    const targets = await this.ds.query<TargetRow[]>(
      `SELECT target_id, owner_force, owner_unit, national_person_id, key_id, identifier_digests
       FROM deconfliction_target WHERE retired_at IS NULL`,
    );
    return {
      personas: personas.map((r) => ({
        personaId: r.persona_id,
        force: r.owner_force,
        unit: r.owner_unit,
        ref: refOf(r.key_id, r.digest),
      })),
      targets: targets.map((r) => ({
        targetId: r.target_id,
        force: r.owner_force,
        unit: r.owner_unit,
        personId: r.national_person_id ?? undefined,
        refs: r.key_id ? r.identifier_digests.map((d) => refOf(r.key_id as string, d)) : [],
      })),
    };
  }

  /**
   * Writes a hit's notices, one per recipient, in one statement; a hit already noticed (its key,
   * recipient and registration) writes nothing again. Returns the notices written.
   */
  /**
   * Writes a hit's notices, not yet audited (`auditPending` audits them); in `tx` when given, so
   * that a hit found in ingested records is durable exactly when they are. The same hit again
   * (same key, recipient and registration) writes nothing.
   */
  async insertNotices(
    hitId: string,
    hit: PlannedHit,
    at: Date,
    tx: Sql = this.ds,
  ): Promise<StoredNotice[]> {
    if (hit.notices.length === 0) return [];
    const values: unknown[] = [];
    const p = (v: unknown) => `$${values.push(v)}`;
    const tuples = hit.notices.map(
      (n) =>
        `(gen_random_uuid(), ${p(hitId)}::uuid, ${p(hit.key)}, ${p(n.recipient.force)}, ${p(n.recipient.unit)},
          ${p(hit.kind)}, ${p(n.registrationId)}::uuid, ${p(n.other.force)}, ${p(n.other.unit)}, ${p(at)})`,
    );
    const rows = await tx.query<NoticeRow[]>(
      `INSERT INTO deconfliction_hit (notice_id, hit_id, hit_key, recipient_force, recipient_unit,
         kind, own_registration, other_force, other_unit, hit_at)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (hit_key, recipient_force, recipient_unit, own_registration) DO NOTHING
       RETURNING ${NOTICE_COLUMNS}`,
      values,
    );
    return rows.map(notice);
  }

  /**
   * Notices written but whose hit is not yet in the audit, oldest first, with what the audit
   * entry names: the hits of the first `limit` such notices, whole.
   */
  async unaudited(limit: number): Promise<Array<StoredNotice & { hitKey: string }>> {
    const rows = await this.ds.query<Array<NoticeRow & { hit_key: string }>>(
      `SELECT ${NOTICE_COLUMNS}, hit_key FROM deconfliction_hit
       WHERE audited_at IS NULL AND hit_id IN (
         SELECT hit_id FROM deconfliction_hit WHERE audited_at IS NULL ORDER BY seq LIMIT $1)
       ORDER BY seq`,
      [limit],
    );
    return rows.map((r) => ({ ...notice(r), hitKey: r.hit_key }));
  }

  async markAudited(hitIds: readonly string[], at: Date): Promise<void> {
    if (hitIds.length === 0) return;
    await this.ds.query(
      `UPDATE deconfliction_hit SET audited_at = $2
       WHERE hit_id = ANY($1::uuid[]) AND audited_at IS NULL`,
      [hitIds, at],
    );
  }

  /** The unit's unacknowledged notices after `afterSeq` (audited ones only), oldest first. */
  async pending(unit: Unit, afterSeq = 0, limit = 500): Promise<StoredNotice[]> {
    const rows = await this.ds.query<NoticeRow[]>(
      `SELECT ${NOTICE_COLUMNS} FROM deconfliction_hit
       WHERE recipient_force = $1 AND recipient_unit = $2 AND acknowledged_at IS NULL AND seq > $3
         AND audited_at IS NOT NULL
       ORDER BY seq LIMIT $4`,
      [unit.force, unit.unit, afterSeq, limit],
    );
    return rows.map(notice);
  }

  /** The unit's audited notices never delivered to any watch, oldest first. */
  async undelivered(unit: Unit, limit = 500): Promise<StoredNotice[]> {
    const rows = await this.ds.query<NoticeRow[]>(
      `SELECT ${NOTICE_COLUMNS} FROM deconfliction_hit
       WHERE recipient_force = $1 AND recipient_unit = $2 AND delivered_at IS NULL
         AND acknowledged_at IS NULL AND audited_at IS NOT NULL
       ORDER BY seq LIMIT $3`,
      [unit.force, unit.unit, limit],
    );
    return rows.map(notice);
  }

  async markDelivered(noticeIds: string[], at: Date): Promise<void> {
    if (noticeIds.length === 0) return;
    await this.ds.query(
      `UPDATE deconfliction_hit SET delivered_at = $2
       WHERE notice_id = ANY($1::uuid[]) AND delivered_at IS NULL`,
      [noticeIds, at],
    );
  }

  /**
   * Acknowledges the unit's own notice (the first acknowledgement stands). Undefined when the
   * unit has no notice by that id (another unit's is answered the same way).
   */
  async acknowledge(
    noticeId: string,
    unit: Unit,
    at: Date,
    by: string,
  ): Promise<{ acknowledgedAt: Date; hitId: string } | undefined> {
    await this.ds.query(
      `UPDATE deconfliction_hit SET acknowledged_at = $4, acknowledged_by = $5
       WHERE notice_id = $1 AND recipient_force = $2 AND recipient_unit = $3
         AND acknowledged_at IS NULL`,
      [noticeId, unit.force, unit.unit, at, by],
    );
    const rows = await this.ds.query<Array<{ acknowledged_at: Date; hit_id: string }>>(
      `SELECT acknowledged_at, hit_id FROM deconfliction_hit
       WHERE notice_id = $1 AND recipient_force = $2 AND recipient_unit = $3`,
      [noticeId, unit.force, unit.unit],
    );
    const r = rows[0];
    return r ? { acknowledgedAt: r.acknowledged_at, hitId: r.hit_id } : undefined;
  }
}
