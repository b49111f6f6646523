import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { pino } from 'pino';
import { TrialReport, stateNames } from '@grugan/protocol';
import { TrialReporter } from '../src/index.js';
import { startNats, type TestNats } from './support/nats-server.js';

const names = stateNames('rtest');
const log = pino({ level: 'silent' });
let nats: TestNats;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: names.reportsStream, subjects: [names.allReports] });
});

afterAll(async () => {
  await nc?.close();
  await nats?.stop();
});

async function reportsOf(trialId: string): Promise<TrialReport[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(names.reportsStream);
  const out: TrialReport[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(names.reportsStream, { seq }).catch(() => null);
    if (m && m.subject === names.reportSubject(trialId)) out.push(TrialReport.parse(m.json()));
  }
  return out;
}

describe('TrialReporter', () => {
  it('publishes schema-valid reports to the trial subject, NaN as null', async () => {
    const r = new TrialReporter(nc, { trialId: 'tr-a', attempt: 1, rank: 0 }, log, names);
    expect(await r.send('hello', { step: 0, metricsAddress: '127.0.0.1:9' })).toBe(true);
    expect(await r.send('metrics', { step: 10, metrics: { loss_d: 0.5, loss_g: Number.NaN } })).toBe(true);
    const got = await reportsOf('tr-a');
    expect(got.map((g) => g.kind)).toEqual(['hello', 'metrics']);
    expect(got[0].metricsAddress).toBe('127.0.0.1:9');
    expect(got[1]).toMatchObject({ trialId: 'tr-a', attempt: 1, rank: 0, step: 10, metrics: { loss_d: 0.5, loss_g: null } });
  });

  it('de-duplicates a report sent twice (same trial, attempt, rank, kind, step)', async () => {
    const r = new TrialReporter(nc, { trialId: 'tr-b', attempt: 0, rank: 0 }, log, names);
    await r.send('metrics', { step: 5, metrics: { loss_d: 1 } });
    await r.send('metrics', { step: 5, metrics: { loss_d: 1 } });
    await r.send('metrics', { step: 6, metrics: { loss_d: 2 } });
    expect((await reportsOf('tr-b')).map((g) => g.step)).toEqual([5, 6]);
  });

  it('returns false instead of throwing when no stream takes the subject', async () => {
    const r = new TrialReporter(nc, { trialId: 'tr-c', attempt: 0, rank: 0 }, log, stateNames('nostream'));
    expect(await r.send('final', { step: 1, status: 'failed' }, 2)).toBe(false);
  });
});
