import { normaliseOnlineIdentifiers, normaliserMemoSize } from '../normalise/identifier.normaliser';
import { eachInSlices } from './slices';

const email = (i: number) => [
  { kind: 'ONLINE_IDENTIFIER_KIND_EMAIL', value: `user${i}@example.org` },
];

describe('eachInSlices', () => {
  it('visits every item in order, handing the event loop back between slices', async () => {
    const seen: number[] = [];
    let turns = 0;
    let running = true;
    const tick = (): void => {
      turns++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const items = Array.from({ length: 1_000 }, (_, i) => i);
    const slices = await eachInSlices(items, (i) => seen.push(i), 0);
    running = false;
    expect(seen).toEqual(items);
    // A look at the clock every 64 items; with no time allowed every look ends the slice.
    expect(slices).toBe(Math.ceil(1_000 / 64));
    expect(turns).toBeGreaterThanOrEqual(slices - 1);
  });

  it('runs in one slice what fits in its time, and an empty list in one', async () => {
    expect(await eachInSlices([1, 2, 3], () => undefined, 60_000)).toBe(1);
    expect(await eachInSlices([], () => undefined, 0)).toBe(1);
  });

  it('keeps the parsers’ memos across its slices, writes nothing a query parses between them, and empties them at the end', async () => {
    expect(normaliserMemoSize()).toBe(0);
    const between: number[] = [];
    let running = true;
    const query = (): void => {
      // Normalising outside the job's slices (as a query between them would).
      const before = normaliserMemoSize();
      normaliseOnlineIdentifiers(email(900_000 + between.length));
      between.push(normaliserMemoSize() - before);
      if (running) setImmediate(query);
    };
    setImmediate(query);
    let heldAcross = 0;
    await eachInSlices(
      Array.from({ length: 640 }, (_, i) => i),
      (i) => {
        normaliseOnlineIdentifiers(email(i % 10));
        if (i % 64 === 0 && i > 0 && normaliserMemoSize() >= 10) heldAcross++;
      },
      0,
    );
    running = false;
    expect(heldAcross).toBe(9); // every slice after the first found the memos kept
    expect(between.length).toBeGreaterThan(0);
    expect(between.every((d) => d === 0)).toBe(true);
    expect(normaliserMemoSize()).toBe(0);
  });

  it('empties the memos when an item throws, and rejects with its error', async () => {
    await expect(
      eachInSlices([1, 2], (i) => {
        normaliseOnlineIdentifiers(email(i));
        if (i === 2) throw new Error('bad record');
      }),
    ).rejects.toThrow('bad record');
    expect(normaliserMemoSize()).toBe(0);
  });
});
