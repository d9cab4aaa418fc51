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
});
