/** The evaluation suite: fast distribution metrics and TimeGAN's post-hoc discriminative and predictive scores. */
export { EvalError, EvalErrorCode } from './errors.js';
export { wasserstein1, wasserstein1Sorted, marginalDistance, marginalDistances } from './marginal.js';
export { autocorrelationDistance, meanAutocorrelation, defaultMaxLag } from './autocorrelation.js';
export { correlationDistance, featureCorrelation } from './correlation.js';
export { mmdRbf, type MmdOptions, type MmdResult } from './mmd.js';
export { distributionMetrics, type DistributionMetrics, type DistributionMetricsOptions } from './distribution-metrics.js';
export { evaluateGenerator, generateLike, type TrainingEvalOptions } from './training-eval.js';
export { ClassifierSelection, selectionDue, selectionOptions, SELECTION_SEED_OFFSET, type ClassifierSelectionOptions, type SelectionScore } from './classifier-selection.js';
export { PostHocGru, PostHocTrainer, postHocUnits } from './post-hoc-gru.js';
export { discriminativeScore, MIN_DISCRIMINATIVE_WINDOWS, type DiscriminativeOptions, type DiscriminativeResult } from './discriminative.js';
export { predictiveScore, nextStepTask, type PredictiveOptions, type PredictiveResult } from './predictive.js';
export { postHocScores, repeatScore, meanStd, type PostHocOptions, type PostHocScores, type ScoreSummary } from './post-hoc-scores.js';
export { groupSequences, type SequenceColumns } from './sequences.js';
