import { Metadata } from '@grpc/grpc-js';
import type { GrpcSecurity } from '@intel/config';
import {
  PermissionDeniedError,
  UnauthenticatedError,
  callerIdentity,
  covertForceFromOu,
  covertUnitCaller,
  forceCaller,
  forceFromOu,
  ownForceCaller,
} from './caller-identity';

const mtls: GrpcSecurity = {
  mode: 'mtls',
  ca: Buffer.alloc(0),
  cert: Buffer.alloc(0),
  key: Buffer.alloc(0),
};
const plaintext: GrpcSecurity = { mode: 'plaintext' };
const cert = (subject: Record<string, string | string[]>) => ({
  getAuthContext: () => ({ sslPeerCertificate: { subject } }),
});
const md = (headers: Record<string, string>) => {
  const m = new Metadata();
  for (const [k, v] of Object.entries(headers)) m.set(k, v);
  return m;
};

describe('caller identity', () => {
  it('takes the force only from OU=force-NN with a known PNC code', () => {
    expect(forceFromOu('force-36')).toBe('36');
    expect(forceFromOu('force-99')).toBeUndefined();
    expect(forceFromOu('force-00')).toBeUndefined();
    expect(forceFromOu('36')).toBeUndefined();
    expect(forceFromOu(undefined)).toBeUndefined();
  });

  it('never falls back to O=', () => {
    expect(callerIdentity(mtls, cert({ CN: 'x', O: '36' })).forceCode).toBeUndefined();
    expect(() => forceCaller(mtls, cert({ CN: 'x', O: '36' }))).toThrow(UnauthenticatedError);
    expect(forceCaller(mtls, cert({ CN: 'x', OU: 'force-36', O: '01' }))).toEqual({
      force: '36',
      system: 'x',
    });
  });

  it('treats two OUs or two CNs as naming no one', () => {
    expect(callerIdentity(mtls, cert({ CN: 'x', OU: ['force-36', 'force-01'] })).forceCode).toBe(
      undefined,
    );
    expect(() => callerIdentity(mtls, cert({ CN: ['a', 'b'], OU: 'force-36' }))).toThrow(
      UnauthenticatedError,
    );
  });

  it('a force node serves only its own force, and says nothing else', () => {
    expect(ownForceCaller('36', mtls, cert({ CN: 'custody', OU: 'force-36' }))).toBe('36/custody');
    for (const subject of <Array<Record<string, string>>>[
      { CN: 'met', OU: 'force-01' },
      { CN: 'none' },
      { CN: 'x', OU: 'force-99' },
      { CN: 'x', O: '36' },
    ]) {
      expect(() => ownForceCaller('36', mtls, cert(subject))).toThrow(
        new PermissionDeniedError('this node serves force 36'),
      );
    }
  });

  it('applies the same rules to the plaintext development headers, validated', () => {
    expect(ownForceCaller('36', plaintext, undefined, md({ 'x-dev-force': '36' }))).toBe(
      '36/plaintext-dev',
    );
    expect(() => ownForceCaller('36', plaintext, undefined, md({ 'x-dev-force': '01' }))).toThrow(
      PermissionDeniedError,
    );
    expect(() => ownForceCaller('36', plaintext, undefined, md({}))).toThrow(PermissionDeniedError);
    expect(() => forceCaller(plaintext, undefined, md({ 'x-dev-force': '99' }))).toThrow(
      UnauthenticatedError,
    );
    expect(() =>
      forceCaller(plaintext, undefined, md({ 'x-dev-force': '36', 'x-dev-caller': '01/met' })),
    ).toThrow(UnauthenticatedError);
    expect(() =>
      forceCaller(
        plaintext,
        undefined,
        md({ 'x-dev-force': '36', 'x-dev-caller': 'a'.repeat(65) }),
      ),
    ).toThrow(UnauthenticatedError);
  });

  describe('covert units', () => {
    it('names a covert unit only by OU=covert-NN with a known PNC code', () => {
      expect(covertForceFromOu('covert-36')).toBe('36');
      expect(covertForceFromOu('covert-99')).toBeUndefined();
      expect(covertForceFromOu('force-36')).toBeUndefined();
      expect(covertForceFromOu('covert-036')).toBeUndefined();
      expect(covertForceFromOu(undefined)).toBeUndefined();
    });

    it("a covert unit's certificate is not a force system's, and the reverse", () => {
      expect(forceFromOu('covert-36')).toBeUndefined();
      expect(() => forceCaller(mtls, cert({ CN: 'norfolk-uc', OU: 'covert-36' }))).toThrow(
        UnauthenticatedError,
      );
      expect(() => ownForceCaller('36', mtls, cert({ CN: 'norfolk-uc', OU: 'covert-36' }))).toThrow(
        PermissionDeniedError,
      );
      expect(covertUnitCaller(mtls, cert({ CN: 'norfolk-uc', OU: 'covert-36' }))).toEqual({
        force: '36',
        unit: 'norfolk-uc',
      });
      for (const subject of <Array<Record<string, string | string[]>>>[
        { CN: 'custody', OU: 'force-36' },
        { CN: 'x', OU: 'covert-99' },
        { CN: 'x', O: 'covert-36' },
        { CN: 'x', OU: ['covert-36', 'covert-46'] },
        { CN: 'x' },
      ]) {
        expect(() => covertUnitCaller(mtls, cert(subject))).toThrow(
          new PermissionDeniedError('this service serves covert units only'),
        );
      }
      expect(() => covertUnitCaller(mtls, cert({ OU: 'covert-36' }))).toThrow(UnauthenticatedError);
      expect(() => covertUnitCaller(mtls, undefined)).toThrow(UnauthenticatedError);
      expect(() => covertUnitCaller(mtls, cert({ CN: 'a b', OU: 'covert-36' }))).toThrow(
        UnauthenticatedError,
      );
    });

    it('in plaintext mode takes x-dev-covert (never x-dev-force) with a named x-dev-caller', () => {
      expect(
        covertUnitCaller(plaintext, undefined, md({ 'x-dev-covert': '36', 'x-dev-caller': 'uc' })),
      ).toEqual({ force: '36', unit: 'uc' });
      expect(() =>
        covertUnitCaller(plaintext, undefined, md({ 'x-dev-force': '36', 'x-dev-caller': 'uc' })),
      ).toThrow(PermissionDeniedError);
      expect(() =>
        covertUnitCaller(plaintext, undefined, md({ 'x-dev-covert': '99', 'x-dev-caller': 'uc' })),
      ).toThrow(PermissionDeniedError);
      expect(() => covertUnitCaller(plaintext, undefined, md({ 'x-dev-covert': '36' }))).toThrow(
        UnauthenticatedError,
      );
      expect(() =>
        covertUnitCaller(
          plaintext,
          undefined,
          md({ 'x-dev-covert': '36', 'x-dev-caller': '36/uc' }),
        ),
      ).toThrow(UnauthenticatedError);
      // A covert header does not make a force caller.
      expect(() =>
        forceCaller(plaintext, undefined, md({ 'x-dev-covert': '36', 'x-dev-caller': 'uc' })),
      ).toThrow(UnauthenticatedError);
    });
  });
});
