import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { eventKeyEnv } from './event-keys';
import { REPO_ROOT } from './test-env';

export interface RunningNode {
  grpcPort: number;
  httpPort: number;
  grpcAddress: string;
  httpUrl: string;
  process: ChildProcess;
  /** The latest log lines (at most 5,000; older ones are dropped). */
  logs: string[];
  /** The service's `ready` line (kept whatever the log buffer drops since). */
  readyLine: string;
  /** SIGTERM and wait for exit (graceful shutdown). */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

/**
 * Starts a built service (dist/) as its own process and waits for its `ready` log line, which
 * carries the ports it bound (it listens on port 0).
 */
export async function startService(
  app: 'force-node' | 'intel-hub' | 'analyst-api',
  env: Record<string, string>,
  /**
   * onLine: every log line as it comes, also before the service is ready. nodeArgs: node's own
   * flags, before the script (those NODE_OPTIONS may not carry, such as --cpu-prof).
   */
  opts: { timeoutMs?: number; onLine?: (line: string) => void; nodeArgs?: string[] } = {},
): Promise<RunningNode> {
  const main = join(REPO_ROOT, 'dist', 'apps', app, 'src', 'main.js');
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), main], {
    cwd: REPO_ROOT,
    // Each service gets this run's ephemeral event keys (event-keys.ts) unless env names its own.
    env: {
      GRPC_PORT: '0',
      HTTP_PORT: '0',
      ANALYST_HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      ...eventKeyEnv(app, env),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const ready = new Promise<{ grpcPort: number; httpPort: number; line: string }>(
    (resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${app} did not become ready:\n${logs.slice(-30).join('\n')}`)),
        opts.timeoutMs ?? 60_000,
      );
      const onLine = (line: string) => {
        logs.push(line);
        opts.onLine?.(line);
        if (logs.length > 5000) logs.shift();
        if (!line.includes('"event":"ready"')) return;
        try {
          const j = JSON.parse(line) as { grpcPort: number; httpPort: number };
          clearTimeout(timer);
          resolve({ grpcPort: j.grpcPort, httpPort: j.httpPort, line });
        } catch {
          /* not JSON; keep waiting */
        }
      };
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', onLine);
      createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', onLine);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(
          new Error(
            `${app} exited with ${code} before it was ready:\n${logs.slice(-30).join('\n')}`,
          ),
        );
      });
    },
  );
  const { grpcPort, httpPort, line: readyLine } = await ready;
  return {
    grpcPort,
    httpPort,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    process: child,
    logs,
    readyLine,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
