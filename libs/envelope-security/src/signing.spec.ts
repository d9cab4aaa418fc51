import {
  HEADER_SIGNATURE,
  HEADER_SIGNER,
  HEADER_SIGNING_KEY_ID,
  buildSignerRegistry,
  generateSigningKeyPair,
  makeSigner,
  signatureHeaders,
  verifyRecord,
  type SignedRecord,
} from './index';

const norfolk = generateSigningKeyPair();
const norfolkNext = generateSigningKeyPair();
const met = generateSigningKeyPair();

const record: SignedRecord = {
  topic: 'intel.person.v1',
  key: '36:0b8a6c1e-5f7e-4f1c-9a55-2c3f1d7e9a10',
  value: Buffer.from('an EventEnvelope, byte for byte'),
  eventId: 'b1d7f0a2-9c1e-4d3b-8f55-6a7e2c1d0f99',
};

const registry = buildSignerRegistry([
  { forceCode: '36', keyId: 'k1', pem: norfolk.publicKeyPem },
  { forceCode: '01', keyId: 'k1', pem: met.publicKeyPem },
]);

describe('event signatures', () => {
  const signer = makeSigner('36', 'k1', norfolk.privateKeyPem);

  it('verifies a record signed by the force that owns its key', () => {
    const headers = signatureHeaders(signer, record);
    expect(verifyRecord(registry, record, headers)).toEqual({
      ok: true,
      forceCode: '36',
      keyId: 'k1',
    });
  });

  it('refuses a record when any byte of its value changed', () => {
    const headers = signatureHeaders(signer, record);
    const value = record.value as Buffer;
    for (let i = 0; i < value.length; i++) {
      const tampered = Buffer.from(value);
      tampered[i] = (tampered[i] as number) ^ 0x01;
      const v = verifyRecord(registry, { ...record, value: tampered }, headers);
      expect(v).toMatchObject({ ok: false, reason: 'bad-signature' });
    }
  });

  it('refuses a record moved to another key, topic or event id, or turned into a tombstone', () => {
    const headers = signatureHeaders(signer, record);
    for (const moved of [
      { ...record, key: '36:another-nominal' },
      { ...record, topic: 'intel.incident.v1' },
      { ...record, eventId: 'c1d7f0a2-9c1e-4d3b-8f55-6a7e2c1d0f99' },
      { ...record, value: null },
      { ...record, value: Buffer.alloc(0) },
    ]) {
      expect(verifyRecord(registry, moved, headers)).toMatchObject({
        ok: false,
        reason: 'bad-signature',
      });
    }
  });

  it('binds tombstones too', () => {
    const tombstone = { ...record, value: null };
    const headers = signatureHeaders(signer, tombstone);
    expect(verifyRecord(registry, tombstone, headers).ok).toBe(true);
    expect(verifyRecord(registry, { ...tombstone, key: '36:other' }, headers).ok).toBe(false);
  });

  it("refuses a record signed with another force's key but claiming Norfolk", () => {
    const forged = signatureHeaders(makeSigner('36', 'k1', met.privateKeyPem), record);
    expect(verifyRecord(registry, record, forged)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses a force signing with its own key a record keyed for another force', () => {
    const byMet = signatureHeaders(makeSigner('01', 'k1', met.privateKeyPem), record);
    expect(verifyRecord(registry, record, byMet)).toMatchObject({
      ok: false,
      reason: 'force-mismatch',
    });
  });

  it('refuses unsigned records, unknown forces and unknown key ids', () => {
    const headers = signatureHeaders(signer, record);
    expect(verifyRecord(registry, record, {})).toMatchObject({ ok: false, reason: 'unsigned' });
    const { [HEADER_SIGNATURE]: _s, ...noSig } = headers;
    expect(verifyRecord(registry, record, noSig)).toMatchObject({ reason: 'unsigned' });
    expect(verifyRecord(registry, record, { ...headers, [HEADER_SIGNER]: '99' })).toMatchObject({
      reason: 'unknown-force',
    });
    expect(
      verifyRecord(registry, record, { ...headers, [HEADER_SIGNING_KEY_ID]: 'k9' }),
    ).toMatchObject({ reason: 'unknown-key' });
    expect(
      verifyRecord(registry, record, { ...headers, [HEADER_SIGNATURE]: 'AAAA' }),
    ).toMatchObject({ reason: 'bad-signature' });
  });

  it('rotates keys: old and new keys verify while both are registered; a removed key does not', () => {
    const rotated = buildSignerRegistry([
      { forceCode: '36', keyId: 'k1', pem: norfolk.publicKeyPem },
      { forceCode: '36', keyId: 'k2', pem: norfolkNext.publicKeyPem },
    ]);
    const old = signatureHeaders(signer, record);
    const next = signatureHeaders(makeSigner('36', 'k2', norfolkNext.privateKeyPem), record);
    expect(verifyRecord(rotated, record, old).ok).toBe(true);
    expect(verifyRecord(rotated, record, next).ok).toBe(true);
    // The new key under the old id is refused: a key id names exactly one key.
    expect(verifyRecord(rotated, record, { ...next, [HEADER_SIGNING_KEY_ID]: 'k1' }).ok).toBe(
      false,
    );
    const retired = buildSignerRegistry([
      { forceCode: '36', keyId: 'k2', pem: norfolkNext.publicKeyPem },
    ]);
    expect(verifyRecord(retired, record, old)).toMatchObject({ reason: 'unknown-key' });
  });

  it('refuses keys of the wrong type and malformed key ids at start', () => {
    expect(() => makeSigner('36', 'bad id', norfolk.privateKeyPem)).toThrow(/key id/);
    expect(() =>
      buildSignerRegistry([{ forceCode: '36', keyId: 'k1', pem: norfolk.privateKeyPem }]),
    ).not.toThrow(); // a private PEM yields its public half
    expect(() =>
      buildSignerRegistry([
        { forceCode: '36', keyId: 'k1', pem: norfolk.publicKeyPem },
        { forceCode: '36', keyId: 'k1', pem: norfolkNext.publicKeyPem },
      ]),
    ).toThrow(/twice/);
  });
});
