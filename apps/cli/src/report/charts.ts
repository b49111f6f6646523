/**
 * The report's figures as Vega-Lite specs (pure data → spec; `render-svg.ts` draws them).
 * Colours follow TimeGAN's Figure 3 wherever real and synthetic meet: real red, synthetic blue.
 * Every figure has a title, axis titles and a legend, so an SVG cut out of the page still reads.
 */
import type { TopLevelSpec } from 'vega-lite';

/** Real red and synthetic blue (TimeGAN's pictures), used by every real-vs-synthetic figure. */
export const SIDE_COLORS = { real: '#d62728', synthetic: '#1f77b4' } as const;
export type Side = keyof typeof SIDE_COLORS;

const sideColor = {
  field: 'side',
  type: 'nominal',
  title: null,
  scale: { domain: ['real', 'synthetic'], range: [SIDE_COLORS.real, SIDE_COLORS.synthetic] },
  // Marks are translucent; the legend's symbols are not, so the two colours read clearly.
  legend: { orient: 'top', symbolOpacity: 1 },
} as const;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Small multiples: one 260 × 150 panel per value of `field` (in `order`), three per row. Axes are
 * per panel: a wrapped facet otherwise draws a shared x axis under an empty last cell.
 */
function panels(title: string, values: object[], field: string, order: string[], independent: ('x' | 'y')[], spec: object): TopLevelSpec {
  const scale = Object.fromEntries(independent.map((c) => [c, 'independent']));
  return {
    $schema: SCHEMA,
    title,
    data: { values },
    facet: { field, type: 'nominal', title: null, sort: order },
    columns: 3,
    resolve: { scale, axis: { x: 'independent' } },
    spec: { width: 260, height: 150, ...spec },
  } as TopLevelSpec;
}

/** One panel of `width` × `height` over `values`. */
function view(title: string, values: object[], width: number, height: number, spec: object): TopLevelSpec {
  return { $schema: SCHEMA, title, width, height, data: { values }, ...spec } as TopLevelSpec;
}

/** One point of a loss curve. */
export interface LossPoint {
  step: number;
  /** Series name, e.g. `D loss` or an `extra` key such as `aeLoss`. */
  series: string;
  value: number;
}

/** D and G loss against step, one line each. */
export function lossCurveSpec(points: LossPoint[], title: string): TopLevelSpec {
  return view(title, points, 640, 260, {
    mark: { type: 'line', strokeWidth: 1.5, clip: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: 'loss', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, scale: { range: ['#ff7f0e', '#2ca02c'] }, legend: { orient: 'top' } },
    },
  });
}

/** Every other loss term in its own panel (scales differ by orders of magnitude). */
export function lossTermsSpec(points: LossPoint[], terms: string[], title: string): TopLevelSpec {
  return panels(title, points, 'series', terms, ['x', 'y'], {
    mark: { type: 'line', strokeWidth: 1.2, color: '#555555', clip: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
    },
  });
}

/** One time step of one drawn sequence. */
export interface SequencePoint {
  feature: string;
  side: Side;
  /** Distinguishes the sequences of a side, e.g. `real 3`. */
  sequence: string;
  step: number;
  value: number;
}

/** A few real and synthetic sequences per feature, overlaid, in the data's original units. */
export function sequenceOverlaySpec(points: SequencePoint[], features: string[], title: string): TopLevelSpec {
  return panels(title, points, 'feature', features, ['y'], {
    mark: { type: 'line', strokeWidth: 1.2, opacity: 0.75 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'time step', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
      color: sideColor,
      detail: { field: 'sequence', type: 'nominal' },
    },
  });
}

/** One histogram bar: the fraction of a side's values of a feature in [lo, hi). */
export interface HistogramBar {
  feature: string;
  side: Side;
  lo: number;
  hi: number;
  fraction: number;
}

/** Real and synthetic marginal histograms per feature, overlaid on shared bins. */
export function marginalHistogramSpec(bars: HistogramBar[], features: string[], title: string): TopLevelSpec {
  return panels(title, bars, 'feature', features, ['x', 'y'], {
    mark: { type: 'rect', opacity: 0.5 },
    encoding: {
      x: { field: 'lo', type: 'quantitative', title: 'value', scale: { zero: false } },
      x2: { field: 'hi' },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of values', stack: null },
      y2: { datum: 0 },
      color: sideColor,
    },
  });
}

/** One embedded window. */
export interface ScatterPoint {
  side: Side;
  x: number;
  y: number;
}

/** A 2-D embedding of real and synthetic windows (PCA or t-SNE), TimeGAN's Figure 3 style. */
export function embeddingScatterSpec(points: ScatterPoint[], title: string, axes: [string, string]): TopLevelSpec {
  return view(title, points, 360, 320, {
    // TimeGAN draws with alpha 0.2; a little more keeps a few hundred points visible.
    mark: { type: 'circle', size: 18, opacity: 0.35 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: axes[0], scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: axes[1], scale: { zero: false } },
      color: sideColor,
    },
  });
}
