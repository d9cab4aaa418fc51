import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomicallyPausing } from './atomic-file';

describe('writeFileAtomicallyPausing', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'atomic-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const pieces = (n: number, size: number) =>
    Array.from({ length: n }, (_, i) => new Uint8Array(size).fill(i));

  it('writes every piece in order, pausing after each `pauseEvery` bytes', async () => {
    const path = join(dir, 'snap');
    let pauses = 0;
    const bytes = await writeFileAtomicallyPausing(
      path,
      pieces(10, 1000),
      () => {
        pauses++;
        // Nothing is in place until the write is done.
        expect(existsSync(path)).toBe(false);
        return Promise.resolve();
      },
      2500,
    );
    expect(bytes).toBe(10_000);
    // After pieces 3, 6 and 9 (2,500 bytes or more since the last pause).
    expect(pauses).toBe(3);
    const written = readFileSync(path);
    expect(Array.from({ length: 10 }, (_, i) => written[i * 1000])).toEqual(
      Array.from({ length: 10 }, (_, i) => i),
    );
    expect(readdirSync(dir)).toEqual(['snap']);
  });

  it('leaves the file before, and no temporary file, when the write fails midway', async () => {
    const path = join(dir, 'snap');
    writeFileSync(path, 'before');
    await expect(
      writeFileAtomicallyPausing(
        path,
        pieces(4, 100),
        () => Promise.reject(new Error('stopped')),
        100,
      ),
    ).rejects.toThrow('stopped');
    expect(readFileSync(path, 'utf8')).toBe('before');
    expect(readdirSync(dir)).toEqual(['snap']);
  });
});
