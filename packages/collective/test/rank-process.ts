/**
 * A rank as its own process, for specs that kill one: joins the group named in argv over NATS,
 * prints `joined` and then all-reduces forever (one call per 50 ms) until it is killed.
 * Usage: node --import tsx rank-process.ts <natsUrl> <group> <worldSize> <rank>
 */
import { connectNatsTransport, GradientExchange } from '../src/index.js';

const [url, group, worldSize, rank] = process.argv.slice(2);
const transport = await connectNatsTransport({ servers: url });
const ex = await GradientExchange.open({
  transport, group, worldSize: Number(worldSize), rank: Number(rank), heartbeatMs: 100, peerTimeoutMs: 3000,
});
process.stdout.write('joined\n');
const v = new Float32Array(1000).fill(Number(rank));
const out = new Float32Array(1000);
for (;;) {
  await ex.allReduce(v, out);
  await new Promise((r) => setTimeout(r, 50));
}
