import { StateArena } from './state-arena';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('StateArena', () => {
  it('given states set, replaced and deleted, then each handle reads its latest state', () => {
    const arena = new StateArena(64);
    arena.set(0, bytes(10, 1));
    arena.set(1, bytes(20, 2));
    arena.set(0, bytes(5, 3));
    arena.set(2, bytes(0, 0));
    arena.delete(1);
    expect(arena.get(0)).toEqual(bytes(5, 3));
    expect(arena.get(1)).toBeUndefined();
    expect(arena.has(1)).toBe(false);
    expect(arena.get(2)).toEqual(bytes(0, 0));
    expect(arena.has(2)).toBe(true);
    expect(arena.get(99)).toBeUndefined();
  });

  it('given a view taken, then it reads the same bytes after its state is replaced and its chunk evacuated', () => {
    const arena = new StateArena(64);
    for (let h = 0; h < 6; h++) arena.set(h, bytes(10, h + 1));
    const view = arena.get(0) as Uint8Array;
    for (let round = 0; round < 20; round++)
      for (let h = 0; h < 6; h++) arena.set(h, bytes(10, 100 + round));
    expect(view).toEqual(bytes(10, 1));
    for (let h = 0; h < 6; h++) expect(arena.get(h)).toEqual(bytes(10, 119));
  });

  it('given states replaced many times over, then the chunks held stay within a third over what is live, plus the chunk being filled', () => {
    const chunk = 1024;
    const arena = new StateArena(chunk);
    const live = 200 * 30;
    for (let round = 0; round < 50; round++)
      for (let h = 0; h < 200; h++) arena.set(h, bytes(30, round));
    expect(arena.allocatedBytes).toBeLessThanOrEqual((live * 4) / 3 + 2 * chunk);
    for (let h = 0; h < 200; h++) expect(arena.get(h)).toEqual(bytes(30, 49));
  });

  it('given a state larger than half a chunk, then it gets a chunk of its own, dropped with it', () => {
    const arena = new StateArena(64);
    arena.set(0, bytes(10, 1));
    arena.set(1, bytes(100, 2));
    expect(arena.get(1)).toEqual(bytes(100, 2));
    const held = arena.allocatedBytes;
    arena.delete(1);
    expect(arena.allocatedBytes).toBe(held - 100);
    expect(arena.get(0)).toEqual(bytes(10, 1));
  });
});
