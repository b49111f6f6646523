/**
 * Training progress: a cli-progress bar (step, D and G loss, steps/s, ETA) on a terminal, plain
 * log lines every `logEvery` steps otherwise (CI logs and pipes do not render bars).
 */
import cliProgress from 'cli-progress';

/** Receives one update per generator step. */
export interface ProgressReporter {
  update(step: number, dLoss: number, gLoss: number): void;
  stop(): void;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : String(x);
}

/** A bar on a TTY, else a line every `logEvery` steps (and at the last step). */
export function createProgress(total: number, startStep: number, logEvery: number, tty = Boolean(process.stdout.isTTY)): ProgressReporter {
  const started = performance.now();
  const rate = (step: number) => (step - startStep) / Math.max((performance.now() - started) / 1000, 1e-9);
  if (tty) {
    const bar = new cliProgress.SingleBar(
      { format: 'step {value}/{total} |{bar}| D {dLoss} G {gLoss} | {rate} steps/s | ETA {eta_formatted}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, startStep, { dLoss: '-', gLoss: '-', rate: '-' });
    return {
      update: (step, d, g) => bar.update(step, { dLoss: fmt(d), gLoss: fmt(g), rate: rate(step).toFixed(1) }),
      stop: () => bar.stop(),
    };
  }
  return {
    update(step, d, g) {
      if (step % logEvery !== 0 && step !== total) return;
      const r = rate(step);
      const eta = r > 0 ? (total - step) / r : 0;
      process.stdout.write(`step ${step}/${total} D ${fmt(d)} G ${fmt(g)} ${r.toFixed(1)} steps/s ETA ${eta.toFixed(0)}s\n`);
    },
    stop() {},
  };
}
