/**
 * A GRU layer over a whole sequence: the one entry point every network uses.
 *
 * It runs the fused op (`fused/`: one kernel call for the whole forward over time, one backward
 * pass through time for all gradients) where one is registered for the active backend (`cpu`,
 * `wasm`), and the composite layer built from TF.js ops (`composite.ts`) elsewhere: on
 * `tensorflow`, for `twiceDifferentiable` (WGAN-GP), and with `GRUGAN_GRU_KERNEL=composite`.
 * Both compute the same function and gradients (tested against each other and against a float64
 * reference), so callers never need to know which ran. See `fused/select.ts` for the switches.
 */
import type * as tf from '@tensorflow/tfjs';
import { GRUCell, GruConfigError, type GruLayerParams, type GruVariant } from './cell.js';
import { gruLayerComposite } from './composite.js';
import { fusedGruSequence } from './fused/op.js';
import { fusedKernelForCall } from './fused/select.js';

export interface GruLayerOptions {
  /** Candidate formula; default 'cho2014'. */
  variant?: GruVariant;
  /** Scan from the last step to the first (the backward half of a bidirectional layer). */
  reverse?: boolean;
  /** Initial state [B, u]; zeros when absent. */
  initialState?: tf.Tensor2D;
  /** Use activations whose gradients can be differentiated again (needed by WGAN-GP); slower. */
  twiceDifferentiable?: boolean;
}

export interface GruLayerOutput {
  /** Hidden state at every step, in input time order: [B, T, u]. */
  sequence: tf.Tensor3D;
  /** State after the last step processed (t = T−1, or t = 0 when reversed): [B, u]. */
  final: tf.Tensor2D;
}

/** Runs one GRU layer over `x` [B, T, in]. Call inside `tf.tidy` (or a gradient function). */
export function gruLayer(x: tf.Tensor3D, params: GruLayerParams, options: GruLayerOptions = {}): GruLayerOutput {
  const kernel = fusedKernelForCall(options.twiceDifferentiable ?? false);
  if (kernel === undefined) return gruLayerComposite(x, params, options);
  return gruLayerFused(x, params, options, kernel);
}

/**
 * The fused path alone (tests compare it with `gruLayerComposite`); `kernel` defaults to the
 * configured implementation. Throws `GruConfigError` for bad shapes, like the composite layer.
 */
export function gruLayerFused(x: tf.Tensor3D, params: GruLayerParams, options: GruLayerOptions = {}, kernel = fusedKernelForCall(false)): GruLayerOutput {
  const variant = options.variant ?? 'cho2014';
  const units = params.recurrentKernel.shape[0];
  new GRUCell(units, variant).checkParams(params, x.shape[2]);
  if (options.initialState) {
    // Same check the composite path gets from its first h·U product.
    const [b, u] = options.initialState.shape;
    if (b !== x.shape[0] || u !== units) {
      throw new GruConfigError(`GRU initialState must have shape [${x.shape[0]},${units}], got [${options.initialState.shape}]`);
    }
  }
  if (kernel === undefined) throw new GruConfigError('no fused GRU kernel for this backend or configuration');
  return fusedGruSequence(x, params, { variant, reverse: options.reverse ?? false, initialState: options.initialState, kernel });
}

export { gruLayerComposite };
