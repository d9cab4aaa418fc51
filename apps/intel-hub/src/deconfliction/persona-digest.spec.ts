import { randomBytes } from 'node:crypto';
import type { OnlineIdentifier } from '@intel/contracts';
import { OnlineIdentifierKind } from '@intel/contracts';
import { digestRef, digestsUnderEvery, keyedDigest, personaMatchKey } from './persona-digest';

const oi = (kind: OnlineIdentifierKind, value: string, platform = ''): OnlineIdentifier => ({
  kind,
  platform,
  value,
  observedAt: undefined,
});
const U = OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_USERNAME;

describe('persona digests', () => {
  const k1 = { keyId: 'k1', key: randomBytes(32) };
  const k2 = { keyId: 'k2', key: randomBytes(32) };

  it('digests the matching engine’s canonical form: case, @ and platform aliases fold together', () => {
    const a = personaMatchKey(oi(U, 'Sk8rGirl_13', 'kik'));
    expect(a).toBe('username:kik:sk8rgirl_13');
    expect(personaMatchKey(oi(U, '@SK8RGIRL_13', 'Kik'))).toBe(a);
    expect(personaMatchKey(oi(U, 'sk8rgirl_13', 'instagram'))).not.toBe(a);
    expect(personaMatchKey(oi(U, 'x', 'ig'))).toBe(personaMatchKey(oi(U, 'x', 'instagram')));
    expect(
      personaMatchKey(oi(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL, 'A.B@Example.com')),
    ).toBe(
      personaMatchKey(oi(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL, 'a.b@example.com')),
    );
    expect(
      personaMatchKey(oi(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PHONE, '07700 900123')),
    ).toBe(personaMatchKey(oi(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PHONE, '+447700900123')));
  });

  it('refuses what is not a persona kind or not valid', () => {
    expect(
      personaMatchKey(oi(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_IP_ADDRESS, '192.0.2.1')),
    ).toBeUndefined();
    expect(personaMatchKey(oi(U, 'sk8rgirl_13'))).toBeUndefined();
  });

  it('is keyed: the same form gives the same digest under one key, another under another', () => {
    const c = 'username:kik:sk8rgirl_13';
    expect(keyedDigest(k1.key, c).equals(keyedDigest(k1.key, c))).toBe(true);
    expect(keyedDigest(k1.key, c).equals(keyedDigest(k2.key, c))).toBe(false);
    expect(keyedDigest(k1.key, c)).toHaveLength(32);
    // Not a bare hash of the value (a dictionary of usernames cannot confirm one).
    expect(keyedDigest(k1.key, c).toString('hex')).not.toContain(Buffer.from(c).toString('hex'));
  });

  it('digests under every configured key, in order, each named by its key id', () => {
    const ds = digestsUnderEvery([k2, k1], 'email:a@b.com');
    expect(ds.map((d) => d.keyId)).toEqual(['k2', 'k1']);
    expect(digestRef(ds[1]!)).toBe(`k1:${keyedDigest(k1.key, 'email:a@b.com').toString('hex')}`);
  });
});
