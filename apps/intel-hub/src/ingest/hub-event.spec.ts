import {
  EventEnvelope,
  EventType,
  Handling,
  HandlingCode,
  IncidentState,
  NameType,
  NominalState,
} from '@intel/contracts';
import {
  buildSealingKeys,
  buildSignerRegistry,
  generateSealingKeyPair,
  generateSigningKeyPair,
  HEADER_SIGNATURE_LEAF,
  HEADER_SIGNATURE_PROOF,
  VerifiedRoots,
  makeSigner,
  protectRecord,
  protectRecords,
  sealingRecipientFromPem,
  signatureHeaders,
  type ForceEventKeys,
  type HubEventTrust,
} from '@intel/envelope-security';
import { HEADER_EVENT_ID, TOPICS, type ConsumedMessage } from '@intel/kafka';
import { parseMessage as parseWith } from './hub-event';

const EVENT_ID = '3f1c2a52-7d0e-4f51-9a8e-2b6f4c1d9e70';
const NOMINAL_ID = '9b2d6c1e-4a3f-4e8b-8c7d-1f2e3a4b5c6d';

const norfolk = generateSigningKeyPair();
const met = generateSigningKeyPair();
const hubKey = generateSealingKeyPair();
const trust: HubEventTrust = {
  registry: buildSignerRegistry([
    { forceCode: '36', keyId: 'k1', pem: norfolk.publicKeyPem },
    { forceCode: '01', keyId: 'k1', pem: met.publicKeyPem },
  ]),
  sealingKeys: buildSealingKeys([{ keyId: 'h1', pem: hubKey.privateKeyPem }]),
};
const keysOf = (forceCode: string, pem = forceCode === '01' ? met : norfolk): ForceEventKeys => ({
  signer: makeSigner(forceCode, 'k1', pem.privateKeyPem),
  hub: sealingRecipientFromPem('h1', hubKey.publicKeyPem),
});

const parseMessage = (m: ConsumedMessage) => parseWith(m, trust);

/** A message as the force node's relay would publish it: sealed when C, signed by its force. */
function message(
  env: Partial<EventEnvelope>,
  over: Partial<ConsumedMessage> = {},
  keys: ForceEventKeys = keysOf(env.forceCode ?? '36'),
): ConsumedMessage {
  const full: EventEnvelope = {
    eventId: EVENT_ID,
    eventType: EventType.EVENT_TYPE_NOMINAL_UPSERTED,
    forceCode: '36',
    occurredAt: undefined,
    schemaVersion: 1,
    sealed: undefined,
    ...env,
  };
  const base = {
    topic: TOPICS.person,
    key: `36:${NOMINAL_ID}`,
    value: Buffer.from(EventEnvelope.encode(full).finish()) as Buffer | null,
    headers: { [HEADER_EVENT_ID]: EVENT_ID },
    ...over,
  };
  return { partition: 0, offset: '0', ...protectRecord(base, keys) };
}

/** Bytes that are no envelope at all, signed by Norfolk (a broken producer, not a forger). */
function signedRaw(value: Buffer): ConsumedMessage {
  const r = { topic: TOPICS.person, key: `36:${NOMINAL_ID}`, value, eventId: EVENT_ID };
  return {
    ...r,
    partition: 0,
    offset: '0',
    headers: { [HEADER_EVENT_ID]: EVENT_ID, ...signatureHeaders(keysOf('36').signer, r) },
  };
}

const nominal = (version = 3): NominalState => ({
  ...NominalState.decode(new Uint8Array()),
  nominalId: NOMINAL_ID,
  version,
});

const restricted = (): NominalState => ({
  ...nominal(),
  names: [{ given: ['William'], family: 'Hendry', type: NameType.NAME_TYPE_BIRTH }],
  datesOfBirth: [{ year: 1979, month: 3, day: 14 }],
  handling: {
    ...Handling.decode(new Uint8Array()),
    handlingCode: HandlingCode.HANDLING_CODE_C,
    handlingConditions: 'Do not disclose: covert source',
  },
});

describe('parseMessage', () => {
  it('accepts a nominal upsert and keeps its state', () => {
    const r = parseMessage(message({ nominal: nominal() }));
    expect(r.ok).toBe(true);
    if (r.ok !== true) return;
    expect(r.event).toMatchObject({
      kind: 'nominal-upserted',
      eventId: EVENT_ID,
      forceCode: '36',
      id: NOMINAL_ID,
      version: 3,
    });
    if (r.event.kind !== 'nominal-upserted') return;
    expect(NominalState.decode(r.event.state).nominalId).toBe(NOMINAL_ID);
  });

  it('treats a null value as a tombstone', () => {
    expect(parseMessage(message({}, { value: null }))).toEqual({ ok: 'tombstone' });
  });

  it.each<[string, ConsumedMessage]>([
    ['garbage bytes', signedRaw(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]))],
    ['a bad event id', message({ eventId: 'nope', nominal: nominal() })],
    ['a bad force code', message({ forceCode: '3', nominal: nominal() })],
    ['a key that does not match', message({ nominal: nominal() }, { key: '36:other' })],
    ['a key from another force', message({ forceCode: '01', nominal: nominal() })],
    ['a missing payload', message({})],
    ['the wrong payload', message({ incident: IncidentState.decode(new Uint8Array()) })],
    ['version 0', message({ nominal: nominal(0) })],
    ['the wrong topic', message({ nominal: nominal() }, { topic: TOPICS.incident })],
    ['an unspecified type', message({ eventType: EventType.EVENT_TYPE_UNSPECIFIED })],
    [
      'a withdrawal of the wrong entity',
      message({
        eventType: EventType.EVENT_TYPE_NOMINAL_WITHDRAWN,
        withdrawal: { entity: 'incident', id: NOMINAL_ID, version: 4, reason: '', mergedInto: '' },
      }),
    ],
  ])('rejects %s', (_what, m) => {
    const r = parseMessage(m);
    expect(r.ok).toBe(false);
    if (r.ok === false) expect(r.error).not.toBe('');
  });

  it('refuses an unsigned message, tombstones included', () => {
    const signed = message({ nominal: nominal() });
    expect(parseMessage({ ...signed, headers: { [HEADER_EVENT_ID]: EVENT_ID } })).toMatchObject({
      ok: false,
      reason: 'unsigned',
    });
    const tombstone = message({}, { value: null });
    expect(parseMessage({ ...tombstone, headers: {} })).toMatchObject({ reason: 'unsigned' });
  });

  it("refuses Norfolk's record signed with another key, and a force writing under another's key", () => {
    const forged = message({ nominal: nominal() }, {}, keysOf('36', met));
    expect(parseMessage(forged)).toMatchObject({ ok: false, reason: 'bad-signature' });
    const byMet = message({ nominal: nominal() }, {}, keysOf('01'));
    expect(parseMessage(byMet)).toMatchObject({ ok: false, reason: 'force-mismatch' });
  });

  it("verifies a relay batch (one root signature) message by message, a C state's too", () => {
    const ids = ['0a', '0b', '0c'].map((s) => `${s}2d6c1e-4a3f-4e8b-8c7d-1f2e3a4b5c6d`);
    const eventIds = ['1a', '1b', '1c'].map((s) => `${s}1c2a52-7d0e-4f51-9a8e-2b6f4c1d9e70`);
    const batch = ids.map((id, i) => {
      const env: EventEnvelope = {
        eventId: eventIds[i] as string,
        eventType: EventType.EVENT_TYPE_NOMINAL_UPSERTED,
        forceCode: '36',
        occurredAt: undefined,
        schemaVersion: 1,
        sealed: undefined,
        nominal: { ...(i === 1 ? restricted() : nominal()), nominalId: id },
      };
      return {
        topic: TOPICS.person,
        key: `36:${id}`,
        value: Buffer.from(EventEnvelope.encode(env).finish()),
        headers: { [HEADER_EVENT_ID]: eventIds[i] as string },
      };
    });
    const verifiedRoots = new VerifiedRoots(4);
    const cached: HubEventTrust = { ...trust, verifiedRoots };
    const out = protectRecords(batch, keysOf('36'));
    expect(new Set(out.map((m) => m.headers[HEADER_SIGNATURE_LEAF]))).toEqual(
      new Set(['0/3', '1/3', '2/3']),
    );
    for (const m of out) {
      const r = parseWith({ partition: 0, offset: '0', ...m }, cached);
      expect(r).toMatchObject({ ok: true, event: { kind: 'nominal-upserted' } });
      // Alone, without the cache, too (the DLQ, a replay).
      expect(parseMessage({ partition: 0, offset: '0', ...m }).ok).toBe(true);
    }
    expect(verifiedRoots.size).toBe(1);
    // A member copied onto the priority lane, or with its proof cut, is refused.
    const first = { partition: 0, offset: '0', ...(out[0] as (typeof out)[number]) };
    expect(parseWith({ ...first, topic: TOPICS.priority }, cached)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    const cut = { ...first.headers, [HEADER_SIGNATURE_PROOF]: '' };
    expect(parseWith({ ...first, headers: cut }, cached)).toMatchObject({
      reason: 'bad-signature',
    });
  });

  it('still accepts an event signed alone (published before batch signatures)', () => {
    const m = message({ nominal: nominal() });
    const r = { topic: m.topic, key: m.key, value: m.value, eventId: EVENT_ID };
    const old = { [HEADER_EVENT_ID]: EVENT_ID, ...signatureHeaders(keysOf('36').signer, r) };
    expect(parseMessage({ ...m, headers: old })).toMatchObject({ ok: true });
  });

  it('refuses a version beyond 2^31 (a forged withdrawal at 2^53-1 cannot hide a record)', () => {
    const w = message({
      eventType: EventType.EVENT_TYPE_NOMINAL_WITHDRAWN,
      withdrawal: {
        entity: 'nominal',
        id: NOMINAL_ID,
        version: Number.MAX_SAFE_INTEGER,
        reason: 'x',
        mergedInto: '',
      },
    });
    expect(parseMessage(w)).toMatchObject({ ok: false, reason: 'version-jump' });
  });

  it("refuses a state beyond the intake's limits, naming the field and not the content", () => {
    const long = {
      ...nominal(),
      names: [{ given: [], family: 'X'.repeat(101), type: NameType.NAME_TYPE_BIRTH }],
    };
    const r = parseMessage(message({ nominal: long }));
    expect(r).toMatchObject({ ok: false, reason: 'beyond-limits' });
    if (r.ok === false) {
      expect(r.error).toContain('names[0].family');
      expect(r.error).not.toContain('XXXX');
    }
    const many = {
      ...nominal(),
      identifiers: Array.from({ length: 21 }, () => ({
        scheme: 'IDENTIFIER_SCHEME_PNC' as never,
        value: '1',
      })),
    };
    expect(parseMessage(message({ nominal: many }))).toMatchObject({ reason: 'beyond-limits' });
  });

  it('opens a sealed handling-code-C state: nothing of it in clear, all of it after', () => {
    const m = message({ nominal: restricted() });
    const raw = (m.value as Buffer).toString('latin1');
    for (const secret of ['Hendry', 'William', 'covert source']) expect(raw).not.toContain(secret);
    const carried = EventEnvelope.decode(m.value as Buffer);
    expect(carried.nominal).toMatchObject({ nominalId: NOMINAL_ID, version: 3, names: [] });
    expect(carried.nominal?.handling?.handlingCode).toBe(HandlingCode.HANDLING_CODE_C);
    expect(carried.sealed?.hubKeyId).toBe('h1');

    const r = parseMessage(m);
    expect(r.ok).toBe(true);
    if (r.ok !== true || r.event.kind !== 'nominal-upserted') throw new Error('not opened');
    const state = NominalState.decode(r.event.state);
    expect(state.names[0]?.family).toBe('Hendry');
    expect(state.handling?.handlingConditions).toBe('Do not disclose: covert source');
  });

  it('refuses a sealed state the hub cannot open, or one moved under another version', () => {
    const m = message({ nominal: restricted() });
    const env = EventEnvelope.decode(m.value as Buffer);
    // Re-signed by Norfolk itself (the worst case: its own key), but the stub claims version 4.
    const moved = protectRecord(
      {
        topic: m.topic,
        key: m.key,
        headers: { [HEADER_EVENT_ID]: EVENT_ID },
        value: Buffer.from(
          EventEnvelope.encode({
            ...env,
            nominal: { ...(env.nominal as NominalState), version: 4 },
          }).finish(),
        ),
      },
      keysOf('36'),
    );
    expect(parseMessage({ ...m, ...moved })).toMatchObject({ ok: false, reason: 'unsealable' });
    const otherHub = generateSealingKeyPair();
    const notForUs = message(
      { nominal: restricted() },
      {},
      {
        ...keysOf('36'),
        hub: sealingRecipientFromPem('h2', otherHub.publicKeyPem),
      },
    );
    expect(parseMessage(notForUs)).toMatchObject({ ok: false, reason: 'unsealable' });
  });

  it('accepts a nominal withdrawal', () => {
    const r = parseMessage(
      message({
        eventType: EventType.EVENT_TYPE_NOMINAL_WITHDRAWN,
        withdrawal: { entity: 'nominal', id: NOMINAL_ID, version: 4, reason: 'x', mergedInto: '' },
      }),
    );
    expect(r).toMatchObject({ ok: true, event: { kind: 'nominal-withdrawn', version: 4 } });
  });

  describe('the priority lane (intel.priority.v1)', () => {
    it('accepts an upsert copied to it, signed for it, exactly as on its own topic', () => {
      const r = parseMessage(message({ nominal: nominal() }, { topic: TOPICS.priority }));
      expect(r).toMatchObject({ ok: true, event: { kind: 'nominal-upserted', version: 3 } });
    });

    it('verifies it as strictly: signed for another topic, unsigned, or by another force is refused', () => {
      // Signed for the person topic, then moved to the priority lane.
      const moved = { ...message({ nominal: nominal() }), topic: TOPICS.priority };
      expect(parseMessage(moved)).toMatchObject({ ok: false, reason: 'bad-signature' });
      const unsigned = message({ nominal: nominal() }, { topic: TOPICS.priority });
      expect(parseMessage({ ...unsigned, headers: { [HEADER_EVENT_ID]: EVENT_ID } })).toMatchObject(
        { ok: false, reason: 'unsigned' },
      );
      const byMet = message({ nominal: nominal() }, { topic: TOPICS.priority }, keysOf('01'));
      expect(parseMessage(byMet)).toMatchObject({ ok: false, reason: 'force-mismatch' });
    });

    it('opens a sealed (C) copy only under its own topic', () => {
      const r = parseMessage(message({ nominal: restricted() }, { topic: TOPICS.priority }));
      expect(r.ok).toBe(true);
    });

    it('carries no withdrawals (they keep to their own topic, in order)', () => {
      const r = parseMessage(
        message(
          {
            eventType: EventType.EVENT_TYPE_NOMINAL_WITHDRAWN,
            withdrawal: {
              entity: 'nominal',
              id: NOMINAL_ID,
              version: 4,
              reason: 'x',
              mergedInto: '',
            },
          },
          { topic: TOPICS.priority },
        ),
      );
      expect(r.ok).toBe(false);
    });
  });
});
