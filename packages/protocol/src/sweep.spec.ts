import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidParamPathError,
  SearchSpace,
  SweepSpec,
  TrialConfig,
  TrialResult,
  applyParams,
  formatZodError,
  trialConfigLeaf,
} from './index.js';

describe('SweepSpec', () => {
  it('fills defaults from a name alone', () => {
    const spec = SweepSpec.parse({ name: 's' });
    expect(spec.base.model.hiddenSize).toBe(24);
    expect(spec.searcher).toEqual({ type: 'random' });
    expect(spec.scheduler).toEqual({ type: 'fifo' });
    expect(spec.objective).toEqual({ metric: 'discriminative_score', mode: 'min' });
    expect(spec.space).toEqual({});
    expect(spec.maxTrials).toBeGreaterThan(0);
  });

  it('parses a full ASHA + TPE sweep and fills nested defaults', () => {
    const spec = SweepSpec.parse({
      name: 'sines-asha',
      base: { training: { steps: 900 } },
      space: {
        'optimizer.lrG': { type: 'loguniform', min: 1e-4, max: 1e-2 },
        'model.hiddenSize': { type: 'int', min: 8, max: 64, log: true },
        'loss.kind': { type: 'choice', values: ['ns', 'lsgan'] },
        'optimizer.beta1': { type: 'uniform', min: 0, max: 0.9 },
      },
      searcher: { type: 'tpe', nStartup: 4 },
      scheduler: { type: 'asha', gracePeriod: 100 },
      objective: { metric: 'loss_g', mode: 'min' },
      maxTrials: 6,
      workersPerTrial: 2,
    });
    expect(spec.searcher).toMatchObject({ type: 'tpe', nStartup: 4, nCandidates: 24, gamma: 0.25 });
    expect(spec.scheduler).toMatchObject({ type: 'asha', reductionFactor: 3 });
    expect(spec.space['model.hiddenSize']).toMatchObject({ log: true });
    expect(spec.base.training.steps).toBe(900);
  });

  it('names the field of an unknown space path, a bad domain and a bad base value', () => {
    const result = SweepSpec.safeParse({
      name: 'x',
      base: { model: { hiddenSize: -1 } },
      space: {
        'optimizer.lrg': { type: 'uniform', min: 0.1, max: 0.2 },
        'optimizer.lrD': { type: 'loguniform', min: 0, max: 0.1 },
        'model.layers': { type: 'int', min: 1, max: 99 },
        'loss.kind': { type: 'choice', values: ['ns', 'bogus'] },
        model: { type: 'choice', values: [1] },
        'training.batchSize': { type: 'uniform', min: 16, max: 256 },
      },
    });
    expect(result.success).toBe(false);
    const text = formatZodError(result.error!);
    expect(text).toContain('base.model.hiddenSize');
    expect(text).toContain("space.optimizer.lrg: unknown TrialConfig field 'optimizer.lrg'");
    expect(text).toContain('space.optimizer.lrD.min');
    expect(text).toContain('space.model.layers.max');
    expect(text).toContain('space.loss.kind.values.1');
    expect(text).toContain("unknown TrialConfig field 'model'");
    expect(text).toContain("space.training.batchSize.type: training.batchSize is an integer: use type 'int'");
  });

  it('rejects inverted bounds and an unknown domain type', () => {
    const inverted = SearchSpace.safeParse({ 'optimizer.lrG': { type: 'uniform', min: 0.1, max: 0.01 } });
    expect(formatZodError(inverted.error!)).toContain('optimizer.lrG.max: min must be below max');
    const unknown = SearchSpace.safeParse({ 'optimizer.lrG': { type: 'normal', mean: 0 } });
    expect(unknown.success).toBe(false);
  });

  it('checks ASHA grace period against the run length and PBT mutations against the space', () => {
    const asha = SweepSpec.safeParse({
      name: 'x',
      base: { training: { steps: 50 } },
      scheduler: { type: 'asha', gracePeriod: 100 },
    });
    expect(formatZodError(asha.error!)).toContain('scheduler.gracePeriod');
    const pbt = SweepSpec.safeParse({
      name: 'x',
      space: { 'optimizer.lrG': { type: 'loguniform', min: 1e-4, max: 1e-2 } },
      scheduler: { type: 'pbt', perturbationInterval: 10, mutate: ['optimizer.lrD'] },
    });
    expect(formatZodError(pbt.error!)).toContain('scheduler.mutate.0');
  });

  it('converts to JSON Schema for OpenAPI', () => {
    const schema = z.toJSONSchema(SweepSpec, { io: 'input', unrepresentable: 'any' }) as { properties: object };
    expect(Object.keys(schema.properties)).toContain('space');
  });
});

describe('TrialResult', () => {
  it('accepts null metrics (NaN on the wire) and rejects a negative step', () => {
    expect(TrialResult.parse({ step: 3, metrics: { loss_g: null } }).metrics.loss_g).toBeNull();
    expect(TrialResult.safeParse({ step: -1, metrics: {} }).success).toBe(false);
  });
});

describe('applyParams', () => {
  it('sets dotted paths without touching the base, and the result parses', () => {
    // A data section written by hand must name its source: `data: {}` has no prefault.
    const base = { model: { layers: 2 }, data: { dataset: 'sines' as const } };
    const out = applyParams(base, { 'optimizer.lrG': 3e-4, 'model.hiddenSize': 16, 'data.reverse': true, seed: 7 });
    expect(base).toEqual({ model: { layers: 2 }, data: { dataset: 'sines' } });
    const config = TrialConfig.parse(out);
    expect(config.optimizer.lrG).toBe(3e-4);
    expect(config.model).toMatchObject({ hiddenSize: 16, layers: 2 });
    expect(config.data.reverse).toBe(true);
    expect(config.seed).toBe(7);
  });

  it('throws a named error for a path that is not a TrialConfig leaf', () => {
    expect(() => applyParams({}, { 'model.hidden': 3 })).toThrow(InvalidParamPathError);
    try {
      applyParams({}, { 'optimizer.lrG.x': 3 });
    } catch (err) {
      expect((err as InvalidParamPathError).code).toBe('ERR_INVALID_PARAM_PATH');
      expect((err as Error).message).toContain('optimizer.lrG.x');
    }
    expect(() => applyParams({}, { training: 3 })).toThrow(/'training'/);
  });

  it('finds leaves through defaults and refinements', () => {
    expect(trialConfigLeaf('data.seqLen')).toBeDefined();
    expect(trialConfigLeaf('seed')).toBeDefined();
    expect(trialConfigLeaf('data')).toBeUndefined();
    expect(trialConfigLeaf('nope')).toBeUndefined();
  });
});
