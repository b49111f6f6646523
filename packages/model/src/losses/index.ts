export { discriminatorLoss, generatorLoss, GAN_LOSS_KINDS, UnknownLossError, type GanLossKind } from './gan-losses.js';
export { gradientPenalty } from './gradient-penalty.js';
