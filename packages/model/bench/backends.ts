/**
 * Times one GRU-GAN training iteration on each TF.js backend (cpu, wasm, tensorflow) and prints a
 * table. The iteration follows the PyTorch peer `../shared/peers/torch_grugan/bench.py`: one
 * discriminator Adam step on real vs detached fake, then one generator Adam step (non-saturating
 * BCE) with the discriminator frozen. G: stacked GRU(Z→H) → Linear(H→F) per step → sigmoid;
 * D: stacked GRU(F→H) → Linear(H→1) per step, BCE over all B·T logits; Adam(1e-3, 0.5, 0.999).
 *
 * The GRU here is the plain composite one (Cho et al., 2014; inputs of all steps projected in one
 * matmul, only h·U sequential), written inline so every backend runs identical ops; it measures the
 * backends, not the model package's fused kernels.
 *
 * Usage: node --import tsx packages/model/bench/backends.ts [--config S|M] [--backends cpu,wasm,tensorflow]
 *        [--seconds 3]. Each backend runs in its own child process (backends register globally).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend.js';

/** Peer configurations (noise dim = features). */
const CONFIGS = {
  S: { seqLen: 24, features: 6, hidden: 24, layers: 3, batch: 128 },
  M: { seqLen: 64, features: 16, hidden: 128, layers: 2, batch: 64 },
} as const;
type ConfigName = keyof typeof CONFIGS;
type BenchConfig = (typeof CONFIGS)[ConfigName];

interface BackendResult {
  backend: string;
  msPerIter: number;
  itersPerSec: number;
  iterations: number;
  tensorsFlat: boolean;
  error?: string;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** One stacked GRU with fused [in, 3h] / [h, 3h] kernels per layer, and a per-step linear head. */
class StackedGru {
  readonly vars: tf.Variable[] = [];
  private readonly layers: { w: tf.Variable; u: tf.Variable; b: tf.Variable }[] = [];
  private readonly headW: tf.Variable;
  private readonly headB: tf.Variable;

  constructor(
    name: string,
    inDim: number,
    private readonly hidden: number,
    layers: number,
    private readonly outDim: number,
    seed: number,
  ) {
    const glorot = (shape: [number, number], n: string) =>
      tf.variable(tf.randomUniform(shape, -Math.sqrt(6 / (shape[0] + shape[1])), Math.sqrt(6 / (shape[0] + shape[1])), 'float32', seed++), true, n);
    for (let l = 0; l < layers; l++) {
      const w = glorot([l === 0 ? inDim : hidden, 3 * hidden], `${name}/gru${l}/w`);
      const u = glorot([hidden, 3 * hidden], `${name}/gru${l}/u`);
      const b = tf.variable(tf.zeros([3 * hidden]), true, `${name}/gru${l}/b`);
      this.layers.push({ w, u, b });
      this.vars.push(w, u, b);
    }
    this.headW = glorot([hidden, outDim], `${name}/head/w`);
    this.headB = tf.variable(tf.zeros([outDim]), true, `${name}/head/b`);
    this.vars.push(this.headW, this.headB);
  }

  /** x: [batch, time, in] → per-step head output [batch, time, out]. */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    const [batch, time] = x.shape;
    const h = this.hidden;
    let seq: tf.Tensor2D = tf.reshape(x, [batch * time, x.shape[2]]); // [batch*time, in]
    for (const { w, u, b } of this.layers) {
      const proj = tf.reshape(tf.add(tf.matMul(seq, w), b), [batch, time, 3 * h]); // [batch, time, 3h]
      const [uz, ur, uh] = tf.split(u, 3, 1); // each [h, h]
      let state = tf.zeros([batch, h]) as tf.Tensor2D;
      const outputs: tf.Tensor2D[] = [];
      for (const xt of tf.unstack(proj, 1) as tf.Tensor2D[]) {
        const [xz, xr, xh] = tf.split(xt, 3, 1); // each [batch, h]
        const z = tf.sigmoid(tf.add(xz, tf.matMul(state, uz)));
        const r = tf.sigmoid(tf.add(xr, tf.matMul(state, ur)));
        const cand = tf.tanh(tf.add(xh, tf.matMul(tf.mul(r, state), uh)));
        state = tf.add(state, tf.mul(z, tf.sub(cand, state))) as tf.Tensor2D; // (1-z)h + z h̃
        outputs.push(state);
      }
      seq = tf.reshape(tf.stack(outputs, 1), [batch * time, h]); // [batch*time, h]
    }
    const out = tf.add(tf.matMul(seq, this.headW), this.headB); // [batch*time, out]
    return tf.reshape(out, [batch, time, this.outDim]); // [batch, time, out]
  }
}

/** TimeGAN "sines": each feature sin(f·t + p), f, p ~ U(0, 0.1), scaled to [0, 1]. */
function sinesBatch(c: BenchConfig, seed: number): tf.Tensor3D {
  return tf.tidy(() => {
    const t = tf.reshape(tf.range(0, c.seqLen), [1, c.seqLen, 1]); // [1, time, 1]
    const f = tf.randomUniform([c.batch, 1, c.features], 0, 0.1, 'float32', seed); // [batch, 1, F]
    const p = tf.randomUniform([c.batch, 1, c.features], 0, 0.1, 'float32', seed + 1);
    return tf.div(tf.add(tf.sin(tf.add(tf.mul(f, t), p)), 1), 2) as tf.Tensor3D; // [batch, time, F]
  });
}

/** Child mode: time iterations on one backend, print one JSON line. */
async function runOne(backend: string, c: BenchConfig, seconds: number): Promise<BackendResult> {
  const active = await selectBackend(backend);
  if (active !== backend) throw new Error(`asked for ${backend}, got ${active}`);
  const gen = new StackedGru('g', c.features, c.hidden, c.layers, c.features, 1);
  const disc = new StackedGru('d', c.features, c.hidden, c.layers, 1, 100);
  const optG = tf.train.adam(1e-3, 0.5, 0.999);
  const optD = tf.train.adam(1e-3, 0.5, 0.999);
  const bce = (logits: tf.Tensor, label: number) => tf.losses.sigmoidCrossEntropy(tf.fill(logits.shape, label), logits);
  let seed = 1000;

  const iteration = (): void => {
    const real = sinesBatch(c, seed++);
    const noise = tf.randomUniform([c.batch, c.seqLen, c.features], 0, 1, 'float32', seed++) as tf.Tensor3D;
    const fake = tf.tidy(() => tf.sigmoid(gen.apply(noise)) as tf.Tensor3D); // detached: no G grads in the D step
    const lossD = optD.minimize(() => tf.add(bce(disc.apply(real), 1), bce(disc.apply(fake), 0)) as tf.Scalar, true, disc.vars)!;
    const lossG = optG.minimize(() => bce(disc.apply(tf.sigmoid(gen.apply(noise)) as tf.Tensor3D), 1) as tf.Scalar, true, gen.vars)!;
    // Reading both losses syncs, like `.item()` in the peer.
    lossD.dataSync();
    lossG.dataSync();
    tf.dispose([real, noise, fake, lossD, lossG]);
  };

  for (let i = 0; i < 3; i++) iteration(); // warm-up: kernel caches, Adam slots
  const tensors = tf.memory().numTensors;
  let iterations = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || iterations < 3) {
    iteration();
    iterations++;
  }
  const ms = (performance.now() - start) / iterations;
  return { backend, msPerIter: ms, itersPerSec: 1000 / ms, iterations, tensorsFlat: tf.memory().numTensors === tensors };
}

async function main(): Promise<void> {
  const configName = arg('config', 'S') as ConfigName;
  const config = CONFIGS[configName];
  if (!config) throw new Error(`unknown --config ${configName}; choose from ${Object.keys(CONFIGS).join(', ')}`);
  const seconds = Number(arg('seconds', '3'));
  const child = arg('child', '');
  if (child) {
    console.log(JSON.stringify(await runOne(child, config, seconds)));
    return;
  }
  const backends = arg('backends', 'cpu,wasm,tensorflow').split(',');
  const self = fileURLToPath(import.meta.url);
  const results: BackendResult[] = backends.map((backend) => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', backend, '--config', configName, '--seconds', String(seconds)], {
      encoding: 'utf8',
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2' },
    });
    const line = run.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    if (run.status === 0 && line) return JSON.parse(line) as BackendResult;
    const why = (run.stderr || run.stdout).trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit ${run.status}`;
    return { backend, msPerIter: NaN, itersPerSec: NaN, iterations: 0, tensorsFlat: false, error: why };
  });

  const c = config;
  console.log(`GRU-GAN iteration (D step + G step), config ${configName}: seq ${c.seqLen}, features ${c.features}, hidden ${c.hidden}, layers ${c.layers}, batch ${c.batch}`);
  console.log('backend       ms/iter    it/s   samples/s   iters   tensors flat');
  for (const r of results) {
    if (r.error) {
      console.log(`${r.backend.padEnd(12)}  unavailable: ${r.error}`);
      continue;
    }
    console.log(
      `${r.backend.padEnd(12)}${r.msPerIter.toFixed(1).padStart(9)}${r.itersPerSec.toFixed(2).padStart(8)}` +
        `${(r.itersPerSec * c.batch).toFixed(0).padStart(12)}${String(r.iterations).padStart(8)}   ${r.tensorsFlat ? 'yes' : 'NO'}`,
    );
  }
}

await main();
