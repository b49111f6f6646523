/**
 * Generates sequences from a trial's checkpoint, as CSV in the data's original units: the
 * checkpoint is read with `@grugan/model`'s `deserializeCheckpoint` (checksum-verified), a
 * trainer (`createTrainer`: GRU-GAN or TimeGAN) is rebuilt from the checkpoint's own config (after a PBT exploit it may differ
 * from the trial's first one) and restored, `generate` maps seeded U[0, 1) noise (the generator's
 * training distribution) to scaled windows `[n, T, F]`, and the checkpoint's scaler maps them
 * back (inverse min-max).
 *
 * `@grugan/model` (TF.js) is imported on first use, so a coordinator that never samples never
 * loads it.
 */
import type { TrialRecord } from '@grugan/protocol';
import { CheckpointUnreadableError } from './errors.js';

type ModelModule = typeof import('@grugan/model');

let model: Promise<ModelModule> | undefined;

/** Loads the model package and its compute backend once. */
function loadModel(): Promise<ModelModule> {
  model ??= import('@grugan/model').then(async (m) => {
    await m.selectBackend();
    return m;
  });
  return model;
}

/** `n` sequences as CSV with header `sequence,step,<columns...>`, one row per time step. */
export async function generateSamplesCsv(bytes: Uint8Array, trial: TrialRecord, n: number, seed: number): Promise<string> {
  const m = await loadModel();
  let ckpt;
  try {
    ckpt = m.deserializeCheckpoint(bytes, `trial ${trial.id}`);
  } catch (cause) {
    if (cause instanceof m.CheckpointError) throw new CheckpointUnreadableError(trial.id, cause.message, { cause });
    throw cause;
  }
  const features = ckpt.columns.length;
  const seqLen = ckpt.config.data.seqLen;
  const trainer = m.createTrainer(ckpt.config, features);
  // Conditional models: labels drawn uniformly over the classes (seeded), written as a column.
  const conditioning = ckpt.config.data.conditioning;
  let labels: Int32Array | undefined;
  if (conditioning) {
    const rng = new m.Rng(seed, 'sample-labels');
    labels = new Int32Array(n);
    for (let i = 0; i < n; i++) labels[i] = rng.int(conditioning.values.length);
  }
  try {
    trainer.setState(ckpt.trainer);
    const noise = trainer.sampleNoise(new m.Rng(seed, 'samples'), n, seqLen); // [n, T, z]
    const scaled = trainer.generate(noise, n, labels); // [n, T, F] in (0, 1)
    const values = m.invertScaler(ckpt.scaler, scaled); // [n, T, F], original units
    const labelHeader = conditioning ? [conditioning.column] : [];
    const lines = [['sequence', 'step', ...labelHeader, ...ckpt.columns].join(',')];
    for (let s = 0; s < n; s++) {
      const label = conditioning && labels ? [conditioning.values[labels[s]]] : [];
      for (let t = 0; t < seqLen; t++) {
        const row: string[] = [String(s), String(t), ...label];
        for (let f = 0; f < features; f++) row.push(String(values[(s * seqLen + t) * features + f]));
        lines.push(row.join(','));
      }
    }
    return `${lines.join('\n')}\n`;
  } finally {
    trainer.dispose();
  }
}
