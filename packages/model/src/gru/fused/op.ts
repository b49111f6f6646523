/**
 * The fused GRU layer as ONE TF.js op with its own gradient, registered the way tfjs registers
 * its kernels (`registerKernel` + `registerGradient`, cf. tfjs-core `kernel_registry.ts` and
 * `gradients/*_grad.ts`) for the two backends whose data lives in JavaScript-reachable memory:
 * `cpu` and `wasm`. The `tensorflow` backend keeps the composite layer (its kernels are native).
 *
 * Why a registered kernel and not `tf.customGrad`: a registered gradient returns one function
 * per input and the engine calls only those on the path to the loss, so the discriminator's
 * weight gradients in a generator step (D frozen) and the data's gradient in a discriminator
 * step are never computed. customGrad must return every gradient at once.
 *
 * What the backward pass reads — the forward's inputs, its output sequence and the gate values
 * (`saved`, [B·T, 3u or 4u]) — is kept as plain Float32Arrays in a small state object passed
 * through the op's attrs, not saved through the engine as tensors: the gate values would have to
 * be a third output, copied into the wasm heap and back, with a zero "gradient" of their size
 * allocated in every backward pass. (The cpu backend hands out its own arrays and never reuses
 * them; the wasm backend hands out copies.) The state is garbage-collected with the tape node;
 * when no tape is recording (a forward-only pass) nothing is kept.
 */
import * as tf from '@tensorflow/tfjs';
import type { GruLayerParams, GruVariant } from '../cell.js';
import { savedWidth, type GruBackwardArgs, type GruGradients, type GruKernel, type GruShape } from './types.js';

/** The kernel name, unique to this package. */
export const GRU_SEQUENCE_KERNEL = 'GruganGruSequence';

/** Backends the fused op is registered for. */
export const FUSED_GRU_BACKENDS = ['cpu', 'wasm'] as const;

/** Per-call state shared by the forward kernel and its gradient (see the file comment). */
interface TapeState {
  /** The implementation that ran the forward pass; the backward pass uses the same. */
  kernel: GruKernel;
  /** Keep what the backward pass reads (a tape is recording). */
  keep: boolean;
  /** The forward's inputs and outputs, as float32 arrays nobody writes to again. */
  kept?: { shape: GruShape; args: Omit<GruBackwardArgs, 'dSequence' | 'dFinal'> };
}

interface FusedAttrs {
  variant: GruVariant;
  reverse: boolean;
  state: TapeState;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap };

/** Backend-specific way to wrap a Float32Array as a kernel output. */
type OutputMaker = (backend: tf.KernelBackend, shape: number[], values: Float32Array) => tf.TensorInfo;

const outputMakers: Record<(typeof FUSED_GRU_BACKENDS)[number], OutputMaker> = {
  // The cpu backend keeps the array itself (no copy).
  cpu: (backend, shape, values) =>
    (backend as unknown as { makeTensorInfo(s: number[], d: 'float32', v: Float32Array): tf.TensorInfo }).makeTensorInfo(shape, 'float32', values),
  // The wasm backend copies it into its heap.
  wasm: (backend, shape, values) =>
    (backend as unknown as { makeOutput(s: number[], d: 'float32', o: undefined, v: Float32Array): tf.TensorInfo }).makeOutput(shape, 'float32', undefined, values),
};

/** A tensor's values as float32. The cpu backend returns its own array (read only!), wasm a copy. */
function read(backend: tf.KernelBackend, t: tf.TensorInfo): Float32Array {
  return backend.readSync(t.dataId) as Float32Array;
}

function shapeOf(x: tf.TensorInfo, recurrentKernel: tf.TensorInfo, attrs: FusedAttrs): GruShape {
  const [batch, steps, inputSize] = x.shape;
  return { batch, steps, inputSize, units: recurrentKernel.shape[0], variant: attrs.variant, reverse: attrs.reverse };
}

function forwardKernel(makeOutput: OutputMaker) {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] => {
    const a = attrs as unknown as FusedAttrs;
    const { x, h0, kernel, recurrentKernel, bias, recurrentBias } = inputs as Record<string, tf.TensorInfo>;
    const shape = shapeOf(x, recurrentKernel, a);
    const { batch: B, steps: T, units: u } = shape;
    const out = {
      sequence: new Float32Array(B * T * u),
      final: new Float32Array(B * u),
      saved: a.state.keep ? new Float32Array(B * T * savedWidth(shape)) : undefined,
    };
    const args = {
      x: read(backend, x),
      h0: h0 ? read(backend, h0) : undefined,
      kernel: read(backend, kernel),
      recurrentKernel: read(backend, recurrentKernel),
      bias: read(backend, bias),
      recurrentBias: recurrentBias ? read(backend, recurrentBias) : undefined,
    };
    a.state.kernel.forward(shape, args, out);
    if (out.saved) a.state.kept = { shape, args: { ...args, sequence: out.sequence, saved: out.saved } };
    return [makeOutput(backend, [B, T, u], out.sequence), makeOutput(backend, [B, u], out.final)];
  };
}

const gradient: tf.GradConfig = {
  kernelName: GRU_SEQUENCE_KERNEL,
  // Nothing saved through the engine: the forward kernel kept its float32 inputs and outputs.
  gradFunc: (dy: tf.Tensor | tf.Tensor[], _saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const a = attrs as unknown as FusedAttrs;
    const [dSequence, dFinal] = dy as tf.Tensor[];
    const kept = a.state.kept;
    if (kept === undefined) throw new Error('fused GRU: the forward pass kept nothing (no tape was recording)');
    const { batch: B, steps: T, inputSize: I, units: u } = kept.shape;
    let grads: GruGradients | undefined;
    const get = () =>
      (grads ??= a.state.kernel.backward(kept.shape, {
        ...kept.args,
        dSequence: dSequence.dataSync() as Float32Array,
        dFinal: dFinal.dataSync() as Float32Array,
      }));
    const tensor = (shape: number[], fill: (g: GruGradients, out: Float32Array) => void) => {
      const out = new Float32Array(shape.reduce((p, d) => p * d, 1));
      fill(get(), out);
      return tf.tensor(out, shape);
    };
    return {
      x: () => tensor([B, T, I], (g, o) => g.dx(o)),
      h0: () => tensor([B, u], (g, o) => g.dh0(o)),
      kernel: () => tensor([I, 3 * u], (g, o) => g.dKernel(o)),
      recurrentKernel: () => tensor([u, 3 * u], (g, o) => g.dRecurrentKernel(o)),
      bias: () => tensor([3 * u], (g, o) => g.dBias(o)),
      recurrentBias: () => tensor([3 * u], (g, o) => g.dRecurrentBias(o)),
    };
  },
};

let registered = false;

/** Registers the op for `cpu` and `wasm` and its gradient; idempotent. */
export function registerFusedGru(): void {
  if (registered) return;
  for (const backendName of FUSED_GRU_BACKENDS) {
    tf.registerKernel({ kernelName: GRU_SEQUENCE_KERNEL, backendName, kernelFunc: forwardKernel(outputMakers[backendName]) as unknown as tf.KernelFunc });
  }
  tf.registerGradient(gradient);
  registered = true;
}

/** Options of one fused call (already validated by the caller). */
export interface FusedGruCall {
  variant: GruVariant;
  reverse: boolean;
  initialState?: tf.Tensor2D;
  kernel: GruKernel;
}

/** One GRU layer over `x` [B, T, in] as a single op; the caller has checked the shapes. */
export function fusedGruSequence(x: tf.Tensor3D, params: GruLayerParams, call: FusedGruCall): { sequence: tf.Tensor3D; final: tf.Tensor2D } {
  registerFusedGru();
  const inputs: tf.NamedTensorMap = { x };
  if (call.initialState) inputs.h0 = call.initialState;
  inputs.kernel = params.kernel;
  inputs.recurrentKernel = params.recurrentKernel;
  inputs.bias = params.bias;
  if (call.variant === 'reset-after') inputs.recurrentBias = params.recurrentBias!;
  const attrs: FusedAttrs = {
    variant: call.variant,
    reverse: call.reverse,
    state: { kernel: call.kernel, keep: tf.engine().isTapeOn() },
  };
  const [sequence, final] = tf.engine().runKernel(GRU_SEQUENCE_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { sequence: sequence as tf.Tensor3D, final: final as tf.Tensor2D };
}
