/**
 * Times TimeGAN's post-hoc scores on `sines` (10 000 windows, 24 steps, 5 features; synthetic =
 * an independently seeded sines set): seconds per training iteration of the discriminative
 * classifier and of the predictor, and the full-protocol time (2000 / 5000 iterations, one
 * repetition) measured or extrapolated from `--iterations` of each.
 *
 * Usage: node --import tsx packages/model/bench/quality-speed.ts [--backend wasm] [--iterations 200]
 *        (--iterations full runs the whole protocol once)
 */
import { parseArgs } from 'node:util';
import { discriminativeScore, generateSines, predictiveScore, selectBackend } from '../src/index.js';

const { values } = parseArgs({ options: { backend: { type: 'string', default: 'wasm' }, iterations: { type: 'string', default: '200' } } });
const backend = await selectBackend(values.backend);
const real = generateSines({ numSequences: 10000, seqLen: 24, features: 5, seed: 1 });
const synthetic = generateSines({ numSequences: 10000, seqLen: 24, features: 5, seed: 2 });
const full = { discriminative: 2000, predictive: 5000 };

function time<T>(fn: () => T): { result: T; seconds: number } {
  const started = performance.now();
  const result = fn();
  return { result, seconds: (performance.now() - started) / 1000 };
}

console.log(`backend ${backend}; sines 10000 x 24 x 5, real vs independently seeded sines`);
console.log('score            iterations   seconds   ms/iter   full protocol (s)   value');
for (const kind of ['discriminative', 'predictive'] as const) {
  const iterations = values.iterations === 'full' ? full[kind] : Number(values.iterations);
  // Fixed costs (splits, test pass) are in `seconds` too; a 10-iteration run measures them.
  const base = time(() => (kind === 'discriminative' ? discriminativeScore(real, synthetic, { iterations: 10 }) : predictiveScore(synthetic, real, { iterations: 10 })));
  const run = time(() => (kind === 'discriminative' ? discriminativeScore(real, synthetic, { iterations }).score : predictiveScore(synthetic, real, { iterations }).mae));
  const perIter = (run.seconds - base.seconds) / (iterations - 10);
  const projected = iterations === full[kind] ? run.seconds : base.seconds + perIter * (full[kind] - 10);
  console.log(
    `${kind.padEnd(15)}${String(iterations).padStart(11)}${run.seconds.toFixed(2).padStart(10)}${(perIter * 1000).toFixed(2).padStart(10)}` +
      `${projected.toFixed(1).padStart(20)}${iterations === full[kind] ? '' : ' (extrapolated)'}   ${run.result.toFixed(4)}`,
  );
}
