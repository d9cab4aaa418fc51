/** Percentile of a sample (nearest-rank), in the sample's unit. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function seconds(fromNs: bigint, toNs: bigint = process.hrtime.bigint()): number {
  return Number(toNs - fromNs) / 1e9;
}

export function environment(): { node: string; cpus: number; platform: string } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('node:os') as typeof import('node:os');
  return {
    node: process.version,
    cpus: os.cpus().length,
    platform: `${os.platform()} ${os.arch()}`,
  };
}
