import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/** CPU time of the whole machine so far (/proc/stat's first line), in clock ticks. */
export interface CpuTicks {
  busy: number;
  total: number;
}

/**
 * The machine's CPU ticks from /proc/stat's text: idle and iowait are idle; user, nice, system,
 * irq, softirq and steal are busy (guest time is inside user already).
 */
export function parseProcStat(text: string): CpuTicks {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no cpu line in /proc/stat');
  const f = line
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map((x) => Number(x) || 0);
  const at = (k: number) => f[k] ?? 0;
  // user, nice, system, idle, iowait, irq, softirq, steal
  const busy = at(0) + at(1) + at(2) + at(5) + at(6) + at(7);
  return { busy, total: busy + at(3) + at(4) };
}
/** The machine's load over a measurement: how busy its cores were, and the run queue. */
export interface MachineLoad {
  /** Share of all cores' time busy (any process, this bench's too), 0–100. */
  busyPercent: number;
  /** The kernel's 1-minute load average at the end. */
  loadAverage1m: number;
  cores: number;
}

function readTicks(): CpuTicks | undefined {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined; // not Linux
  }
}

/** Measures the machine's load between start() and stop(). */
export class MachineLoadMeter {
  private before: CpuTicks | undefined;

  start(): void {
    this.before = readTicks();
  }

  stop(): MachineLoad {
    const after = readTicks();
    const b = this.before;
    const busyPercent =
      b && after && after.total > b.total
        ? (100 * (after.busy - b.busy)) / (after.total - b.total)
        : NaN;
    return { busyPercent, loadAverage1m: loadavg()[0] ?? NaN, cores: cpus().length };
  }
}

/** "busy 63% of 2 cores, load 1.9": the machine's load during a measurement, for the table. */
export function machineNote(m: MachineLoad | undefined): string {
  return m
    ? `busy ${m.busyPercent.toFixed(0)}% of ${m.cores} cores, load ${m.loadAverage1m.toFixed(1)}`
    : '';
}

/** `work` run with the machine's load measured around it. */
export async function withMachineLoad<T>(work: () => Promise<T>): Promise<[T, MachineLoad]> {
  const meter = new MachineLoadMeter();
  meter.start();
  const out = await work();
  return [out, meter.stop()];
}

/** A process's resident memory now and at its peak, bytes (/proc/<pid>/status). */
export interface Resident {
  rssBytes: number;
  peakBytes: number;
}

/** VmRSS and VmHWM from /proc/<pid>/status's text (the kernel gives kB). */
export function parseProcStatus(text: string): Resident {
  const kb = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : NaN;
  };
  return { rssBytes: kb('VmRSS'), peakBytes: kb('VmHWM') };
}

/** `pid`'s resident memory; NaN when it cannot be read (gone, or not Linux). */
export function residentMemory(pid: number | undefined): Resident {
  try {
    if (pid === undefined) throw new Error('no pid');
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return { rssBytes: NaN, peakBytes: NaN };
  }
}
