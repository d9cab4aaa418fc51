import { createHmac } from 'node:crypto';
import type { OnlineIdentifier } from '@intel/contracts';
import type { DeconflictionKey } from '@intel/config';
import type { OnlineIdentifierKind } from '@intel/identifiers';
import { COMPARED_ONLINE_IDENTIFIER_KINDS } from '@intel/matching';
import { kindOf, onlineIdentifierKey } from '@intel/records';

/** One keyed hash of an identifier: under which key, and the 32-byte HMAC. */
export interface KeyedDigest {
  keyId: string;
  digest: Buffer;
}

/** Domain separation: these digests are for deconfliction and nothing else. */
const DOMAIN = 'intel.deconfliction.v1\0';

/**
 * The persona kinds a covert unit registers: exactly the online-identifier kinds the matching
 * engine compares (IP addresses are not personas).
 */
export type PersonaKind = Exclude<OnlineIdentifierKind, 'IP_ADDRESS'>;

export function personaKind(o: Pick<OnlineIdentifier, 'kind'>): PersonaKind | undefined {
  const k = kindOf(o);
  return COMPARED_ONLINE_IDENTIFIER_KINDS.has(k) ? (k as PersonaKind) : undefined;
}

/**
 * The canonical matching key the matching engine itself uses (`onlineIdentifierKey`:
 * `username:kik:sk8rgirl_13`, `email:a@b.com`, E.164 phones…), or undefined when the identifier
 * is invalid or not a persona kind. Reused, not reimplemented, so a persona and a record match
 * exactly when the engine would call their identifiers the same.
 */
export function personaMatchKey(o: OnlineIdentifier): string | undefined {
  return personaKind(o) ? onlineIdentifierKey(o) : undefined;
}

/** HMAC-SHA256 of a canonical key under one key. Pure. */
export function keyedDigest(key: Buffer, canonical: string): Buffer {
  return createHmac('sha256', key).update(DOMAIN).update(canonical, 'utf8').digest();
}

/**
 * The digests of a canonical key under every configured key (lookups try them all: a persona
 * registered under a key being rotated out still matches). Always the same work for a given
 * number of keys, whatever the key and whether or not anything matches.
 */
export function digestsUnderEvery(
  keys: readonly DeconflictionKey[],
  canonical: string,
): KeyedDigest[] {
  return keys.map((k) => ({ keyId: k.keyId, digest: keyedDigest(k.key, canonical) }));
}

/** The map key of a digest in memory: `keyId:hex`. */
export function digestRef(d: KeyedDigest): string {
  return `${d.keyId}:${d.digest.toString('hex')}`;
}
