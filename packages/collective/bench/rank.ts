/**
 * One process of the all-reduce benchmark (`allreduce.ts` starts them):
 * - `rank <url> <group> <W> <rank> <iters> <bytes...>`: joins, times `iters` all-reduces per
 *   size after one warm-up; rank 0 prints one JSON line of medians.
 * - `raw-sub <url> <subject> <totalBytes>`: counts bytes until `totalBytes`, prints the rate.
 * - `raw-pub <url> <subject> <chunkBytes> <totalBytes>`: publishes that many bytes in chunks.
 */
import { performance } from 'node:perf_hooks';
import { connectNatsTransport, GradientExchange } from '../src/index.js';

const [mode, url, ...rest] = process.argv.slice(2);
const transport = await connectNatsTransport({ servers: url });

if (mode === 'rank') {
  const [group, W, rank, iters, ...sizes] = rest;
  const ex = await GradientExchange.open({ transport, group, worldSize: Number(W), rank: Number(rank), peerTimeoutMs: 60_000 });
  const results: { bytes: number; medianMs: number; chunkBytes: number }[] = [];
  for (const bytes of sizes.map(Number)) {
    const data = new Float32Array(bytes / 4).fill(Number(rank));
    const times: number[] = [];
    await ex.allReduce(data);
    for (let i = 0; i < Number(iters); i++) {
      await ex.barrier();
      const t0 = performance.now();
      await ex.allReduce(data);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    results.push({ bytes, medianMs: times[Math.floor(times.length / 2)], chunkBytes: Math.min(transport.maxPayload - 1024, bytes) });
  }
  await ex.barrier();
  if (Number(rank) === 0) process.stdout.write(`${JSON.stringify({ W: Number(W), maxPayload: transport.maxPayload, results })}\n`);
  await ex.close();
} else if (mode === 'raw-sub') {
  const [subject, total] = rest;
  let got = 0;
  let t0 = 0;
  await new Promise<void>((resolve) => {
    transport.subscribe(subject, (m) => {
      if (got === 0) t0 = performance.now();
      got += m.data.byteLength;
      if (got >= Number(total)) resolve();
    });
    void transport.flush().then(() => process.stdout.write('ready\n'));
  });
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`${JSON.stringify({ bytesPerSecond: got / seconds })}\n`);
} else if (mode === 'raw-pub') {
  const [subject, chunk, total] = rest;
  const payload = new Uint8Array(Number(chunk)).fill(1);
  for (let sent = 0; sent < Number(total); sent += payload.byteLength) {
    transport.publish(subject, payload);
    // Yield now and then so the client's outbound buffer drains like a real sender's would.
    if ((sent / payload.byteLength) % 16 === 15) await transport.flush();
  }
  await transport.flush();
}
await transport.close();
