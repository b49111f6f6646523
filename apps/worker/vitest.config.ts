import { defineConfig } from 'vitest/config';

// Worker tests start private nats-servers and, for the training tests, real worker processes.
export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    testTimeout: 240_000,
    hookTimeout: 30_000,
  },
});
