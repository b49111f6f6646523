/**
 * Child-process helpers for the setup: run a command, capture its output, and tell "not installed"
 * (ENOENT) apart from "ran and failed" so the caller can raise the right named error.
 */
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { accessSync, constants } from 'node:fs';

export interface ExecResult {
  /** Exit status; null when the process could not start or was killed. */
  status: number | null;
  /** Captured standard output (empty when inherited). */
  stdout: string;
  /** Captured standard error (empty when inherited). */
  stderr: string;
  /** True when the executable was not found. */
  notFound: boolean;
}

/** Runs `cmd args` synchronously; `inherit` streams output to the terminal instead of capturing. */
export function exec(
  cmd: string,
  args: readonly string[],
  options: { cwd?: string; inherit?: boolean; env?: NodeJS.ProcessEnv } = {},
): ExecResult {
  const result = spawnSync(cmd, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    stdio: options.inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const notFound = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', notFound };
}

/** Full path of an executable on PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** The last `lines` lines of a command's output, for error messages. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
