/**
 * TimeGAN's PCA and t-SNE pictures (Yoon et al. 2019, Figure 3; `visualization_metrics.py`): up
 * to `samples` windows per side, each reduced to its mean over features per step, then PCA fitted
 * on the real points and t-SNE of both sets together. Real red, synthetic blue; overlapping
 * clouds mean the generator covers the real windows' shapes.
 */
import { EvalError, MIN_TSNE_POINTS, featureMeans, pcaProjection, sampleWindowIndices, tsneEmbedding, type WindowedData } from '@grugan/model';
import { embeddingScatterSpec, type ScatterPoint, type Side } from './charts.js';
import type { Section } from './section.js';

export interface EmbeddingSectionInput {
  /** Both sides scaled by the real scaler (TimeGAN embeds min-max scaled data). */
  real: WindowedData;
  synthetic: WindowedData;
  /** Windows per side, at most (TimeGAN: 1000). */
  samples: number;
  seed: number;
}

const points = (side: Side, rows: number[][]): ScatterPoint[] => rows.map(([x, y]) => ({ side, x, y }));

export function embeddingSection({ real, synthetic, samples, seed }: EmbeddingSectionInput): Section {
  const section: Section = { title: 'PCA and t-SNE (TimeGAN\'s visualisation)', figures: [], tables: [], notes: [] };
  const r = featureMeans(real, sampleWindowIndices(real.count, samples, seed));
  const s = featureMeans(synthetic, sampleWindowIndices(synthetic.count, samples, seed + 1));
  if (s.some((row) => row.some((v) => !Number.isFinite(v)))) {
    section.notes.push('Synthetic sequences hold NaN or infinite values (a diverged generator): no PCA or t-SNE.');
    return section;
  }
  const inputs = `${r.length} real and ${s.length} synthetic windows, each averaged over features per step (${real.seqLen} dimensions)`;
  try {
    const pca = pcaProjection(r, s, 2);
    const explained = pca.explainedVariance.map((v) => `${(100 * v).toFixed(1)} %`).join(' and ');
    section.figures.push({
      id: 'pca',
      spec: embeddingScatterSpec([...points('real', pca.real), ...points('synthetic', pca.synthetic)], 'PCA', ['PC 1', 'PC 2']),
      caption: `${inputs}; axes fitted on the real windows (${explained} of their variance).`,
    });
  } catch (err) {
    if (!(err instanceof EvalError)) throw err;
    section.notes.push(`No PCA: ${err.message}.`);
  }
  if (r.length + s.length < MIN_TSNE_POINTS) {
    section.notes.push(`No t-SNE: ${r.length + s.length} windows, at least ${MIN_TSNE_POINTS} are needed.`);
    return section;
  }
  try {
    const started = performance.now();
    const tsne = tsneEmbedding(r, s, { seed, iterations: 300 });
    const seconds = (performance.now() - started) / 1000;
    section.figures.push({
      id: 'tsne',
      spec: embeddingScatterSpec([...points('real', tsne.real), ...points('synthetic', tsne.synthetic)], 't-SNE', ['t-SNE 1', 't-SNE 2']),
      caption: `${inputs}, embedded together: perplexity ${Number(tsne.perplexity.toFixed(1))}, 300 iterations, ${seconds.toFixed(1)} s.`,
    });
  } catch (err) {
    if (!(err instanceof EvalError)) throw err;
    section.notes.push(`No t-SNE: ${err.message}.`);
  }
  return section;
}
