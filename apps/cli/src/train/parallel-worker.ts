/**
 * One data-parallel rank of `grugan train --workers W`, run as a worker thread: builds the same
 * trainer as every other rank (same seed → same initial weights), draws its slice of every
 * global batch, and trains with `runTraining`, averaging each D and G gradient over the ranks
 * with `GradientExchange.allReduceNamed` between compute and apply (PyTorch DDP's split).
 * A stop request is agreed through the gradient reduce itself, so every rank stops at the
 * same step (the join-context trick of PyTorch DDP).
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  BatchSampler, captureTrainingState, createTrainer, restoreTrainingState, runTraining, selectBackend,
  type BackendName, type NamedArrays, type TrainingRole,
} from '@grugan/model';
import { connectNatsTransport, GradientExchange, InProcessTransport, type Transport } from '@grugan/collective';
import type { FromRank, RankJob, ToRank } from './parallel-messages.js';
import { weightsChecksum } from './parallel-checksum.js';

/** Key of the stop vote among the generator gradients; never a variable name. */
const STOP_KEY = '~stop';

const job = workerData as RankJob;
const port = parentPort!;
const post = (m: FromRank) => port.postMessage(m);

let stopRequested = false;
let stopAgreed = false;
const onParentMessage = (m: ToRank) => {
  if (m.type === 'stop') stopRequested = true;
};
port.on('message', onParentMessage);

async function main(): Promise<void> {
  await selectBackend(job.backend as BackendName | undefined);
  const transport: Transport = job.natsUrl
    ? await connectNatsTransport({ servers: job.natsUrl.split(','), name: `grugan-train-${job.group}-${job.rank}` })
    : new InProcessTransport({ namespace: job.group });
  let exchange: GradientExchange | undefined;
  const trainer = createTrainer(job.config, job.data.train.features); // model.kind: grugan or timegan
  try {
    exchange = await GradientExchange.open({
      transport, group: job.group, worldSize: job.worldSize, rank: job.rank,
      wireFormat: job.wireFormat, peerTimeoutMs: job.peerTimeoutMs,
    });
    const sampler = new BatchSampler(job.data.train, {
      globalBatch: job.config.training.batchSize,
      seed: job.config.seed,
      rank: job.rank,
      worldSize: job.worldSize,
      noiseDim: trainer.noiseDim,
    });
    // Weights, Adam moments and the batch stream, identical on every rank.
    if (job.initialState) restoreTrainingState(trainer, sampler, job.initialState);
    const ex = exchange;
    const reduce = async (role: TrainingRole, grads: NamedArrays): Promise<NamedArrays> => {
      // The plain GAN votes with G's gradients; TimeGAN's phases 1 and 2 have no 'g' update, so it votes on every reduce.
      if (role !== 'g' && trainer.config.model.kind !== 'timegan') return ex.allReduceNamed(grads);
      const vote = { shape: [1], data: new Float32Array([stopRequested ? 1 : 0]) };
      const { [STOP_KEY]: agreed, ...rest } = await ex.allReduceNamed({ ...grads, [STOP_KEY]: vote });
      if (agreed.data[0] > 0) stopAgreed = true;
      return rest;
    };
    const result = await runTraining({
      trainer,
      sampler,
      steps: job.steps,
      startStep: job.initialState?.step,
      reduce,
      onStep: job.rank === 0 ? (metrics) => post({ type: 'step', rank: 0, metrics }) : undefined,
      checkpointEvery: job.checkpointEvery,
      onCheckpoint: async (state) => {
        if (job.rank === 0) post({ type: 'checkpoint', rank: 0, state });
      },
      shouldStop: () => stopAgreed,
    });
    const state = captureTrainingState(trainer, sampler);
    post({
      type: 'done',
      rank: job.rank,
      status: result.status,
      step: result.step,
      checksum: weightsChecksum(state.weights),
      state: job.rank === 0 ? state : undefined,
      lastGoodState: job.rank === 0 ? result.lastGoodState : undefined,
      reason: result.reason,
    });
    // Wait until every rank is done before leaving, so nobody mistakes our exit for a loss.
    await exchange.barrier().catch(() => undefined);
  } finally {
    trainer.dispose();
    await exchange?.close().catch(() => undefined);
    await transport.close().catch(() => undefined);
  }
}

main()
  .catch((err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'error', rank: job.rank, error: { name: e.name, code: (e as { code?: string }).code, message: e.message, stack: e.stack } });
  })
  // A listener on the parent port keeps the thread alive; drop it so the thread can exit.
  .finally(() => port.off('message', onParentMessage));
