// Bundle sizes of the CLI (entry + lazily loaded chunks) and of the Lambda (one file; goal <= 1 MiB).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { kib } from './util.mjs';

function jsFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /\.(m?js)$/.test(f))
    .map((f) => join(dir, f));
}

export async function run({ root }) {
  const rows = [];
  const figures = {};
  const cliDir = join(root, 'apps/cli/dist');
  if (existsSync(cliDir)) {
    const files = jsFiles(cliDir);
    const entry = join(cliDir, 'eks-kit.js');
    const total = files.reduce((n, f) => n + statSync(f).size, 0);
    const gz = files.reduce((n, f) => n + gzipSync(readFileSync(f)).length, 0);
    figures.cli = { entryBytes: statSync(entry).size, totalBytes: total, gzipBytes: gz, files: files.length };
    rows.push({
      bundle: 'CLI entry (eks-kit.js)',
      size: kib(statSync(entry).size),
      gzip: kib(gzipSync(readFileSync(entry)).length),
      files: 1,
    });
    rows.push({ bundle: 'CLI total (entry + chunks)', size: kib(total), gzip: kib(gz), files: files.length });
  }
  const lambda = join(root, 'apps/checks-lambda/dist/index.mjs');
  if (existsSync(lambda)) {
    const size = statSync(lambda).size;
    const gz = gzipSync(readFileSync(lambda)).length;
    figures.lambda = { bytes: size, gzipBytes: gz, goalBytes: 1024 * 1024 };
    rows.push({ bundle: 'Lambda (index.mjs)', size: kib(size), gzip: kib(gz), files: 1 });
  }
  if (rows.length === 0) throw new Error('nothing built: run pnpm build');
  return { rows, ...figures };
}
