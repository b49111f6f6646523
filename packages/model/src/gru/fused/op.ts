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
 * allocated in every backward pass. The state is garbage-collected with the tape node; when no
 * tape is recording (a forward-only pass) nothing is kept.
 *
 * Arrays per backend: the cpu backend hands out its own arrays and adopts those it is given, so
 * nothing is copied. The wasm backend copies: what a call copies off its heap, its outputs before
 * they are copied on, its gate values and its backward pass's buffers come from a pool
 * (float32-pool.ts) and go back to it when the call ends, or after its backward pass (see
 * `endAfterItsClosures`); a forward-only call reads its inputs and writes its outputs on the heap
 * in place.
 */
import * as tf from '@tensorflow/tfjs';
import type { GruLayerParams, GruVariant } from '../cell.js';
import { wasmHeap } from '../../ops/wasm-heap.js';
import { FRESH_ARRAYS, Float32Pool, type Float32Allocator } from './float32-pool.js';
import { savedWidth, type GruBackwardArgs, type GruGradients, type GruKernel, type GruShape } from './types.js';

/** The kernel name, unique to this package. */
export const GRU_SEQUENCE_KERNEL = 'GruganGruSequence';

/** Backends the fused op is registered for. */
export const FUSED_GRU_BACKENDS = ['cpu', 'wasm'] as const;
type FusedBackend = (typeof FUSED_GRU_BACKENDS)[number];

/** Scratch arrays of one op call and its backward pass, returned together. */
interface CallScratch extends Float32Allocator {
  end(): void;
}

/** Per-call state shared by the forward kernel and its gradient (see the file comment). */
interface TapeState {
  /** The implementation that ran the forward pass; the backward pass uses the same. */
  kernel: GruKernel;
  /** Keep what the backward pass reads (a tape is recording). */
  keep: boolean;
  /** The forward's inputs and outputs, as float32 arrays nobody writes to again. */
  kept?: { shape: GruShape; args: Omit<GruBackwardArgs, 'dSequence' | 'dFinal'>; io: BackendIo; scratch: CallScratch };
}

interface FusedAttrs {
  variant: GruVariant;
  reverse: boolean;
  state: TapeState;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap };

/** How the op reads inputs, makes outputs and gets scratch arrays on one backend. */
interface BackendIo {
  /** Scratch for one call. */
  scratch(): CallScratch;
  /** `t`'s values as an array that stays valid until the call's scratch ends (read only). */
  read(backend: tf.KernelBackend, t: tf.TensorInfo, scratch: Float32Allocator): Float32Array;
  /** Wraps `values` as a kernel output. */
  makeOutput(backend: tf.KernelBackend, shape: number[], values: Float32Array): tf.TensorInfo;
  /** Where tensors live in memory the kernel can write to directly: new outputs and views of tensors. */
  heap?: { output(backend: tf.KernelBackend, shape: number[]): tf.TensorInfo; view(backend: tf.KernelBackend, t: tf.TensorInfo): Float32Array };
}

/** The arrays of the wasm backend's calls (it copies what it is handed, so they can be reused). */
const wasmPool = new Float32Pool();

const NO_SCRATCH: CallScratch = { take: FRESH_ARRAYS.take, end() {} };

const backendIo: Record<FusedBackend, BackendIo> = {
  // The cpu backend hands out its own arrays and keeps the ones it is given (no copies): nothing to reuse.
  cpu: {
    scratch: () => NO_SCRATCH,
    read: (backend, t) => backend.readSync(t.dataId) as Float32Array,
    makeOutput: (backend, shape, values) =>
      (backend as unknown as { makeTensorInfo(s: number[], d: 'float32', v: Float32Array): tf.TensorInfo }).makeTensorInfo(shape, 'float32', values),
  },
  // The wasm backend keeps tensors on its heap and copies in and out: copies go through pooled arrays.
  wasm: {
    scratch: () => wasmPool.lease(),
    read: (backend, t, scratch) => {
      const view = wasmHeap(backend).typedArrayFromHeap(t);
      const copy = scratch.take(view.length);
      copy.set(view);
      return copy;
    },
    makeOutput: (backend, shape, values) => wasmHeap(backend).makeOutput(shape, 'float32', undefined, values),
    heap: {
      output: (backend, shape) => wasmHeap(backend).makeOutput(shape, 'float32'),
      view: (backend, t) => wasmHeap(backend).typedArrayFromHeap(t),
    },
  },
};

/** Idle bytes in the wasm backend's array pool (for tests). */
export function fusedScratchIdleBytes(): number {
  return wasmPool.idleBytes;
}

/** Arrays the wasm backend's pool has had to create so far (for tests). */
export function fusedScratchAllocations(): number {
  return wasmPool.allocations;
}

/** Puts arrays into the wasm backend's pool, as if earlier calls had returned them (tests fill them with garbage). */
export function seedFusedScratch(arrays: Float32Array[]): void {
  wasmPool.give(arrays);
}

/** Empties the wasm backend's array pool. */
export function clearFusedScratch(): void {
  wasmPool.clear();
}

/**
 * The scratch of the latest backward pass, which its gradient closures may still read. TF.js runs
 * a backward pass node by node, and calls every gradient closure of a node right after that
 * node's gradient function returns (tfjs-core `backpropagateGradients`); which closures, only it
 * knows. So a call's arrays go back when the next backward pass of this op starts, or when the
 * running job ends (a microtask), whichever comes first: a synchronous training loop, which never
 * lets a microtask run, holds one call's arrays, not every call's.
 */
let pendingBackward: CallScratch | undefined;
let flushQueued = false;

function endAfterItsClosures(scratch: CallScratch): void {
  pendingBackward?.end();
  pendingBackward = scratch;
  if (flushQueued) return;
  flushQueued = true;
  queueMicrotask(() => {
    flushQueued = false;
    pendingBackward?.end();
    pendingBackward = undefined;
  });
}

function shapeOf(x: tf.TensorInfo, recurrentKernel: tf.TensorInfo, attrs: FusedAttrs): GruShape {
  const [batch, steps, inputSize] = x.shape;
  return { batch, steps, inputSize, units: recurrentKernel.shape[0], variant: attrs.variant, reverse: attrs.reverse };
}

function forwardKernel(io: BackendIo) {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] => {
    const a = attrs as unknown as FusedAttrs;
    const { x, h0, kernel, recurrentKernel, bias, recurrentBias } = inputs as Record<string, tf.TensorInfo>;
    const shape = shapeOf(x, recurrentKernel, a);
    const { batch: B, steps: T, units: u } = shape;
    const scratch = io.scratch();
    if (!a.state.keep && io.heap) {
      // Nothing to keep for a backward pass: read the inputs and write the outputs in place.
      const heap = io.heap;
      const sequence = heap.output(backend, [B, T, u]);
      const final = heap.output(backend, [B, u]);
      // Views only now: allocating the outputs may have grown the heap, which detaches earlier views.
      const view = (t: tf.TensorInfo) => heap.view(backend, t);
      a.state.kernel.forward(
        shape,
        { x: view(x), h0: h0 && view(h0), kernel: view(kernel), recurrentKernel: view(recurrentKernel), bias: view(bias), recurrentBias: recurrentBias && view(recurrentBias) },
        { sequence: view(sequence), final: view(final), saved: scratch.take(B * T * savedWidth(shape)) },
      );
      scratch.end();
      return [sequence, final];
    }
    const out = { sequence: scratch.take(B * T * u), final: scratch.take(B * u), saved: scratch.take(B * T * savedWidth(shape)) };
    const read = (t: tf.TensorInfo) => io.read(backend, t, scratch);
    const args = {
      x: read(x),
      h0: h0 ? read(h0) : undefined,
      kernel: read(kernel),
      recurrentKernel: read(recurrentKernel),
      bias: read(bias),
      recurrentBias: recurrentBias ? read(recurrentBias) : undefined,
    };
    a.state.kernel.forward(shape, args, out);
    const outputs = [io.makeOutput(backend, [B, T, u], out.sequence), io.makeOutput(backend, [B, u], out.final)];
    if (a.state.keep) a.state.kept = { shape, args: { ...args, sequence: out.sequence, saved: out.saved }, io, scratch };
    else scratch.end();
    return outputs;
  };
}

const gradient: tf.GradConfig = {
  kernelName: GRU_SEQUENCE_KERNEL,
  // Nothing saved through the engine: the forward kernel kept its float32 inputs and outputs.
  gradFunc: (dy: tf.Tensor | tf.Tensor[], _saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const a = attrs as unknown as FusedAttrs;
    const [dSequence, dFinal] = dy as tf.Tensor[];
    const kept = a.state.kept;
    if (kept === undefined) throw new Error('fused GRU: nothing kept for the backward pass (no tape was recording, or it already ran)');
    // The kept arrays go back to the pool after this backward pass: it must not run again.
    a.state.kept = undefined;
    const { shape, io, scratch } = kept;
    const { batch: B, steps: T, inputSize: I, units: u } = shape;
    const backend = tf.backend();
    let grads: GruGradients | undefined;
    const get = () =>
      (grads ??= a.state.kernel.backward(
        shape,
        { ...kept.args, dSequence: io.read(backend, dSequence, scratch), dFinal: io.read(backend, dFinal, scratch) },
        scratch,
      ));
    // Each output is written in full (by sgemm or a copy); tf.tensor copies it onto the wasm heap.
    const tensor = (dims: number[], fill: (g: GruGradients, out: Float32Array) => void) => {
      const out = scratch.take(dims.reduce((p, d) => p * d, 1));
      fill(get(), out);
      return tf.tensor(out, dims);
    };
    endAfterItsClosures(scratch);
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
    tf.registerKernel({ kernelName: GRU_SEQUENCE_KERNEL, backendName, kernelFunc: forwardKernel(backendIo[backendName]) as unknown as tf.KernelFunc });
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
