import {
  buildSealingKeys,
  generateSealingKeyPair,
  generateSigningKeyPair,
  seal,
  sealingRecipientFromPem,
  unseal,
  type Sealed,
  type SealingContext,
} from './index';

const hub = generateSealingKeyPair();
const hubNext = generateSealingKeyPair();
const keys = buildSealingKeys([
  { keyId: 'h1', pem: hub.privateKeyPem },
  { keyId: 'h2', pem: hubNext.privateKeyPem },
]);
const context: SealingContext = {
  topic: 'intel.person.v1',
  key: '36:0b8a6c1e-5f7e-4f1c-9a55-2c3f1d7e9a10',
  eventId: 'b1d7f0a2-9c1e-4d3b-8f55-6a7e2c1d0f99',
  eventType: 'EVENT_TYPE_NOMINAL_UPSERTED',
  forceCode: '36',
  version: 3,
};
const plaintext = Buffer.from('Hendry, William, 1979-03-14, +447911100123, conditions');

describe('sealed payloads', () => {
  const recipient = sealingRecipientFromPem('h1', hub.publicKeyPem);

  it('opens for the hub under the same context, and hides the plaintext', () => {
    const s = seal(recipient, plaintext, context);
    expect(s.ciphertext.includes(Buffer.from('Hendry'))).toBe(false);
    expect(s.ephemeralPublicKey).toHaveLength(32);
    expect(unseal(keys, s, context).equals(plaintext)).toBe(true);
    // A fresh ephemeral key each time: the same state never seals to the same bytes.
    expect(seal(recipient, plaintext, context).ciphertext.equals(s.ciphertext)).toBe(false);
  });

  it('refuses when any byte of the ciphertext, nonce or ephemeral key changed', () => {
    const s = seal(recipient, plaintext, context);
    const fields = ['ciphertext', 'nonce', 'ephemeralPublicKey'] as const;
    for (const field of fields) {
      for (let i = 0; i < s[field].length; i++) {
        const tampered = Buffer.from(s[field]);
        tampered[i] = (tampered[i] as number) ^ 0x01;
        const t: Sealed = { ...s, [field]: tampered };
        expect(() => unseal(keys, t, context)).toThrow(/does not open|invalid|malformed/);
      }
    }
    expect(() => unseal(keys, { ...s, ciphertext: s.ciphertext.subarray(0, 10) }, context)).toThrow(
      /malformed/,
    );
  });

  it('refuses under another context (associated data): key, event id, type, force, version, topic', () => {
    const s = seal(recipient, plaintext, context);
    const others: SealingContext[] = [
      { ...context, key: '36:another' },
      { ...context, eventId: 'c1d7f0a2-9c1e-4d3b-8f55-6a7e2c1d0f99' },
      { ...context, eventType: 'EVENT_TYPE_INCIDENT_UPSERTED' },
      { ...context, forceCode: '01' },
      { ...context, version: 4 },
      { ...context, topic: 'intel.incident.v1' },
    ];
    for (const other of others)
      expect(() => unseal(keys, s, other)).toThrow(/does not open under this event/);
  });

  it('rotates hub keys: sealed for the old key or the new one, both open while both are held', () => {
    const old = seal(recipient, plaintext, context);
    const next = seal(sealingRecipientFromPem('h2', hubNext.publicKeyPem), plaintext, context);
    expect(unseal(keys, old, context).equals(plaintext)).toBe(true);
    expect(unseal(keys, next, context).equals(plaintext)).toBe(true);
    const retired = buildSealingKeys([{ keyId: 'h2', pem: hubNext.privateKeyPem }]);
    expect(() => unseal(retired, old, context)).toThrow(/does not hold/);
    // Another key under the id it was sealed for cannot open it.
    const impostor = buildSealingKeys([{ keyId: 'h1', pem: hubNext.privateKeyPem }]);
    expect(() => unseal(impostor, old, context)).toThrow(/does not open/);
  });

  it('refuses keys of the wrong type', () => {
    expect(() => sealingRecipientFromPem('h1', generateSigningKeyPair().publicKeyPem)).toThrow(
      /X25519/,
    );
    expect(() =>
      buildSealingKeys([{ keyId: 'h1', pem: generateSigningKeyPair().privateKeyPem }]),
    ).toThrow(/X25519/);
  });
});
