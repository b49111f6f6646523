/** The numbers behind a run report's pictures: TimeGAN's PCA / t-SNE inputs and projections, histograms. */
export { featureMeans, sampleWindowIndices } from './feature-means.js';
export { pcaProjection, type PcaProjection } from './pca.js';
export { tsneEmbedding, MIN_TSNE_POINTS, type TsneEmbedding, type TsneOptions } from './tsne.js';
export { histogram, finiteRange, type Histogram } from './histogram.js';
