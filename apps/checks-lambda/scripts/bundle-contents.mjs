#!/usr/bin/env node
// What each package adds to the Lambda's code, from esbuild's metafile (a bench/ figure, never a test
// assertion). Build it first: EKS_KIT_METAFILE=1 pnpm build (writes dist/metafile-esm.json).
// Usage: node scripts/bundle-contents.mjs [rows=25] [--files] [--all] [--metafile=<path>]
//   By default: what a cold start loads, index.mjs and the chunks it imports statically (transitively;
//   the build is split, issue 21); --all: every output of the build (the checks' code, the SDK's lazy files).
import { existsSync, readFileSync } from 'node:fs';

const metafileArg = process.argv.find((a) => a.startsWith('--metafile='))?.slice('--metafile='.length);
const file = metafileArg ?? new URL('../dist/metafile-esm.json', import.meta.url);
if (!existsSync(file)) {
  console.error('no dist/metafile-esm.json: run EKS_KIT_METAFILE=1 pnpm build first');
  process.exit(1);
}
const rows = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 25);
const byFile = process.argv.includes('--files');
const all = process.argv.includes('--all');
const meta = JSON.parse(readFileSync(file, 'utf8'));
const [entry] = Object.keys(meta.outputs).filter(
  (name) => name.endsWith('/index.mjs') || name === 'index.mjs',
);
if (!entry) {
  console.error('no index.mjs among the metafile outputs');
  process.exit(1);
}

/** The outputs a cold start loads: index.mjs and what it imports statically, transitively. */
function importClosure(start) {
  const seen = new Set();
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.pop();
    if (seen.has(name) || !meta.outputs[name]) continue;
    seen.add(name);
    for (const i of meta.outputs[name].imports ?? []) if (i.kind === 'import-statement') queue.push(i.path);
  }
  return [...seen];
}
const outputs = all
  ? Object.keys(meta.outputs).filter((name) => name.endsWith('.mjs'))
  : importClosure(entry);

/** The package an input belongs to (`@scope/name`, or `@eks-kit/<dir>` for the workspace's own). */
function packageOf(path) {
  const inModules = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)(?!.*node_modules\/)/);
  if (inModules) return inModules[1];
  const workspace = path.match(/(?:^|\/)(?:packages|apps)\/([^/]+)\//);
  return workspace ? `@eks-kit/${workspace[1]}` : path;
}

const sizes = new Map();
let total = 0;
for (const name of outputs) {
  const output = meta.outputs[name];
  total += output.bytes;
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const key = byFile ? path.replace(/.*node_modules\//, '') : packageOf(path);
    sizes.set(key, (sizes.get(key) ?? 0) + bytesInOutput);
  }
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(
  all
    ? `every file of the build (${outputs.length}): ${kib(total)}`
    : `loaded at import (index.mjs + ${outputs.length - 1} chunks): ${kib(total)} (goal <= 1024 KiB)`,
);
for (const [name, bytes] of [...sizes].sort((a, b) => b[1] - a[1]).slice(0, rows))
  console.log(`${kib(bytes).padStart(10)}  ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${name}`);
