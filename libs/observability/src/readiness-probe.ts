import { Get } from '@nestjs/common';
import {
  HealthCheck,
  type HealthCheckResult,
  type HealthCheckService,
  type HealthIndicatorFunction,
  type HealthIndicatorResult,
  type HealthIndicatorService,
} from '@nestjs/terminus';

/**
 * One readiness check for a dependency: `up` when `probe` resolves (to anything but `false`),
 * `down` with the reason when it rejects or answers `false`. Shared by every service's
 * /health/ready so they report dependencies the same way.
 */
export async function dependencyReady(
  indicator: HealthIndicatorService,
  name: string,
  probe: () => Promise<unknown>,
): Promise<HealthIndicatorResult> {
  const session = indicator.check(name);
  try {
    const answer = await probe();
    return answer === false ? session.down({ message: `${name} did not answer` }) : session.up();
  } catch (err) {
    return session.down({ message: err instanceof Error ? err.message : String(err) });
  }
}

/**
 * The health endpoints every service serves, under its own `@Controller('health')` subclass:
 * GET /health/live (the process answers) and GET /health and /health/ready (it can do its job:
 * every check the subclass lists is up).
 */
export abstract class HealthEndpoints {
  constructor(
    protected readonly health: HealthCheckService,
    protected readonly indicator: HealthIndicatorService,
  ) {}

  /** The service's readiness checks (its dependencies and its own loops). */
  protected abstract checks(): HealthIndicatorFunction[];

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.ready();
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check(this.checks());
  }
}
