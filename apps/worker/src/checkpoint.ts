/** temporary */
import type { PreparedData, TrainerState } from '@grugan/model';
import type { TrialConfig } from '@grugan/protocol';
export interface WorkerCheckpoint { state: TrainerState; sampler?: unknown }
export function encodeCheckpoint(_c: { config: TrialConfig; data: PreparedData; state: TrainerState; sampler: unknown }): Uint8Array {
  throw new Error('temporary');
}
export function decodeCheckpoint(_b: Uint8Array): WorkerCheckpoint {
  throw new Error('temporary');
}
