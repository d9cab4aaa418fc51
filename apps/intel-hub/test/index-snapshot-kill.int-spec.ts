import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Issue #14: a hub killed (SIGKILL) while it writes its index's snapshot leaves the snapshot
// before it whole: the next start loads that one, answering as the index it was written from,
// or (its watermark behind the database) refuses it and rebuilds. A process holding a national
// index (the built code: snapshot-writer.child.js) writes its snapshot over and over, one
// nominal more each time; it is killed while a write's temporary file is on disk, and a fresh
// process then loads what is left.
describe('index snapshot written by a process killed midway (integration: built code)', () => {
  const child = join(__dirname, 'snapshot-writer.child.js');
  const nominals = 3000;
  let dir: string;

  beforeAll(() => {
    const built = join(
      __dirname,
      '../../../dist/apps/intel-hub/src/resolution/national-snapshot.js',
    );
    if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first`);
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hub-snapshot-kill-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes over and over; killed once a write after the first is in progress. */
  async function killMidWrite(): Promise<{
    digests: Map<number, string>;
    done: number;
    midway: boolean;
  }> {
    const p = spawn(process.execPath, [child, 'write', dir, String(nominals)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const digests = new Map<number, string>();
    let done = 0;
    let buffered = '';
    p.stdout.on('data', (b: Buffer) => {
      buffered += b.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const [what, w, d] = buffered.slice(0, nl).split(' ');
        buffered = buffered.slice(nl + 1);
        if (what === 'writing') digests.set(Number(w), d as string);
        if (what === 'written') done = Number(w);
      }
    });
    const exited = new Promise<void>((r) => p.on('exit', () => r()));
    const deadline = Date.now() + 120_000;
    let midway = false;
    while (Date.now() < deadline) {
      if (done >= 2 && readdirSync(dir).some((f) => f.includes(`.tmp-${p.pid}`))) {
        midway = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    p.kill('SIGKILL');
    await exited;
    return { digests, done, midway };
  }

  /** A fresh process loads the snapshot left, the database being at `watermark`. */
  function load(watermark: number): { digest?: string; watermark?: number; refused?: string } {
    const r = spawnSync(
      process.execPath,
      [child, 'load', dir, String(watermark), String(nominals)],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`loader failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as { digest?: string; watermark?: number; refused?: string };
  }

  it('given a writer killed midway, then the snapshot before is loaded whole and answers as when written', async () => {
    const { digests, done, midway } = await killMidWrite();
    expect(midway).toBe(true);
    // The write in progress was `done + 1`: killed before its rename (the one before is left),
    // or just after it.
    const got = load(done + 1);
    expect([done, done + 1]).toContain(got.watermark);
    expect(got.digest).toBe(digests.get(got.watermark as number));
    // A database behind the snapshot (restored from an older backup): refused, and rebuilt.
    expect(load((got.watermark as number) - 1)).toEqual({ refused: 'watermark' });
  }, 300_000);
});
