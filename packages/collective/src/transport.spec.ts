/** Both transports behave alike: headers survive, requests get replies, timeouts are typed. */
import { describe, expect, it } from 'vitest';
import { connectNatsTransport, InProcessTransport, type Transport } from './index.js';
import { SHARED_NATS_URL } from '../test/nats-server.js';
import { freshGroup } from '../test/ranks.js';

const kinds: [string, () => Promise<Transport>][] = [
  ['nats', () => connectNatsTransport({ servers: SHARED_NATS_URL })],
  ['in-process', async () => new InProcessTransport({ namespace: 'transport-spec' })],
];

for (const [name, open] of kinds) {
  describe(`${name} transport`, () => {
    it('delivers payload and headers, and answers requests', async () => {
      const a = await open();
      const b = await open();
      try {
        const subject = `spec.${freshGroup()}`;
        const got = new Promise<{ data: number[]; h: Record<string, string> }>((resolve) => {
          const sub = b.subscribe(subject, (m) => {
            sub.unsubscribe();
            resolve({ data: Array.from(m.data), h: m.headers });
          });
        });
        await b.flush();
        a.publish(subject, new Uint8Array([1, 2, 3]), { 'grugan-x': 'y' });
        expect(await got).toEqual({ data: [1, 2, 3], h: { 'grugan-x': 'y' } });

        const service = `${subject}.svc`;
        b.subscribe(service, (m) => {
          if (m.reply) b.publish(m.reply, new Uint8Array([m.data[0] * 2]));
        });
        await b.flush();
        const reply = await a.request(service, new Uint8Array([21]), { timeoutMs: 2000 });
        expect(Array.from(reply.data)).toEqual([42]);
        await expect(a.request(`${subject}.nobody`, new Uint8Array(1), { timeoutMs: 200 })).rejects.toThrow();
        expect(a.maxPayload).toBeGreaterThanOrEqual(1024);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}
