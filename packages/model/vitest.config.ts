import { defineConfig } from 'vitest/config';

// Backend for the whole suite: GRUGAN_BACKEND=cpu|wasm|tensorflow, 'cpu' when unset (see test-setup.ts).
export default defineConfig({
  test: {
    setupFiles: ['./test-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One worker: the suite is CPU-bound and tfjs holds a process-wide engine.
    pool: 'forks',
    maxWorkers: 1,
  },
});
