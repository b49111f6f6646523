import { defineConfig } from 'vitest/config';

// End-to-end tests start real processes and servers: generous timeouts, one file at a time
// so that two suites never fight over the machine's two cores or a port.
export default defineConfig({
  test: {
    testTimeout: 240_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
