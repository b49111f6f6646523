/** Configuration from environment and flags. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

describe('loadConfig', () => {
  it('has local defaults', () => {
    expect(loadConfig({}, {})).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      natsUrl: 'nats://127.0.0.1:4222',
      launcher: 'local',
      statePrefix: 'grugan',
    });
    expect(loadConfig({}, {}).apiToken).toBeUndefined();
  });

  it('reads the environment, ignoring empty values, and lets flags win', () => {
    const env = { GRUGAN_PORT: '9000', NATS_URL: 'nats://n:4222', GRUGAN_API_TOKEN: '', GRUGAN_STATE_PREFIX: 'test-a', GRUGAN_LAUNCHER: 'kubernetes' };
    const c = loadConfig({ port: 9100 }, env);
    expect(c).toMatchObject({ port: 9100, natsUrl: 'nats://n:4222', statePrefix: 'test-a', launcher: 'kubernetes' });
    expect(c.apiToken).toBeUndefined();
    expect(loadConfig({ apiToken: undefined }, { GRUGAN_API_TOKEN: 'tok' }).apiToken).toBe('tok');
  });

  it('names the bad setting', () => {
    expect(() => loadConfig({}, { GRUGAN_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { GRUGAN_PORT: 'eighty' })).toThrow(/port:/);
    expect(() => loadConfig({ statePrefix: 'Bad Prefix' }, {})).toThrow(/statePrefix:/);
  });
});
