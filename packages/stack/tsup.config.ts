import { defineConfig } from 'tsup';

export default defineConfig({
  // stored.ts: the checks Lambda's load-time entry (package.json exports ./stored).
  entry: ['src/index.ts', 'src/stored.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
