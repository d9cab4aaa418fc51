import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { AuditHead, AuditProblem } from './audit-chain.verifier';
import { canonicalJson } from './audit-entry';

/**
 * The chain's head, signed outside the database (Ed25519, key held in a file the database never
 * sees) and published where the database cannot reach it (a Kafka topic, an append-only file).
 * A rewrite of the chain that recomputes every hash verifies on its own; it cannot also forge
 * the anchors already published, so it contradicts one of them.
 */
export interface AuditAnchor {
  /** The database whose audit_log this anchors. */
  database: string;
  seq: number;
  hash: string;
  /** ISO time of signing. */
  at: string;
  /** First 16 hex characters of the SHA-256 of the public key (SPKI DER). */
  keyId: string;
  /** Base64 Ed25519 signature over anchorPayload. */
  signature: string;
}

export type UnsignedAnchor = Pick<AuditAnchor, 'database' | 'seq' | 'hash' | 'at'>;

/** The bytes signed: canonical JSON of database, seq, hash and time. */
export function anchorPayload(a: UnsignedAnchor): Buffer {
  return Buffer.from(
    canonicalJson({ at: a.at, database: a.database, hash: a.hash, seq: a.seq }),
    'utf8',
  );
}

export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

export function signAnchor(a: UnsignedAnchor, privateKey: KeyObject): AuditAnchor {
  return {
    ...a,
    keyId: keyIdOf(createPublicKey(privateKey)),
    signature: sign(null, anchorPayload(a), privateKey).toString('base64'),
  };
}

export function anchorSignatureValid(a: AuditAnchor, publicKey: KeyObject): boolean {
  try {
    return (
      a.keyId === keyIdOf(publicKey) &&
      verify(null, anchorPayload(a), publicKey, Buffer.from(a.signature, 'base64'))
    );
  } catch {
    return false;
  }
}

/** Parses anchors from JSON lines (a file, or Kafka message values); bad lines are counted. */
export function parseAnchors(lines: Iterable<string>): { anchors: AuditAnchor[]; bad: number } {
  const anchors: AuditAnchor[] = [];
  let bad = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    try {
      const a = JSON.parse(line) as Partial<AuditAnchor>;
      if (
        typeof a.database === 'string' &&
        Number.isSafeInteger(a.seq) &&
        typeof a.hash === 'string' &&
        typeof a.at === 'string' &&
        typeof a.keyId === 'string' &&
        typeof a.signature === 'string'
      )
        anchors.push(a as AuditAnchor);
      else bad++;
    } catch {
      bad++;
    }
  }
  return { anchors, bad };
}

export interface AnchorVerification {
  ok: boolean;
  /** Anchors for this database with a valid signature. */
  anchors: number;
  /** The newest valid anchor, if any. */
  last: AuditAnchor | undefined;
  /** Anchoring has stopped: the newest anchor is older than maxAgeMs (or there is none). */
  overdue: boolean;
  problems: AuditProblem[];
}

/**
 * Pure: compares the chain as stored (the hash at each anchored seq, and the head) with the
 * signed anchors of `database`. Reports a rewrite (a stored hash that is not the anchored one),
 * a chain cut back below an anchor, anchors whose signature does not verify, and overdue
 * anchoring.
 */
export function compareWithAnchors(input: {
  database: string;
  anchors: AuditAnchor[];
  /**
   * The anchor keys an anchor may be signed with: the current one and, after a rotation, the
   * earlier ones whose anchors the topic still holds (each anchor names its key's id).
   */
  publicKeys: readonly KeyObject[];
  /** Stored hash at each anchored seq (absent: no such row). */
  hashAt: ReadonlyMap<number, string>;
  head: AuditHead | undefined;
  now: Date;
  maxAgeMs: number;
}): AnchorVerification {
  const problems: AuditProblem[] = [];
  const mine = input.anchors.filter((a) => a.database === input.database);
  const valid: AuditAnchor[] = [];
  const byId = new Map(input.publicKeys.map((k) => [keyIdOf(k), k]));
  for (const a of mine) {
    const key = byId.get(a.keyId);
    if (key && anchorSignatureValid(a, key)) valid.push(a);
    else
      problems.push({
        seq: a.seq,
        problem: `the anchor of ${a.at} for row ${a.seq} has no valid signature for the keys given (forged or another key)`,
      });
  }
  // One report per anchored seq: the first anchor that contradicts the chain at it.
  const reported = new Set<number>();
  for (const a of valid) {
    if (reported.has(a.seq) || a.seq === 0) continue;
    const stored = input.hashAt.get(a.seq);
    if (stored === undefined) {
      reported.add(a.seq);
      problems.push({
        seq: a.seq,
        problem: `row ${a.seq}, signed in the anchor of ${a.at}, is not in the log: the chain was cut back (audit_head seq ${input.head?.seq ?? 0})`,
      });
    } else if (stored !== a.hash) {
      reported.add(a.seq);
      problems.push({
        seq: a.seq,
        problem: `row ${a.seq} contradicts the signed anchor of ${a.at}: the chain was rewritten`,
      });
    }
  }
  const last = valid.reduce<AuditAnchor | undefined>(
    (m, a) => (m === undefined || a.at > m.at ? a : m),
    undefined,
  );
  const age = last ? input.now.getTime() - Date.parse(last.at) : Number.POSITIVE_INFINITY;
  const overdue = age > input.maxAgeMs && (input.head?.seq ?? 0) > 0;
  if (overdue)
    problems.push({
      seq: input.head?.seq ?? 0,
      problem: last
        ? `anchoring is overdue: the last signed anchor is of ${last.at} (${Math.round(age / 1000)} s ago, limit ${Math.round(input.maxAgeMs / 1000)} s)`
        : 'the chain has never been anchored: no signed anchor for this database',
    });
  problems.sort((x, y) => x.seq - y.seq);
  return { ok: problems.length === 0, anchors: valid.length, last, overdue, problems };
}
