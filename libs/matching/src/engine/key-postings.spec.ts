import type { RecordKeys } from '../block/candidate-pairs.batch';
import { KeyTable } from '../block/key-table';
import { KeyPostings } from './key-postings';
import { mulberry32 } from './prng';

describe('KeyPostings', () => {
  it('holds what a map of key texts to arrays holds, through adds, removes and growth', () => {
    const rnd = mulberry32(7);
    const postings = new KeyPostings();
    const model = new Map<string, number[]>();
    const keyOf = (): [number, number, number] => [
      Math.floor(rnd() * 3),
      Math.floor(rnd() * 400) - 1,
      Math.floor(rnd() * 5),
    ];
    const read = (t: number, a: number, b: number): number[] => {
      const out: number[] = [];
      postings.forEach(t, a, b, (s) => out.push(s));
      return out;
    };
    const everything = (): [string, number[]][] => {
      const out: [string, number[]][] = [];
      for (const k of model.keys()) {
        const [kt, ka, kb] = k.split(':').map(Number) as [number, number, number];
        const seqs = read(kt, ka, kb);
        if (postings.size(kt, ka, kb) === seqs.length) out.push([k, seqs]);
      }
      return out;
    };
    for (let step = 0; step < 60_000; step++) {
      const [t, a, b] = keyOf();
      const text = `${t}:${a}:${b}`;
      const held = model.get(text) ?? [];
      // Adds outweigh removes for the first half (the table grows), then removes win.
      if (held.length === 0 || rnd() < (step < 30_000 ? 0.7 : 0.3)) {
        const seq = step;
        postings.add(t, a, b, seq);
        model.set(text, [...held, seq]);
      } else {
        const seq = held[Math.floor(rnd() * held.length)] ?? -1;
        postings.remove(t, a, b, seq);
        const rest = held.filter((s) => s !== seq);
        if (rest.length === 0) model.delete(text);
        else model.set(text, rest);
      }
      if (step % 4999 === 0) expect(everything()).toEqual([...model]);
      const got = read(t, a, b);
      const want = model.get(text) ?? [];
      if (got.join() !== want.join()) expect(got).toEqual(want);
    }
    for (const [k, seqs] of model) {
      const [kt, ka, kb] = k.split(':').map(Number) as [number, number, number];
      for (const s of seqs) postings.remove(kt, ka, kb, s);
      expect(postings.size(kt, ka, kb)).toBe(0);
    }
  });

  it('given a batch filed at once, then it holds what filing it key by key holds, and changes alike after', () => {
    const rnd = mulberry32(11);
    // 3,000 records of 0–12 keys each (a key now and then twice in one record), in three types;
    // key ids interned in first-seen order, as recordKeysOf makes them.
    const table = new KeyTable(4);
    const keyStart = new Int32Array(3001);
    const keyIds: number[] = [];
    const triple = (): [number, number, number] => [
      Math.floor(rnd() * 3),
      Math.floor(rnd() * 2000) - 1,
      Math.floor(rnd() * 3),
    ];
    for (let i = 0; i < 3000; i++) {
      keyStart[i] = keyIds.length;
      const own: [number, number, number][] = [];
      for (let k = Math.floor(rnd() * 13); k > 0; k--)
        own.push(own.length > 0 && rnd() < 0.05 ? (own[0] as [number, number, number]) : triple());
      for (const [t, a, b] of own) keyIds.push(table.intern(t, a, b));
    }
    keyStart[3000] = keyIds.length;
    const { a: keyA, b: keyB } = table.codes();
    const keys: RecordKeys = {
      keyStart,
      keyIds: Int32Array.from(keyIds),
      keyCount: table.size,
      keyTypes: table.types(),
      keyA,
      keyB,
    };
    const firstSeq = 40;
    const oneByOne = new KeyPostings();
    for (let i = 0; i < 3000; i++)
      for (let p = keyStart[i] as number; p < (keyStart[i + 1] as number); p++) {
        const k = keyIds[p] as number;
        oneByOne.add(keys.keyTypes[k] ?? 0, keyA[k] ?? 0, keyB[k] ?? 0, firstSeq + i);
      }
    const batch = new KeyPostings();
    batch.fileBatch(keys, firstSeq);
    const held = (x: KeyPostings) => {
      const out: string[] = [];
      for (let k = 0; k < keys.keyCount; k++) {
        const [t, a, b] = [keys.keyTypes[k] ?? 0, keyA[k] ?? 0, keyB[k] ?? 0];
        const seqs: number[] = [];
        x.forEach(t, a, b, (s) => seqs.push(s));
        out.push(`${t}:${a}:${b}=${x.size(t, a, b)}:${seqs.join(',')}`);
      }
      return out;
    };
    expect(batch.keyCount).toBe(oneByOne.keyCount);
    expect(batch.filings()).toBe(keyIds.length);
    expect(held(batch)).toEqual(held(oneByOne));
    expect(held(batch).some((h) => h.includes('=3:'))).toBe(true);
    // Key id k is block k, as adding numbers them.
    const [s1, s2] = [batch.state(), oneByOne.state()];
    expect(s1.kA).toEqual(s2.kA);
    expect(s1.kB).toEqual(s2.kB);
    expect(s1.typeCount).toEqual(s2.typeCount);
    // Then the same adds and removes on both.
    for (let step = 0; step < 20_000; step++) {
      const k = Math.floor(rnd() * keys.keyCount);
      const [t, a, b] = [keys.keyTypes[k] ?? 0, keyA[k] ?? 0, keyB[k] ?? 0];
      if (rnd() < 0.5) {
        const s = 5000 + step;
        batch.add(t, a, b, s);
        oneByOne.add(t, a, b, s);
      } else {
        const seqs: number[] = [];
        oneByOne.forEach(t, a, b, (x) => seqs.push(x));
        const s = seqs[Math.floor(rnd() * seqs.length)] ?? -1;
        batch.remove(t, a, b, s);
        oneByOne.remove(t, a, b, s);
      }
    }
    expect(held(batch)).toEqual(held(oneByOne));
    expect(() => batch.fileBatch(keys, 0)).toThrow('needs empty postings');
  });
});
