// Bundle sizes of the CLI (entry + lazily loaded chunks) and of the Lambda (index.mjs, goal <= 1 MiB, and the
// stack-loader.mjs it loads only for a stack to validate again).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
  const lambdaDir = join(root, 'apps/checks-lambda/dist');
  if (existsSync(join(lambdaDir, 'index.mjs'))) {
    // The function's code (issue 21): what a cold start imports (index.mjs and the chunks it imports:
    // the SDK clients, the handler, Powertools), the checks' code imported at the first invocation
    // (run-checks-*.mjs and the chunks only it imports), and stack-loader.mjs (only for a stack to
    // validate again: edited by hand, or YAML). apps/checks-lambda/scripts/function-files.mjs.
    const { functionFiles, importClosure } = await import(
      pathToFileURL(join(root, 'apps/checks-lambda/scripts/function-files.mjs')).href
    );
    const measure = (files) => {
      const text = Buffer.concat(files.map((f) => readFileSync(join(lambdaDir, f))));
      return { bytes: text.length, gzipBytes: gzipSync(text).length, files: files.length };
    };
    const all = functionFiles(lambdaDir);
    const atImport = importClosure(lambdaDir);
    const checks = importClosure(
      lambdaDir,
      all.find((f) => /^run-checks-.*\.mjs$/.test(f)),
    ).filter((f) => !atImport.includes(f));
    const parts = [
      ['lambda', 'Lambda at import (index.mjs + its chunks, every cold start)', atImport],
      ['lambdaChecks', "Lambda checks' code (at the first invocation)", checks],
      ['lambdaLoader', 'Lambda stack-loader.mjs (only for an edited or YAML stack)', ['stack-loader.mjs']],
      ['lambdaAll', 'Lambda code (every file)', all],
    ];
    for (const [key, label, files] of parts) {
      const m = measure(files);
      figures[key] = key === 'lambda' ? { ...m, goalBytes: 1024 * 1024 } : m;
      rows.push({ bundle: label, size: kib(m.bytes), gzip: kib(m.gzipBytes), files: m.files });
    }
  }
  if (rows.length === 0) throw new Error('nothing built: run pnpm build');
  return { rows, ...figures };
}
