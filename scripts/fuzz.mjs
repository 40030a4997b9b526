#!/usr/bin/env node
/**
 * `pnpm fuzz`: the fuzz-*.test.ts files of tests/reliability with many more runs than `pnpm test`
 * gives them (same fixed seed, so a longer run extends the CI run's inputs). For occasional use, not CI.
 *
 *   pnpm fuzz                      # EKS_KIT_FUZZ_RUNS=20000 (or the value already set)
 *   EKS_KIT_FUZZ_RUNS=100000 pnpm fuzz
 *   pnpm fuzz fuzz-stack-loader    # only the files whose name contains this
 *
 * The packages under test must be built (`pnpm build`); this script builds nothing.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suite = join(root, 'tests/reliability');
const filter = process.argv[2] ?? '';
const files = readdirSync(join(suite, 'test'))
  .filter((name) => /^fuzz-.*\.test\.ts$/.test(name) && name.includes(filter))
  .sort()
  .map((name) => `test/${name}`);
if (files.length === 0) {
  console.error(`no tests/reliability/test/fuzz-*.test.ts file matches ${JSON.stringify(filter)}`);
  process.exit(64);
}
const runs = process.env.EKS_KIT_FUZZ_RUNS || '20000';
console.log(`fuzz: ${files.length} file(s), EKS_KIT_FUZZ_RUNS=${runs} per property: ${files.join(', ')}`);
const result = spawnSync('pnpm', ['exec', 'vitest', 'run', ...files], {
  cwd: suite,
  stdio: 'inherit',
  env: { ...process.env, EKS_KIT_FUZZ_RUNS: runs },
});
process.exit(result.status ?? 1);
