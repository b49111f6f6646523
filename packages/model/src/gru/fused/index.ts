export { type GruKernel, type GruShape, type GruForwardArgs, type GruForwardOutputs, type GruBackwardArgs, type GruGradients, savedWidth } from './types.js';
export { tsGruKernel } from './ts-kernel.js';
export { GRU_SEQUENCE_KERNEL, FUSED_GRU_BACKENDS, registerFusedGru } from './op.js';
export {
  configureGruKernel,
  gruKernelConfig,
  resolveFusedImpl,
  preloadNativeBlas,
  GruKernelError,
  GRU_KERNEL_ENV,
  GRU_IMPL_ENV,
  GRU_THREADS_ENV,
  GRU_KERNEL_MODES,
  FUSED_GRU_IMPLS,
  type GruKernelMode,
  type FusedGruImpl,
  type GruKernelConfig,
} from './select.js';
