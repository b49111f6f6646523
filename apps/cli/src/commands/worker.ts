/**
 * `grugan worker`: runs one data-parallel rank of a trial. Launchers start it with the trial's
 * identity in the environment (`GRUGAN_TRIAL_ID`, `GRUGAN_RANK`, `GRUGAN_WORLD_SIZE`,
 * `GRUGAN_ATTEMPT`, `NATS_URL`); it is not meant to be typed by hand.
 */
import { Command } from 'commander';
import { WorkerEnvError, runWorkerProcess } from '@grugan/worker';

export function workerCommand(): Command {
  return new Command('worker')
    .description('run one worker rank of a trial (identity from GRUGAN_* and NATS_URL environment variables)')
    .action(async () => {
      let code: number;
      try {
        code = await runWorkerProcess(process.env);
      } catch (err) {
        if (!(err instanceof WorkerEnvError)) throw err;
        process.stderr.write(`grugan worker: ${err.message}\n`);
        code = 2;
      }
      process.exitCode = code;
      // A backend or socket left open must not keep a finished worker alive: the launcher
      // reads the exit code. The timer is unref'd, so a clean exit happens earlier.
      setTimeout(() => process.exit(code), 2000).unref();
    });
}
