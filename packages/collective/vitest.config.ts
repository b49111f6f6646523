import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Specs start servers and worker threads; running them one file at a time keeps a small
    // machine responsive and heartbeats on time.
    fileParallelism: false,
  },
});
