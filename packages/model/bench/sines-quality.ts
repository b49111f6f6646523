/**
 * Trains the default GRU-GAN (TrialConfig defaults) on TimeGAN's `sines` and compares generated
 * samples with the real data: per-feature mean, standard deviation and lag-1 autocorrelation,
 * plus steps/s of the run. A sanity check of the defaults, not a unit test (it takes minutes).
 *
 * Usage: node --import tsx packages/model/bench/sines-quality.ts [--steps 2000] [--backend wasm]
 */
import { parseArgs } from 'node:util';
import { TrialConfig } from '@grugan/protocol';
import { BatchSampler, GanTrainer, Rng, generateSines, runTraining, selectBackend, type WindowedData } from '../src/index.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '2000' }, backend: { type: 'string', default: 'wasm' }, every: { type: 'string', default: '100' } } });
const backend = await selectBackend(values.backend);
const config = TrialConfig.parse({ training: { steps: Number(values.steps) } });
const data = generateSines({ numSequences: config.data.numSequences, seqLen: config.data.seqLen, features: config.data.features, seed: config.seed });

/** Per-feature mean, std and lag-1 autocorrelation (within each window, pooled). */
function stats(w: Float32Array, count: number, T: number, F: number) {
  const out = [];
  for (let f = 0; f < F; f++) {
    let s = 0, s2 = 0, n = 0;
    for (let i = 0; i < count * T; i++) { const v = w[i * F + f]; s += v; s2 += v * v; n++; }
    const mean = s / n, variance = s2 / n - mean * mean;
    let c = 0, m = 0;
    for (let k = 0; k < count; k++) for (let t = 0; t + 1 < T; t++) { c += (w[(k * T + t) * F + f] - mean) * (w[(k * T + t + 1) * F + f] - mean); m++; }
    out.push({ mean, std: Math.sqrt(variance), lag1: c / m / variance });
  }
  return out;
}

const real = stats(data.windows, data.count, data.seqLen, data.features);

/** Prints real vs generated statistics for `n` generated sequences. */
function report(n: number) {
  const fake = trainer.generate(trainer.sampleNoise(new Rng(123, 'eval'), n, data.seqLen), n);
  const gen = stats(fake, n, data.seqLen, data.features);
  console.log('feature  mean(real/gen)   std(real/gen)   lag1(real/gen)');
  real.forEach((r, f) => console.log(`${f}        ${r.mean.toFixed(3)}/${gen[f].mean.toFixed(3)}    ${r.std.toFixed(3)}/${gen[f].std.toFixed(3)}    ${r.lag1.toFixed(3)}/${gen[f].lag1.toFixed(3)}`));
}

const trainer = new GanTrainer(config, data.features);
const sampler = new BatchSampler(data as WindowedData, { globalBatch: config.training.batchSize, seed: config.seed, noiseDim: trainer.noiseDim });
const started = performance.now();
const result = await runTraining({
  trainer,
  sampler,
  steps: config.training.steps,
  onStep: (m) => {
    if (m.step % Number(values.every) === 0) {
      const s = (performance.now() - started) / 1000;
      console.log(`step ${m.step} d ${m.dLoss.toFixed(4)} g ${m.gLoss.toFixed(4)} ${(m.step / s).toFixed(2)} steps/s`);
      report(200);
    }
  },
});
const seconds = (performance.now() - started) / 1000;
console.log(`backend ${backend} status ${result.status} steps ${result.step} wall ${seconds.toFixed(1)} s, ${(result.step / seconds).toFixed(2)} steps/s`);
report(1000);
trainer.dispose();
