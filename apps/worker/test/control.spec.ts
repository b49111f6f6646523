import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { stateNames } from '@grugan/protocol';
import { ControlListener } from '../src/index.js';
import { startNats, type TestNats } from './support/nats-server.js';

const names = stateNames('ctest');
const log = pino({ level: 'silent' });
let nats: TestNats;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
});

afterAll(async () => {
  await nc?.close();
  await nats?.stop();
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('ControlListener', () => {
  it('counts corrupt or foreign messages and keeps the valid order', async () => {
    let counted = 0;
    const c = new ControlListener('t1', log, () => counted++);
    c.start(nc, names);
    await nc.flush();
    const subject = names.controlSubject('t1');
    nc.publish(subject, 'garbage');
    nc.publish(subject, JSON.stringify({ action: 'explode', trialId: 't1' }));
    nc.publish(subject, JSON.stringify({ action: 'stop', trialId: 'other' }));
    nc.publish(subject, JSON.stringify({ action: 'pause', trialId: 't1' }));
    await until(() => c.pending() !== undefined);
    expect(c.pending()).toEqual({ action: 'pause', trialId: 't1' });
    expect(c.rejected).toBe(3);
    expect(counted).toBe(3);
    c.stop();
  });

  it('lets stop outrank a later exploit, and hands exploit orders to waiters', async () => {
    const c = new ControlListener('t2', log);
    c.start(nc, names);
    await nc.flush();
    const waiting = c.waitForExploit(2000);
    const exploit = { action: 'exploit', trialId: 't2', sourceTrialId: 't3', params: { 'optimizer.lrD': 0.002 } };
    nc.publish(names.controlSubject('t2'), JSON.stringify(exploit));
    expect(await waiting).toEqual(exploit);
    nc.publish(names.controlSubject('t2'), JSON.stringify({ action: 'stop', trialId: 't2', reason: 'asha' }));
    nc.publish(names.controlSubject('t2'), JSON.stringify(exploit));
    await nc.flush();
    await until(() => c.pending()?.action === 'stop');
    await new Promise((r) => setTimeout(r, 50));
    expect(c.pending()).toEqual({ action: 'stop', reason: 'asha' });
    c.stop();
  });

  it('gives up waiting for an exploit order that never comes', async () => {
    const c = new ControlListener('t4', log);
    expect(await c.waitForExploit(30)).toBeUndefined();
  });
});
