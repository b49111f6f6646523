/** Job + pod status → launch condition: every named reason, from hand-written status objects. */
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ConditionReason, jobCondition } from '../../../src/launchers/kubernetes/index.js';

const opts = { now: new Date('2026-01-01T01:00:00Z'), unschedulableTimeoutSeconds: 600 };
const job = (status: V1Job['status'] = {}): V1Job => ({ spec: { completions: 2, template: {} }, status });
const failedJob = (reason: string) => job({ conditions: [{ type: 'Failed', status: 'True', reason, message: `m-${reason}` }] });
const pod = (status: V1Pod['status']): V1Pod => ({ metadata: { name: 'p' }, status });
const waiting = (reason: string) =>
  pod({ phase: 'Pending', containerStatuses: [{ name: 'worker', image: 'i', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason } } }] });
const unschedulable = (since: string) =>
  pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastTransitionTime: since as any }] });

describe('jobCondition', () => {
  it.each([
    ['no Job', undefined, [], 'Unknown', ConditionReason.JobNotFound],
    ['fresh Job', job(), [], 'Pending', ConditionReason.JobCreated],
    ['suspended', job({ conditions: [{ type: 'Suspended', status: 'True' }] }), [], 'Pending', ConditionReason.Suspended],
    ['one of two running', job({ active: 2, ready: 1 }), [], 'Pending', ConditionReason.PodsStarting],
    ['all ready', job({ active: 2, ready: 2 }), [], 'Running', ConditionReason.AllRanksRunning],
    ['one done, one running', job({ active: 1, ready: 1, succeeded: 1 }), [], 'Running', ConditionReason.AllRanksRunning],
    ['complete', job({ conditions: [{ type: 'Complete', status: 'True' }] }), [], 'Succeeded', ConditionReason.JobComplete],
    ['success criteria met', job({ conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }] }), [], 'Succeeded', ConditionReason.JobComplete],
    ['complete=False is not success', job({ conditions: [{ type: 'Complete', status: 'False' }] }), [], 'Pending', ConditionReason.JobCreated],
    ['backoff', failedJob('BackoffLimitExceeded'), [], 'Failed', ConditionReason.BackoffLimitExceeded],
    ['deadline', failedJob('DeadlineExceeded'), [], 'Failed', ConditionReason.DeadlineExceeded],
    ['pod failure policy', failedJob('PodFailurePolicy'), [], 'Failed', ConditionReason.PodFailurePolicy],
    ['other failure', failedJob('MaxFailedIndexesExceeded'), [], 'Failed', ConditionReason.JobFailed],
    ['failure target', job({ conditions: [{ type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded' }] }), [], 'Failed', ConditionReason.BackoffLimitExceeded],
    ['evicted', failedJob('BackoffLimitExceeded'), [pod({ phase: 'Failed', reason: 'Evicted', message: 'low on memory' })], 'Failed', ConditionReason.Evicted],
    [
      'OOM',
      failedJob('BackoffLimitExceeded'),
      [pod({ phase: 'Failed', containerStatuses: [{ name: 'worker', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] })],
      'Failed',
      ConditionReason.OOMKilled,
    ],
    ['image back-off', job({ active: 2 }), [waiting('ImagePullBackOff')], 'Failed', ConditionReason.ImagePullError],
    ['first pull error', job({ active: 2 }), [waiting('ErrImagePull')], 'Pending', ConditionReason.ImagePullError],
    ['container creating', job({ active: 2 }), [waiting('ContainerCreating')], 'Pending', ConditionReason.PodsStarting],
    ['unschedulable briefly', job({ active: 2 }), [unschedulable('2026-01-01T00:55:00Z')], 'Pending', ConditionReason.Unschedulable],
    ['unschedulable too long', job({ active: 2 }), [unschedulable('2026-01-01T00:40:00Z')], 'Failed', ConditionReason.Unschedulable],
  ] as const)('%s → %s', (_name, j, pods, type, reason) => {
    const c = jobCondition(j as V1Job | undefined, [...pods] as V1Pod[], opts);
    expect(c.type).toBe(type);
    expect(c.reason).toBe(reason);
    expect(c.message.length).toBeGreaterThan(0);
  });

  it('carries the Job controller message on failure', () => {
    expect(jobCondition(failedJob('DeadlineExceeded'), [], opts).message).toBe('m-DeadlineExceeded');
  });
});
