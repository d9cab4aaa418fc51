import type { Logger } from '@intel/observability';

/** One step of a service's shutdown, in the order the service needs them. */
export interface ShutdownStep {
  /** What the step stops, for the log line when it fails (`"consumer stop failed"`). */
  what: string;
  run: () => unknown;
}

/**
 * Runs the steps one after the other. A step that fails is logged and the next one still runs:
 * a consumer that will not stop must not keep the audit log open or the leadership held.
 */
export async function runShutdownSteps(
  steps: readonly ShutdownStep[],
  logger: Pick<Logger, 'warn'>,
): Promise<void> {
  for (const step of steps) {
    try {
      await step.run();
    } catch (err) {
      logger.warn({ err, step: step.what }, `${step.what} failed`);
    }
  }
}
