import { defineConfig } from 'tsup';

export default defineConfig({
  // clients-entry.ts: @eks-kit/core/clients, the checks Lambda's load-time entry (issue 21).
  entry: { index: 'src/index.ts', clients: 'src/clients-entry.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
