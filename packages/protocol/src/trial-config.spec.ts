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

  it('rejects a data section naming both a built-in data set and a file', () => {
    const result = TrialConfig.safeParse({ data: { dataset: 'sines', path: 'x.csv' } });
    expect(result.success).toBe(false);
    expect(formatZodError(result.error!)).toContain('data.dataset');
  });
});
