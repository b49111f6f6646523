/**
 * The numbers: the four distribution metrics computed now (real vs synthetic, both min-max
 * scaled by the real scaler, as `grugan eval` does), and TimeGAN's discriminative and predictive
 * scores only when a `grugan eval --run` left them in `eval.json` — they train models for minutes,
 * too slow to run for every report.
 */
import { EvalError, distributionMetrics, type WindowedData } from '@grugan/model';
import type { EvalFile, OptionalFile } from '../run-files.js';
import { formatNumber } from '../format-number.js';
import type { Section } from './section.js';

export interface MetricsSectionInput {
  real: WindowedData;
  synthetic: WindowedData;
  evalFile: OptionalFile<EvalFile>;
  /** Path of eval.json, for notes. */
  evalPath: string;
  /** The run directory, for the "how to add scores" hint. */
  dir: string;
}

export function metricsSection({ real, synthetic, evalFile, evalPath, dir }: MetricsSectionInput): Section {
  const section: Section = { title: 'Metrics', figures: [], tables: [], notes: [] };
  const rows = [['metric', 'value', 'what it compares']];
  try {
    // The same settings as `grugan eval` by default (MMD on ≤ 500 windows per side, seed 0).
    const m = distributionMetrics(real, synthetic, { mmd: { maxSamples: 500, seed: 0 } });
    rows.push(
      ['marginal W1', formatNumber(m.marginalW1), 'Wasserstein-1 between each feature\'s values, mean over features'],
      ['autocorrelation', formatNumber(m.autocorrelation), 'mean |ACF difference|, lags 1..min(10, T−1)'],
      ['cross-correlation', formatNumber(m.crossCorrelation), 'mean |difference| of the feature correlation matrices'],
      ['MMD²', formatNumber(m.mmd2), 'RBF-kernel MMD² on whole windows (≈ 0 when alike)'],
    );
  } catch (err) {
    if (!(err instanceof EvalError)) throw err;
    section.notes.push(`No distribution metrics: ${err.message}.`);
  }
  if ('value' in evalFile) {
    const e = evalFile.value;
    for (const kind of ['discriminative', 'predictive'] as const) {
      const s = e.postHoc?.[kind];
      if (s) rows.push([`${kind} score`, `${formatNumber(s.mean)} ± ${formatNumber(s.std)}`, `TimeGAN's post-hoc ${kind} score, ${s.values.length} run(s), from eval.json`]);
    }
    if (e.postHoc) {
      const st = e.settings;
      section.notes.push(`Post-hoc scores from ${evalPath}: synthetic ${e.synthetic.source}, ${st.repetitions} repetition(s), ${st.iterationsDisc} / ${st.iterationsPred} iterations (TimeGAN: 2000 / 5000), backend ${e.backend}.`);
    } else {
      section.notes.push(`${evalPath} holds no post-hoc scores (written by eval --fast).`);
    }
  } else if ('problem' in evalFile) {
    section.notes.push(`Ignored ${evalFile.problem}.`);
  } else {
    section.notes.push(`No discriminative or predictive score: run "grugan eval --run ${dir}" (it writes eval.json), then "grugan report --run ${dir}".`);
  }
  if (rows.length > 1) section.tables.push({ caption: 'Real vs synthetic, min-max scaled by the real data. Lower is better for every metric.', rows });
  return section;
}
