import { readdirSync, readFileSync } from 'node:fs';
import pidusage from 'pidusage';

/**
 * Processes whose command line passes `test`, found in /proc (Linux; none elsewhere). Used to
 * find the PostgreSQL server's processes and the Kafka broker, which the bench did not start.
 */
export function pidsMatching(test: (cmdline: string) => boolean): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  return entries.flatMap((d) => {
    try {
      const cmdline = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      return test(cmdline) ? [Number(d)] : [];
    } catch {
      return []; // gone, or not ours to read
    }
  });
}

/** CPU time (user + system, ms) each process has used so far; a process gone is left out. */
async function cpuTimes(pids: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  await Promise.all(
    pids.map(async (pid) => {
      try {
        out.set(pid, (await pidusage(pid)).ctime);
      } catch {
        /* exited */
      }
    }),
  );
  return out;
}

/**
 * CPU used by groups of processes between start() and stop(): the bench's account of where a
 * run's CPU went. The groups are looked up at both ends, so a process started in between (a new
 * PostgreSQL backend when a pool reconnects) is counted whole; one that exits in between is
 * missed, so the figures are a lower bound.
 */
export class CpuMeter {
  private before = new Map<number, number>();

  constructor(private readonly find: () => Record<string, number[]>) {}

  async start(): Promise<void> {
    this.before = await cpuTimes(Object.values(this.find()).flat());
  }

  /** CPU milliseconds per group since start(). */
  async stop(): Promise<Record<string, number>> {
    const groups = this.find();
    const after = await cpuTimes(Object.values(groups).flat());
    pidusage.clear();
    const used: Record<string, number> = {};
    for (const [group, pids] of Object.entries(groups)) {
      used[group] = [...new Set(pids)].reduce((sum, pid) => {
        const a = after.get(pid);
        const b = this.before.get(pid) ?? 0;
        // A smaller total than before is another process under a reused pid: new, count it whole.
        return a === undefined ? sum : sum + (a >= b ? a - b : a);
      }, 0);
    }
    return used;
  }
}

/** The PostgreSQL server's processes (postmaster, backends, WAL writer, checkpointer …). */
export const isPostgres = (cmdline: string) => /^(postgres|\/usr\/lib\/postgresql\/)/.test(cmdline);

/** The Kafka broker's JVM. */
export const isKafkaBroker = (cmdline: string) => cmdline.includes('kafka.Kafka ');
