import fc from 'fast-check';
import { framedTexts as framed } from '../../test/framed-texts';
import { TextHandles } from './text-handles';

/** A Map of text → handle beside the handles' texts and free list: what TextHandles must answer. */
class Reference {
  readonly handleOf = new Map<string, number>();
  readonly texts: (string | undefined)[] = [];
  readonly free: number[] = [];

  intern(s: string): number {
    let h = this.handleOf.get(s);
    if (h !== undefined) return h;
    h = this.free.pop() ?? this.texts.length;
    this.texts[h] = s;
    this.handleOf.set(s, h);
    return h;
  }

  release(h: number): void {
    const s = this.texts[h];
    if (s === undefined) return;
    this.handleOf.delete(s);
    this.texts[h] = undefined;
    this.free.push(h);
  }
}

/** Code units that collide in hashing and span the narrow/wide split and lone surrogates. */
const UNITS = ['a', 'b', 'c', ' ', ':', '\u00e9', '\u00ff', '\u0100', '\u4e2d', '\ud800', '\udc00'];
const unit = fc.constantFrom(...UNITS);
const shortText = fc.array(unit, { maxLength: 6 }).map((u) => u.join(''));
/** Long texts (varint lengths of two bytes) fill the arena quickly, so it compacts often. */
const longText = fc
  .tuple(shortText, fc.integer({ min: 120, max: 400 }))
  .map(([s, n]) => s + 'x'.repeat(n) + s);
const text = fc.oneof({ weight: 6, arbitrary: shortText }, { weight: 1, arbitrary: longText });

type Op =
  | { op: 'intern'; s: string }
  | { op: 'find'; s: string }
  | { op: 'release'; pick: number }
  | { op: 'text'; pick: number };

const ops = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: text.map((s): Op => ({ op: 'intern', s })) },
    { weight: 2, arbitrary: text.map((s): Op => ({ op: 'find', s })) },
    { weight: 3, arbitrary: fc.nat().map((pick): Op => ({ op: 'release', pick })) },
    { weight: 2, arbitrary: fc.nat().map((pick): Op => ({ op: 'text', pick })) },
  ),
  { minLength: 200, maxLength: 1500 },
);

function expectSame(table: TextHandles, ref: Reference): void {
  expect(table.size).toBe(ref.handleOf.size);
  expect(table.limit).toBe(ref.texts.length);
  for (let h = 0; h < ref.texts.length; h++) {
    const s = ref.texts[h];
    expect(table.has(h)).toBe(s !== undefined);
    expect(table.text(h)).toBe(s ?? '');
    if (s !== undefined) expect(table.find(s)).toBe(h);
  }
}

describe('TextHandles', () => {
  it('answers as a Map from text to handle with released handles reused last-in first-out, through growths and compactions', () => {
    let compactions = 0;
    fc.assert(
      fc.property(ops, (sequence) => {
        const table = new TextHandles(256);
        const ref = new Reference();
        for (const o of sequence) {
          const limit = Math.max(ref.texts.length, 1);
          if (o.op === 'intern') expect(table.intern(o.s)).toBe(ref.intern(o.s));
          else if (o.op === 'find') expect(table.find(o.s)).toBe(ref.handleOf.get(o.s) ?? -1);
          else if (o.op === 'release') {
            const before = table.arenaUsed;
            table.release(o.pick % limit);
            ref.release(o.pick % limit);
            if (table.arenaUsed < before) compactions++;
          } else expect(table.text(o.pick % limit)).toBe(ref.texts[o.pick % limit] ?? '');
        }
        expectSame(table, ref);
        // A restore from the texts and the free list answers the same, and goes on the same.
        const restored = TextHandles.restored(
          ref.texts.map((s) => s ?? ''),
          ref.free,
          256,
        );
        expectSame(restored, ref);
        for (const o of sequence.slice(0, 100))
          if (o.op === 'intern') expect(restored.intern(o.s)).toBe(ref.intern(o.s));
        expectSame(restored, ref);
      }),
      { numRuns: 60 },
    );
    expect(compactions).toBeGreaterThan(10);
  });

  it('holds thousands of texts through many growths of the table and arena', () => {
    const table = new TextHandles();
    const ref = new Reference();
    for (let i = 0; i < 20_000; i++) {
      const s = i % 7 === 0 ? `\u4e2d${i}` : i % 11 === 0 ? `\ud800${i}` : `36:${i}`;
      expect(table.intern(s)).toBe(ref.intern(s));
      if (i % 3 === 0) {
        table.release(i >> 1);
        ref.release(i >> 1);
      }
    }
    expectSame(table, ref);
  });

  it('keeps the arena within twice its live texts once it has compacted', () => {
    const table = new TextHandles(1024);
    const long = (i: number): string => `${i}:${'y'.repeat(200)}`;
    for (let i = 0; i < 1000; i++) table.intern(long(i));
    for (let i = 0; i < 900; i++) table.release(table.find(long(i)));
    const liveBytes = 100 * (long(999).length + 2);
    expect(table.arenaUsed).toBeLessThanOrEqual(2 * liveBytes);
    for (let i = 900; i < 1000; i++) expect(table.text(table.find(long(i)))).toBe(long(i));
  });

  it('refuses a restore that gives one text twice or lists a released handle out of range', () => {
    expect(() => TextHandles.restored(['a', 'a'], [])).toThrow(/one text/);
    expect(() => TextHandles.restored(['a', ''], [2])).toThrow(/released handle 2/);
    expect(() => TextHandles.restored(['a', ''], [1, 1])).toThrow(/twice/);
  });
});

describe('TextHandles.internUtf8 (a snapshot table read as bytes)', () => {
  it('gives each text the handle intern gives its decoded text, after any interns and releases', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(text, fc.stringMatching(/^[A-Z0-9:]{0,30}$/)), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.array(fc.oneof(text, fc.stringMatching(/^[A-Z0-9:]{0,30}$/)), { maxLength: 200 }),
        fc.integer({ min: 8, max: 300 }),
        (before, released, table, frameBytes) => {
          const t = new TextHandles(64);
          const ref = new TextHandles(64);
          for (const s of before) if (s !== '') [t, ref].forEach((x) => x.intern(s));
          for (const k of released) [t, ref].forEach((x) => x.release(k % (before.length + 1)));
          const bytes = table.reduce((n, s) => n + Buffer.byteLength(s, 'utf8'), 0);
          const got = t.internUtf8(framed(table, frameBytes), table.length, bytes);
          table.forEach((s, i) => {
            const decoded = Buffer.from(s, 'utf8').toString('utf8');
            expect(got[i]).toBe(decoded === '' ? -1 : ref.intern(decoded));
            // Found again by its string: stored under the hash `intern` gives it.
            if (decoded !== '') expect(t.find(decoded)).toBe(got[i]);
          });
          expect(t.size).toBe(ref.size);
          expect(t.limit).toBe(ref.limit);
          for (let h = 0; h < ref.limit; h++) expect(t.text(h)).toBe(ref.text(h));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('restoredUtf8 restores what restored does from the same table, released handles included', () => {
    fc.assert(
      fc.property(
        // Unique as a snapshot holds them (UTF-8): two texts that differ only in lone surrogates
        // are one text there (both U+FFFD), a table no snapshot holds and both restores refuse.
        fc.uniqueArray(fc.oneof(text, fc.stringMatching(/^[A-Z0-9:]{1,30}$/)), {
          maxLength: 120,
          selector: (t) => Buffer.from(t, 'utf8').toString('utf8'),
        }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer({ min: 8, max: 300 }),
        (unique, picks, frameBytes) => {
          const texts = unique.filter((t) => t !== '');
          const released = [...new Set(picks.map((k) => k % (texts.length + 1)))].filter(
            (h) => h < texts.length,
          );
          const table = texts.map((t, h) => (released.includes(h) ? '' : t));
          const bytes = table.reduce((n, t) => n + Buffer.byteLength(t, 'utf8'), 0);
          const decoded = table.map((t) => Buffer.from(t, 'utf8').toString('utf8'));
          const want = TextHandles.restored(decoded, released, 64);
          const got = TextHandles.restoredUtf8(
            { frames: framed(table, frameBytes), count: table.length, bytes },
            released,
            64,
          );
          expect(got.size).toBe(want.size);
          expect(got.limit).toBe(want.limit);
          expect(got.releasedHandles()).toEqual(want.releasedHandles());
          for (let h = 0; h < want.limit; h++) {
            expect(got.text(h)).toBe(want.text(h));
            if (!released.includes(h)) expect(got.find(decoded[h] as string)).toBe(h);
          }
          // Both go on alike: the next text takes the same handle.
          expect(got.intern('NEXT TEXT')).toBe(want.intern('NEXT TEXT'));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('restoredUtf8 refuses a text held twice, and a count the frames do not hold', () => {
    const frames = framed(['AB', 'CD', 'AB'], 100);
    expect(() => TextHandles.restoredUtf8({ frames, count: 3, bytes: 6 }, [])).toThrow(
      /handles 2 and 0 hold one text/,
    );
    const two = framed(['AB', 'CD'], 100);
    expect(() => TextHandles.restoredUtf8({ frames: two, count: 3, bytes: 4 }, [])).toThrow(
      /2 texts, 3 counted/,
    );
    expect(() => TextHandles.restoredUtf8({ frames: two, count: 1, bytes: 4 }, [])).toThrow(
      /more texts than counted/,
    );
  });
});
