/**
 * How the CLI fails: one line on stderr naming the problem (`grugan train: …`), a non-zero exit
 * code, and a stack trace only with `--verbose`. Known errors (named classes with a `code`)
 * print their message; anything else prints its name too, since it is likely a bug.
 */
import { InvalidArgumentError } from 'commander';

/** A usage problem found by the CLI itself (bad flag value, missing file, invalid config). */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    /** Stable reason, e.g. `CLI_INVALID_CONFIG`. */
    readonly code = 'CLI_USAGE',
    /** Process exit code. */
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** Whether `--verbose` was given anywhere on the command line. */
export function isVerbose(argv: string[] = process.argv): boolean {
  return argv.includes('--verbose') || argv.includes('-v');
}

/** Prints `err` as one line (plus the stack with `--verbose`); returns the exit code to use. */
export function reportError(command: string, err: unknown): number {
  const e = err instanceof Error ? err : new Error(String(err));
  const known = 'code' in e && typeof (e as { code?: unknown }).code === 'string';
  const line = known ? e.message : `${e.name}: ${e.message}`;
  process.stderr.write(`grugan${command ? ` ${command}` : ''}: ${line.split('\n')[0]}\n`);
  if (isVerbose()) process.stderr.write(`${e.stack ?? ''}\n`);
  return err instanceof CliError ? err.exitCode : 1;
}

/** Wraps a commander action so any error becomes one line and a non-zero exit code. */
export function action<A extends unknown[]>(command: string, fn: (...args: A) => Promise<number | void>) {
  return async (...args: A): Promise<void> => {
    try {
      process.exitCode = (await fn(...args)) ?? 0;
    } catch (err) {
      process.exitCode = reportError(command, err);
    }
  };
}

/** commander argument parser for a positive integer flag. */
export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer.`);
    return n;
  };
}

/** commander argument parser for a non-negative integer flag. */
export function nonNegativeInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} must be a non-negative integer.`);
    return n;
  };
}
