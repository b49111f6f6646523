import { defineConfig } from 'vitest/config';

// The tests run the real CLI as child processes (TF.js start-up, a few training steps each).
export default defineConfig({
  test: {
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
