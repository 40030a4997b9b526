// Bundle sizes of the CLI (entry + lazily loaded chunks) and of the Lambda (index.mjs, goal <= 1 MiB, and the
// stack-loader.mjs it loads only for a stack to validate again).
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
    rows.push({
      bundle: 'Lambda (index.mjs, loaded at every cold start)',
      size: kib(size),
      gzip: kib(gz),
      files: 1,
    });
    // Issue 21: the stack validator and YAML reader, a second file of the function's code that index.mjs
    // imports only for a stack the deploy step did not validate as it is (edited by hand, or YAML).
    const loader = join(root, 'apps/checks-lambda/dist/stack-loader.mjs');
    if (existsSync(loader)) {
      const lSize = statSync(loader).size;
      const lGz = gzipSync(readFileSync(loader)).length;
      figures.lambdaLoader = { bytes: lSize, gzipBytes: lGz };
      rows.push({
        bundle: 'Lambda stack-loader.mjs (only for an edited or YAML stack)',
        size: kib(lSize),
        gzip: kib(lGz),
        files: 1,
      });
      rows.push({
        bundle: 'Lambda code (both files)',
        size: kib(size + lSize),
        gzip: kib(gz + lGz),
        files: 2,
      });
    }
  }
  if (rows.length === 0) throw new Error('nothing built: run pnpm build');
  return { rows, ...figures };
}
