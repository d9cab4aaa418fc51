import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A PostgreSQL server of the test's own (initdb into a temporary folder, its own port), for
 * tests that stop or restart the database: the shared server is never restarted.
 *
 * Works as an ordinary user and as root (CI runs as root; PostgreSQL refuses to run as root,
 * so the server then runs as the `postgres` OS user through `runuser`, as the Debian
 * `postgresql` package sets it up). The server's programs are found in
 * /usr/lib/postgresql/<newest>/bin (Debian), else on the PATH.
 */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
    private readonly runAs: string | undefined,
  ) {}

  /** Connection URL (trust authentication, superuser `postgres`), without a database name. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}`;
  }

  /** initdb and start; resolves when the server accepts connections. */
  static async start(): Promise<PrivatePostgres> {
    const bin = postgresBinDir();
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    const dir = mkdtempSync(join(tmpdir(), 'private-pg-'));
    const runAs = root ? 'postgres' : undefined;
    if (runAs) {
      const uid = Number(execFileSync('id', ['-u', runAs]).toString().trim());
      const gid = Number(execFileSync('id', ['-g', runAs]).toString().trim());
      chownSync(dir, uid, gid);
    }
    const pg = new PrivatePostgres(bin, dir, await freePort(), runAs);
    pg.run('initdb', [
      '-D',
      join(dir, 'data'),
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    pg.startServer();
    return pg;
  }

  /** Stops the server (`fast`: clients are disconnected, transactions rolled back). */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /** Starts it again after `stop` on the same port and data. */
  startServer(): void {
    const options = [
      `-p ${this.port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${this.dir}`,
      '-c max_connections=200',
    ].join(' ');
    this.run('pg_ctl', [
      '-D',
      join(this.dir, 'data'),
      '-l',
      join(this.dir, 'server.log'),
      '-o',
      options,
      '-w',
      '-t',
      '60',
      'start',
    ]);
  }

  /** Fast-mode restart with the server down for `downMs` in between. */
  async restart(downMs = 0): Promise<void> {
    this.stop('fast');
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    this.startServer();
  }

  /** Stops the server (if running) and deletes its folder. */
  destroy(): void {
    spawnSync(...this.command('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', 'stop']));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private command(program: string, args: string[]): [string, string[]] {
    const exe = join(this.bin, program);
    return this.runAs ? ['runuser', ['-u', this.runAs, '--', exe, ...args]] : [exe, args];
  }

  private run(program: string, args: string[]): void {
    const [cmd, argv] = this.command(program, args);
    const r = spawnSync(cmd, argv, { cwd: this.dir, encoding: 'utf8' });
    if (r.status !== 0)
      throw new Error(
        `${program} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout || String(r.error)}`,
      );
  }
}

/** The folder holding initdb and pg_ctl: Debian's newest version, else from the PATH. */
export function postgresBinDir(): string {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (which.status === 0 && found) return join(found, '..');
  throw new Error(
    'PostgreSQL server programs (initdb, pg_ctl) not found: install the postgresql package',
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
