/**
 * Generates sequences from a trial's checkpoint, as CSV in the data's original units: the
 * checkpoint is deserialised with `@grugan/model`, a `GanTrainer` is rebuilt from the trial's
 * config and restored, `generate` maps seeded noise to scaled windows `[n, T, F]`, and the
 * checkpoint's scaler maps them back (inverse min-max).
 *
 * `@grugan/model` is loaded lazily and its checkpoint API checked at run time, so the API stays up
 * (with a 501 on this route) in a build whose model package lacks it.
 */
import type { TrialRecord } from '@grugan/protocol';
import { NotImplementedError } from './errors.js';

/** The parts of `@grugan/model` this module uses (see the model package's seams). */
interface ModelApi {
  deserializeCheckpoint(bytes: Uint8Array): unknown;
  GanTrainer: new (config: TrialRecord['config'], features: number) => {
    setState(state: unknown): void;
    generate(noise: Float32Array, n: number): Float32Array;
    dispose(): void;
  };
  invertScaler(scaler: unknown, scaled: ArrayLike<number>): ArrayLike<number>;
  selectBackend?(requested?: string): Promise<string>;
}

/** What a checkpoint must hold for sampling; field names per the checkpoint format. */
interface SampleableCheckpoint {
  state: unknown;
  scaler: { kind: string; min: number[]; max: number[] };
  columns?: string[];
  features?: number;
}

let backendReady: Promise<unknown> | undefined;

async function loadModel(): Promise<ModelApi> {
  const mod = (await import('@grugan/model')) as Partial<ModelApi>;
  if (typeof mod.deserializeCheckpoint !== 'function' || typeof mod.GanTrainer !== 'function' || typeof mod.invertScaler !== 'function') {
    throw new NotImplementedError('sample generation needs deserializeCheckpoint, GanTrainer and invertScaler from @grugan/model');
  }
  backendReady ??= mod.selectBackend?.() ?? Promise.resolve();
  await backendReady;
  return mod as ModelApi;
}

/** mulberry32: a small seeded PRNG for the noise (uniform [0, 1), as TimeGAN's generator input). */
function uniformNoise(length: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return out;
}

/** `n` sequences as CSV with header `sequence,step,<columns...>`, one row per time step. */
export async function generateSamplesCsv(bytes: Uint8Array, trial: TrialRecord, n: number, seed: number): Promise<string> {
  const model = await loadModel();
  const ckpt = model.deserializeCheckpoint(bytes) as SampleableCheckpoint;
  const features = ckpt.features ?? ckpt.scaler.min.length;
  const seqLen = trial.config.data.seqLen;
  const noiseDim = trial.config.model.noiseDim || features;
  const trainer = new model.GanTrainer(trial.config, features);
  try {
    trainer.setState(ckpt.state);
    const scaled = trainer.generate(uniformNoise(n * seqLen * noiseDim, seed), n); // [n*T*F]
    const values = model.invertScaler(ckpt.scaler, scaled); // [n*T*F], original units
    const columns = ckpt.columns ?? Array.from({ length: features }, (_, f) => `f${f}`);
    const lines = [['sequence', 'step', ...columns].join(',')];
    for (let s = 0; s < n; s++) {
      for (let t = 0; t < seqLen; t++) {
        const row: string[] = [String(s), String(t)];
        for (let f = 0; f < features; f++) row.push(String(values[(s * seqLen + t) * features + f]));
        lines.push(row.join(','));
      }
    }
    return `${lines.join('\n')}\n`;
  } finally {
    trainer.dispose();
  }
}
