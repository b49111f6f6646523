/**
 * `npm run bench:speed`: trainer-level GRU-GAN training speed against the PyTorch CPU peer
 * (`../shared/peers/torch_grugan/bench.py`), for the peer's three configurations.
 *
 * One iteration is what the peer times: one discriminator step (real vs a detached fake) and one
 * generator step (non-saturating BCE, fresh noise), each `GanTrainer.computeGradients` +
 * `applyGradients` (Adam 1e-3, β = 0.5 / 0.999, no clipping), per-step discriminator logits,
 * noise dim = features, the reset-after GRU (what `torch.nn.GRU` computes).
 *
 * Rows (each in its own child process, since backends and kernels register process-wide):
 *   composite-wasm   wasm backend, the composite TF.js-op GRU (GRUGAN_GRU_KERNEL=composite)
 *   fused-ts         wasm backend, the fused op, TypeScript kernel
 *   fused-wasm       wasm backend, the fused op, WebAssembly SIMD kernel (GRUGAN_GRU_THREADS threads)
 *   fused-wasm-1t    the same on one thread
 *   fused-native     wasm backend, the fused op, native kernel (C on OpenBLAS, GRUGAN_GRU_THREADS BLAS threads),
 *                    with OpenBLAS' AVX-512 kernels where the CPU has them, even over an OPENBLAS_CORETYPE
 *                    in the environment (GRUGAN_OPENBLAS_CORETYPE=auto)
 *   fused-native-1t  the same on one BLAS thread
 *   fused-native-own-core  fused-native with the kernels OpenBLAS picks itself or OPENBLAS_CORETYPE names
 *                    (GRUGAN_OPENBLAS_CORETYPE=off; src/gru/fused/native/blas-core.ts says why we name AVX-512 ones)
 *   tensorflow       tfjs-node (composite GRU), where `npm run setup:tensorflow` installed it
 *   torch            the peer (2 threads, its default), when `python3 -c "import torch"` works
 *                    (PEER_PY overrides python3); torch-1t: the peer on 1 thread
 * Rows run interleaved, round by round (config by config), so that a change in the machine's load
 * hits all rows alike; each row's it/s is the median over rounds. Ratios to torch come last.
 *
 * Usage: npm run bench:speed -- [--configs S,M,L] [--rows a,b,...] [--rounds 2] [--seconds 2]
 *        [--min-iters 2] [--warmup 1] [--peer-dir DIR] [--json FILE]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The peer's configurations: seq_len, features (= noise dim), hidden, layers, batch. */
const CONFIGS = {
  S: { seqLen: 24, features: 6, hidden: 24, layers: 3, batch: 128 },
  M: { seqLen: 64, features: 16, hidden: 128, layers: 2, batch: 64 },
  L: { seqLen: 128, features: 32, hidden: 512, layers: 2, batch: 32 },
} as const;
type ConfigName = keyof typeof CONFIGS;
type BenchConfig = (typeof CONFIGS)[ConfigName];

/** How each of our rows runs: TF.js backend and the GRU switches (see src/gru/fused/select.ts). */
const ROWS: Record<string, { backend: string; env: Record<string, string> }> = {
  'composite-wasm': { backend: 'wasm', env: { GRUGAN_GRU_KERNEL: 'composite' } },
  'fused-ts': { backend: 'wasm', env: { GRUGAN_GRU_KERNEL: 'fused', GRUGAN_GRU_IMPL: 'ts' } },
  'fused-wasm': { backend: 'wasm', env: { GRUGAN_GRU_KERNEL: 'fused', GRUGAN_GRU_IMPL: 'wasm' } },
  'fused-wasm-1t': { backend: 'wasm', env: { GRUGAN_GRU_KERNEL: 'fused', GRUGAN_GRU_IMPL: 'wasm', GRUGAN_GRU_THREADS: '1' } },
  'fused-native': { backend: 'wasm', env: { GRUGAN_GRU_KERNEL: 'fused', GRUGAN_GRU_IMPL: 'native', GRUGAN_OPENBLAS_CORETYPE: 'auto' } },
  'fused-native-1t': { backend: 'wasm', env: { GRUGAN_GRU_KERNEL: 'fused', GRUGAN_GRU_IMPL: 'native', GRUGAN_GRU_THREADS: '1', GRUGAN_OPENBLAS_CORETYPE: 'auto' } },
  'fused-native-own-core': { backend: 'wasm', env: { GRUGAN_GRU_KERNEL: 'fused', GRUGAN_GRU_IMPL: 'native', GRUGAN_OPENBLAS_CORETYPE: 'off' } },
  tensorflow: { backend: 'tensorflow', env: {} },
};
/** The peer at 2 threads (its default, like fused-wasm) and at 1 (like fused-wasm-1t). */
const PEERS: Record<string, number> = { torch: 2, 'torch-1t': 1 };
/** L is slow (~1 minute per iteration on the composite paths): one timed iteration per round there, and no fused-ts by default. */
const PER_CONFIG: Partial<Record<ConfigName, { minIters: number; skip: string[] }>> = { L: { minIters: 1, skip: ['fused-ts'] } };

interface RowResult {
  itPerSec: number;
  iterations: number;
  seconds: number;
  tensorsFlat?: boolean;
  error?: string;
  /** The BLAS build and kernels a native row ran on (OpenBLAS' config: version, core type). */
  blas?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

/** Child mode: times whole iterations of one row on one config; prints one JSON line. */
async function child(row: string, c: BenchConfig, seconds: number, minIters: number, warmup: number): Promise<RowResult> {
  const tf = await import('@tensorflow/tfjs');
  const { TrialConfig } = await import('@grugan/protocol');
  const { selectBackend, GanTrainer, generateSines, Rng } = await import('../src/index.js');
  const active = await selectBackend(ROWS[row].backend);
  if (active !== ROWS[row].backend) throw new Error(`asked for backend ${ROWS[row].backend}, got ${active}`);
  const config = TrialConfig.parse({
    model: { hiddenSize: c.hidden, layers: c.layers, noiseDim: c.features, gruVariant: 'reset-after', discriminatorOutput: 'per-step' },
    loss: { kind: 'ns' },
    optimizer: { lrD: 1e-3, lrG: 1e-3, beta1: 0.5, beta2: 0.999 },
    training: { batchSize: c.batch, gradClipNorm: 0 },
  });
  const trainer = new GanTrainer(config, c.features);
  const data = generateSines({ numSequences: 8 * c.batch, seqLen: c.seqLen, features: c.features, seed: 1 });
  const rng = new Rng(1, 'bench');
  const per = c.seqLen * c.features;
  let next = 0;
  const iteration = () => {
    const start = (next++ % 8) * c.batch * per; // a fresh real batch each time, as the peer draws one
    const real = data.windows.subarray(start, start + c.batch * per);
    const d = trainer.computeGradients('d', { size: c.batch, real, noise: trainer.sampleNoise(rng, c.batch, c.seqLen) });
    trainer.applyGradients('d', d.grads);
    const g = trainer.computeGradients('g', { size: c.batch, real, noise: trainer.sampleNoise(rng, c.batch, c.seqLen) });
    trainer.applyGradients('g', g.grads);
    if (!Number.isFinite(d.losses.dLoss) || !Number.isFinite(g.losses.gLoss)) throw new Error('non-finite loss');
  };
  for (let i = 0; i < warmup; i++) iteration();
  const tensors = tf.memory().numTensors;
  let iterations = 0;
  const t0 = performance.now();
  while (iterations < minIters || performance.now() - t0 < seconds * 1000) {
    iteration();
    iterations++;
  }
  const elapsed = (performance.now() - t0) / 1000;
  const blas = ROWS[row].env.GRUGAN_GRU_IMPL === 'native' ? (await import('../src/gru/fused/native/addon.js')).nativeAddon().blasInfo() : undefined;
  return { itPerSec: iterations / elapsed, iterations, seconds: elapsed, tensorsFlat: tf.memory().numTensors === tensors, blas };
}

/** The line of a child's output that says what went wrong: the first error line, else the last line. */
function lastLine(s: string): string {
  // Long lines are minified source a stack trace quotes, not messages.
  const lines = s.trim().split('\n').map((l) => l.trim()).filter((l) => l && l.length < 300);
  return lines.find((l) => /error|abort|out of memory|killed/i.test(l) && !l.startsWith('at ')) ?? lines.slice(-1)[0] ?? '';
}

function runRow(row: string, name: ConfigName, opts: { seconds: number; minIters: number; warmup: number }): RowResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', self, '--child', row, '--configs', name, '--seconds', String(opts.seconds), '--min-iters', String(opts.minIters), '--warmup', String(opts.warmup)],
    { encoding: 'utf8', env: { ...process.env, ...ROWS[row].env, TF_CPP_MIN_LOG_LEVEL: '2' }, maxBuffer: 64 << 20 },
  );
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status === 0 && line) return JSON.parse(line) as RowResult;
  const why = r.signal ? `killed by ${r.signal}` : lastLine(r.stderr || r.stdout) || `exit ${r.status}`;
  return { itPerSec: NaN, iterations: 0, seconds: 0, error: why };
}

/** Python with torch, or a reason why not. */
function peerPython(): { python?: string; why?: string } {
  const python = process.env.PEER_PY || 'python3';
  const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.status === 0) return { python };
  return { why: r.error ? String(r.error.message) : lastLine(r.stderr) || `exit ${r.status}` };
}

function runPeer(python: string, peerDir: string, name: ConfigName, threads: number, opts: { seconds: number; minIters: number; warmup: number }): RowResult {
  const dir = mkdtempSync(join(tmpdir(), 'grugan-peer-'));
  try {
    const out = join(dir, 'peer.json');
    const r = spawnSync(
      python,
      [join(peerDir, 'bench.py'), '--configs', name, '--threads', String(threads), '--warmup', String(opts.warmup), '--repeats', '1',
        '--min-seconds', String(opts.seconds), '--min-iters', String(opts.minIters), '--json', out],
      { encoding: 'utf8' },
    );
    if (r.status !== 0 || !existsSync(out)) return { itPerSec: NaN, iterations: 0, seconds: 0, error: lastLine(r.stderr) || `exit ${r.status}` };
    const res = (JSON.parse(readFileSync(out, 'utf8')) as { results: { it_per_s: number; timed_iters: number }[] }).results[0];
    return { itPerSec: res.it_per_s, iterations: res.timed_iters, seconds: res.timed_iters / res.it_per_s };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (v: number[]) => {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const configs = arg('configs', 'S,M,L').split(',').filter(Boolean) as ConfigName[];
  for (const c of configs) if (!(c in CONFIGS)) throw new Error(`unknown config ${c}; choose from ${Object.keys(CONFIGS).join(', ')}`);
  const opts = { seconds: Number(arg('seconds', '2')), minIters: Number(arg('min-iters', '2')), warmup: Number(arg('warmup', '1')) };
  const childRow = arg('child', '');
  if (childRow) {
    console.log(JSON.stringify(await child(childRow, CONFIGS[configs[0]], opts.seconds, opts.minIters, opts.warmup)));
    return;
  }
  const rounds = Number(arg('rounds', '2'));
  const known = [...Object.keys(ROWS), ...Object.keys(PEERS)];
  const rowsArg = arg('rows', '');
  const rows = (rowsArg || known.join(',')).split(',').filter(Boolean);
  for (const r of rows) if (!known.includes(r)) throw new Error(`unknown row ${r}; choose from ${known.join(', ')}`);
  const isPeer = (r: string) => r in PEERS;
  const peerDir = resolve(arg('peer-dir', process.env.GRUGAN_TORCH_PEER ?? join(repoRoot, '../shared/peers/torch_grugan')));
  const wantPeer = rows.some(isPeer);
  const peer = wantPeer ? peerPython() : { why: 'not requested' };
  if (wantPeer && peer.python && !existsSync(join(peerDir, 'bench.py'))) peer.why = `no bench.py in ${peerDir}`;
  const peerOk = peer.python !== undefined && peer.why === undefined;
  const allRows = rows.filter((r) => !isPeer(r) || peerOk);

  console.log(`GRU-GAN training iteration (D step + G step, ns loss, Adam), ${rounds} interleaved round(s), ≥${opts.seconds} s and ≥${opts.minIters} iterations per row per round`);
  if (wantPeer && !peerOk) console.log(`PyTorch peer not run: ${peer.why}`);
  const results: Record<string, Record<string, RowResult[]>> = {};
  for (const name of configs) {
    const special = PER_CONFIG[name];
    const configOpts = { ...opts, minIters: special ? Math.min(opts.minIters, special.minIters) : opts.minIters };
    const configRows = allRows.filter((r) => rowsArg || !special?.skip.includes(r));
    results[name] = Object.fromEntries(configRows.map((r) => [r, []]));
    for (let round = 0; round < rounds; round++) {
      for (const row of configRows) {
        const r = isPeer(row) ? runPeer(peer.python!, peerDir, name, PEERS[row], configOpts) : runRow(row, name, configOpts);
        results[name][row].push(r);
        const status = r.error ? `error: ${r.error}` : `${r.itPerSec.toFixed(3)} it/s (${r.iterations} it)${r.tensorsFlat === false ? ', TENSORS LEAK' : ''}`;
        console.error(`  [${name} round ${round + 1}] ${row}: ${status}`);
      }
    }
  }

  const table: { config: string; row: string; itPerSec: number; msPerIter: number; iterations: number; error?: string }[] = [];
  console.log('\nconfig  T    F   H    L  B    row              it/s     ms/iter   iters');
  for (const name of configs) {
    const c = CONFIGS[name];
    for (const row of Object.keys(results[name])) {
      const rs = results[name][row];
      const itPerSec = median(rs.map((r) => r.itPerSec));
      const iterations = rs.reduce((s, r) => s + r.iterations, 0);
      const error = rs.find((r) => r.error)?.error;
      table.push({ config: name, row, itPerSec, msPerIter: 1000 / itPerSec, iterations, error });
      const dims = `${name.padEnd(8)}${String(c.seqLen).padEnd(5)}${String(c.features).padEnd(4)}${String(c.hidden).padEnd(5)}${String(c.layers).padEnd(3)}${String(c.batch).padEnd(5)}`;
      if (!Number.isFinite(itPerSec)) console.log(`${dims}${row.padEnd(17)}unavailable: ${error}`);
      else console.log(`${dims}${row.padEnd(17)}${itPerSec.toFixed(3).padStart(8)}${(1000 / itPerSec).toFixed(1).padStart(12)}${String(iterations).padStart(8)}`);
    }
  }

  const blasOf = new Map<string, string>();
  for (const name of configs) for (const [row, rs] of Object.entries(results[name])) for (const r of rs) if (r.blas) blasOf.set(row, r.blas);
  for (const [row, blas] of blasOf) console.log(`${row}: ${blas}`);

  console.log('\nratios (it/s ÷ it/s; goals: fused ÷ torch ≥ 1.5 on S and M, ≥ 1.0 on L)');
  const rate = (name: string, row: string) => table.find((t) => t.config === name && t.row === row)?.itPerSec ?? NaN;
  const pairs: [string, string][] = [
    ['fused-native', 'torch'],
    ['fused-native-1t', 'torch-1t'],
    ['fused-native', 'fused-wasm'],
    ['fused-wasm', 'torch'],
    ['fused-wasm-1t', 'torch-1t'],
    ['tensorflow', 'torch'],
    ['fused-wasm', 'composite-wasm'],
    ['fused-ts', 'composite-wasm'],
    ['fused-wasm', 'tensorflow'],
  ];
  for (const name of configs) {
    const parts = pairs
      .map(([a, b]) => [a, b, rate(name, a) / rate(name, b)] as const)
      .filter(([, , r]) => Number.isFinite(r))
      .map(([a, b, r]) => `${a} ÷ ${b} ${r.toFixed(2)}`);
    console.log(`${name}: ${parts.join(', ') || '(no pair to compare)'}`);
  }
  const json = arg('json', '');
  if (json) writeFileSync(json, JSON.stringify({ rounds, opts, peer: peerOk ? 'torch' : peer.why, table }, null, 2));
}

await main();
