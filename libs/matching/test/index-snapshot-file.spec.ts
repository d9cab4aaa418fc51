import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileChunks, removeStaleTemps, writeFileAtomically } from '@intel/snapshot';
import { generatePersons } from '@intel/synthetic';
import { INDEX_SNAPSHOT_VERSION } from '../src/engine/index-snapshot';
import { MatchEngine } from '../src/engine/match-engine';
import type { MatchIndex } from '../src/engine/match-index';
import { encodeSnapshot, SnapshotError } from '../src/engine/snapshot-frames';

/**
 * An index snapshot kept in a file (libs/snapshot's atomic file): written, read back and
 * checked; refused when cut short or corrupt; and never lost to a writer killed midway.
 */
const population = generatePersons({ persons: 400, forces: 4, seed: 9 }).map((g) => g.record);
const engine = MatchEngine.train(population);

function indexOf(n: number): MatchIndex {
  const ix = engine.createIndex();
  population.slice(0, n).forEach((r, i) => ix.add(`r${i}`, r));
  return ix;
}

function answers(ix: MatchIndex): string {
  return JSON.stringify({
    size: ix.size,
    clusters: population.map((_, i) => ix.clusterOf(`r${i}`) ?? null),
    links: [...ix.links()],
    queries: population.slice(0, 40).map((r) => ix.query(r)),
  });
}

async function problemOf(path: string): Promise<string> {
  try {
    await engine.loadIndex(readFileChunks(path));
  } catch (e) {
    if (e instanceof SnapshotError) return e.problem;
    throw e;
  }
  return 'loaded';
}

describe('an index snapshot in a file', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'index-snapshot-'));
    path = join(dir, 'index.snapshot');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round trip: the index read back answers as the one written, and replaces it whole', async () => {
    const small = indexOf(100);
    const full = indexOf(400);
    const bytes = writeFileAtomically(path, small.snapshot());
    expect(statSync(path).size).toBe(bytes);
    expect(answers(await engine.loadIndex(readFileChunks(path)))).toBe(answers(small));
    writeFileAtomically(path, full.snapshot());
    expect(answers(await engine.loadIndex(readFileChunks(path)))).toBe(answers(full));
    expect(readdirSync(dir)).toEqual(['index.snapshot']);
  });

  it('refuses a truncated file, a flipped byte and another version', async () => {
    const bytes = Buffer.concat([...indexOf(200).snapshot()]);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    expect(await problemOf(path)).toBe('truncated');
    const flipped = Buffer.from(bytes);
    const at = Math.floor(bytes.length * 0.4);
    flipped[at] = (flipped[at] ?? 0) ^ 0x40;
    writeFileSync(path, flipped);
    expect(await problemOf(path)).toBe('checksum');
    writeFileSync(
      path,
      Buffer.concat([...encodeSnapshot({ version: INDEX_SNAPSHOT_VERSION + 1 }, [])]),
    );
    expect(await problemOf(path)).toBe('version');
    rmSync(path);
    await expect(engine.loadIndex(readFileChunks(path))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('ignores a leftover temporary file, which removeStaleTemps clears', async () => {
    const ix = indexOf(150);
    writeFileAtomically(path, ix.snapshot());
    const leftover = `${path}.tmp-999999`;
    writeFileSync(leftover, Buffer.concat([...indexOf(50).snapshot()]).subarray(0, 1000));
    expect(answers(await engine.loadIndex(readFileChunks(path)))).toBe(answers(ix));
    expect(removeStaleTemps(path)).toEqual(['index.snapshot.tmp-999999']);
    expect(readdirSync(dir)).toEqual(['index.snapshot']);
  });

  it('a writer killed midway leaves the previous snapshot loadable', async () => {
    const previous = indexOf(120);
    writeFileAtomically(path, previous.snapshot());
    const before = readFileSync(path);
    // The next snapshot's bytes (forty copies of one: megabytes), written by a child
    // process through the same atomic writer, slowly after the first half: killed there.
    const big = Buffer.concat([...indexOf(400).snapshot()]);
    const source = join(dir, 'next.bytes');
    writeFileSync(source, Buffer.concat(Array.from({ length: 40 }, () => big)));
    const writer = join(__dirname, '../../snapshot/src/atomic-file.ts');
    const child = spawn(process.execPath, ['-e', CHILD, writer, source, path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const midway = await new Promise<boolean>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('midway')) resolve(true);
      });
      child.on('exit', () => resolve(false));
    });
    expect(midway).toBe(true);
    const tmp = `${path}.tmp-${child.pid}`;
    const written = statSync(tmp).size;
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    expect(await exited).toBeDefined();
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(statSync(source).size);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(answers(await engine.loadIndex(readFileChunks(path)))).toBe(answers(previous));
    expect(removeStaleTemps(path)).toEqual([`index.snapshot.tmp-${child.pid}`]);
  }, 60_000);
});

/**
 * The child: loads the atomic writer (TypeScript, transpiled as it is read) and writes the
 * source file's bytes through it in 1 MiB pieces, saying `midway` after half of them and then
 * writing one piece a second: the parent kills it there.
 */
const CHILD = `
const fs = require('node:fs');
const ts = require('typescript');
const [writer, source, target] = process.argv.slice(1);
const js = ts.transpileModule(fs.readFileSync(writer, 'utf8'), {
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
}).outputText;
const mod = { exports: {} };
new Function('require', 'module', 'exports', js)(require, mod, mod.exports);
const bytes = fs.readFileSync(source);
function* pieces() {
  const n = Math.ceil(bytes.length / (1 << 20));
  for (let i = 0; i < n; i++) {
    if (i === Math.floor(n / 2)) fs.writeSync(1, 'midway\\n');
    if (i >= n / 2) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    yield bytes.subarray(i << 20, (i + 1) << 20);
  }
}
mod.exports.writeFileAtomically(target, pieces());
`;
