/** TimeGAN (Yoon et al., NeurIPS 2019): networks, losses, phase schedule, trainer and loop. */
export { RecurrentBlock, timeGanNetworks, TIMEGAN_NETWORK_NAMES, type RecurrentBlockConfig, type TimeGanNetworkName, type TimeGanNetworks, type TimeGanShape } from './networks.js';
export { meanSquaredError, momentLoss, sigmoidCrossEntropy, supervisedLoss } from './losses.js';
export { timeGanJointIteration, timeGanPhase, timeGanSchedule, TimeGanConfigError, type TimeGanPhase, type TimeGanSchedule } from './schedule.js';
export { TimeGanTrainer, TIMEGAN_ROLES, TIMEGAN_ROLE_NETWORKS } from './trainer.js';
export { runTimeGanTraining, D_LOSS_KEY, type RunTimeGanOptions } from './run.js';
