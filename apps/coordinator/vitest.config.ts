import { defineConfig } from 'vitest/config';

// Tests talk to a real NATS server and start real worker processes: allow for a busy machine,
// and run files one at a time so they do not fight over the two CPU cores.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    fileParallelism: false,
  },
});
