import { randomUUID } from 'node:crypto';
import type { Logger } from '@intel/observability';
import { ForceNodeMetrics } from '../force-node.metrics';
import { classifyFailure, failureLogFields, type FailureKind } from './intake-failure';
import { Inject, Injectable } from '@nestjs/common';
import { FORCE_NODE_LOGGER } from '../force-node.tokens';

/**
 * Every unexpected intake failure is logged (kind, SQLSTATE, a reference id; never record
 * content or the database's message, which quotes values) and counted in
 * `intake_failures_total{rpc,kind}`. The caller gets the reference id, which finds the log line.
 */
@Injectable()
export class FailureReporter {
  constructor(
    @Inject(FORCE_NODE_LOGGER) logger: Logger,
    @Inject(ForceNodeMetrics) private readonly metrics: ForceNodeMetrics,
  ) {
    this.logger = logger.child({ component: 'intake' });
  }

  private readonly logger: Logger;

  report(
    err: unknown,
    context: { rpc: string; index?: number },
  ): { kind: FailureKind; ref: string } {
    const kind = classifyFailure(err);
    const ref = randomUUID();
    this.metrics.failures.inc({ rpc: context.rpc, kind });
    const fields = { ...failureLogFields(err), ...context, ref };
    if (kind === 'internal')
      // A defect: its stack is ours (no record content), and needed to fix it.
      this.logger.error(
        { ...fields, stack: err instanceof Error ? err.stack?.split('\n').slice(1, 8) : undefined },
        'intake failed',
      );
    else this.logger.warn(fields, 'intake failed');
    return { kind, ref };
  }
}
