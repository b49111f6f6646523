/**
 * Loss curves from `metrics.jsonl`: D and G loss against step, then every other term the
 * trainer logged (`extra`: dReal/dFake for the GRU-GAN; for TimeGAN each phase's losses —
 * aeLoss and reconstruction in phase 1, supervised in phase 2, the joint terms in phase 3).
 * TimeGAN reports D and G loss as 0 before its joint phase, so only phase-3 steps are drawn
 * for them. Then the distribution metrics that `grugan train` logs at evaluation steps and, with
 * `training.selection`, the scores of the snapshots it chose among. Long runs are averaged into at most `MAX_POINTS` buckets per series, which both
 * bounds the SVG and smooths the GAN's step-to-step noise.
 */
import type { MetricsLog, StepMetricsLine } from '../metrics-log.js';
import type { TrainSummary } from '../run-files.js';
import { lossCurveSpec, lossTermsSpec, type LossPoint } from './charts.js';
import type { Section } from './section.js';

/** Points per series after bucketing. */
export const MAX_POINTS = 500;

/** `extra` keys that are bookkeeping, not losses. */
const NOT_LOSSES = new Set(['phase', 'dApplied']);

/** Averages consecutive points of one series into at most `max` buckets (non-finite values dropped). */
export function bucketMeans(points: { step: number; value: number }[], max: number): { step: number; value: number }[] {
  const finite = points.filter((p) => Number.isFinite(p.value));
  if (finite.length <= max) return finite;
  const size = Math.ceil(finite.length / max);
  const out: { step: number; value: number }[] = [];
  for (let i = 0; i < finite.length; i += size) {
    const chunk = finite.slice(i, i + size);
    out.push({
      step: chunk.reduce((s, p) => s + p.step, 0) / chunk.length,
      value: chunk.reduce((s, p) => s + p.value, 0) / chunk.length,
    });
  }
  return out;
}

/** One named series from the log, bucketed. */
function series(steps: StepMetricsLine[], name: string, value: (m: StepMetricsLine) => number | null | undefined): LossPoint[] {
  const raw = steps.map((m) => ({ step: m.step, value: value(m) ?? NaN }));
  return bucketMeans(raw, MAX_POINTS).map((p) => ({ ...p, series: name }));
}

/**
 * `selected`: summary.json's record of the snapshot samples come from (absent for runs without
 * one); with finalists it need not be the lowest first score in metrics.jsonl.
 */
export function lossSection(log: MetricsLog, modelKind: string, metricsPath: string, selected?: TrainSummary['selected']): Section {
  const section: Section = { title: 'Training losses', figures: [], tables: [], notes: [] };
  if (log.skipped > 0) {
    section.notes.push(`Skipped ${log.skipped} malformed line(s) of ${metricsPath} (first: ${log.firstProblem}).`);
  }
  if (log.steps.length === 0) {
    section.notes.push(`No training steps in ${metricsPath}: no loss curves.`);
    return section;
  }
  const adversarial = modelKind === 'timegan' ? log.steps.filter((m) => m.extra.phase === undefined || m.extra.phase === 3) : log.steps;
  if (adversarial.length > 0) {
    const points = [...series(adversarial, 'D loss', (m) => m.dLoss), ...series(adversarial, 'G loss', (m) => m.gLoss)];
    section.figures.push({
      id: 'losses',
      spec: lossCurveSpec(points, 'Discriminator and generator loss'),
      caption: `${adversarial.length} step(s)${modelKind === 'timegan' ? ' of the joint phase (TimeGAN logs 0 before it)' : ''}` +
        `${adversarial.length > MAX_POINTS ? `, averaged into ${MAX_POINTS} buckets` : ''}.`,
    });
  } else {
    section.notes.push('No joint-phase steps yet: TimeGAN has no D or G loss before phase 3.');
  }
  const terms = [...new Set(log.steps.flatMap((m) => Object.keys(m.extra)))].filter((k) => !NOT_LOSSES.has(k));
  if (terms.length > 0) {
    // A term is drawn only over the steps that logged it (TimeGAN's phases log different terms).
    const points = terms.flatMap((k) => series(log.steps.filter((m) => k in m.extra), k, (m) => m.extra[k]));
    section.figures.push({
      id: 'loss-terms',
      spec: lossTermsSpec(points, terms, 'Loss terms'),
      caption: `Every other term in metrics.jsonl's extra field, each on its own scale${modelKind === 'timegan' ? ' over the phase(s) that log it' : ''}.`,
    });
  }
  const evaluated = log.steps.filter((m) => m.eval !== undefined);
  if (evaluated.length > 0) {
    const metrics = [...new Set(evaluated.flatMap((m) => Object.keys(m.eval!)))];
    const points = metrics.flatMap((k) => series(evaluated, k, (m) => m.eval![k]));
    section.figures.push({
      id: 'eval-during-training',
      spec: lossTermsSpec(points, metrics, 'Distribution metrics during training'),
      caption: `Generated vs held-out windows at ${evaluated.length} evaluation step(s) (every training.evalEvery steps and the last), in the scaled units the model trains on; lower is better.`,
    });
  }
  const scored = log.steps.filter((m) => m.selection !== undefined);
  if (scored.length > 0) {
    const best = scored.reduce((a, b) => (b.selection! < a.selection! ? b : a));
    const chosen = selected?.finalists
      ? `step ${selected.step}, the lowest after the finalists (steps ${selected.finalists.join(', ')}) were scored again (${selected.score.toFixed(4)})`
      : `step ${best.step}, the lowest (${best.selection!.toFixed(4)})`;
    section.figures.push({
      id: 'selection',
      spec: lossTermsSpec(series(scored, 'selection', (m) => m.selection), ['selection'], 'Selection: discriminative score of the sampling weights'),
      caption: `training.selection scored ${scored.length} snapshot(s) against the training windows; samples come from ${chosen}.`,
    });
  }
  return section;
}
