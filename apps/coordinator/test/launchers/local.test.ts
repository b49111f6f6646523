/** LocalLauncher with real child processes: environment, exit-code status, terminate, adoption. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalLauncher } from '../../src/launchers/local.js';
import { createLauncher, launcherNames } from '../../src/launchers/registry.js';
import { UnknownLauncherError } from '../../src/errors.js';
import { waitFor } from '../helpers.js';

const node = (script: string) => [process.execPath, '-e', script];
const request = (trialId: string, worldSize = 2) => ({ sweepId: 's', trialId, worldSize, natsUrl: 'nats://x:4222', attempt: 3, env: { EXTRA: 'yes' } });
const logDir = mkdtempSync(join(tmpdir(), 'grugan-local-launcher-'));

afterAll(() => rmSync(logDir, { recursive: true, force: true }));

describe('LocalLauncher', () => {
  it('starts one process per rank with the worker environment and reports success', async () => {
    const launcher = new LocalLauncher({
      command: node('const e=process.env;console.log([e.GRUGAN_TRIAL_ID,e.GRUGAN_RANK,e.GRUGAN_WORLD_SIZE,e.GRUGAN_ATTEMPT,e.NATS_URL,e.EXTRA].join(" "))'),
      logDir,
    });
    const handle = await launcher.launch(request('ok'));
    expect(handle.launcher).toBe('local');
    expect(handle.id.split(',')).toHaveLength(2);
    const done = await waitFor(async () => {
      const c = await launcher.status(handle);
      return c.type === 'Succeeded' ? c : undefined;
    }, 10_000);
    expect(done.reason).toBe('AllWorkersExited');
    for (const rank of [0, 1]) {
      expect(readFileSync(join(logDir, `ok-a3-r${rank}.log`), 'utf8').trim()).toBe(`ok ${rank} 2 3 nats://x:4222 yes`);
    }
  });

  it('reports Failed with the exit code of the failing rank', async () => {
    const launcher = new LocalLauncher({ command: node('process.exit(process.env.GRUGAN_RANK === "1" ? 7 : 0)'), logDir });
    const handle = await launcher.launch(request('bad'));
    const c = await waitFor(async () => {
      const s = await launcher.status(handle);
      return s.type === 'Failed' ? s : undefined;
    }, 10_000);
    expect(c).toMatchObject({ reason: 'WorkerExited', message: 'rank 1 exited with 7' });
  });

  it('terminates with SIGTERM, then SIGKILL for processes that ignore it', async () => {
    const launcher = new LocalLauncher({
      command: node('process.on("SIGTERM",()=>console.log("ignored"));console.log("ready");setInterval(()=>{},1000)'),
      graceMs: 300,
      logDir,
    });
    const handle = await launcher.launch(request('stubborn', 1));
    expect((await launcher.status(handle)).type).toBe('Running');
    const log = join(logDir, 'stubborn-a3-r0.log');
    await waitFor(() => readFileSync(log, 'utf8').includes('ready'), 10_000, 'the handler to be installed');
    await launcher.terminate(handle);
    expect(readFileSync(log, 'utf8')).toContain('ignored'); // it got the SIGTERM first
    expect(await launcher.status(handle)).toMatchObject({ type: 'Failed', message: 'rank 0 exited with SIGKILL' });
    await launcher.terminate(handle); // safe on a stopped handle
  });

  it('lets a new launcher (a restarted coordinator) see and stop workers it did not start', async () => {
    const first = new LocalLauncher({ command: node('setInterval(()=>{},1000)'), logDir });
    const handle = await first.launch(request('adopted'));
    const second = new LocalLauncher({ graceMs: 500 });
    expect(await second.status(handle)).toMatchObject({ type: 'Running', reason: 'ProcessesAlive' });
    await second.terminate(handle);
    await waitFor(async () => (await second.status(handle)).type === 'Failed', 5000);
    expect(await second.status(handle)).toMatchObject({ reason: 'ProcessGone' });
  });

  it('returns the same handle when the same attempt is launched twice', async () => {
    const launcher = new LocalLauncher({ command: node('setInterval(()=>{},1000)'), logDir });
    const a = await launcher.launch(request('twice', 1));
    const b = await launcher.launch(request('twice', 1));
    expect(b).toEqual(a);
    await launcher.terminateAll();
    expect((await launcher.status(a)).type).toBe('Failed');
  });
});

describe('launcher registry', () => {
  it('builds local launchers by name and names the known ones on a typo', async () => {
    expect(launcherNames()).toEqual(expect.arrayContaining(['kubernetes', 'local']));
    expect((await createLauncher('local')).name).toBe('local');
    const err = await createLauncher('slurm').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownLauncherError);
    expect((err as Error).message).toContain('known: kubernetes, local');
  });
});
