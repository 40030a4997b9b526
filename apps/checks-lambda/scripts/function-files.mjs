// The checks function's code files in dist/ (what the deploy step zips), and which of them a cold start
// imports before the handler runs. Used by deploy.mjs, bundle-size.mjs, bench/ and the tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The function's files: every `.mjs` at the top of `distDir`: `index.mjs` (the handler), the chunks it
 * imports, `run-checks-*.mjs` (the checks' code, imported at the first invocation) and the chunks only
 * that one imports, and `stack-loader.mjs` (only for a stack to validate again). Not `tools/`.
 *
 * @example
 * functionFiles('apps/checks-lambda/dist'); // ['chunk-AB12.mjs', 'index.mjs', 'run-checks-CD34.mjs', 'stack-loader.mjs', ...]
 */
export function functionFiles(distDir) {
  return readdirSync(distDir)
    .filter((name) => name.endsWith('.mjs'))
    .sort();
}

/** The relative files a module imports statically (`import ... from "./x.mjs"`, `import "./x.mjs"`), not `import()`. */
export function staticImportsOf(text) {
  const found = new Set();
  for (const m of text.matchAll(
    /(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{},\s]*?from\s*)?["'](\.\/[^"']+)["']/g,
  ))
    found.add(m[1].slice(2));
  return [...found];
}

/** The relative files a module loads on demand (`import("./x.mjs")`). */
export function dynamicImportsOf(text) {
  return [
    ...new Set([...text.matchAll(/\bimport\(\s*["'](\.\/[^"']+)["']\s*\)/g)].map((m) => m[1].slice(2))),
  ];
}

/**
 * The files a cold start loads before the handler can run: `entry` and every file it imports statically,
 * transitively (the files it imports with `import()` are loaded later, when the code that needs them runs).
 *
 * @example
 * importClosure('apps/checks-lambda/dist'); // ['index.mjs', 'chunk-AB12.mjs', ...]
 */
export function importClosure(distDir, entry = 'index.mjs') {
  const seen = new Set();
  const queue = [entry];
  while (queue.length > 0) {
    const name = queue.pop();
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...staticImportsOf(readFileSync(join(distDir, name), 'utf8')));
  }
  return [...seen];
}
