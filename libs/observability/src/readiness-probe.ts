import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

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
