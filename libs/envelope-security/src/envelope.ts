import {
  EventEnvelope,
  EventType,
  Handling,
  HandlingCode,
  IncidentState,
  NominalState,
} from '@intel/contracts';
import { HEADER_EVENT_ID } from '@intel/kafka';
import { UnsealError, seal, unseal, type SealingKey, type SealingRecipient } from './sealing';
import type { VerifiedRoots } from './verified-roots';
import {
  batchSignatureHeaders,
  verifyRecord,
  type EventSigner,
  type SignerRegistry,
  type Verification,
} from './signing';

/** A record as it goes to (or comes from) a force topic. */
export interface WireRecord {
  topic: string;
  key: string;
  /** null = tombstone. */
  value: Buffer | null;
  headers: Record<string, string>;
}

/** What a force node holds: its signing key and the hub's public sealing key. */
export interface ForceEventKeys {
  signer: EventSigner;
  hub: SealingRecipient;
}

/** What the hub holds: every force's verification keys and its own sealing keys. */
export interface HubEventTrust {
  registry: SignerRegistry;
  sealingKeys: ReadonlyMap<string, SealingKey>;
  /** Batch roots already verified (bounded); without it every root is verified each time. */
  verifiedRoots?: VerifiedRoots;
}

export type RefusalReason =
  Exclude<Verification, { ok: true }>['reason'] | 'not-an-envelope' | 'unsealable';

export type Opened =
  | { ok: true; forceCode: string; envelope: EventEnvelope | null }
  | { ok: false; reason: RefusalReason; detail: string };

const isC = (h: Handling | undefined) => h?.handlingCode === HandlingCode.HANDLING_CODE_C;

/** What of a C state travels in clear: its id, its version and that it is handling code C. */
function stubHandling(): Handling {
  return { ...Handling.decode(new Uint8Array()), handlingCode: HandlingCode.HANDLING_CODE_C };
}

function sealingContext(r: WireRecord, env: EventEnvelope, version: number) {
  return {
    topic: r.topic,
    key: r.key,
    eventId: env.eventId,
    eventType: env.eventType,
    forceCode: env.forceCode,
    version,
  };
}

/**
 * Seals a handling-code-C state for the hub (the payload keeps only id, version and handling
 * code).
 */
function sealRecord(r: WireRecord, keys: ForceEventKeys): WireRecord {
  if (r.value === null) return r;
  const env = EventEnvelope.decode(r.value);
  let sealedEnv: EventEnvelope | undefined;
  if (env.sealed) {
    // Already sealed (never twice: the stub would be sealed in place of the state).
  } else if (env.nominal && isC(env.nominal.handling)) {
    const n = env.nominal;
    const stub: NominalState = {
      ...NominalState.decode(new Uint8Array()),
      nominalId: n.nominalId,
      version: n.version,
      handling: stubHandling(),
    };
    const plain = Buffer.from(NominalState.encode(n).finish());
    const s = seal(keys.hub, plain, sealingContext(r, env, n.version));
    sealedEnv = { ...env, nominal: stub, sealed: s };
  } else if (env.incident && isC(env.incident.handling)) {
    const i = env.incident;
    const stub: IncidentState = {
      ...IncidentState.decode(new Uint8Array()),
      incidentId: i.incidentId,
      version: i.version,
      handling: stubHandling(),
    };
    const plain = Buffer.from(IncidentState.encode(i).finish());
    const s = seal(keys.hub, plain, sealingContext(r, env, i.version));
    sealedEnv = { ...env, incident: stub, sealed: s };
  }
  return sealedEnv ? { ...r, value: Buffer.from(EventEnvelope.encode(sealedEnv).finish()) } : r;
}

/**
 * Seals each handling-code-C state for the hub, then signs the batch as it will travel: one
 * signature over the root of a Merkle tree of the records, each record carrying its audit
 * path (signing.ts, `batchSignatureHeaders`), so each still verifies alone. Tombstones are
 * signed too.
 */
export function protectRecords(records: readonly WireRecord[], keys: ForceEventKeys): WireRecord[] {
  if (records.length === 0) return [];
  const sealed = records.map((r) => sealRecord(r, keys));
  const headers = batchSignatureHeaders(
    keys.signer,
    sealed.map((r) => ({
      topic: r.topic,
      key: r.key,
      value: r.value,
      eventId: r.headers[HEADER_EVENT_ID] ?? '',
    })),
  );
  return sealed.map((r, i) => ({ ...r, headers: { ...r.headers, ...headers[i] } }));
}

/** One record protected alone: a batch of one (its root is its leaf, its audit path empty). */
export function protectRecord(r: WireRecord, keys: ForceEventKeys): WireRecord {
  return protectRecords([r], keys)[0] as WireRecord;
}

/**
 * Verifies a consumed record before anything else reads it (signature by a registered key of
 * the force its key names), then decodes it and opens a sealed state. A refusal names the check
 * that failed, never any of the record's content.
 */
export function openRecord(r: WireRecord, trust: HubEventTrust): Opened {
  const eventId = r.headers[HEADER_EVENT_ID] ?? '';
  const v = verifyRecord(trust.registry, { ...r, eventId }, r.headers, trust.verifiedRoots);
  if (!v.ok) return v;
  if (r.value === null) return { ok: true, forceCode: v.forceCode, envelope: null };
  let env: EventEnvelope;
  try {
    env = EventEnvelope.decode(r.value);
  } catch {
    return { ok: false, reason: 'not-an-envelope', detail: 'not a protobuf EventEnvelope' };
  }
  if (env.forceCode !== v.forceCode)
    return {
      ok: false,
      reason: 'force-mismatch',
      detail: `signed by force ${v.forceCode} but the envelope names another force`,
    };
  if (!env.sealed) return { ok: true, forceCode: v.forceCode, envelope: env };
  return openSealed(r, env, v.forceCode, trust);
}

function openSealed(
  r: WireRecord,
  env: EventEnvelope,
  forceCode: string,
  trust: HubEventTrust,
): Opened {
  const sealed = env.sealed as NonNullable<EventEnvelope['sealed']>;
  const stub =
    env.eventType === EventType.EVENT_TYPE_NOMINAL_UPSERTED && env.nominal
      ? { id: env.nominal.nominalId, version: env.nominal.version }
      : env.eventType === EventType.EVENT_TYPE_INCIDENT_UPSERTED && env.incident
        ? { id: env.incident.incidentId, version: env.incident.version }
        : undefined;
  if (!stub)
    return {
      ok: false,
      reason: 'unsealable',
      detail: `${env.eventType} cannot carry a sealed state`,
    };
  let plain: Buffer;
  try {
    plain = unseal(
      trust.sealingKeys,
      {
        hubKeyId: sealed.hubKeyId,
        ephemeralPublicKey: Buffer.from(sealed.ephemeralPublicKey),
        nonce: Buffer.from(sealed.nonce),
        ciphertext: Buffer.from(sealed.ciphertext),
      },
      sealingContext(r, env, stub.version),
    );
  } catch (err) {
    const detail = err instanceof UnsealError ? err.message : 'the sealed state cannot be opened';
    return { ok: false, reason: 'unsealable', detail };
  }
  try {
    if (env.eventType === EventType.EVENT_TYPE_NOMINAL_UPSERTED) {
      const n = NominalState.decode(plain);
      if (n.nominalId !== stub.id || n.version !== stub.version)
        return {
          ok: false,
          reason: 'unsealable',
          detail: 'the sealed state is of another nominal or version',
        };
      return { ok: true, forceCode, envelope: { ...env, nominal: n, sealed: undefined } };
    }
    const i = IncidentState.decode(plain);
    if (i.incidentId !== stub.id || i.version !== stub.version)
      return {
        ok: false,
        reason: 'unsealable',
        detail: 'the sealed state is of another incident or version',
      };
    return { ok: true, forceCode, envelope: { ...env, incident: i, sealed: undefined } };
  } catch {
    return { ok: false, reason: 'unsealable', detail: 'the sealed state is not a protobuf state' };
  }
}
