import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  deconflictionConfig,
  parseDeconflictionKeys,
  requireDeconflictionKeys,
} from './deconfliction-config';

const k = () => randomBytes(32).toString('base64');

function issues(env: Parameters<typeof requireDeconflictionKeys>[0]): string[] {
  const schema = z
    .custom<Parameters<typeof requireDeconflictionKeys>[0]>()
    .superRefine((v, ctx) => requireDeconflictionKeys(v, ctx));
  const r = schema.safeParse(env);
  return r.success ? [] : r.error.issues.map((i) => i.message);
}

describe('deconfliction keys', () => {
  it('parses keyId:base64 entries, the first current, commas or new lines between', () => {
    const a = k();
    const b = k();
    const keys = parseDeconflictionKeys(`k2:${a}\n k1:${b} ,`, 'X');
    expect(keys.map((x) => x.keyId)).toEqual(['k2', 'k1']);
    expect(keys[0]?.key).toEqual(Buffer.from(a, 'base64'));
  });

  it('refuses short keys, bad ids, duplicates and empty lists without echoing key material', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => parseDeconflictionKeys(`k1:${short}`, 'X')).toThrow(
      'X: key k1 must be at least 32 bytes',
    );
    expect(() => parseDeconflictionKeys(`bad id:${k()}`, 'X')).toThrow(
      /entry 1 must be keyId:base64/,
    );
    expect(() => parseDeconflictionKeys(k(), 'X')).toThrow(/entry 1/);
    const dup = k();
    expect(() => parseDeconflictionKeys(`a:${k()},a:${dup}`, 'X')).toThrow(
      'X: key id a is listed twice',
    );
    expect(() => parseDeconflictionKeys(' , ', 'X')).toThrow('X: no keys');
    try {
      parseDeconflictionKeys(`k1:${short}`, 'X');
    } catch (e) {
      expect(String(e)).not.toContain(short);
    }
  });

  it('requires a key outside plaintext development mode, one source at most', () => {
    expect(issues({ GRPC_INSECURE_PLAINTEXT: false })).toEqual([
      expect.stringMatching(/HUB_DECONFLICTION_KEYS_FILE .* is required/),
    ]);
    expect(issues({ GRPC_INSECURE_PLAINTEXT: true })).toEqual([]);
    expect(
      issues({
        GRPC_INSECURE_PLAINTEXT: true,
        HUB_DECONFLICTION_KEYS: 'a',
        HUB_DECONFLICTION_KEYS_FILE: 'b',
      }),
    ).toEqual(['set HUB_DECONFLICTION_KEYS or HUB_DECONFLICTION_KEYS_FILE, not both']);
  });

  it('reads the file form; derives a fixed, flagged development key only when none is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deconf-'));
    const a = k();
    writeFileSync(join(dir, 'keys'), `cur:${a}\n`);
    const fromFile = deconflictionConfig({
      GRPC_INSECURE_PLAINTEXT: false,
      HUB_DECONFLICTION_KEYS_FILE: join(dir, 'keys'),
    });
    expect(fromFile.devKey).toBe(false);
    expect(fromFile.keys[0]?.key.toString('base64')).toBe(a);
    const dev1 = deconflictionConfig({ GRPC_INSECURE_PLAINTEXT: true });
    const dev2 = deconflictionConfig({ GRPC_INSECURE_PLAINTEXT: true });
    expect(dev1.devKey).toBe(true);
    expect(dev1.keys).toHaveLength(1);
    expect(dev1.keys[0]?.key.equals(dev2.keys[0]?.key ?? Buffer.alloc(0))).toBe(true);
  });
});
