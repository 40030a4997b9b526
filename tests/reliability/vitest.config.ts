import { defineConfig } from 'vitest/config';

// The suite mostly waits (SDK retry backoff under throttling, child processes), it does not compute:
// four files at a time keep the wall time down on a 2-core machine without loading the CPUs.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, maxWorkers: 4 },
});
