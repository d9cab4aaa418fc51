import { parseProcStat, parseProcStatus } from './machine-load';

describe('machine load from /proc', () => {
  it('given /proc/stat, then busy is user+nice+system+irq+softirq+steal and idle, iowait are not', () => {
    const text = 'cpu  100 5 50 800 40 3 2 1 0 0\ncpu0 50 2 25 400 20 1 1 0 0 0\nintr 1\n';
    expect(parseProcStat(text)).toEqual({ busy: 161, total: 1001 });
  });

  it('given /proc/stat without a cpu line, then it refuses', () => {
    expect(() => parseProcStat('intr 1\n')).toThrow(/cpu line/);
  });

  it('given /proc/<pid>/status, then resident and peak memory in bytes', () => {
    const text = 'Name:\tnode\nVmPeak:\t 9000 kB\nVmHWM:\t    2048 kB\nVmRSS:\t    1024 kB\n';
    expect(parseProcStatus(text)).toEqual({ rssBytes: 1024 * 1024, peakBytes: 2048 * 1024 });
    expect(parseProcStatus('Name:\tnode\n').rssBytes).toBeNaN();
  });
});
