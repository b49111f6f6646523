/**
 * Memory on the `tensorflow` backend (tfjs-node, libtensorflow). Runs only when the tests are run
 * with GRUGAN_BACKEND=tensorflow; skipped otherwise.
 *
 * Why a separate test: on this backend a tensor's data is a native TensorFlow tensor handle (held in
 * the backend's own `tensorMap` and freed through the C API), not a JS typed array. Engine counters
 * (`tf.memory().numTensors`) can stay flat while native handles or native heap still grow, and the
 * backend's own `memory()` says `unreliable: true`. So this checks three things across many steps
 * of GRU training: the engine's tensor count and bytes, the backend's live data ids (one per native
 * handle), and the process's resident memory outside the V8 heap. A sanity case first leaks on
 * purpose and checks that this measure sees it, so a flat reading later means something.
 *
 * The workload follows a GRU-GAN discriminator step: a GRU (Cho et al., 2014; ARCHITECTURE.md)
 * scanned over time with inputs projected in one matmul, a dense head, a logistic loss, Adam.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrialConfig } from '@grugan/protocol';
import { GanTrainer } from './trainer/index.js';

const onTensorflow = process.env.GRUGAN_BACKEND === 'tensorflow';

const MIB = 2 ** 20;
const BATCH = 32;
const TIME = 12;
const FEATURES = 6;
const UNITS = 24;
/** Measured steps: enough that a per-step leak of one input-sized tensor clears allocator noise. */
const STEPS = 40;
/** Measured GanTrainer steps (each a D and a G update, slower than the plain step above). */
const TRAINER_STEPS = 10;

/** Backend-level count of live data ids: on tfjs-node, one per native TensorFlow tensor handle. */
function nativeHandles(): number {
  return tf.engine().backend.numDataIds();
}

/**
 * Resident memory outside the V8 heap. Plain RSS also counts JS garbage that V8 has not collected
 * yet (it swings by tens of MiB between collections, measured), which would hide or fake a leak.
 */
function nativeRss(): number {
  const { rss, heapTotal } = process.memoryUsage();
  return rss - heapTotal;
}

/** A one-layer GRU classifier with fused [in, 3u] / [u, 3u] kernels, as the model package uses. */
function makeModel() {
  const init = (shape: number[], name: string) => tf.variable(tf.randomNormal(shape, 0, 0.1, 'float32', 7), true, name);
  const w = init([FEATURES, 3 * UNITS], 'mem/w');
  const u = init([UNITS, 3 * UNITS], 'mem/u');
  const b = tf.variable(tf.zeros([3 * UNITS]), true, 'mem/b');
  const head = init([UNITS, 1], 'mem/head');
  const vars = [w, u, b, head];

  const logits = (x: tf.Tensor3D): tf.Tensor2D => {
    const proj = tf.add(tf.matMul(tf.reshape(x, [BATCH * TIME, FEATURES]), w), b); // [batch*time, 3u]
    const steps = tf.unstack(tf.reshape(proj, [BATCH, TIME, 3 * UNITS]), 1); // time × [batch, 3u]
    const [uz, ur, uh] = tf.split(u, 3, 1); // each [u, u]
    let h = tf.zeros([BATCH, UNITS]) as tf.Tensor2D;
    for (const xt of steps) {
      const [xz, xr, xh] = tf.split(xt, 3, 1); // each [batch, u]
      const z = tf.sigmoid(tf.add(xz, tf.matMul(h, uz)));
      const r = tf.sigmoid(tf.add(xr, tf.matMul(h, ur)));
      const hTilde = tf.tanh(tf.add(xh, tf.matMul(tf.mul(r, h), uh)));
      h = tf.add(tf.mul(tf.sub(1, z), h), tf.mul(z, hTilde)) as tf.Tensor2D; // [batch, u]
    }
    return tf.matMul(h, head); // [batch, 1]
  };
  return { vars, logits };
}

describe.skipIf(!onTensorflow)('tensorflow backend memory', () => {
  beforeAll(async () => {
    // The suite's setup file normally selects the backend; loading tfjs-node here makes this file
    // self-sufficient (importing it registers and activates the `tensorflow` backend).
    // A computed specifier keeps `tsc` from requiring tfjs-node, which is installed only by
    // `npm run setup:tensorflow`.
    const tfjsNode = '@tensorflow/tfjs-node';
    await import(tfjsNode);
    await tf.setBackend('tensorflow');
    expect(tf.getBackend()).toBe('tensorflow');
  });

  it('native resident memory shows tensors that are never freed (detector sanity)', () => {
    const leaked: tf.Tensor[] = [];
    const before = nativeRss();
    for (let i = 0; i < 64; i++) {
      // 1 MiB per step, kept alive on purpose, filled so the pages are really touched.
      leaked.push(tf.fill([MIB / 4], i + 1));
      leaked[i].dataSync();
    }
    const grown = nativeRss() - before;
    const handles = nativeHandles();
    leaked.forEach((t) => t.dispose());
    expect(grown).toBeGreaterThan(32 * MIB);
    expect(nativeHandles()).toBe(handles - 64);
  });

  it('keeps tensors, native handles and native memory flat across training steps', () => {
    const { vars, logits } = makeModel();
    const optimizer = tf.train.adam(1e-3);
    const x = tf.randomUniform([BATCH, TIME, FEATURES], 0, 1, 'float32', 3) as tf.Tensor3D;
    const labels = tf.randomUniform([BATCH, 1], 0, 1, 'float32', 4).round();

    const trainStep = (): number => {
      const loss = optimizer.minimize(
        () => tf.losses.sigmoidCrossEntropy(labels, logits(x)) as tf.Scalar,
        true,
        vars,
      );
      const value = loss!.dataSync()[0];
      loss!.dispose();
      return value;
    };

    // Warm up: Adam creates its moment variables on the first step, and the allocator and the
    // kernel caches settle.
    const first = trainStep();
    for (let i = 0; i < 10; i++) trainStep();
    const tensors0 = tf.memory().numTensors;
    const bytes0 = tf.memory().numBytes;
    const handles0 = nativeHandles();
    const rss0 = nativeRss();

    let last = first;
    for (let i = 0; i < STEPS; i++) {
      last = trainStep();
      expect(tf.memory().numTensors).toBe(tensors0);
    }
    expect(tf.memory().numBytes).toBe(bytes0);
    expect(nativeHandles()).toBe(handles0);
    // Measured flat within ~10 MiB over 600 steps. One step runs 1 152 kernels whose outputs total
    // ~4 MiB (tf.profile); natively leaking a fifth of them would add ~32 MiB over the run.
    expect(nativeRss() - rss0).toBeLessThan(16 * MIB);
    // And it trained: the loss moved (a step that silently did nothing would also be "flat").
    expect(Number.isFinite(last)).toBe(true);
    expect(last).not.toBeCloseTo(first, 4);

    optimizer.dispose();
    vars.forEach((v) => v.dispose());
    x.dispose();
    labels.dispose();
  }, 60_000);

  it("keeps native memory flat across the project's GanTrainer steps (D and G)", () => {
    // The trainer re-assigns every tf.Variable from Float32Arrays after each update: on this backend
    // each assign must release the previous native tensor.
    const config = TrialConfig.parse({
      data: { dataset: 'sines', seqLen: TIME, features: FEATURES },
      model: { hiddenSize: UNITS, layers: 1 },
      training: { batchSize: BATCH },
      seed: 5,
    });
    const trainer = new GanTrainer(config, FEATURES);
    const filled = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => 0.5 + 0.5 * Math.sin(seed + i * 0.37));
    const batch = {
      size: BATCH,
      real: filled(BATCH * TIME * FEATURES, 1),
      noise: filled(BATCH * TIME * trainer.noiseDim, 2),
    };
    const step = (): number => {
      trainer.applyGradients('d', trainer.computeGradients('d', batch).grads);
      const g = trainer.computeGradients('g', batch);
      trainer.applyGradients('g', g.grads);
      return g.losses.gLoss;
    };

    const first = step();
    for (let i = 0; i < 3; i++) step();
    const tensors0 = tf.memory().numTensors;
    const handles0 = nativeHandles();
    const rss0 = nativeRss();
    let last = first;
    for (let i = 0; i < TRAINER_STEPS; i++) last = step();
    expect(tf.memory().numTensors).toBe(tensors0);
    expect(nativeHandles()).toBe(handles0);
    expect(nativeRss() - rss0).toBeLessThan(16 * MIB);
    expect(trainer.step).toBe(4 + TRAINER_STEPS);
    expect(last).not.toBeCloseTo(first, 4);
    trainer.dispose();
  }, 60_000);
});
