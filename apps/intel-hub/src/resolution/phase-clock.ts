/**
 * Milliseconds spent in named phases, lap by lap: what the `index-loaded` line says of where a
 * load's write went. A phase lapped twice adds up.
 */
export class PhaseClock {
  readonly phases: Record<string, number> = {};
  private last = Date.now();

  /** Charges the time since the last lap (or since the clock was made) to `phase`. */
  lap(phase: string): void {
    const now = Date.now();
    this.phases[phase] = (this.phases[phase] ?? 0) + now - this.last;
    this.last = now;
  }
}
