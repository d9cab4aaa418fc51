/** Polls `condition` until it returns a truthy value (kafkajs testHelpers style: no fixed sleeps). */
export async function waitFor<T>(
  condition: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const timeout = opts.timeoutMs ?? 30_000;
  const interval = opts.intervalMs ?? 100;
  const until = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await condition();
      if (v) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > until) {
      throw new Error(
        `timed out after ${timeout} ms waiting for ${opts.what ?? 'condition'}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
