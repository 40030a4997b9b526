#!/usr/bin/env node
// Where the Lambda bundle's import time goes, beside the floor bundle of bench/cases/lambda-init.mjs
// (the same SDK clients and nothing else): `node --cpu-prof` of `await import(file)`, interleaved
// rounds, median per bucket. A bench/ figure for docs/PERFORMANCE.md, never a test assertion.
// Usage: node scripts/import-profile.mjs <floor index.mjs> [lambda=dist/index.mjs] [rounds=11]
//   (bench/run.mjs --only lambda-init leaves the floors in $TMPDIR/eks-kit-floor-*/floor.bundle/index.mjs
//   and floor-commands.bundle/index.mjs: the clients, and the clients with the commands the function sends)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const [floorArg, lambdaArg = new URL('../dist/index.mjs', import.meta.url).pathname, roundsArg = '11'] =
  process.argv.slice(2);
if (!floorArg) {
  console.error('usage: node scripts/import-profile.mjs <floor.bundle.mjs> [lambda.mjs] [rounds]');
  process.exit(64);
}
const files = { floor: resolve(floorArg), lambda: resolve(lambdaArg) };
const rounds = Number(roundsArg);

/** One profiled import: milliseconds per bucket. */
function profile(file) {
  const dir = mkdtempSync(join(tmpdir(), 'eks-kit-prof-'));
  execFileSync(process.execPath, [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
    '--cpu-prof-interval=200',
    '--input-type=module',
    '-e',
    `await import(${JSON.stringify(file)})`,
  ]);
  const [name] = readdirSync(dir);
  const p = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  rmSync(dir, { recursive: true });
  const self = new Map();
  for (let i = 0; i < p.samples.length; i++)
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  const out = { compile: 0, evaluate: 0, gc: 0, other: 0, total: 0 };
  for (const node of p.nodes) {
    const ms = self.get(node.id) ?? 0;
    const { functionName, url } = node.callFrame;
    out.total += ms;
    if (functionName === 'compileSourceTextModule') out.compile += ms;
    // Code of the bundle's own files (its entry and the chunks it imports), run at import.
    else if (url.startsWith(`file://${dirname(file)}/`)) out.evaluate += ms;
    else if (functionName === '(garbage collector)') out.gc += ms;
    else out.other += ms;
  }
  return out;
}

const runs = { floor: [], lambda: [] };
for (let r = 0; r < rounds; r++) for (const k of Object.keys(files)) runs[k].push(profile(files[k]));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = ['compile', 'evaluate', 'gc', 'other', 'total'].map((bucket) => {
  const f = median(runs.floor.map((x) => x[bucket]));
  const l = median(runs.lambda.map((x) => x[bucket]));
  return { bucket, floor: f, lambda: l, extra: l - f };
});
const kib = (f) => `${(statSync(f).size / 1024).toFixed(1)} KiB`;
console.log(`floor ${kib(files.floor)}, Lambda ${kib(files.lambda)}; ${rounds} rounds, median ms per bucket`);
console.log('| bucket | floor | Lambda | Lambda - floor |\n| --- | ---: | ---: | ---: |');
for (const r of rows)
  console.log(`| ${r.bucket} | ${r.floor.toFixed(1)} | ${r.lambda.toFixed(1)} | ${r.extra.toFixed(1)} |`);
