#!/usr/bin/env node
// Prints one closing line for the whole monorepo, "Tests: N passed, N failed, N skipped", from the JSON
// report each workspace's vitest run writes (.test-results.json). Exits 1 if a workspace has failures or
// if a workspace with tests wrote no report (a suite that silently ran nothing must not look green).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const workspaces = ['packages', 'apps', 'tests', 'tools'].flatMap((dir) =>
  existsSync(join(root, dir)) ? readdirSync(join(root, dir)).map((name) => join(root, dir, name)) : [],
);
let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;
const rows = [];
for (const ws of workspaces) {
  const pkgFile = join(ws, 'package.json');
  if (!existsSync(pkgFile)) continue;
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  if (!pkg.scripts?.test) continue;
  const report = join(ws, '.test-results.json');
  if (!existsSync(report)) {
    missing++;
    rows.push(`  ${pkg.name}: no test report`);
    continue;
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  rows.push(
    `  ${pkg.name}: ${r.numPassedTests} passed, ${r.numFailedTests} failed in ${r.numTotalTestSuites ?? '?'} suites`,
  );
}
console.log(rows.join('\n'));
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || missing > 0 || passed === 0) process.exit(1);
