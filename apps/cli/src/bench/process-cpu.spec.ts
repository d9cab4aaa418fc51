import { spawn } from 'node:child_process';
import { CpuMeter, pidsMatching } from './process-cpu';

/** Burns `ms` of this process's CPU time (not wall time: the machine may be busy). */
const burn = (ms: number) => {
  const from = process.cpuUsage();
  while (process.cpuUsage(from).user < ms * 1000) Math.sqrt(Math.random());
};

// These burn CPU time, not wall time: on a loaded machine (a CI runner or a shared developer box
// at load 10 on two cores) 400 ms of CPU can take several seconds of wall time, so Jest's 5 s
// default would fail them for the machine's load rather than for the meter.
const CPU_BOUND_TIMEOUT_MS = 60_000;

describe('CpuMeter (Linux /proc)', () => {
  it(
    'given CPU burnt between start and stop, then it is counted, and a process that sat idle counts about nothing',
    async () => {
      const idle = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
      try {
        const meter = new CpuMeter(() => ({ me: [process.pid], idle: idle.pid ? [idle.pid] : [] }));
        await new Promise((r) => setTimeout(r, 300)); // let it start up before measuring
        await meter.start();
        burn(400);
        const used = await meter.stop();
        expect(used.me).toBeGreaterThanOrEqual(250);
        expect(used.idle).toBeLessThan(100);
      } finally {
        idle.kill();
      }
    },
    CPU_BOUND_TIMEOUT_MS,
  );

  it(
    'given a process started after start(), then its whole CPU time is counted',
    async () => {
      const tag = `cpu-meter-spec-${process.pid}`;
      const meter = new CpuMeter(() => ({ child: pidsMatching((c) => c.includes(tag)) }));
      await meter.start();
      const child = spawn(process.execPath, [
        '-e',
        `while (process.cpuUsage().user < 400000); console.log('done'); setTimeout(() => {}, 60_000) // ${tag}`,
      ]);
      try {
        await new Promise((r) => child.stdout.once('data', r));
        expect((await meter.stop()).child).toBeGreaterThanOrEqual(250);
      } finally {
        child.kill();
      }
    },
    CPU_BOUND_TIMEOUT_MS,
  );
});
