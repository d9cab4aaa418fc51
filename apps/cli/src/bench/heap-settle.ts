import { setImmediate } from 'node:timers/promises';
/**
 * The heap in use (with array buffers) and the resident set after two full collections, for the
 * memory benches. Needs `--expose-gc` (deploy/local/bench.sh passes it).
 */
export async function settledMemory(): Promise<{ heap: number; rss: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the memory benches need node --expose-gc (npm run bench does it)');
  await setImmediate();
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.arrayBuffers, rss: m.rss };
}
