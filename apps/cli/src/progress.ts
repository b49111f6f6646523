/**
 * Training progress: a cli-progress bar (step, losses, steps/s, ETA) on a terminal, plain log
 * lines every `logEvery` steps otherwise (CI logs and pipes do not render bars).
 */
import cliProgress from 'cli-progress';

/** Receives one update per generator step. */
export interface ProgressReporter {
  update(step: number, losses: StepLosses): void;
  stop(): void;
}

/** What a step's line shows: D and G losses, or a TimeGAN pre-training phase and its loss. */
export type StepLosses = { dLoss: number; gLoss: number } | { phase: string; loss: number };

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : String(x);
}

function lossText(l: StepLosses): string {
  return 'phase' in l ? `${l.phase} ${fmt(l.loss)}` : `D ${fmt(l.dLoss)} G ${fmt(l.gLoss)}`;
}

/** A bar on a TTY, else a line every `logEvery` steps (and at the last step). */
export function createProgress(total: number, startStep: number, logEvery: number, tty = Boolean(process.stdout.isTTY)): ProgressReporter {
  const started = performance.now();
  const rate = (step: number) => (step - startStep) / Math.max((performance.now() - started) / 1000, 1e-9);
  if (tty) {
    const bar = new cliProgress.SingleBar(
      { format: 'step {value}/{total} |{bar}| {losses} | {rate} steps/s | ETA {eta_formatted}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, startStep, { losses: '-', rate: '-' });
    return {
      update: (step, losses) => bar.update(step, { losses: lossText(losses), rate: rate(step).toFixed(1) }),
      stop: () => bar.stop(),
    };
  }
  return {
    update(step, losses) {
      if (step % logEvery !== 0 && step !== total) return;
      const r = rate(step);
      const eta = r > 0 ? (total - step) / r : 0;
      process.stdout.write(`step ${step}/${total} ${lossText(losses)} ${r.toFixed(1)} steps/s ETA ${eta.toFixed(0)}s\n`);
    },
    stop() {},
  };
}
