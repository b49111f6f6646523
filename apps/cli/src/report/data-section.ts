/**
 * Real against synthetic in the data's original units: a few whole sequences per feature
 * (shape, level, noise) and each feature's marginal histogram on shared bins, with a small
 * table of means, standard deviations and the marginal W1 per feature.
 */
import { finiteRange, histogram, invertScaler, marginalDistances, sampleWindowIndices, type ScalerState, type WindowedData } from '@grugan/model';
import { marginalHistogramSpec, sequenceOverlaySpec, type HistogramBar, type SequencePoint, type Side } from './charts.js';
import { formatNumber } from '../format-number.js';
import type { Section } from './section.js';

/** Sequences drawn per side and feature: enough to see variety, few enough to tell apart. */
export const OVERLAY_SEQUENCES = 5;
/** Histogram bins per feature. */
export const HISTOGRAM_BINS = 30;

/** All values of one feature, `[count · seqLen]`, from windows already in original units. */
function featureValues(values: Float64Array, d: WindowedData, f: number): Float64Array {
  const out = new Float64Array(d.count * d.seqLen);
  for (let r = 0; r < out.length; r++) out[r] = values[r * d.features + f];
  return out;
}

function meanStd(v: Float64Array): [number, number] {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (const x of v) {
    if (!Number.isFinite(x)) continue;
    n++;
    sum += x;
    sq += x * x;
  }
  const mean = sum / n;
  return [mean, Math.sqrt(Math.max(0, sq / n - mean * mean))];
}

export interface DataSectionInput {
  /** Both sides scaled by the real scaler (what the metrics compare). */
  real: WindowedData;
  synthetic: WindowedData;
  scaler: ScalerState;
  seed: number;
}

export function dataSection({ real, synthetic, scaler, seed }: DataSectionInput): Section {
  const section: Section = { title: 'Real and synthetic sequences', figures: [], tables: [], notes: [] };
  const features = real.columns;
  const original = { real: invertScaler(scaler, real.windows), synthetic: invertScaler(scaler, synthetic.windows) };
  const sides: [Side, WindowedData][] = [['real', real], ['synthetic', synthetic]];

  const sequencePoints: SequencePoint[] = [];
  for (const [side, d] of sides) {
    for (const w of sampleWindowIndices(d.count, OVERLAY_SEQUENCES, seed)) {
      for (let t = 0; t < d.seqLen; t++) {
        features.forEach((feature, f) => {
          const value = original[side][(w * d.seqLen + t) * d.features + f];
          if (Number.isFinite(value)) sequencePoints.push({ feature, side, sequence: `${side} ${w}`, step: t, value });
        });
      }
    }
  }
  section.figures.push({
    id: 'sequences',
    spec: sequenceOverlaySpec(sequencePoints, features, 'Sequences per feature'),
    caption: `${Math.min(OVERLAY_SEQUENCES, real.count)} random real windows and ${Math.min(OVERLAY_SEQUENCES, synthetic.count)} random synthetic sequences, original units.`,
  });

  const bars: HistogramBar[] = [];
  const rows = [['feature', 'real mean', 'synthetic mean', 'real std', 'synthetic std', 'marginal W1 (scaled)']];
  const w1 = marginalDistances(real, synthetic);
  let nonFinite = 0;
  features.forEach((feature, f) => {
    const values = { real: featureValues(original.real, real, f), synthetic: featureValues(original.synthetic, synthetic, f) };
    const range = finiteRange(values.real, values.synthetic);
    for (const [side] of sides) {
      if (!range) continue;
      const h = histogram(values[side], HISTOGRAM_BINS, range);
      nonFinite += h.nonFinite;
      const total = values[side].length - h.nonFinite;
      h.counts.forEach((c, i) => bars.push({ feature, side, lo: h.edges[i], hi: h.edges[i + 1], fraction: total > 0 ? c / total : 0 }));
    }
    const [rm, rs] = meanStd(values.real);
    const [sm, ss] = meanStd(values.synthetic);
    rows.push([feature, formatNumber(rm), formatNumber(sm), formatNumber(rs), formatNumber(ss), formatNumber(w1[f])]);
  });
  section.figures.push({
    id: 'histograms',
    spec: marginalHistogramSpec(bars, features, 'Marginal distributions per feature'),
    caption: `Each feature's values over all windows and steps, ${HISTOGRAM_BINS} shared bins, as a fraction of each side's values (real ${real.count} windows, synthetic ${synthetic.count}).`,
  });
  if (nonFinite > 0) section.notes.push(`${nonFinite} synthetic value(s) are NaN or infinite and are not drawn.`);
  section.tables.push({ caption: 'Per feature, original units (W1 in min-max scaled units, as the metrics).', rows });
  return section;
}
