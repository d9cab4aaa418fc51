import { generateKeyPairSync } from 'node:crypto';
import {
  anchorSignatureValid,
  compareWithAnchors,
  parseAnchors,
  signAnchor,
  type AuditAnchor,
} from './audit-anchor';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const now = new Date('2025-12-01T12:00:00.000Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();
const h = (n: number) => String(n).repeat(64).slice(0, 64);

function anchor(seq: number, secondsAgo: number, hash = h(seq), database = 'intel_hub') {
  return signAnchor({ database, seq, hash, at: ago(secondsAgo) }, privateKey);
}

function compare(
  anchors: AuditAnchor[],
  hashes: Array<[number, string]>,
  headSeq: number,
  publicKeys = [publicKey],
) {
  return compareWithAnchors({
    database: 'intel_hub',
    anchors,
    publicKeys,
    hashAt: new Map(hashes),
    head: headSeq ? { seq: headSeq, hash: h(headSeq) } : undefined,
    now,
    maxAgeMs: 120_000,
  });
}

describe('audit anchors', () => {
  it('given a signed anchor, then it verifies with its key and not with another, nor altered', () => {
    const a = anchor(3, 10);
    expect(anchorSignatureValid(a, publicKey)).toBe(true);
    expect(anchorSignatureValid(a, other.publicKey)).toBe(false);
    expect(anchorSignatureValid({ ...a, hash: h(9) }, publicKey)).toBe(false);
    expect(anchorSignatureValid({ ...a, seq: 4 }, publicKey)).toBe(false);
  });

  it('given a chain that agrees with every anchor, then it is ok', () => {
    const r = compare(
      [anchor(2, 100), anchor(5, 30)],
      [
        [2, h(2)],
        [5, h(5)],
      ],
      7,
    );
    expect(r).toMatchObject({ ok: true, anchors: 2, overdue: false, problems: [] });
  });

  it('given a chain rewritten consistently (every hash recomputed), then the anchored rows contradict their anchors', () => {
    const r = compare(
      [anchor(2, 100), anchor(5, 30)],
      [
        [2, 'f'.repeat(64)],
        [5, 'e'.repeat(64)],
      ],
      7,
    );
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.seq)).toEqual([2, 5]);
    expect(r.problems[0]!.problem).toContain('rewritten');
  });

  it('given a chain cut back below an anchor, then it is reported', () => {
    const r = compare([anchor(5, 30)], [], 3);
    expect(r.problems).toEqual([{ seq: 5, problem: expect.stringContaining('cut back') }]);
  });

  it('given a forged anchor (another key), then it is reported and not trusted', () => {
    const forged = signAnchor(
      { database: 'intel_hub', seq: 2, hash: 'f'.repeat(64), at: ago(5) },
      other.privateKey,
    );
    const r = compare([anchor(2, 30), forged], [[2, h(2)]], 2);
    expect(r.anchors).toBe(1);
    expect(r.problems).toEqual([
      { seq: 2, problem: expect.stringContaining('no valid signature') },
    ]);
  });

  it("given a rotated anchor key, then anchors of both keys verify when both keys are given, and the earlier key's anchors only then", () => {
    // The hub anchored rows 2 and 5 with the earlier key, then row 8 with the new one.
    const rotated = signAnchor(
      { database: 'intel_hub', seq: 8, hash: h(8), at: ago(10) },
      other.privateKey,
    );
    const anchors = [anchor(2, 100), anchor(5, 60), rotated];
    const chain: Array<[number, string]> = [
      [2, h(2)],
      [5, h(5)],
      [8, h(8)],
    ];
    expect(compare(anchors, chain, 9, [other.publicKey, publicKey])).toMatchObject({
      ok: true,
      anchors: 3,
      problems: [],
    });
    const newOnly = compare(anchors, chain, 9, [other.publicKey]);
    expect(newOnly.ok).toBe(false);
    expect(newOnly.anchors).toBe(1);
    expect(newOnly.problems.map((p) => p.seq)).toEqual([2, 5]);
    // A rewrite of a row the earlier key anchored is still caught after the rotation.
    const rewritten = compare(anchors, [[2, 'f'.repeat(64)], ...chain.slice(1)], 9, [
      other.publicKey,
      publicKey,
    ]);
    expect(rewritten.problems).toEqual([{ seq: 2, problem: expect.stringContaining('rewritten') }]);
  });

  it('given anchors of another database, then they are not compared', () => {
    const r = compare(
      [anchor(2, 10, 'x'.repeat(64), 'intel_hub_other'), anchor(2, 10)],
      [[2, h(2)]],
      2,
    );
    expect(r).toMatchObject({ ok: true, anchors: 1 });
  });

  it('given the last anchor older than the limit, then anchoring is overdue', () => {
    const r = compare([anchor(2, 600)], [[2, h(2)]], 2);
    expect(r.overdue).toBe(true);
    expect(r.problems[0]!.problem).toContain('overdue');
  });

  it('given rows and no anchor at all, then it is reported; an empty log needs none', () => {
    expect(compare([], [], 4).problems[0]!.problem).toContain('never been anchored');
    expect(compare([], [], 0).ok).toBe(true);
  });

  it('given JSON lines, then anchors are parsed and malformed lines counted', () => {
    const a = anchor(1, 1);
    expect(parseAnchors([JSON.stringify(a), '', 'nope', '{"seq":1}'])).toEqual({
      anchors: [a],
      bad: 2,
    });
  });
});
