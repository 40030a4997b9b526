import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Timeouts only guard against hangs on a loaded 2-core machine; speed is measured in bench/, never asserted.
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 60_000 },
});
