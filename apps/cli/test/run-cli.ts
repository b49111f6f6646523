/** Runs the real `grugan` bin as a child process and collects its output. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, resolved from this file. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/grugan.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node apps/cli/bin/grugan.js ...args`, cwd = repo root, backend cpu unless `env` says otherwise. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, GRUGAN_BACKEND: 'cpu', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    // tfjs' cpu backend greets Node users on stderr once ("Hi, looks like you are running..."); not ours.
    const withoutBanner = (text: string) => text.replace(/\n?=+\nHi, looks like you are running TensorFlow\.js[\s\S]*?\n=+\n/, '');
    child.on('close', (code) => resolve({ code, stdout, stderr: withoutBanner(stderr) }));
  });
}

/** Parses a CSV with a header into column name → numbers. */
export function parseCsv(text: string): Record<string, number[]> {
  const [header, ...rows] = text.trim().split('\n');
  const names = header.split(',');
  const out: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const row of rows) row.split(',').forEach((v, i) => out[names[i]].push(Number(v)));
  return out;
}
