export { Generator, type GeneratorConfig } from './generator.js';
export { Discriminator, type DiscriminatorConfig } from './discriminator.js';
export { initParameter, type InitKind, type ParameterSpec } from './init.js';
export { gruStackSpecs, gruStackParams, type GruStackShape } from './gru-params.js';
