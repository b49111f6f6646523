/**
 * Throughput over the steps since the last report: steps per second and samples per second,
 * from the per-step wall time `runTraining` measures (so reporting and checkpoint time, which
 * happen between steps, do not count against the model).
 */

export class MetricsWindow {
  private steps = 0;
  private seconds = 0;

  /** @param samplesPerStep real samples this rank consumes per generator step. */
  constructor(private readonly samplesPerStep: number) {}

  /** Adds one step; returns the rates over the window so far. */
  add(m: { seconds: number }): { stepsPerSecond: number; samplesPerSecond: number } {
    this.steps++;
    this.seconds += m.seconds;
    const stepsPerSecond = this.seconds > 0 ? this.steps / this.seconds : 0;
    return { stepsPerSecond, samplesPerSecond: stepsPerSecond * this.samplesPerStep };
  }

  /** Starts a new window (after a report). */
  reset(): void {
    this.steps = 0;
    this.seconds = 0;
  }
}
