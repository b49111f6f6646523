/**
 * Messages between `trainParallel` (the parent thread) and its rank threads
 * (`parallel-worker.ts`), structured-cloned over the threads' message ports.
 */
import type { PreparedData, StepMetrics, TrainerState } from '@grugan/model';
import type { TrialConfig, WireFormat } from '@grugan/protocol';

/** What every rank thread starts with (its `workerData`). */
export interface RankJob {
  config: TrialConfig;
  data: PreparedData;
  rank: number;
  worldSize: number;
  /** Generator steps to reach (absolute, like `TrainerState.step`). */
  steps: number;
  /** Group id shared by the ranks of this run. */
  group: string;
  /** NATS URL; absent → the in-process transport (namespace = group). */
  natsUrl?: string;
  backend?: string;
  wireFormat: WireFormat;
  peerTimeoutMs: number;
  /** Rank 0 posts its state every this many steps (0 = never). */
  checkpointEvery: number;
  /** Resume from here (identical on every rank). */
  initialState?: TrainerState;
}

/** Parent → rank thread. */
export type ToRank = { type: 'stop' };

/** Rank thread → parent. */
export type FromRank =
  | { type: 'step'; rank: number; metrics: StepMetrics }
  | { type: 'checkpoint'; rank: number; state: TrainerState }
  | {
      type: 'done';
      rank: number;
      status: 'succeeded' | 'diverged' | 'stopped';
      step: number;
      /** FNV-1a over the final weights' bits: every rank must hold the same parameters. */
      checksum: string;
      /** Rank 0 only. */
      state?: TrainerState;
      lastGoodState?: TrainerState;
      /** When diverged: what was not finite. */
      reason?: string;
    }
  | { type: 'error'; rank: number; error: { name: string; code?: string; message: string; stack?: string } };
