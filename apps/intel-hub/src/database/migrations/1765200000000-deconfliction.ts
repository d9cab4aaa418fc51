import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Covert-persona deconfliction (docs/security.md, "Covert-persona deconfliction"): covert units'
 * personas and operations' targets, as keyed hashes only (HMAC-SHA256 under a key held outside
 * this database: `key_id` names it), and the sealed notices of hits, one per recipient unit,
 * with their delivery and acknowledgement. Registrations are retired, never deleted (grants.ts):
 * they are the history the audit speaks of. Only the hub's role may read these tables; the
 * auditor role (the analysts' audit viewer) has nothing on them.
 */
export class Deconfliction1765200000000 implements MigrationInterface {
  name = 'Deconfliction1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deconfliction_persona (
        persona_id     uuid PRIMARY KEY,
        owner_force    text NOT NULL,
        -- The covert unit that registered it (its certificate CN).
        owner_unit     text NOT NULL,
        kind           text NOT NULL CHECK (kind IN
                         ('username', 'email', 'phone', 'profile_url', 'platform_user_id', 'device_id')),
        -- The normalised platform of a platform-scoped kind ('' otherwise): not secret alone.
        platform       text NOT NULL DEFAULT '',
        key_id         text NOT NULL,
        -- HMAC-SHA256(key, canonical matching key): never the persona in clear.
        digest         bytea NOT NULL CHECK (octet_length(digest) = 32),
        registered_at  timestamptz NOT NULL,
        registered_by  text NOT NULL,
        retired_at     timestamptz,
        retired_by     text
      )`);
    await q.query(
      `CREATE INDEX deconfliction_persona_active ON deconfliction_persona (digest) WHERE retired_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE deconfliction_target (
        target_id           uuid PRIMARY KEY,
        owner_force         text NOT NULL,
        owner_unit          text NOT NULL,
        operation_ref       text NOT NULL,
        national_person_id  uuid,
        key_id              text,
        -- HMAC digests of the target's identifiers (same keyed hash as personas).
        identifier_digests  bytea[] NOT NULL DEFAULT '{}',
        registered_at       timestamptz NOT NULL,
        registered_by       text NOT NULL,
        retired_at          timestamptz,
        retired_by          text,
        CHECK (national_person_id IS NOT NULL OR cardinality(identifier_digests) > 0)
      )`);
    await q.query(`
      CREATE INDEX deconfliction_target_person ON deconfliction_target (national_person_id)
      WHERE retired_at IS NULL`);
    await q.query(`
      CREATE TABLE deconfliction_hit (
        -- Delivery order of a unit's notices (WatchHits replays from here).
        seq              bigserial PRIMARY KEY,
        notice_id        uuid NOT NULL UNIQUE,
        -- One hit, two notices when both sides are covert units.
        hit_id           uuid NOT NULL,
        -- What the hit is about, so that the same event seen again (a redelivered or updated
        -- record) makes no second notice: e.g. record:<force>:<id>:<persona id>.
        hit_key          text NOT NULL,
        recipient_force  text NOT NULL,
        recipient_unit   text NOT NULL,
        kind             text NOT NULL,
        -- The recipient's own persona or target registration the hit concerns.
        own_registration uuid NOT NULL,
        other_force      text NOT NULL,
        -- The other side's unit (a covert unit or a calling system; '' for a force's record).
        other_unit       text NOT NULL DEFAULT '',
        hit_at           timestamptz NOT NULL,
        delivered_at     timestamptz,
        acknowledged_at  timestamptz,
        acknowledged_by  text,
        UNIQUE (hit_key, recipient_force, recipient_unit, own_registration)
      )`);
    await q.query(`
      CREATE INDEX deconfliction_hit_recipient ON deconfliction_hit
        (recipient_force, recipient_unit, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE deconfliction_hit`);
    await q.query(`DROP TABLE deconfliction_target`);
    await q.query(`DROP TABLE deconfliction_persona`);
  }
}
