import { describe, expect, it } from 'vitest';
import { TrialConfig, formatZodError } from './index.js';

describe('TrialConfig', () => {
  it('fills every default from an empty object', () => {
    const config = TrialConfig.parse({});
    expect(config.data.dataset).toBe('sines');
    expect(config.model.hiddenSize).toBe(24);
    expect(config.loss.kind).toBe('ns');
    expect(config.training.batchSize).toBe(128);
  });

  it('names the field path of every invalid value', () => {
    const result = TrialConfig.safeParse({ model: { hiddenSize: 0 }, loss: { kind: 'bogus' } });
    expect(result.success).toBe(false);
    const text = formatZodError(result.error!);
    expect(text).toContain('model.hiddenSize');
    expect(text).toContain('loss.kind');
  });

  it('defaults model.kind to TimeGAN and fills TimeGAN\'s weights', () => {
    expect(TrialConfig.parse({}).model.kind).toBe('timegan');
    expect(TrialConfig.parse({ model: { kind: 'grugan' } }).model.kind).toBe('grugan');
    const t = TrialConfig.parse({ model: { kind: 'timegan', timegan: { embeddingSteps: 5 } } }).model.timegan;
    expect(t).toEqual({ embeddingSteps: 5, gamma: 1, reconstructionWeight: 10, supervisedWeight: 100, momentWeight: 100, embedderSupervisedWeight: 0.1, generatorSteps: 2, dLossThreshold: 0.15 });
    expect(formatZodError(TrialConfig.safeParse({ model: { kind: 'rcgan' } }).error!)).toContain('model.kind');
  });

  it('leaves training.selection off by default and names its invalid fields', () => {
    expect(TrialConfig.parse({}).training.selection).toEqual({ every: 0, from: 0, repetitions: 3, iterations: 2000, finalists: 1, confirmRepetitions: 6 });
    expect(TrialConfig.parse({ training: { selection: { every: 1500, from: 14000 } } }).training.selection).toEqual({ every: 1500, from: 14000, repetitions: 3, iterations: 2000, finalists: 1, confirmRepetitions: 6 });
    const text = formatZodError(TrialConfig.safeParse({ training: { selection: { every: -1, repetitions: 0, finalists: 11 } } }).error!);
    expect(text).toContain('training.selection.every');
    expect(text).toContain('training.selection.repetitions');
    expect(text).toContain('training.selection.finalists');
  });

  it('rejects a data section naming both a built-in data set and a file', () => {
    const result = TrialConfig.safeParse({ data: { dataset: 'sines', path: 'x.csv' } });
    expect(result.success).toBe(false);
    expect(formatZodError(result.error!)).toContain('data.dataset');
  });
});
