import { describe, expect, it } from 'vitest';
import { readWorkerIdentity, WorkerEnvError } from '../src/index.js';

const good = { GRUGAN_TRIAL_ID: 'sw1-t0', GRUGAN_RANK: '1', GRUGAN_WORLD_SIZE: '2', GRUGAN_ATTEMPT: '3', NATS_URL: 'nats://h:1' };

describe('readWorkerIdentity', () => {
  it('reads every field from the environment', () => {
    expect(readWorkerIdentity(good)).toEqual({ trialId: 'sw1-t0', rank: 1, worldSize: 2, attempt: 3, natsUrl: 'nats://h:1' });
  });

  it('defaults the attempt to 0 and treats empty values as unset', () => {
    expect(readWorkerIdentity({ ...good, GRUGAN_ATTEMPT: '' }).attempt).toBe(0);
  });

  it.each([
    [{ GRUGAN_RANK: '2' }, 'GRUGAN_RANK'],
    [{ GRUGAN_RANK: 'x' }, 'GRUGAN_RANK'],
    [{ GRUGAN_WORLD_SIZE: '0' }, 'GRUGAN_WORLD_SIZE'],
    [{ GRUGAN_TRIAL_ID: 'Bad.Id' }, 'GRUGAN_TRIAL_ID'],
    [{ GRUGAN_TRIAL_ID: undefined }, 'GRUGAN_TRIAL_ID'],
  ])('rejects %o naming %s', (patch, name) => {
    const env = { ...good, ...patch };
    expect(() => readWorkerIdentity(env)).toThrow(WorkerEnvError);
    expect(() => readWorkerIdentity(env)).toThrow(name);
    try {
      readWorkerIdentity(env);
    } catch (err) {
      expect((err as WorkerEnvError).code).toBe('WORKER_ENV_INVALID');
    }
  });
});
