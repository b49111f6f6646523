export { GRUCell, GruConfigError, type GruLayerParams, type GruVariant, type PreparedRecurrence, type StepInput } from './cell.js';
export { gruLayer, gruLayerComposite, gruLayerFused, type GruLayerOptions, type GruLayerOutput } from './layer.js';
export { gruStack, type GruStackLayerParams, type GruStackOutput } from './stack.js';
export { builtinActivations, twiceDifferentiableActivations, type GateActivations } from './activations.js';
export * from './fused/index.js';
