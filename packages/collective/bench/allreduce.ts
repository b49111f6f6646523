/**
 * `npm run bench:allreduce`: all-reduce over NATS with W = 2, 3, 4 ranks as separate processes
 * and vectors of 1, 8 and 32 MiB. Prints the median time per all-reduce and the bus bandwidth
 * 2·(W−1)/W · bytes / time (the NCCL-tests convention), then the raw throughput of one
 * publisher to one subscriber with the same chunk size, and last the ratio of bytes the server
 * relays per second during all-reduce — 2·(W−1)·bytes per operation: each rank's
 * reduce-scatter slices delivered once, each owner's mean delivered to W−1 ranks — to that
 * raw rate. NATS_URL selects the server (default nats://127.0.0.1:4222).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const MiB = 1024 * 1024;
const sizes = [1 * MiB, 8 * MiB, 32 * MiB];
const worlds = [2, 3, 4];
const iters = Number(process.env.BENCH_ITERS ?? 5);
const rankScript = fileURLToPath(new URL('./rank.ts', import.meta.url));

function run(args: string[], onLine?: (line: string) => void): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', rankScript, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    let buf = '';
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        onLine?.(line);
      }
    });
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve(lines) : reject(new Error(`${args[0]} exited with ${code}`))));
  });
}

interface RankReport {
  W: number;
  maxPayload: number;
  results: { bytes: number; medianMs: number; chunkBytes: number }[];
}

const reports: RankReport[] = [];
for (const W of worlds) {
  const group = `bench-${process.pid}-${W}-${Date.now().toString(36)}`;
  const outs = await Promise.all(Array.from({ length: W }, (_, r) => run(['rank', url, group, String(W), String(r), String(iters), ...sizes.map(String)])));
  reports.push(JSON.parse(outs[0].find((l) => l.startsWith('{'))!) as RankReport);
}

const chunkBytes = reports[0].results[sizes.length - 1].chunkBytes;
const rawTotal = 256 * MiB;
const subject = `bench.raw.${process.pid}`;
let pubDone: Promise<string[]> | undefined;
const subOut = await run(['raw-sub', url, subject, String(rawTotal)], (line) => {
  if (line === 'ready') pubDone = run(['raw-pub', url, subject, String(chunkBytes), String(rawTotal)]);
});
await pubDone;
const raw = (JSON.parse(subOut.find((l) => l.startsWith('{'))!) as { bytesPerSecond: number }).bytesPerSecond;

const fmt = (x: number, d = 1) => x.toFixed(d).padStart(8);
console.log(`NATS ${url}, max_payload ${reports[0].maxPayload} B, chunk ${chunkBytes} B, ${iters} timed runs each (median)`);
console.log(' W    size   median ms   bus GB/s   relayed GB/s   relayed/raw');
let ratioLines: string[] = [];
for (const rep of reports) {
  for (const r of rep.results) {
    const s = r.medianMs / 1000;
    const bus = ((2 * (rep.W - 1)) / rep.W) * r.bytes / s / 1e9;
    const relayed = (2 * (rep.W - 1) * r.bytes) / s;
    const line = ` ${rep.W} ${fmt(r.bytes / MiB, 0)} MiB ${fmt(r.medianMs)} ${fmt(bus, 3)} ${fmt(relayed / 1e9, 3)}      ${fmt(relayed / raw, 2)}`;
    console.log(line);
    if (r.bytes === 32 * MiB && (rep.W === 2 || rep.W === 4)) ratioLines.push(`W=${rep.W}: ${(relayed / raw).toFixed(2)}`);
  }
}
console.log(`raw pub→sub throughput, ${chunkBytes} B chunks: ${(raw / 1e9).toFixed(3)} GB/s`);
console.log(`ratio relayed/raw at 32 MiB (goal ≥ 0.8): ${ratioLines.join(', ')}`);
