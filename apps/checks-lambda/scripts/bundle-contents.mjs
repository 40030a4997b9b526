#!/usr/bin/env node
// What each package adds to the Lambda bundle, from esbuild's metafile (a bench/ figure, never a test
// assertion). Build it first: EKS_KIT_METAFILE=1 pnpm build (writes dist/metafile-esm.json).
// Usage: node scripts/bundle-contents.mjs [rows=25] [--files]
import { existsSync, readFileSync } from 'node:fs';

const file = new URL('../dist/metafile-esm.json', import.meta.url);
if (!existsSync(file)) {
  console.error('no dist/metafile-esm.json: run EKS_KIT_METAFILE=1 pnpm build first');
  process.exit(1);
}
const rows = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 25);
const byFile = process.argv.includes('--files');
const meta = JSON.parse(readFileSync(file, 'utf8'));
const [, output] = Object.entries(meta.outputs).find(([name]) => name.endsWith('index.mjs'));

/** The package an input belongs to (`@scope/name`, or `@eks-kit/<dir>` for the workspace's own). */
function packageOf(path) {
  const inModules = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)(?!.*node_modules\/)/);
  if (inModules) return inModules[1];
  const workspace = path.match(/(?:^|\/)(?:packages|apps)\/([^/]+)\//);
  return workspace ? `@eks-kit/${workspace[1]}` : path;
}

const sizes = new Map();
for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
  const key = byFile ? path.replace(/.*node_modules\//, '') : packageOf(path);
  sizes.set(key, (sizes.get(key) ?? 0) + bytesInOutput);
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`dist/index.mjs: ${kib(output.bytes)} (goal <= 1024 KiB)`);
for (const [name, bytes] of [...sizes].sort((a, b) => b[1] - a[1]).slice(0, rows))
  console.log(
    `${kib(bytes).padStart(10)}  ${((100 * bytes) / output.bytes).toFixed(1).padStart(5)}%  ${name}`,
  );
